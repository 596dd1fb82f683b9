-- Version 7: the person's own devices, linked to each other (ADR 0012).

-- Another device of this store's person, linked by a link invite (not a mentor or a peer
-- supporter): 'device' if this device linked it (and shares the person's documents with it),
-- 'origin' if this device was linked to it (its documents are the person's). NULL otherwise.
ALTER TABLE peers ADD COLUMN link TEXT CHECK (link IS NULL OR link IN ('device', 'origin'));

-- 1: this invite links one of the person's own devices.
ALTER TABLE invites ADD COLUMN link INTEGER NOT NULL DEFAULT 0 CHECK (link IN (0, 1));

-- 1: the person's own document of its kind, received from the linked device that made it;
-- it stands where this device's own document of that kind stood.
ALTER TABLE documents ADD COLUMN adopted INTEGER NOT NULL DEFAULT 0 CHECK (adopted IN (0, 1));

-- The person's recovery identity (ADR 0010): a key pair whose only power is to name the device
-- that succeeds a lost one. Unlike this device's own keys it travels in every backup, with the
-- next sequence number it signs with on a channel.
CREATE TABLE recovery_identity (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    recovery_secret BLOB NOT NULL,
    next_seq        INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL
);

-- A paired person's recovery public keys, from their `recovery_key` message; and whether this
-- store's own recovery keys went out on the channel to them.
ALTER TABLE peers ADD COLUMN recovery_keys BLOB;
ALTER TABLE peers ADD COLUMN recovery_sent INTEGER NOT NULL DEFAULT 0
    CHECK (recovery_sent IN (0, 1));

-- Documents that start a new epoch at the next send: a peer named the device that succeeds
-- the one they were shared with, or this store was restored and succeeds a lost device.
CREATE TABLE pending_rotations (
    doc_id TEXT PRIMARY KEY
) WITHOUT ROWID;
