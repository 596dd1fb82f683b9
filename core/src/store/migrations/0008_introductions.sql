-- Version 8: a person's linked devices introduced to the devices the person is paired with
-- (ADR 0012, "Peers learn of the person's devices").

-- On a device paired with a person: this peer is another device of that person (the key id of
-- the person's device that told this one), reached on a channel that device handed over. It is
-- not a pairing of its own: it gets what the person gets, and leaves when the person says so.
ALTER TABLE peers ADD COLUMN person BLOB;

-- On a linked device: this pairing was handed over by the device this one is linked to (its
-- key id); it is ended there, not here.
ALTER TABLE peers ADD COLUMN introduced_by BLOB;

-- On the device that linked others: the channel it made between each of its linked devices
-- and each device it is paired with, and what it last told each side, so a change (a device
-- removed, a pairing ended, an SOS contact linked) is told again and nothing twice.
CREATE TABLE introductions (
    device         BLOB NOT NULL,
    peer           BLOB NOT NULL,
    channel_stream BLOB NOT NULL,
    channel_key    BLOB NOT NULL,
    -- The introduction last sent to the device (its JSON), NULL before the first.
    told_device    TEXT,
    PRIMARY KEY (device, peer)
) WITHOUT ROWID;

-- On the device that linked others: the list of the person's devices last sent to this peer
-- (its JSON), NULL before the first.
ALTER TABLE peers ADD COLUMN devices_told TEXT;

-- On the device that linked others: what it last handed each linked device for taking over
-- should this device be lost (the recovery key's id and the shares in force, as JSON).
ALTER TABLE peers ADD COLUMN handover_told TEXT;

-- On a linked device: the shares in force on the device it is linked to, so it can keep them
-- if it takes that device's place (ADR 0012, "When the origin is the device that is lost").
CREATE TABLE handed_shares (
    doc_id     TEXT NOT NULL,
    peer       BLOB NOT NULL,
    access     TEXT NOT NULL CHECK (access IN ('read', 'write')),
    purpose    TEXT NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (doc_id, peer)
) WITHOUT ROWID;
