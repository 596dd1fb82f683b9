//! The person's recovery identity (ADR 0010), what a successor statement moves from a lost
//! device to the one that succeeds it, and the documents waiting for a new epoch because of it.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::{DeviceIdentity, DevicePublicKeys, KeyId};
use crate::error::{Error, Result};

/// The recovery identity, if this store has made one.
pub fn load(conn: &Connection) -> Result<Option<DeviceIdentity>> {
    let secret: Option<Vec<u8>> = conn
        .query_row(
            "SELECT recovery_secret FROM recovery_identity WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    secret
        .map(|s| {
            DeviceIdentity::from_secret_bytes(&s)
                .map_err(|_| Error::invalid("recovery_identity", "is damaged"))
        })
        .transpose()
}

/// The recovery identity, made now if this store has none.
pub fn load_or_create(tx: &Transaction<'_>, now_ms: i64) -> Result<DeviceIdentity> {
    if let Some(identity) = load(tx)? {
        return Ok(identity);
    }
    let identity = DeviceIdentity::generate()
        .map_err(|_| Error::invalid("recovery_identity", "the system random generator failed"))?;
    tx.execute(
        "INSERT INTO recovery_identity (id, recovery_secret, created_at) VALUES (1, ?1, ?2)",
        params![&identity.to_secret_bytes()[..], now_ms],
    )?;
    Ok(identity)
}

/// The next sequence number the recovery identity signs with (on any channel; receivers take
/// any number above the last they saw from it).
pub fn take_seq(tx: &Transaction<'_>) -> Result<u64> {
    let seq: i64 = tx.query_row(
        "UPDATE recovery_identity SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq - 1",
        [],
        |r| r.get(0),
    )?;
    u64::try_from(seq).map_err(|_| Error::invalid("recovery_identity.next_seq", "is negative"))
}

/// After a restore: numbers from a backup may have been used since (by a device restored from
/// the same backup before), so they start above any number a clock-free device could reach.
pub fn skip_seq_to(tx: &Transaction<'_>, at_least: u64) -> Result<()> {
    tx.execute(
        "UPDATE recovery_identity SET next_seq = max(next_seq, ?1) WHERE id = 1",
        [i64::try_from(at_least).unwrap_or(i64::MAX)],
    )?;
    Ok(())
}

/// Records a paired person's recovery keys.
pub fn set_peer_recovery_keys(
    tx: &Transaction<'_>,
    peer: &KeyId,
    keys: &DevicePublicKeys,
) -> Result<()> {
    // Validated as written, not as read (`DevicePublicKeys::from_stored`).
    keys.validate()
        .map_err(|_| Error::invalid("peers.recovery_keys", "are invalid"))?;
    tx.execute(
        "UPDATE peers SET recovery_keys = ?2 WHERE peer_id = ?1",
        params![&peer.0[..], &keys.to_bytes()[..]],
    )?;
    Ok(())
}

/// The recovery keys of the person behind `peer`, if they sent them.
pub fn peer_recovery_keys(conn: &Connection, peer: &KeyId) -> Result<Option<DevicePublicKeys>> {
    let raw: Option<Option<Vec<u8>>> = conn
        .prepare_cached("SELECT recovery_keys FROM peers WHERE peer_id = ?1")?
        .query_row([&peer.0[..]], |r| r.get(0))
        .optional()?;
    Ok(raw
        .flatten()
        .and_then(|k| DevicePublicKeys::from_stored(&k).ok()))
}

/// The recovery keys whose key id is `id`, among those paired people sent.
pub fn keys_by_recovery_id(conn: &Connection, id: &KeyId) -> Result<Option<DevicePublicKeys>> {
    let mut stmt =
        conn.prepare_cached("SELECT recovery_keys FROM peers WHERE recovery_keys IS NOT NULL")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let raw: Vec<u8> = r.get(0)?;
        if let Ok(keys) = DevicePublicKeys::from_stored(&raw) {
            if keys.key_id() == *id {
                return Ok(Some(keys));
            }
        }
    }
    Ok(None)
}

/// Paired peers this store's recovery keys have not gone to yet.
pub fn peers_without_recovery_keys(conn: &Connection) -> Result<Vec<KeyId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT peer_id FROM peers WHERE state = 'paired' AND recovery_sent = 0 \
         AND channel_stream IS NOT NULL AND person IS NULL AND introduced_by IS NULL",
    )?;
    let ids = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.into_iter()
        .map(|b| {
            b.try_into()
                .map(KeyId)
                .map_err(|_| Error::invalid("peers.peer_id", "has the wrong length"))
        })
        .collect()
}

pub fn mark_recovery_sent(tx: &Transaction<'_>, peer: &KeyId) -> Result<()> {
    tx.execute(
        "UPDATE peers SET recovery_sent = 1 WHERE peer_id = ?1",
        [&peer.0[..]],
    )?;
    Ok(())
}

