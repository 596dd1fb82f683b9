//! This device's own bookkeeping for peer circles (ADR 0019): which circle an invite is for,
//! whether the person muted or left a circle, and the messages they hid for themselves. Local
//! only: none of it is synced.

use std::collections::BTreeSet;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::Result;

pub fn set_invite_circle(tx: &Transaction<'_>, invite_id: &[u8; 16], doc_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE invites SET circle = ?2 WHERE invite_id = ?1",
        params![&invite_id[..], doc_id],
    )?;
    Ok(())
}

/// The circle an invite asks to join; `None` for a pairing or link invite.
pub fn invite_circle(conn: &Connection, invite_id: &[u8; 16]) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT circle FROM invites WHERE invite_id = ?1",
            [&invite_id[..]],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// (muted, left at) for one circle.
pub fn settings(conn: &Connection, doc_id: &str) -> Result<(bool, Option<i64>)> {
    Ok(conn
        .query_row(
            "SELECT muted, left_at FROM circle_settings WHERE doc_id = ?1",
            [doc_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((false, None)))
}

pub fn set_muted(tx: &Transaction<'_>, doc_id: &str, muted: bool) -> Result<()> {
    tx.execute(
        "INSERT INTO circle_settings (doc_id, muted) VALUES (?1, ?2) \
         ON CONFLICT (doc_id) DO UPDATE SET muted = excluded.muted",
        params![doc_id, muted],
    )?;
    Ok(())
}

pub fn set_left(tx: &Transaction<'_>, doc_id: &str, at_ms: Option<i64>) -> Result<()> {
    tx.execute(
        "INSERT INTO circle_settings (doc_id, left_at) VALUES (?1, ?2) \
         ON CONFLICT (doc_id) DO UPDATE SET left_at = excluded.left_at",
        params![doc_id, at_ms],
    )?;
    Ok(())
}

pub fn hide_for_me(tx: &Transaction<'_>, doc_id: &str, message_id: &str) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO circle_hidden (doc_id, message_id) VALUES (?1, ?2)",
        params![doc_id, message_id],
    )?;
    Ok(())
}

pub fn hidden_for_me(conn: &Connection, doc_id: &str) -> Result<BTreeSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT message_id FROM circle_hidden WHERE doc_id = ?1")?;
    let rows = stmt.query_map([doc_id], |r| r.get::<_, String>(0))?;
    let mut out = BTreeSet::new();
    for r in rows {
        out.insert(r?);
    }
    Ok(out)
}
