//! The channels the device that linked others made between each of the person's linked
//! devices and each device the person is paired with (ADR 0012), and what it last told each
//! side about them.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::{DocKey, KeyId, StreamId};
use crate::error::{Error, Result};
use crate::sync::Access;

/// One linked device's channel to one paired device.
#[derive(Debug, Clone)]
pub struct IntroductionRow {
    pub device: KeyId,
    pub peer: KeyId,
    pub stream: StreamId,
    pub key: DocKey,
    pub told_device: Option<String>,
}

fn key_id(raw: Vec<u8>, field: &str) -> Result<KeyId> {
    raw.try_into()
        .map(KeyId)
        .map_err(|_| Error::invalid(field, "has the wrong length"))
}

fn read_row(r: &rusqlite::Row<'_>) -> Result<IntroductionRow> {
    let stream: Vec<u8> = r.get(2)?;
    let key: Vec<u8> = r.get(3)?;
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| Error::invalid("introductions.channel_key", "has the wrong length"))?;
    Ok(IntroductionRow {
        device: key_id(r.get(0)?, "introductions.device")?,
        peer: key_id(r.get(1)?, "introductions.peer")?,
        stream: StreamId(
            stream.try_into().map_err(|_| {
                Error::invalid("introductions.channel_stream", "has the wrong length")
            })?,
        ),
        key: DocKey::from_secret_bytes(0, &key),
        told_device: r.get(4)?,
    })
}

const COLUMNS: &str = "device, peer, channel_stream, channel_key, told_device";

pub fn all(conn: &Connection) -> Result<Vec<IntroductionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM introductions ORDER BY device, peer"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(read_row(r)?);
    }
    Ok(out)
}

pub fn get(conn: &Connection, device: &KeyId, peer: &KeyId) -> Result<Option<IntroductionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM introductions WHERE device = ?1 AND peer = ?2"
    ))?;
    let mut rows = stmt.query(params![&device.0[..], &peer.0[..]])?;
    rows.next()?.map(read_row).transpose()
}

pub fn insert(tx: &Transaction<'_>, row: &IntroductionRow) -> Result<()> {
    tx.execute(
        &format!("INSERT INTO introductions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5)"),
        params![
            &row.device.0[..],
            &row.peer.0[..],
            &row.stream.0[..],
            &row.key.secret_bytes()[..],
            row.told_device,
        ],
    )?;
    Ok(())
}

pub fn set_told_device(
    tx: &Transaction<'_>,
    device: &KeyId,
    peer: &KeyId,
    told: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE introductions SET told_device = ?3 WHERE device = ?1 AND peer = ?2",
        params![&device.0[..], &peer.0[..], told],
    )?;
    Ok(())
}

/// A channel both sides hold now, or a removed device's: its key is no longer needed here.
pub fn delete(tx: &Transaction<'_>, device: &KeyId, peer: &KeyId) -> Result<()> {
    tx.execute(
        "DELETE FROM introductions WHERE device = ?1 AND peer = ?2",
        params![&device.0[..], &peer.0[..]],
    )?;
    Ok(())
}

/// The list of the person's devices last sent to `peer` (JSON), if any.
pub fn devices_told(conn: &Connection, peer: &KeyId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT devices_told FROM peers WHERE peer_id = ?1")?
        .query_row([&peer.0[..]], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

pub fn set_devices_told(tx: &Transaction<'_>, peer: &KeyId, told: &str) -> Result<()> {
    tx.execute(
        "UPDATE peers SET devices_told = ?2 WHERE peer_id = ?1",
        params![&peer.0[..], told],
    )?;
    Ok(())
}

/// A share in force on the device this one is linked to, as it was handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandedShareRow {
    pub doc_id: String,
    pub peer: KeyId,
    pub access: Access,
    pub purpose: String,
    pub expires_at_ms: Option<i64>,
}

/// Replaces the handed-over shares with the latest list.
pub fn set_handed_shares(tx: &Transaction<'_>, rows: &[HandedShareRow]) -> Result<()> {
    tx.execute("DELETE FROM handed_shares", [])?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO handed_shares (doc_id, peer, access, purpose, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for r in rows {
        stmt.execute(params![
            r.doc_id,
            &r.peer.0[..],
            r.access.as_str(),
            r.purpose,
            r.expires_at_ms
        ])?;
    }
    Ok(())
}

pub fn handed_shares(conn: &Connection) -> Result<Vec<HandedShareRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT doc_id, peer, access, purpose, expires_at FROM handed_shares ORDER BY doc_id, peer",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let access: String = r.get(2)?;
        out.push(HandedShareRow {
            doc_id: r.get(0)?,
            peer: key_id(r.get(1)?, "handed_shares.peer")?,
            access: Access::parse(&access)
                .ok_or_else(|| Error::invalid("handed_shares.access", "is not read or write"))?,
            purpose: r.get(3)?,
            expires_at_ms: r.get(4)?,
        });
    }
    Ok(out)
}

/// What was last handed to a linked device (JSON without secrets), if anything.
pub fn handover_told(conn: &Connection, device: &KeyId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT handover_told FROM peers WHERE peer_id = ?1")?
        .query_row([&device.0[..]], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

pub fn set_handover_told(tx: &Transaction<'_>, device: &KeyId, told: &str) -> Result<()> {
    tx.execute(
        "UPDATE peers SET handover_told = ?2 WHERE peer_id = ?1",
        params![&device.0[..], told],
    )?;
    Ok(())
}
