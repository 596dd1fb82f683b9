-- Version 12 (ADR 0022): only writers append; stream ids certified by their tokens. Local only.

-- A stream's append token, held only by a device that may write it (a writer's grant carries
-- it; a channel's comes from its key), and its hash, which readers register the stream with.
-- Both NULL for a stream made before this version: its tokens still come from the document key
-- and its random id, so any keyholder can append to it until the next epoch replaces it.
ALTER TABLE streams ADD COLUMN append_token BLOB
    CHECK (append_token IS NULL OR length(append_token) = 32);
ALTER TABLE streams ADD COLUMN append_hash BLOB
    CHECK (append_hash IS NULL OR length(append_hash) = 32);

-- Every document this store shares moves to a new epoch at the next sync, whose stream readers
-- cannot append to: the old streams' append tokens are known to every reader.
INSERT OR IGNORE INTO pending_rotations (doc_id)
    SELECT DISTINCT doc_id FROM shares WHERE ended_at IS NULL;

-- Document ids scoped by owner: a document another owner granted under an id this device
-- already holds (its own, or another owner's) is kept under a local id of its own; every later
-- message from that owner naming the id means the local one. A peer who learns an id can no
-- longer take the place of, or shut out, the document it names.
CREATE TABLE doc_aliases (
    owner     BLOB NOT NULL CHECK (length(owner) = 16),
    remote_id TEXT NOT NULL CHECK (length(remote_id) = 32),
    local_id  TEXT NOT NULL UNIQUE CHECK (length(local_id) = 32),
    PRIMARY KEY (owner, remote_id)
) WITHOUT ROWID;
