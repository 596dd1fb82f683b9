//! The streams this device reads and writes, their keys and cursors, and the next sequence
//! number expected from each sender.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::crypto::{AppendRight, CapabilityToken, DocKey, KeyId, StreamId};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct StreamRow {
    pub stream: StreamId,
    /// The document this stream carries, or `None` for a peer channel.
    pub doc_id: Option<String>,
    /// The peer of a channel.
    pub peer_id: Option<KeyId>,
    pub key: DocKey,
    /// Whether this device may append, and what it knows of the append token (ADR 0022).
    pub append: AppendRight,
    pub active: bool,
    pub cursor: u64,
    /// This device's next sequence number on the stream.
    pub next_seq: u64,
}

impl StreamRow {
    /// A new channel with `peer`: nothing read or written on it yet. A channel made since ADR
    /// 0022 has the id its key certifies ([`channel_stream`]); one whose id is not (made by a
    /// device of an earlier version) keeps the version 1 tokens.
    pub fn new_channel(peer: KeyId, stream: StreamId, key: DocKey) -> StreamRow {
        let right = AppendRight::channel(&key);
        let append = if right.stream_id(&key) == Some(stream) {
            right
        } else {
            AppendRight::Legacy
        };
        StreamRow {
            stream,
            doc_id: None,
            peer_id: Some(peer),
            key,
            append,
            active: true,
            cursor: 0,
            next_seq: 1,
        }
    }

    pub fn read_token(&self) -> CapabilityToken {
        self.append.read_token(&self.key, &self.stream)
    }

    /// `None` when this device only reads the stream.
    pub fn append_token(&self) -> Option<CapabilityToken> {
        self.append.append_token(&self.key, &self.stream)
    }

    pub fn append_hash(&self) -> [u8; 32] {
        self.append.append_hash(&self.key, &self.stream)
    }
}

/// The id of a new channel whose key is `key`: certified by the key, as both ends derive it.
pub fn channel_stream(key: &DocKey) -> StreamId {
    AppendRight::channel(key)
        .stream_id(key)
        .expect("a channel right is never a legacy one")
}

const COLUMNS: &str =
    "stream_id, doc_id, peer_id, epoch, key, active, cursor, next_seq, append_token, append_hash";

fn from_row(r: &Row<'_>) -> Result<StreamRow> {
    let stream: Vec<u8> = r.get(0)?;
    let peer: Option<Vec<u8>> = r.get(2)?;
    let epoch: u32 = r.get(3)?;
    let key: Vec<u8> = r.get(4)?;
    let bad = |f: &str| Error::invalid(f, "has the wrong length");
    let key: [u8; 32] = key.try_into().map_err(|_| bad("streams.key"))?;
    let token: Option<Vec<u8>> = r.get(8)?;
    let hash: Option<Vec<u8>> = r.get(9)?;
    let append = match (token, hash) {
        (Some(token), _) => AppendRight::Writer(CapabilityToken(
            token.try_into().map_err(|_| bad("streams.append_token"))?,
        )),
        (None, Some(hash)) => {
            AppendRight::Reader(hash.try_into().map_err(|_| bad("streams.append_hash"))?)
        }
        (None, None) => AppendRight::Legacy,
    };
    Ok(StreamRow {
        append,
        stream: StreamId(stream.try_into().map_err(|_| bad("streams.stream_id"))?),
        doc_id: r.get(1)?,
        peer_id: peer
            .map(|p| p.try_into().map(KeyId).map_err(|_| bad("streams.peer_id")))
            .transpose()?,
        key: DocKey::from_secret_bytes(epoch, &key),
        active: r.get(5)?,
        cursor: r.get::<_, i64>(6)?.try_into().unwrap_or(0),
        next_seq: r.get::<_, i64>(7)?.try_into().unwrap_or(1),
    })
}

fn query(conn: &Connection, filter: &str, p: impl rusqlite::Params) -> Result<Vec<StreamRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM streams {filter}"))?;
    let mut rows = stmt.query(p)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(from_row(r)?);
    }
    Ok(out)
}

