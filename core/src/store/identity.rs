//! This device's identity, made at first open and kept only inside the encrypted database.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::DeviceIdentity;
use crate::error::{Error, Result};

pub fn load(conn: &Connection) -> Result<Option<DeviceIdentity>> {
    let secret: Option<Vec<u8>> = conn
        .query_row("SELECT secret FROM identity WHERE id = 1", [], |r| r.get(0))
        .optional()?;
    secret
        .map(|s| {
            DeviceIdentity::from_secret_bytes(&s)
                .map_err(|_| Error::invalid("identity", "is damaged"))
        })
        .transpose()
}

pub fn create(tx: &Transaction<'_>, now_ms: i64) -> Result<DeviceIdentity> {
    let identity = DeviceIdentity::generate()
        .map_err(|_| Error::invalid("identity", "the system random generator failed"))?;
    tx.execute(
        "INSERT INTO identity (id, secret, created_at) VALUES (1, ?1, ?2)",
        params![&identity.to_secret_bytes()[..], now_ms],
    )?;
    Ok(identity)
}

pub fn display_name(conn: &Connection) -> Result<String> {
    Ok(conn
        .query_row("SELECT display_name FROM identity WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or_default())
}

pub fn set_display_name(tx: &Transaction<'_>, name: &str) -> Result<()> {
    tx.execute("UPDATE identity SET display_name = ?1 WHERE id = 1", [name])?;
    Ok(())
}
