-- Version 1: the documents and their stored chunks.
CREATE TABLE documents (
    doc_id     TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    actor      BLOB NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A document is a snapshot plus the incremental changes appended after it, in seq order.
-- One B-tree keyed by (doc_id, seq): appending a change writes one row and nothing else.
CREATE TABLE doc_chunks (
    doc_id      TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    is_snapshot INTEGER NOT NULL CHECK (is_snapshot IN (0, 1)),
    bytes       BLOB NOT NULL,
    PRIMARY KEY (doc_id, seq)
) WITHOUT ROWID;
