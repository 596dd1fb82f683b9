//! Consent records and the disclosure log. A share is never deleted: revoking or expiring it
//! closes it, so the person can always see who had what, when and why.

use rusqlite::{params, Connection, Row, Transaction};

use crate::crypto::KeyId;
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::sync::Access;

#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    pub share_id: i64,
    pub doc_id: String,
    pub kind: DocKind,
    pub peer_id: KeyId,
    pub access: Access,
    pub purpose: String,
    pub granted_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub ended_at_ms: Option<i64>,
    pub end_reason: Option<String>,
}

const COLUMNS: &str =
    "share_id, doc_id, kind, peer_id, access, purpose, granted_at, expires_at, ended_at, end_reason";

fn from_row(r: &Row<'_>) -> Result<ShareRow> {
    let kind: String = r.get(2)?;
    let peer: Vec<u8> = r.get(3)?;
    let access: String = r.get(4)?;
    Ok(ShareRow {
        share_id: r.get(0)?,
        doc_id: r.get(1)?,
        kind: DocKind::parse("shares.kind", &kind)?,
        peer_id: KeyId(
            peer.try_into()
                .map_err(|_| Error::invalid("shares.peer_id", "has the wrong length"))?,
        ),
        access: Access::parse(&access)
            .ok_or_else(|| Error::invalid("shares.access", "is not read or write"))?,
        purpose: r.get(5)?,
        granted_at_ms: r.get(6)?,
        expires_at_ms: r.get(7)?,
        ended_at_ms: r.get(8)?,
        end_reason: r.get(9)?,
    })
}

fn query(conn: &Connection, filter: &str, p: impl rusqlite::Params) -> Result<Vec<ShareRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM shares {filter}"))?;
    let mut rows = stmt.query(p)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(from_row(r)?);
    }
    Ok(out)
}

pub fn active_for_doc(conn: &Connection, doc_id: &str) -> Result<Vec<ShareRow>> {
    query(
        conn,
        "WHERE doc_id = ?1 AND ended_at IS NULL ORDER BY share_id",
        [doc_id],
    )
}

pub fn active(conn: &Connection) -> Result<Vec<ShareRow>> {
    query(conn, "WHERE ended_at IS NULL ORDER BY share_id", [])
}

pub fn all(conn: &Connection) -> Result<Vec<ShareRow>> {
    query(conn, "ORDER BY share_id", [])
}

#[derive(Debug)]
pub struct NewShare<'a> {
    pub doc_id: &'a str,
    pub kind: DocKind,
    pub peer_id: &'a KeyId,
    pub access: Access,
    pub purpose: &'a str,
    pub expires_at_ms: Option<i64>,
}

pub fn insert(tx: &Transaction<'_>, s: &NewShare<'_>, now_ms: i64) -> Result<i64> {
    tx.execute(
        "INSERT INTO shares (doc_id, kind, peer_id, access, purpose, granted_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            s.doc_id,
            s.kind.as_str(),
            &s.peer_id.0[..],
            s.access.as_str(),
            s.purpose,
            now_ms,
            s.expires_at_ms
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn end(tx: &Transaction<'_>, share_id: i64, reason: &str, now_ms: i64) -> Result<()> {
    tx.execute(
        "UPDATE shares SET ended_at = ?2, end_reason = ?3 WHERE share_id = ?1 AND ended_at IS NULL",
        params![share_id, now_ms, reason],
    )?;
    Ok(())
}

/// Moves the open consent records of a forgotten document to the document that replaces it.
pub fn move_to_doc(tx: &Transaction<'_>, from: &str, to: &str) -> Result<()> {
    tx.execute(
        "UPDATE shares SET doc_id = ?2 WHERE doc_id = ?1",
        params![from, to],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    pub at_ms: i64,
    pub doc_id: String,
    pub kind: DocKind,
    pub peer_id: KeyId,
    pub changes: u32,
    pub bytes: u64,
    /// `changes` or `snapshot`.
    pub what: String,
}

pub fn disclose(tx: &Transaction<'_>, d: &Disclosure) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO disclosure_log (at, doc_id, kind, peer_id, changes, bytes, what) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        d.at_ms,
        d.doc_id,
        d.kind.as_str(),
        &d.peer_id.0[..],
        d.changes,
        d.bytes as i64,
        d.what
    ])?;
    Ok(())
}

pub fn disclosures(conn: &Connection) -> Result<Vec<Disclosure>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, doc_id, kind, peer_id, changes, bytes, what FROM disclosure_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(2)?;
        let peer: Vec<u8> = r.get(3)?;
        out.push(Disclosure {
            at_ms: r.get(0)?,
            doc_id: r.get(1)?,
            kind: DocKind::parse("disclosure_log.kind", &kind)?,
            peer_id: KeyId(
                peer.try_into().map_err(|_| {
                    Error::invalid("disclosure_log.peer_id", "has the wrong length")
                })?,
            ),
            changes: r.get(4)?,
            bytes: r.get::<_, i64>(5)? as u64,
            what: r.get(6)?,
        });
    }
    Ok(out)
}
