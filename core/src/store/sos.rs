//! The SOS tables (ADR 0013): links from ladder contacts to paired devices, requests sent with
//! their rungs, requests received; and the mentor's view's two local tables (notes, last
//! heard from). Values that decide what happens (state, reply) parse to an error when unknown.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::crypto::KeyId;
use crate::error::{Error, Result};
pub use crate::model::sos::SosState as SentState;
use crate::model::sos::{SosLocation, SosReply};

fn key_id(raw: Vec<u8>, field: &str) -> Result<KeyId> {
    raw.try_into()
        .map(KeyId)
        .map_err(|_| Error::invalid(field, "has the wrong length"))
}

fn reply(raw: Option<String>, field: &str) -> Result<Option<SosReply>> {
    raw.map(|r| SosReply::parse(&r).ok_or_else(|| Error::invalid(field, "is not a known reply")))
        .transpose()
}

fn location(r: &Row<'_>, from: usize) -> Result<Option<SosLocation>> {
    let lat: Option<i32> = r.get(from)?;
    let lon: Option<i32> = r.get(from + 1)?;
    let acc: Option<u32> = r.get(from + 2)?;
    Ok(match (lat, lon, acc) {
        (Some(lat_e6), Some(lon_e6), Some(accuracy_m)) => Some(SosLocation {
            lat_e6,
            lon_e6,
            accuracy_m,
        }),
        _ => None,
    })
}

// ---- links -----------------------------------------------------------------------------

pub fn link(tx: &Transaction<'_>, contact_id: &str, peer: Option<&KeyId>) -> Result<()> {
    match peer {
        Some(p) => tx.execute(
            "INSERT INTO sos_links (contact_id, peer_id) VALUES (?1, ?2) \
             ON CONFLICT(contact_id) DO UPDATE SET peer_id = excluded.peer_id",
            params![contact_id, &p.0[..]],
        )?,
        None => tx.execute("DELETE FROM sos_links WHERE contact_id = ?1", [contact_id])?,
    };
    Ok(())
}

pub fn links(conn: &Connection) -> Result<Vec<(String, KeyId)>> {
    let mut stmt = conn.prepare_cached("SELECT contact_id, peer_id FROM sos_links")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push((r.get(0)?, key_id(r.get(1)?, "sos_links.peer_id")?));
    }
    Ok(out)
}

// ---- sent ------------------------------------------------------------------------------

fn state(raw: &str) -> Result<SentState> {
    SentState::parse(raw).ok_or_else(|| Error::invalid("sos_sent.state", "is not a known state"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRow {
    pub sos_id: String,
    pub text: Option<String>,
    pub location: Option<SosLocation>,
    pub wait_ms: i64,
    pub created_at: i64,
    pub state: SentState,
    pub closed_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RungRow {
    pub idx: u32,
    pub contact_id: String,
    pub peer_id: KeyId,
    pub outbox_id: Option<i64>,
    pub asked_at: Option<i64>,
    pub relayed_at: Option<i64>,
    pub reply: Option<SosReply>,
    pub replied_at: Option<i64>,
}

pub fn insert_sent(tx: &Transaction<'_>, s: &SentRow, rungs: &[(String, KeyId)]) -> Result<()> {
    let loc = s.location;
    tx.execute(
        "INSERT INTO sos_sent (sos_id, text, lat_e6, lon_e6, accuracy_m, wait_ms, created_at, state) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            s.sos_id,
            s.text,
            loc.map(|l| l.lat_e6),
            loc.map(|l| l.lon_e6),
            loc.map(|l| l.accuracy_m),
            s.wait_ms,
            s.created_at,
            s.state.as_str()
        ],
    )?;
    for (idx, (contact, peer)) in rungs.iter().enumerate() {
        tx.execute(
            "INSERT INTO sos_rungs (sos_id, idx, contact_id, peer_id) VALUES (?1, ?2, ?3, ?4)",
            params![s.sos_id, idx as i64, contact, &peer.0[..]],
        )?;
    }
    Ok(())
}

const SENT_COLUMNS: &str =
    "sos_id, text, lat_e6, lon_e6, accuracy_m, wait_ms, created_at, state, closed_at";

fn sent_row(r: &Row<'_>) -> Result<SentRow> {
    Ok(SentRow {
        sos_id: r.get(0)?,
        text: r.get(1)?,
        location: location(r, 2)?,
        wait_ms: r.get(5)?,
        created_at: r.get(6)?,
        state: state(&r.get::<_, String>(7)?)?,
        closed_at: r.get(8)?,
    })
}

pub fn sent(conn: &Connection, sos_id: &str) -> Result<Option<SentRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SENT_COLUMNS} FROM sos_sent WHERE sos_id = ?1"
    ))?;
    let mut rows = stmt.query([sos_id])?;
    rows.next()?.map(sent_row).transpose()
}

