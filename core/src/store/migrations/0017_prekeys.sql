-- Version 17: rotating prekeys and timed epochs (issue 20 item 6, ADR 0026). Local only.

-- This device's prekeys: X25519 key pairs announced to every paired device, newest last. A
-- row's secret is deleted (secure_delete, then a WAL checkpoint) once no peer can still wrap a
-- key to it; the newest is always kept.
CREATE TABLE own_prekeys (
    public     BLOB PRIMARY KEY CHECK (length(public) = 32),
    secret     BLOB NOT NULL CHECK (length(secret) = 32),
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Per paired device: its newest verified prekey (NULL until it announces one: a device of an
-- older version never does), the newest of this device's prekeys it has acknowledged, and what
-- this device last told it (its own prekey, and which of the peer's it acknowledged), so an
-- announcement goes out only when one of them changes.
CREATE TABLE peer_prekeys (
    peer_id     BLOB PRIMARY KEY CHECK (length(peer_id) = 16),
    public      BLOB CHECK (length(public) = 32),
    signature   BLOB CHECK (length(signature) = 64),
    received_at INTEGER,
    seen        BLOB,
    announced   BLOB,
    acked       BLOB,
    -- The prekey pair (this device's ‖ the peer's) their channel was last re-keyed with.
    healed      BLOB
) WITHOUT ROWID;

-- When each stream's epoch began, so the owner can start a new one every so many days, and
-- which of a peer's channels is the newest (a re-keyed channel's predecessor is still read for
-- what was in flight). NULL for a stream made before this version: its age counts from the
-- first sync after it.
ALTER TABLE streams ADD COLUMN started_at INTEGER;
