-- Version 19: the check-in's intent log (issue 19, ADR 0025 amended). Local only, never
-- synced or backed up (a backup folds it into the journal first).

-- Check-ins acknowledged to the person and not yet folded into the journal's Automerge
-- document, in the order they were recorded. `body` is the check-in (JSON); `sleep_bits`
-- its sleep hours as the f64's bits, because JSON does not carry every f64 exactly and the
-- fold must write what the person entered. `recorded_ms` is when the store acknowledged it:
-- the Automerge change made from it carries that time.
CREATE TABLE pending_check_ins (
    seq         INTEGER PRIMARY KEY,
    recorded_ms INTEGER NOT NULL,
    body        BLOB NOT NULL,
    sleep_bits  INTEGER
);