/// Moves everything of the pairing with device `old` to its successor `new` (already in
/// `peers`): the documents it owns or that are notes about it, the shares in force, the
/// channel, the current writer lists (keeping `old` as a past writer, whose changes others may
/// still pass on), SOS links, notes and last-seen. `old` stays as a removed peer, so consent
/// records and authorship keep its name. Every document now shared with `new` waits for a new
/// epoch (its key was wrapped for the lost device).
pub fn move_to_successor(tx: &Transaction<'_>, old: &KeyId, new: &KeyId) -> Result<()> {
    let (o, n) = (&old.0[..], &new.0[..]);
    tx.execute(
        "UPDATE documents SET owner = ?2 WHERE owner = ?1",
        params![o, n],
    )?;
    super::doc_aliases::move_owner(tx, old, new)?;
    tx.execute(
        "UPDATE documents SET peer = ?2 WHERE peer = ?1",
        params![o, n],
    )?;
    tx.execute(
        "UPDATE shares SET peer_id = ?2 WHERE peer_id = ?1 AND ended_at IS NULL",
        params![o, n],
    )?;
    tx.execute(
        "UPDATE streams SET peer_id = ?2 WHERE peer_id = ?1",
        params![o, n],
    )?;
    // The person's other devices, and the pairings the lost device handed over (ADR 0012).
    tx.execute(
        "UPDATE peers SET person = ?2 WHERE person = ?1",
        params![o, n],
    )?;
    tx.execute(
        "UPDATE peers SET introduced_by = ?2 WHERE introduced_by = ?1",
        params![o, n],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO doc_writers (doc_id, writer, current) \
         SELECT doc_id, ?2, 1 FROM doc_writers WHERE writer = ?1 AND current = 1",
        params![o, n],
    )?;
    tx.execute(
        "UPDATE doc_writers SET current = 0 WHERE writer = ?1",
        params![o],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO doc_writers (doc_id, writer, current) \
         SELECT doc_id, ?1, 0 FROM documents WHERE owner = ?2",
        params![o, n],
    )?;
    tx.execute(
        "UPDATE sos_links SET peer_id = ?2 WHERE peer_id = ?1",
        params![o, n],
    )?;
    tx.execute(
        "UPDATE OR REPLACE mentee_notes SET peer_id = ?2 WHERE peer_id = ?1",
        params![o, n],
    )?;
    tx.execute(
        "UPDATE OR REPLACE peer_seen SET peer_id = ?2 WHERE peer_id = ?1",
        params![o, n],
    )?;
    tx.execute(
        "UPDATE peers SET state = 'removed', invite_secret = NULL WHERE peer_id = ?1",
        params![o],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO pending_rotations (doc_id) \
         SELECT DISTINCT doc_id FROM shares WHERE peer_id = ?1 AND ended_at IS NULL",
        params![n],
    )?;
    Ok(())
}

/// One document waits for a new epoch.
pub fn rotate_doc(tx: &Transaction<'_>, doc_id: &str) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO pending_rotations (doc_id) VALUES (?1)",
        [doc_id],
    )?;
    Ok(())
}

/// Every document this store shares with anyone waits for a new epoch.
pub fn rotate_every_shared(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO pending_rotations (doc_id) \
         SELECT DISTINCT doc_id FROM shares WHERE ended_at IS NULL",
        [],
    )?;
    Ok(())
}

pub fn pending_rotations(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT doc_id FROM pending_rotations ORDER BY doc_id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

pub fn rotated(tx: &Transaction<'_>, doc_id: &str) -> Result<()> {
    tx.execute("DELETE FROM pending_rotations WHERE doc_id = ?1", [doc_id])?;
    Ok(())
}

/// A linked device takes the person's recovery identity from the device it is linked to
/// (ADR 0012), numbering its statements from `next_seq` on.
pub fn replace(
    tx: &Transaction<'_>,
    identity: &DeviceIdentity,
    next_seq: u64,
    now_ms: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO recovery_identity (id, recovery_secret, next_seq, created_at) \
         VALUES (1, ?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET \
         recovery_secret = excluded.recovery_secret, \
         next_seq = max(recovery_identity.next_seq, excluded.next_seq)",
        params![
            &identity.to_secret_bytes()[..],
            i64::try_from(next_seq).unwrap_or(i64::MAX),
            now_ms
        ],
    )?;
    Ok(())
}

/// The next number the recovery identity would sign with.
pub fn next_seq(conn: &Connection) -> Result<u64> {
    let seq: Option<i64> = conn
        .query_row(
            "SELECT next_seq FROM recovery_identity WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(seq.and_then(|s| u64::try_from(s).ok()).unwrap_or(1))
}
