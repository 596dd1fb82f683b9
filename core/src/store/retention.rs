//! What the relay keeps of this device's streams (ADR 0023): the owner right over each
//! document stream this device made (claimed, then a delete once the stream is retired), how
//! far each member has read the current one, and what a reader last told the owner it read.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::{KeyId, StreamId};
use crate::error::{Error, Result};

/// Where a stream this device made stands with its owner right on the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerState {
    /// Still to be claimed, with the stream's first registration or at the next sync.
    ToClaim = 0,
    Claimed = 1,
    /// The relay holds another claim: not this device's to trim or delete.
    NotOurs = 2,
    /// Retired after it was claimed: nobody needs it, the relay's copy is to be deleted.
    ToDelete = 3,
}

fn stream_id(raw: Vec<u8>) -> Result<StreamId> {
    Ok(StreamId(raw.try_into().map_err(|_| {
        Error::invalid("streams.stream_id", "has the wrong length")
    })?))
}

/// A document stream this device just made: its owner right is claimed by the next sync.
pub fn mark_made_here(tx: &Transaction<'_>, stream: &StreamId) -> Result<()> {
    set_owner_state(tx, stream, Some(OwnerState::ToClaim))
}

pub fn set_owner_state(
    tx: &Transaction<'_>,
    stream: &StreamId,
    state: Option<OwnerState>,
) -> Result<()> {
    tx.execute(
        "UPDATE streams SET owner_state = ?2 WHERE stream_id = ?1",
        params![&stream.0[..], state.map(|s| s as i64)],
    )?;
    Ok(())
}

/// Streams whose owner right is still to be claimed (active ones only: a retired stream's
/// append token, which the claim needs, is destroyed).
pub fn claims_due(conn: &Connection) -> Result<Vec<StreamId>> {
    ids(
        conn,
        "SELECT stream_id FROM streams WHERE owner_state = 0 AND active = 1",
    )
}

/// Retired streams whose copy on the relay is to be deleted.
pub fn deletes_due(conn: &Connection) -> Result<Vec<StreamId>> {
    ids(conn, "SELECT stream_id FROM streams WHERE owner_state = 3")
}

/// An active stream this device owns on the relay.
#[derive(Debug, Clone, Copy)]
pub struct Owned {
    pub stream: StreamId,
    /// Trimmed on the relay through here.
    pub trimmed: u64,
    /// Never trimmed past here: a phone restored from the latest backup reads after it.
    pub backed_up: Option<u64>,
}

pub fn claimed(conn: &Connection) -> Result<Vec<Owned>> {
    let mut stmt = conn.prepare_cached(
        "SELECT stream_id, trimmed, backed_up FROM streams WHERE owner_state = 1 AND active = 1",
    )?;
    let rows: Vec<(Vec<u8>, i64, Option<i64>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(s, t, b)| {
            Ok(Owned {
                stream: stream_id(s)?,
                trimmed: t.try_into().unwrap_or(0),
                backed_up: b.map(|b| b.try_into().unwrap_or(0)),
            })
        })
        .collect()
}

/// A backup is being exported: what it holds of each stream is what a phone restored from it
/// reads the relay after.
pub fn backing_up(tx: &Transaction<'_>) -> Result<()> {
    tx.execute("UPDATE streams SET backed_up = cursor", [])?;
    Ok(())
}

/// A restored store (ADR 0010) has a new identity: the streams its predecessor made are not
/// its to trim or delete.
pub fn restored(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(
        "UPDATE streams SET owner_state = NULL, backed_up = NULL, trimmed = 0",
        [],
    )?;
    tx.execute("DELETE FROM stream_reads", [])?;
    Ok(())
}

/// The person asked for the history gone (forget, erase): the retired streams this device
/// owns are deleted on the relay even if a backup holds them.
pub fn delete_retired(tx: &Transaction<'_>, doc_id: Option<&str>) -> Result<()> {
    tx.execute(
        "UPDATE streams SET owner_state = 3 \
         WHERE owner_state = 1 AND active = 0 AND (?1 IS NULL OR doc_id = ?1)",
        [doc_id],
    )?;
    Ok(())
}

fn ids(conn: &Connection, sql: &str) -> Result<Vec<StreamId>> {
    let raw: Vec<Vec<u8>> = conn
        .prepare_cached(sql)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    raw.into_iter().map(stream_id).collect()
}