/// Every request sent, newest first.
pub fn all_sent(conn: &Connection) -> Result<Vec<SentRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SENT_COLUMNS} FROM sos_sent ORDER BY created_at DESC, sos_id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(sent_row(r)?);
    }
    Ok(out)
}

pub fn open_sent(conn: &Connection) -> Result<Vec<SentRow>> {
    Ok(all_sent(conn)?
        .into_iter()
        .filter(|s| s.state == SentState::Open)
        .collect())
}

pub fn set_state(tx: &Transaction<'_>, sos_id: &str, state: SentState, now_ms: i64) -> Result<()> {
    let closed = (state == SentState::Closed).then_some(now_ms);
    tx.execute(
        "UPDATE sos_sent SET state = ?2, closed_at = COALESCE(?3, closed_at) WHERE sos_id = ?1",
        params![sos_id, state.as_str(), closed],
    )?;
    Ok(())
}

pub fn rungs(conn: &Connection, sos_id: &str) -> Result<Vec<RungRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT idx, contact_id, peer_id, outbox_id, asked_at, relayed_at, reply, replied_at \
         FROM sos_rungs WHERE sos_id = ?1 ORDER BY idx",
    )?;
    let mut rows = stmt.query([sos_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(RungRow {
            idx: r.get(0)?,
            contact_id: r.get(1)?,
            peer_id: key_id(r.get(2)?, "sos_rungs.peer_id")?,
            outbox_id: r.get(3)?,
            asked_at: r.get(4)?,
            relayed_at: r.get(5)?,
            reply: reply(r.get(6)?, "sos_rungs.reply")?,
            replied_at: r.get(7)?,
        });
    }
    Ok(out)
}

pub fn asked(
    tx: &Transaction<'_>,
    sos_id: &str,
    idx: u32,
    outbox_id: i64,
    now_ms: i64,
) -> Result<()> {
    tx.execute(
        "UPDATE sos_rungs SET asked_at = ?3, outbox_id = ?4 WHERE sos_id = ?1 AND idx = ?2",
        params![sos_id, idx, now_ms, outbox_id],
    )?;
    Ok(())
}

/// The rung whose envelope is outbox entry `outbox_id`, marked as stored by the relay.
pub fn relayed(
    tx: &Transaction<'_>,
    outbox_id: i64,
    now_ms: i64,
) -> Result<Option<(String, KeyId)>> {
    let found: Option<(String, Vec<u8>)> = tx
        .query_row(
            "SELECT sos_id, peer_id FROM sos_rungs WHERE outbox_id = ?1 AND relayed_at IS NULL",
            [outbox_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((sos_id, peer)) = found else {
        return Ok(None);
    };
    tx.execute(
        "UPDATE sos_rungs SET relayed_at = ?2 WHERE outbox_id = ?1",
        params![outbox_id, now_ms],
    )?;
    Ok(Some((sos_id, key_id(peer, "sos_rungs.peer_id")?)))
}

/// Records `peer`'s reply on the rung that asked them; false when no rung of this request
/// asked them (a reply nobody asked for changes nothing).
pub fn replied(
    tx: &Transaction<'_>,
    sos_id: &str,
    peer: &KeyId,
    r: SosReply,
    now_ms: i64,
) -> Result<bool> {
    let n = tx.execute(
        "UPDATE sos_rungs SET reply = ?3, replied_at = ?4 \
         WHERE sos_id = ?1 AND peer_id = ?2 AND asked_at IS NOT NULL",
        params![sos_id, &peer.0[..], r.as_str(), now_ms],
    )?;
    Ok(n > 0)
}

// ---- received ----------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRow {
    pub peer_id: KeyId,
    pub sos_id: String,
    pub text: Option<String>,
    pub location: Option<SosLocation>,
    pub sent_at: i64,
    pub received_at: i64,
    pub rung: u32,
    pub answer_within_ms: i64,
    pub reply: Option<SosReply>,
    pub replied_at: Option<i64>,
    pub closed_at: Option<i64>,
}

/// Stores a request; false when it was already here (a replay on a new rung keeps the first).
pub fn insert_received(tx: &Transaction<'_>, r: &ReceivedRow) -> Result<bool> {
    let loc = r.location;
    let n = tx.execute(
        "INSERT OR IGNORE INTO sos_received (peer_id, sos_id, text, lat_e6, lon_e6, accuracy_m, \
         sent_at, received_at, rung, answer_within_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            &r.peer_id.0[..],
            r.sos_id,
            r.text,
            loc.map(|l| l.lat_e6),
            loc.map(|l| l.lon_e6),
            loc.map(|l| l.accuracy_m),
            r.sent_at,
            r.received_at,
            r.rung,
            r.answer_within_ms
        ],
    )?;
    Ok(n > 0)
}

