-- Version 11: the home screen's read model (ADR 0021). Local only, never backed up or synced:
-- everything here is derived from the person's documents and rebuilt from them whenever it is
-- not in step.

-- One row per part of the home screen ('ladder', 'journal', 'meetings'): its inputs, encoded
-- by the code version named in `home_model_sources.version`.
CREATE TABLE home_model (
    part TEXT PRIMARY KEY CHECK (part IN ('ladder', 'journal', 'meetings')),
    body BLOB NOT NULL
) WITHOUT ROWID;

-- For each document kind the parts derive from: the document and its last chunk's seq as of
-- the last write of the parts that depend on it. A part is in step only while every one of its
-- documents still has that id and that last seq, and the version is this code's.
CREATE TABLE home_model_sources (
    kind    TEXT PRIMARY KEY CHECK (kind IN ('plan', 'contacts', 'journal', 'schedule')),
    doc_id  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    version INTEGER NOT NULL
) WITHOUT ROWID;