pub fn owner_state(conn: &Connection, stream: &StreamId) -> Result<Option<OwnerState>> {
    let state: Option<Option<i64>> = conn
        .query_row(
            "SELECT owner_state FROM streams WHERE stream_id = ?1",
            [&stream.0[..]],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match state.flatten() {
        Some(0) => Some(OwnerState::ToClaim),
        Some(1) => Some(OwnerState::Claimed),
        Some(2) => Some(OwnerState::NotOurs),
        Some(3) => Some(OwnerState::ToDelete),
        _ => None,
    })
}

pub fn set_trimmed(tx: &Transaction<'_>, stream: &StreamId, through: u64) -> Result<()> {
    tx.execute(
        "UPDATE streams SET trimmed = max(trimmed, ?2) WHERE stream_id = ?1",
        params![&stream.0[..], through as i64],
    )?;
    Ok(())
}

/// `peer` has read `stream` through `through` (never moves back).
pub fn record_read(
    tx: &Transaction<'_>,
    stream: &StreamId,
    peer: &KeyId,
    through: u64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO stream_reads (stream_id, peer_id, through) VALUES (?1, ?2, ?3) \
         ON CONFLICT (stream_id, peer_id) DO UPDATE SET through = max(through, excluded.through)",
        params![&stream.0[..], &peer.0[..], through as i64],
    )?;
    Ok(())
}

/// How far `peer` said it has read `stream`, if it said.
pub fn read_by(conn: &Connection, stream: &StreamId, peer: &KeyId) -> Result<Option<u64>> {
    let through: Option<i64> = conn
        .prepare_cached("SELECT through FROM stream_reads WHERE stream_id = ?1 AND peer_id = ?2")?
        .query_row(params![&stream.0[..], &peer.0[..]], |r| r.get(0))
        .optional()?;
    Ok(through.map(|t| t.try_into().unwrap_or(0)))
}

/// A document stream someone else owns that this device read past what it last reported:
/// the stream, the document's owner, its cursor, what was reported and when.
#[derive(Debug, Clone)]
pub struct Unreported {
    pub stream: StreamId,
    pub owner: KeyId,
    pub cursor: u64,
    pub reported: u64,
    pub reported_at: Option<i64>,
}

/// stream, owner, cursor, reported, reported_at as stored.
type RawUnreported = (Vec<u8>, Vec<u8>, i64, i64, Option<i64>);

pub fn unreported(conn: &Connection) -> Result<Vec<Unreported>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.stream_id, d.owner, s.cursor, s.reported, s.reported_at \
         FROM streams s JOIN documents d ON d.doc_id = s.doc_id \
         WHERE s.active = 1 AND d.owner IS NOT NULL AND s.cursor > s.reported \
         ORDER BY d.owner, s.stream_id",
    )?;
    let rows: Vec<RawUnreported> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(s, o, cursor, reported, reported_at)| {
            Ok(Unreported {
                stream: stream_id(s)?,
                owner: KeyId(
                    o.try_into()
                        .map_err(|_| Error::invalid("documents.owner", "has the wrong length"))?,
                ),
                cursor: cursor.try_into().unwrap_or(0),
                reported: reported.try_into().unwrap_or(0),
                reported_at,
            })
        })
        .collect()
}

pub fn set_reported(
    tx: &Transaction<'_>,
    stream: &StreamId,
    through: u64,
    at_ms: i64,
) -> Result<()> {
    tx.execute(
        "UPDATE streams SET reported = ?2, reported_at = ?3 WHERE stream_id = ?1",
        params![&stream.0[..], through as i64, at_ms],
    )?;
    Ok(())
}

/// A stream is retired: a claimed one of this device's is to be deleted on the relay (its
/// epoch is over: every member still in the document gets the next one's grant with a
/// snapshot of everything) unless a backup holds it (a phone restored from that backup reads
/// it after the backup's cursor: kept, claimed, for a forget or an erase to delete); one never
/// claimed cannot be any more; what its members read of it no longer matters.
pub fn on_retire(tx: &Transaction<'_>, stream: &StreamId) -> Result<()> {
    tx.execute(
        "UPDATE streams SET owner_state = CASE \
             WHEN owner_state = 3 OR (owner_state = 1 AND backed_up IS NULL) THEN 3 \
             WHEN owner_state = 1 THEN 1 END \
         WHERE stream_id = ?1",
        [&stream.0[..]],
    )?;
    tx.execute(
        "DELETE FROM stream_reads WHERE stream_id = ?1",
        [&stream.0[..]],
    )?;
    Ok(())
}
