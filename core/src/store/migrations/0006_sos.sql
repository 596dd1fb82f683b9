-- Version 6: requests for help through the encrypted channel (ADR 0013) and the mentor's
-- view. All local: none of these tables is ever synced.

-- Which paired device each ladder contact answers on, linked by the person in a calm moment.
CREATE TABLE sos_links (
    contact_id TEXT PRIMARY KEY,
    peer_id    BLOB NOT NULL
) WITHOUT ROWID;

-- Requests this device sent.
CREATE TABLE sos_sent (
    sos_id     TEXT PRIMARY KEY,
    text       TEXT,
    lat_e6     INTEGER,
    lon_e6     INTEGER,
    accuracy_m INTEGER,
    wait_ms    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('open', 'answered', 'exhausted', 'closed')),
    closed_at  INTEGER
) WITHOUT ROWID;

-- Each request's ladder, fixed when it was sent: who is asked, in order, and what they said.
-- `outbox_id` finds the rung when the relay acknowledges its envelope.
CREATE TABLE sos_rungs (
    sos_id      TEXT NOT NULL,
    idx         INTEGER NOT NULL,
    contact_id  TEXT NOT NULL,
    peer_id     BLOB NOT NULL,
    outbox_id   INTEGER,
    asked_at    INTEGER,
    relayed_at  INTEGER,
    reply       TEXT CHECK (reply IN ('calling', 'on_my_way', 'cant_now')),
    replied_at  INTEGER,
    PRIMARY KEY (sos_id, idx)
) WITHOUT ROWID;

-- Requests other people sent to this device.
CREATE TABLE sos_received (
    peer_id          BLOB NOT NULL,
    sos_id           TEXT NOT NULL,
    text             TEXT,
    lat_e6           INTEGER,
    lon_e6           INTEGER,
    accuracy_m       INTEGER,
    sent_at          INTEGER NOT NULL,
    received_at      INTEGER NOT NULL,
    rung             INTEGER NOT NULL,
    answer_within_ms INTEGER NOT NULL,
    reply            TEXT CHECK (reply IN ('calling', 'on_my_way', 'cant_now')),
    replied_at       INTEGER,
    closed_at        INTEGER,
    PRIMARY KEY (peer_id, sos_id)
) WITHOUT ROWID;

-- The mentor's own note on each person: never shared, never synced.
CREATE TABLE mentee_notes (
    peer_id    BLOB PRIMARY KEY,
    text       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- When an envelope from each paired device was last applied here.
CREATE TABLE peer_seen (
    peer_id BLOB PRIMARY KEY,
    at      INTEGER NOT NULL
) WITHOUT ROWID;
