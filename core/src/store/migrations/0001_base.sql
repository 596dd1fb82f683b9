-- Version 1: the documents and their stored chunks.
CREATE TABLE documents (
    doc_id     TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    actor      BLOB NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A document is a snapshot plus the incremental changes appended after it, in chunk_id order.
CREATE TABLE doc_chunks (
    chunk_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id      TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    is_snapshot INTEGER NOT NULL CHECK (is_snapshot IN (0, 1)),
    bytes       BLOB NOT NULL
);
CREATE INDEX doc_chunks_by_doc ON doc_chunks(doc_id, chunk_id);
