-- Version 9: peer circles (ADR 0019). All of it is local: none of these tables is synced.

-- The circle an invite asks its answerer to join (the circle document's id); NULL for other
-- invites.
ALTER TABLE invites ADD COLUMN circle TEXT;

-- 1: this device is paired with the peer only for peer circles (it hosts a circle the peer
-- joined, or the peer hosts one this device joined). Such a peer is not one of the person's
-- people: it is not listed with mentors and peer supporters, and none of the person's own
-- documents can be shared with it.
ALTER TABLE peers ADD COLUMN circle INTEGER NOT NULL DEFAULT 0 CHECK (circle IN (0, 1));

-- This device's own choices about a circle: muted (no notifications), left (asked to leave;
-- the circle is no longer listed while the host ends the share).
CREATE TABLE circle_settings (
    doc_id TEXT PRIMARY KEY,
    muted  INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    left_at INTEGER
) WITHOUT ROWID;

-- Messages this device's person hid for themselves only.
CREATE TABLE circle_hidden (
    doc_id     TEXT NOT NULL,
    message_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, message_id)
) WITHOUT ROWID;