pub fn get(conn: &Connection, stream: &StreamId) -> Result<Option<StreamRow>> {
    Ok(query(conn, "WHERE stream_id = ?1", [&stream.0[..]])?.pop())
}

/// The document's current stream, if it is shared (or shared with this device) right now.
pub fn active_for_doc(conn: &Connection, doc_id: &str) -> Result<Option<StreamRow>> {
    Ok(query(conn, "WHERE doc_id = ?1 AND active = 1", [doc_id])?.pop())
}

/// The highest epoch the document has had, active or not.
pub fn last_epoch(conn: &Connection, doc_id: &str) -> Result<Option<u32>> {
    Ok(conn
        .query_row(
            "SELECT max(epoch) FROM streams WHERE doc_id = ?1",
            [doc_id],
            |r| r.get::<_, Option<u32>>(0),
        )
        .optional()?
        .flatten())
}

/// Ends every channel with `peer` (before a new pairing opens another, or once an unpaired
/// device's last notice is acknowledged).
pub fn retire_channel(tx: &Transaction<'_>, peer: &KeyId) -> Result<()> {
    for row in query(tx, "WHERE peer_id = ?1 AND active = 1", [&peer.0[..]])? {
        retire(tx, &row.stream)?;
    }
    // A pairing made again starts its prekeys afresh: what either side announced and
    // acknowledged before may be long deleted (ADR 0026).
    super::prekeys::forget_peer(tx, peer)
}

/// Stops using a channel for anything new while its unsent messages still go out (with its
/// key); acknowledging the last one retires it.
pub fn leave_channel(tx: &Transaction<'_>, stream: &StreamId) -> Result<()> {
    tx.execute(
        "UPDATE streams SET active = 0 WHERE stream_id = ?1",
        [&stream.0[..]],
    )?;
    Ok(())
}

/// The channel this device writes to `peer` on: the newest (a re-keyed channel's predecessor
/// stays active, read for what was in flight, ADR 0026).
pub fn channel(conn: &Connection, peer: &KeyId) -> Result<Option<StreamRow>> {
    Ok(query(
        conn,
        "WHERE peer_id = ?1 AND active = 1 ORDER BY coalesce(started_at, 0), stream_id",
        [&peer.0[..]],
    )?
    .pop())
}

/// Every channel with `peer` still read, oldest first.
pub fn channels(conn: &Connection, peer: &KeyId) -> Result<Vec<StreamRow>> {
    query(
        conn,
        "WHERE peer_id = ?1 AND active = 1 ORDER BY coalesce(started_at, 0), stream_id",
        [&peer.0[..]],
    )
}

pub fn active(conn: &Connection) -> Result<Vec<StreamRow>> {
    query(
        conn,
        "WHERE active = 1 ORDER BY doc_id IS NOT NULL, stream_id",
        [],
    )
}

pub fn insert(tx: &Transaction<'_>, row: &StreamRow) -> Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO streams ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ),
        params![
            &row.stream.0[..],
            row.doc_id,
            row.peer_id.as_ref().map(|p| &p.0[..]),
            row.key.epoch(),
            &row.key.secret_bytes()[..],
            row.active,
            row.cursor as i64,
            row.next_seq as i64,
            row.append.token_bytes().map(|t| &t[..]),
            match row.append {
                AppendRight::Legacy => None,
                _ => Some(row.append_hash().to_vec()),
            },
        ],
    )?;
    // A channel inserted now is the one written on from now (a re-keyed channel's
    // predecessor, or a succeeded pairing's, may still be read: ADR 0026).
    if let Some(peer) = &row.peer_id {
        mark_newest_channel(tx, &row.stream, peer, 0)?;
    }
    Ok(())
}

/// When `stream`'s epoch began (ADR 0026).
pub fn mark_started(tx: &Transaction<'_>, stream: &StreamId, now_ms: i64) -> Result<()> {
    tx.execute(
        "UPDATE streams SET started_at = ?2 WHERE stream_id = ?1",
        params![&stream.0[..], now_ms],
    )?;
    Ok(())
}