pub fn received(conn: &Connection) -> Result<Vec<ReceivedRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT peer_id, sos_id, text, lat_e6, lon_e6, accuracy_m, sent_at, received_at, rung, \
         answer_within_ms, reply, replied_at, closed_at FROM sos_received \
         ORDER BY received_at DESC, sos_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(ReceivedRow {
            peer_id: key_id(r.get(0)?, "sos_received.peer_id")?,
            sos_id: r.get(1)?,
            text: r.get(2)?,
            location: location(r, 3)?,
            sent_at: r.get(6)?,
            received_at: r.get(7)?,
            rung: r.get(8)?,
            answer_within_ms: r.get(9)?,
            reply: reply(r.get(10)?, "sos_received.reply")?,
            replied_at: r.get(11)?,
            closed_at: r.get(12)?,
        });
    }
    Ok(out)
}

pub fn answer_received(
    tx: &Transaction<'_>,
    peer: &KeyId,
    sos_id: &str,
    r: SosReply,
    now_ms: i64,
) -> Result<bool> {
    let n = tx.execute(
        "UPDATE sos_received SET reply = ?3, replied_at = ?4 WHERE peer_id = ?1 AND sos_id = ?2",
        params![&peer.0[..], sos_id, r.as_str(), now_ms],
    )?;
    Ok(n > 0)
}

pub fn close_received(
    tx: &Transaction<'_>,
    peer: &KeyId,
    sos_id: &str,
    now_ms: i64,
) -> Result<bool> {
    let n = tx.execute(
        "UPDATE sos_received SET closed_at = ?3 \
         WHERE peer_id = ?1 AND sos_id = ?2 AND closed_at IS NULL",
        params![&peer.0[..], sos_id, now_ms],
    )?;
    Ok(n > 0)
}

// ---- the mentor's view's local tables ------------------------------------------------------

pub fn set_note(tx: &Transaction<'_>, peer: &KeyId, text: &str, now_ms: i64) -> Result<()> {
    if text.is_empty() {
        tx.execute("DELETE FROM mentee_notes WHERE peer_id = ?1", [&peer.0[..]])?;
    } else {
        tx.execute(
            "INSERT INTO mentee_notes (peer_id, text, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT(peer_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
            params![&peer.0[..], text, now_ms],
        )?;
    }
    Ok(())
}

pub fn notes(conn: &Connection) -> Result<Vec<(KeyId, String)>> {
    let mut stmt = conn.prepare_cached("SELECT peer_id, text FROM mentee_notes")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push((key_id(r.get(0)?, "mentee_notes.peer_id")?, r.get(1)?));
    }
    Ok(out)
}

pub fn seen(tx: &Transaction<'_>, peer: &KeyId, now_ms: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO peer_seen (peer_id, at) VALUES (?1, ?2) \
         ON CONFLICT(peer_id) DO UPDATE SET at = MAX(at, excluded.at)",
    )?
    .execute(params![&peer.0[..], now_ms])?;
    Ok(())
}

pub fn last_seen(conn: &Connection) -> Result<Vec<(KeyId, i64)>> {
    let mut stmt = conn.prepare_cached("SELECT peer_id, at FROM peer_seen")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push((key_id(r.get(0)?, "peer_seen.peer_id")?, r.get(1)?));
    }
    Ok(out)
}
