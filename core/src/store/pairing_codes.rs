//! The verification code of a pairing under way (ADR 0003, commit-then-reveal): what the
//! joining side keeps until the owner's nonce arrives, and the six digits both sides show.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::{CodeNonce, KeyId, VerificationCode};
use crate::error::{Error, Result};

/// Joining side: the join request carrying `own_nonce` is on its way; no code yet.
pub fn await_owner_nonce(
    tx: &Transaction<'_>,
    peer: &KeyId,
    own_nonce: &CodeNonce,
    commitment: &[u8; 32],
) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO pairing_codes (peer_id, own_nonce, commitment, code) \
         VALUES (?1, ?2, ?3, NULL)",
        params![&peer.0[..], &own_nonce.0[..], &commitment[..]],
    )?;
    Ok(())
}

/// Joining side: this device's nonce, while the owner's is awaited.
pub fn awaiting_nonce(conn: &Connection, peer: &KeyId) -> Result<Option<CodeNonce>> {
    let sql = "SELECT own_nonce FROM pairing_codes WHERE peer_id = ?1 AND code IS NULL";
    Ok(bytes32(conn, sql, &peer.0, "pairing_codes.own_nonce")?.map(CodeNonce))
}

/// Joining side: the invite's commitment, which every reply's nonce must match.
pub fn commitment(conn: &Connection, peer: &KeyId) -> Result<Option<[u8; 32]>> {
    let sql = "SELECT commitment FROM pairing_codes WHERE peer_id = ?1";
    bytes32(conn, sql, &peer.0, "pairing_codes.commitment")
}

/// A nullable 32-byte column of the one row `sql` selects by `key`; `field` names it in the
/// error if it holds anything else.
pub(crate) fn bytes32(
    conn: &Connection,
    sql: &str,
    key: &[u8],
    field: &'static str,
) -> Result<Option<[u8; 32]>> {
    let value: Option<Vec<u8>> = conn
        .query_row(sql, [key], |r| r.get(0))
        .optional()?
        .flatten();
    value
        .map(|v| {
            v.try_into()
                .map_err(|_| Error::invalid(field, "has the wrong length"))
        })
        .transpose()
}

/// Both sides: the code is known. This device's nonce has done its job and is not kept (the
/// commitment stays, to check the decision's nonce against).
pub fn set_code(tx: &Transaction<'_>, peer: &KeyId, code: VerificationCode) -> Result<()> {
    tx.execute(
        "INSERT INTO pairing_codes (peer_id, code) VALUES (?1, ?2) \
         ON CONFLICT (peer_id) DO UPDATE SET own_nonce = NULL, code = excluded.code",
        params![&peer.0[..], code.digits()],
    )?;
    Ok(())
}

/// The six digits, once both nonces are known; None while the owner's is awaited, and for
/// pairings made before codes were commit-then-reveal.
pub fn code(conn: &Connection, peer: &KeyId) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT code FROM pairing_codes WHERE peer_id = ?1",
            [&peer.0[..]],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}
