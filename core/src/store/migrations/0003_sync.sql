-- Version 3: identity, pairing, sharing and the sync engine's bookkeeping. All of it is local:
-- none of these tables is ever synced, and they live inside the SQLCipher file.

-- This device's keys (Ed25519 + X25519), made at first open.
CREATE TABLE identity (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    secret       BLOB NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);

-- Who a document belongs to (NULL: this device's person) and what this device may do with it.
ALTER TABLE documents ADD COLUMN owner BLOB;
ALTER TABLE documents ADD COLUMN access TEXT NOT NULL DEFAULT 'owner';
-- For a mentor's notes document: the person it is kept for.
ALTER TABLE documents ADD COLUMN peer BLOB;

-- Invites this device has shown; each works once.
CREATE TABLE invites (
    invite_id  BLOB PRIMARY KEY,
    secret     BLOB NOT NULL,
    relay      TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;

-- Devices this one knows: paired peers (both directions), pairings waiting for the owner's
-- decision or for the reply, and writers of shared documents met through a grant.
CREATE TABLE peers (
    peer_id        BLOB PRIMARY KEY,
    public_keys    BLOB NOT NULL,
    display_name   TEXT NOT NULL,
    state          TEXT NOT NULL,
    invite_id      BLOB,
    invite_secret  BLOB,
    relay          TEXT,
    channel_stream BLOB,
    channel_key    BLOB,
    created_at     INTEGER NOT NULL,
    paired_at      INTEGER
) WITHOUT ROWID;

-- Consent records: one row per grant; revoking or expiring closes the row, never deletes it.
CREATE TABLE shares (
    share_id   INTEGER PRIMARY KEY,
    doc_id     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    peer_id    BLOB NOT NULL,
    access     TEXT NOT NULL CHECK (access IN ('read', 'write')),
    purpose    TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    expires_at INTEGER,
    ended_at   INTEGER,
    end_reason TEXT
);
CREATE INDEX shares_by_doc ON shares (doc_id) WHERE ended_at IS NULL;

-- Every stream this device reads or writes: one per shared document per epoch, and one
-- channel per paired peer. `cursor`: every relay position up to it has been processed.
CREATE TABLE streams (
    stream_id BLOB PRIMARY KEY,
    doc_id    TEXT,
    peer_id   BLOB,
    epoch     INTEGER NOT NULL,
    key       BLOB NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1,
    cursor    INTEGER NOT NULL DEFAULT 0,
    next_seq  INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

-- Per sender per stream: the next sequence number expected.
CREATE TABLE stream_senders (
    stream_id BLOB NOT NULL,
    sender    BLOB NOT NULL,
    next_seq  INTEGER NOT NULL,
    PRIMARY KEY (stream_id, sender)
) WITHOUT ROWID;

-- Who may write a document owned by someone else (from the owner): `current` in this epoch;
-- earlier writers are kept, as their changes may still be passed on by others.
CREATE TABLE doc_writers (
    doc_id  TEXT NOT NULL,
    writer  BLOB NOT NULL,
    current INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (doc_id, writer)
) WITHOUT ROWID;

-- Local changes of a shared document, written in the same transaction as the change itself,
-- waiting to be sealed into an envelope.
CREATE TABLE outbox_changes (
    id     INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    bytes  BLOB NOT NULL
);

-- Sealed envelopes waiting for the relay's acknowledgement. Retries send the same bytes.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    stream_id  BLOB NOT NULL,
    seq        INTEGER NOT NULL,
    doc_id     TEXT,
    -- Set for a grant's snapshot sent over one peer's channel: the disclosure goes to them.
    peer_id    BLOB,
    changes    INTEGER NOT NULL,
    envelope   BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

-- Pairing messages for relay mailboxes, and the mailboxes this device watches.
CREATE TABLE mailbox_out (
    id      INTEGER PRIMARY KEY,
    mailbox BLOB NOT NULL,
    bytes   BLOB NOT NULL
);
CREATE TABLE mailbox_watch (
    mailbox   BLOB PRIMARY KEY,
    invite_id BLOB NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('join', 'reply')),
    cursor    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- One row per batch sent to a peer: what, to whom, when, how many changes.
CREATE TABLE disclosure_log (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    doc_id   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    peer_id  BLOB NOT NULL,
    changes  INTEGER NOT NULL,
    bytes    INTEGER NOT NULL,
    what     TEXT NOT NULL
);

-- Counters of refused envelopes, by reason. Never the bytes.
CREATE TABLE rejections (
    reason TEXT PRIMARY KEY,
    count  INTEGER NOT NULL
) WITHOUT ROWID;
