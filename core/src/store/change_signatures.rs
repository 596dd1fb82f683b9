//! Other devices' signatures over their changes, kept to pass the changes on (ADR 0024).

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::Result;

/// Keeps `signature` for the change `hash` of `doc_id` (a second copy is ignored: a
/// signature that verified once is as good as any other).
pub fn put(
    tx: &Transaction<'_>,
    doc_id: &str,
    hash: &[u8; 32],
    signature: &[u8; 64],
) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO change_signatures (doc_id, hash, signature) VALUES (?1, ?2, ?3)",
        params![doc_id, &hash[..], &signature[..]],
    )?;
    Ok(())
}

/// The kept signature of the change `hash` of `doc_id`.
pub fn get(conn: &Connection, doc_id: &str, hash: &[u8; 32]) -> Result<Option<[u8; 64]>> {
    let found: Option<Vec<u8>> = conn
        .query_row(
            "SELECT signature FROM change_signatures WHERE doc_id = ?1 AND hash = ?2",
            params![doc_id, &hash[..]],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.and_then(|bytes| bytes.try_into().ok()))
}
