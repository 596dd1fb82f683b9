-- Version 18: document chunks in a rowid table (issue 19, ADR 0021). Local only.
-- In a WITHOUT ROWID table the whole row is the B-tree's key, so a key comparison against a
-- row that spills to overflow pages reads the row in full: finding a document's last chunk
-- (every open checks the home screen's read model against it) or placing a new one read the
-- document's snapshot, which grows with the years of history. Here the rows live in a rowid
-- table and the (doc_id, seq) key in its own small index: a seek reads index pages only.
CREATE TABLE doc_chunks_by_rowid (
    doc_id      TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    is_snapshot INTEGER NOT NULL CHECK (is_snapshot IN (0, 1)),
    bytes       BLOB NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
INSERT INTO doc_chunks_by_rowid (doc_id, seq, is_snapshot, bytes)
    SELECT doc_id, seq, is_snapshot, bytes FROM doc_chunks ORDER BY doc_id, seq;
DROP TABLE doc_chunks;
ALTER TABLE doc_chunks_by_rowid RENAME TO doc_chunks;