/// A channel with `peer` starts now, and after every other one of the pair's: it is the one
/// written on. (For a channel `started_at` is an order, the time when it is known.)
pub fn mark_newest_channel(
    tx: &Transaction<'_>,
    stream: &StreamId,
    peer: &KeyId,
    now_ms: i64,
) -> Result<()> {
    tx.execute(
        "UPDATE streams SET started_at = max(?2, 1 + coalesce((SELECT max(started_at) \
         FROM streams WHERE peer_id = ?3 AND stream_id != ?1), 0)) WHERE stream_id = ?1",
        params![&stream.0[..], now_ms, &peer.0[..]],
    )?;
    Ok(())
}

/// The current stream of every document this store owns and shares with someone, and when
/// its epoch began (`None`: made before epochs were timed).
pub fn owned_shared_epochs(conn: &Connection) -> Result<Vec<(StreamId, String, Option<i64>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.stream_id, s.doc_id, s.started_at FROM streams s \
         JOIN documents d ON d.doc_id = s.doc_id \
         WHERE s.active = 1 AND d.owner IS NULL AND d.access = 'owner' \
         AND EXISTS (SELECT 1 FROM shares h WHERE h.doc_id = s.doc_id AND h.ended_at IS NULL) \
         ORDER BY s.doc_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, doc, at)| {
            let id: [u8; 16] = id
                .try_into()
                .map_err(|_| Error::invalid("streams.stream_id", "has the wrong length"))?;
            Ok((StreamId(id), doc, at))
        })
        .collect()
}

/// Ends a stream: nothing more is read or written on it, and its key is destroyed.
pub fn retire(tx: &Transaction<'_>, stream: &StreamId) -> Result<()> {
    tx.execute(
        "UPDATE streams SET active = 0, key = zeroblob(32), \
         append_token = CASE WHEN append_token IS NULL THEN NULL ELSE zeroblob(32) END \
         WHERE stream_id = ?1",
        [&stream.0[..]],
    )?;
    tx.execute(
        "DELETE FROM stream_senders WHERE stream_id = ?1",
        [&stream.0[..]],
    )?;
    tx.execute("DELETE FROM outbox WHERE stream_id = ?1", [&stream.0[..]])?;
    super::retention::on_retire(tx, stream)
}

