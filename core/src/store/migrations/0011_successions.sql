-- Version 11: which device took which device's place, as this device accepted it (a successor
-- statement, ADR 0010 and 0012) or made it (a restore, a takeover). A peer circle's copies
-- believe its host's line — the device that owns it now and every device it succeeded — so a
-- circle outlives its host's lost phone (ADR 0019). Local only.
CREATE TABLE successions (
    old BLOB PRIMARY KEY,
    new BLOB NOT NULL
) WITHOUT ROWID;

CREATE INDEX successions_new ON successions (new);
