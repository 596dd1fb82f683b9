-- Version 14: authors' signatures over their changes (issue 20 item 3, ADR 0024). Local only.

-- The signature of a change another device wrote, kept by a device that may write the
-- document: after a new epoch it passes on the changes the owner's snapshot lacked, each with
-- its author's signature. A device's own changes are signed when they are sent, not kept.
-- Deleted with the document.
CREATE TABLE change_signatures (
    doc_id    TEXT NOT NULL,
    hash      BLOB NOT NULL CHECK (length(hash) = 32),
    signature BLOB NOT NULL CHECK (length(signature) = 64),
    PRIMARY KEY (doc_id, hash)
) WITHOUT ROWID;
