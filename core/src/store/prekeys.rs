//! Rotating prekeys (ADR 0026): this device's own, secret, and each paired device's newest
//! verified one, with what each side has acknowledged of the other's.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::{KeyId, PrekeySecret, SignedPrekey};
use crate::error::{Error, Result};

fn fixed<const N: usize>(raw: Vec<u8>, field: &str) -> Result<[u8; N]> {
    raw.try_into()
        .map_err(|_| Error::invalid(field, "has the wrong length"))
}

fn fixed_opt<const N: usize>(raw: Option<Vec<u8>>, field: &str) -> Result<Option<[u8; N]>> {
    raw.map(|v| fixed(v, field)).transpose()
}

/// This device's newest prekey and when it was made.
pub fn newest_own(conn: &Connection) -> Result<Option<(PrekeySecret, i64)>> {
    let row: Option<(Vec<u8>, i64)> = conn
        .prepare_cached(
            "SELECT secret, created_at FROM own_prekeys ORDER BY created_at DESC, public LIMIT 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(secret, at)| {
        let secret = zeroize::Zeroizing::new(fixed::<32>(secret, "own_prekeys.secret")?);
        Ok((PrekeySecret::from_secret_bytes(&secret), at))
    })
    .transpose()
}

/// The secret of this device's prekey `public`, while it is kept.
pub fn own_secret(conn: &Connection, public: &[u8; 32]) -> Result<Option<PrekeySecret>> {
    let raw: Option<Vec<u8>> = conn
        .prepare_cached("SELECT secret FROM own_prekeys WHERE public = ?1")?
        .query_row([&public[..]], |r| r.get(0))
        .optional()?;
    raw.map(|secret| {
        let secret = zeroize::Zeroizing::new(fixed::<32>(secret, "own_prekeys.secret")?);
        Ok(PrekeySecret::from_secret_bytes(&secret))
    })
    .transpose()
}

/// Every prekey this device still keeps, oldest first: (public, created_at).
pub fn own(conn: &Connection) -> Result<Vec<([u8; 32], i64)>> {
    let mut stmt = conn
        .prepare_cached("SELECT public, created_at FROM own_prekeys ORDER BY created_at, public")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(p, at)| Ok((fixed(p, "own_prekeys.public")?, at)))
        .collect()
}

pub fn insert_own(tx: &Transaction<'_>, prekey: &PrekeySecret, now_ms: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO own_prekeys (public, secret, created_at) VALUES (?1, ?2, ?3)",
        params![&prekey.public()[..], &prekey.secret_bytes()[..], now_ms],
    )?;
    Ok(())
}

/// Deletes the secret of one of this device's prekeys (the store runs `secure_delete`; the
/// caller checkpoints the WAL).
pub fn delete_own(tx: &Transaction<'_>, public: &[u8; 32]) -> Result<()> {
    tx.execute("DELETE FROM own_prekeys WHERE public = ?1", [&public[..]])?;
    Ok(())
}

/// What this device knows of one paired device's prekeys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerPrekeys {
    /// Its newest verified prekey.
    pub current: Option<[u8; 32]>,
    /// The newest of this device's prekeys it has acknowledged.
    pub seen: Option<[u8; 32]>,
    /// This device's prekey last announced to it.
    pub announced: Option<[u8; 32]>,
    /// Its prekey this device last acknowledged to it.
    pub acked: Option<[u8; 32]>,
    /// The pair (this device's, its) their channel was last re-keyed with.
    pub healed: Option<[u8; 64]>,
}

impl PeerPrekeys {
    /// The prekey pair both ends now hold of each other — this device announced `announced`
    /// and the peer acknowledged it; the peer announced `current` and this device acknowledged
    /// it — if their channel has not been re-keyed with it yet (ADR 0026).
    pub fn unhealed_pair(&self) -> Option<([u8; 32], [u8; 32])> {
        let (mine, theirs) = (self.announced?, self.current?);
        let agreed = self.seen == Some(mine) && self.acked == Some(theirs);
        let pair = [&mine[..], &theirs[..]].concat();
        (agreed && self.healed.map(|h| h.to_vec()) != Some(pair)).then_some((mine, theirs))
    }
}

pub fn peer(conn: &Connection, peer: &KeyId) -> Result<PeerPrekeys> {
    type Raw = Option<Vec<u8>>;
    let row: Option<(Raw, Raw, Raw, Raw, Raw)> = conn
        .prepare_cached(
            "SELECT public, seen, announced, acked, healed FROM peer_prekeys WHERE peer_id = ?1",
        )?
        .query_row([&peer.0[..]], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((current, seen, announced, acked, healed)) = row else {
        return Ok(PeerPrekeys::default());
    };
    Ok(PeerPrekeys {
        current: fixed_opt(current, "peer_prekeys.public")?,
        seen: fixed_opt(seen, "peer_prekeys.seen")?,
        announced: fixed_opt(announced, "peer_prekeys.announced")?,
        acked: fixed_opt(acked, "peer_prekeys.acked")?,
        healed: fixed_opt(healed, "peer_prekeys.healed")?,
    })
}

/// The prekey a key for `peer` is wrapped to: its newest verified one, if it announced any.
pub fn peer_current(conn: &Connection, peer: &KeyId) -> Result<Option<[u8; 32]>> {
    Ok(self::peer(conn, peer)?.current)
}

fn ensure_row(tx: &Transaction<'_>, peer: &KeyId) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO peer_prekeys (peer_id) VALUES (?1)",
        [&peer.0[..]],
    )?;
    Ok(())
}

/// A verified announcement from `peer`: its newest prekey, and which of this device's it has.
pub fn set_peer_prekey(
    tx: &Transaction<'_>,
    peer: &KeyId,
    prekey: &SignedPrekey,
    seen: Option<&[u8; 32]>,
    now_ms: i64,
) -> Result<()> {
    ensure_row(tx, peer)?;
    tx.execute(
        "UPDATE peer_prekeys SET public = ?2, signature = ?3, received_at = ?4, \
         seen = coalesce(?5, seen) WHERE peer_id = ?1",
        params![
            &peer.0[..],
            &prekey.public[..],
            &prekey.signature[..],
            now_ms,
            seen.map(|s| &s[..]),
        ],
    )?;
    Ok(())
}

/// An announcement to `peer` was queued: this device's prekey and its prekey acknowledged.
pub fn set_announced(
    tx: &Transaction<'_>,
    peer: &KeyId,
    announced: &[u8; 32],
    acked: Option<&[u8; 32]>,
) -> Result<()> {
    ensure_row(tx, peer)?;
    tx.execute(
        "UPDATE peer_prekeys SET announced = ?2, acked = ?3 WHERE peer_id = ?1",
        params![&peer.0[..], &announced[..], acked.map(|a| &a[..])],
    )?;
    Ok(())
}

/// The channel with `peer` was re-keyed with this pair.
pub fn set_healed(
    tx: &Transaction<'_>,
    peer: &KeyId,
    mine: &[u8; 32],
    theirs: &[u8; 32],
) -> Result<()> {
    tx.execute(
        "UPDATE peer_prekeys SET healed = ?2 WHERE peer_id = ?1",
        params![&peer.0[..], [&mine[..], &theirs[..]].concat()],
    )?;
    Ok(())
}

/// Forgets what was known of `peer`'s prekeys (it was unpaired or succeeded).
pub fn forget_peer(tx: &Transaction<'_>, peer: &KeyId) -> Result<()> {
    tx.execute("DELETE FROM peer_prekeys WHERE peer_id = ?1", [&peer.0[..]])?;
    Ok(())
}
