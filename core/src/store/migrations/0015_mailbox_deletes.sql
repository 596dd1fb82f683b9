-- Version 15: pairing mailboxes this device is done with, to be deleted on the relay (issue 20
-- item 7, ADR 0020). Local only. A row goes once the relay confirmed the delete.
CREATE TABLE mailbox_deletes (
    mailbox BLOB PRIMARY KEY CHECK (length(mailbox) = 16)
) WITHOUT ROWID;
