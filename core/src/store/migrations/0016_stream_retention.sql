-- Version 16: retention and forget on the relay (issue 20 item 5, ADR 0023). Local only.
-- owner_state, for a document stream this device made: 0 its owner right is still to be
-- claimed on the relay, 1 claimed, 2 the relay holds another claim (not ours: left alone),
-- 3 retired after it was claimed: to be deleted on the relay. NULL for every other stream
-- (a channel, someone else's document) and once the delete is done.
ALTER TABLE streams ADD COLUMN owner_state INTEGER CHECK (owner_state IN (0, 1, 2, 3));
-- The owner: records up to here are trimmed on the relay.
ALTER TABLE streams ADD COLUMN trimmed INTEGER NOT NULL DEFAULT 0;
-- A reader: the position it last told the owner it had read through, and when.
ALTER TABLE streams ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;
ALTER TABLE streams ADD COLUMN reported_at INTEGER;

-- The owner: the cursor when the latest backup was exported (what a phone restored from it
-- reads the relay after, ADR 0010), so never trimmed past; NULL for a stream in no backup.
ALTER TABLE streams ADD COLUMN backed_up INTEGER;

-- The owner: how far each member has read its current stream (their `read_through`).
CREATE TABLE stream_reads (
    stream_id BLOB NOT NULL,
    peer_id   BLOB NOT NULL,
    through   INTEGER NOT NULL,
    PRIMARY KEY (stream_id, peer_id)
) WITHOUT ROWID;

-- Streams this device made before this version are claimed at the next sync. A backup made
-- before it may hold them: none is trimmed until the next backup says how far.
UPDATE streams SET owner_state = 0, backed_up = 0
WHERE active = 1 AND doc_id IS NOT NULL AND append_token IS NOT NULL
  AND doc_id IN (SELECT doc_id FROM documents WHERE owner IS NULL);