pub fn retire_doc(tx: &Transaction<'_>, doc_id: &str) -> Result<()> {
    let streams: Vec<Vec<u8>> = tx
        .prepare_cached("SELECT stream_id FROM streams WHERE doc_id = ?1 AND active = 1")?
        .query_map([doc_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for s in streams {
        let id: [u8; 16] = s
            .try_into()
            .map_err(|_| Error::invalid("streams.stream_id", "has the wrong length"))?;
        retire(tx, &StreamId(id))?;
    }
    Ok(())
}

/// Takes this device's next sequence number on `stream`.
pub fn take_seq(tx: &Transaction<'_>, stream: &StreamId) -> Result<u64> {
    let seq: i64 = tx.query_row(
        "UPDATE streams SET next_seq = next_seq + 1 WHERE stream_id = ?1 RETURNING next_seq - 1",
        [&stream.0[..]],
        |r| r.get(0),
    )?;
    Ok(seq as u64)
}

/// Advances the cursor only over a contiguous position: the relay's positions are dense, so
/// every position up to the cursor has been processed.
pub fn advance_cursor(tx: &Transaction<'_>, stream: &StreamId, position: u64) -> Result<()> {
    tx.prepare_cached("UPDATE streams SET cursor = ?2 WHERE stream_id = ?1 AND cursor = ?2 - 1")?
        .execute(params![&stream.0[..], position as i64])?;
    Ok(())
}

pub fn set_cursor(tx: &Transaction<'_>, stream: &StreamId, cursor: u64) -> Result<()> {
    tx.execute(
        "UPDATE streams SET cursor = max(cursor, ?2) WHERE stream_id = ?1",
        params![&stream.0[..], cursor as i64],
    )?;
    Ok(())
}

pub fn sender_next(conn: &Connection, stream: &StreamId, sender: &KeyId) -> Result<u64> {
    let next: Option<i64> = conn
        .prepare_cached("SELECT next_seq FROM stream_senders WHERE stream_id = ?1 AND sender = ?2")?
        .query_row(params![&stream.0[..], &sender.0[..]], |r| r.get(0))
        .optional()?;
    Ok(next.map_or(1, |n| n as u64))
}

pub fn set_sender_next(
    tx: &Transaction<'_>,
    stream: &StreamId,
    sender: &KeyId,
    next: u64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO stream_senders (stream_id, sender, next_seq) VALUES (?1, ?2, ?3) \
         ON CONFLICT (stream_id, sender) DO UPDATE SET next_seq = excluded.next_seq",
    )?
    .execute(params![&stream.0[..], &sender.0[..], next as i64])?;
    Ok(())
}

pub fn writers(conn: &Connection, doc_id: &str) -> Result<Vec<KeyId>> {
    writers_where(conn, doc_id, "AND current = 1")
}

/// Every device that was ever allowed to write the document.
pub fn writers_ever(conn: &Connection, doc_id: &str) -> Result<Vec<KeyId>> {
    writers_where(conn, doc_id, "")
}

fn writers_where(conn: &Connection, doc_id: &str, filter: &str) -> Result<Vec<KeyId>> {
    let rows: Vec<Vec<u8>> = conn
        .prepare_cached(&format!(
            "SELECT writer FROM doc_writers WHERE doc_id = ?1 {filter}"
        ))?
        .query_map([doc_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|w| w.try_into().ok().map(KeyId))
        .collect())
}

pub fn set_writers(tx: &Transaction<'_>, doc_id: &str, writers: &[KeyId]) -> Result<()> {
    tx.execute(
        "UPDATE doc_writers SET current = 0 WHERE doc_id = ?1",
        [doc_id],
    )?;
    for w in writers {
        tx.execute(
            "INSERT INTO doc_writers (doc_id, writer) VALUES (?1, ?2) \
             ON CONFLICT (doc_id, writer) DO UPDATE SET current = 1",
            params![doc_id, &w.0[..]],
        )?;
    }
    Ok(())
}

/// How long a record with an unknown sender is held before it is refused for good, and how
/// many reads it must have had by then: a writer list on its way arrives within a sync or two,
/// a stray record never makes sense.
pub const HOLD_UNKNOWN_SENDER_MS: i64 = 24 * 60 * 60_000;
pub const HOLD_UNKNOWN_SENDER_READS: i64 = 3;

/// Records that the record at `position` is held again; whether it has been held long enough
/// to be refused for good (its row is then gone).
pub fn hold(tx: &Transaction<'_>, stream: &StreamId, position: u64, now_ms: i64) -> Result<bool> {
    // Records the cursor has passed since (their sender became known) are held no more.
    tx.prepare_cached(
        "DELETE FROM held_records WHERE stream_id = ?1 \
         AND position <= (SELECT cursor FROM streams WHERE stream_id = ?1)",
    )?
    .execute([&stream.0[..]])?;
    let (first, times): (i64, i64) = tx.query_row(
        "INSERT INTO held_records (stream_id, position, first_held) VALUES (?1, ?2, ?3) \
         ON CONFLICT (stream_id, position) DO UPDATE SET times = times + 1 \
         RETURNING first_held, times",
        params![&stream.0[..], position as i64, now_ms],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let done = now_ms - first >= HOLD_UNKNOWN_SENDER_MS && times >= HOLD_UNKNOWN_SENDER_READS;
    if done {
        tx.execute(
            "DELETE FROM held_records WHERE stream_id = ?1 AND position = ?2",
            params![&stream.0[..], position as i64],
        )?;
    }
    Ok(done)
}
