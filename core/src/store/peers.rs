//! Devices this one knows: paired peers, pairings under way, and writers of shared documents.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::crypto::{DevicePublicKeys, KeyId, StreamId};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerState {
    /// Mentor side: the join request is sent, the owner has not answered.
    AwaitingReply,
    /// Owner side: a join request arrived; the owner has not decided.
    PendingApproval,
    Paired,
    Declined,
    /// Not paired with this device: a writer of a document someone shared with it.
    Writer,
    /// Was paired; this device unpaired it. The row stays so the consent history and the
    /// authorship of what it wrote keep its name; nothing is shared with it or read from it.
    Removed,
}

impl PeerState {
    pub fn as_str(self) -> &'static str {
        match self {
            PeerState::AwaitingReply => "awaiting_reply",
            PeerState::PendingApproval => "pending_approval",
            PeerState::Paired => "paired",
            PeerState::Declined => "declined",
            PeerState::Writer => "writer",
            PeerState::Removed => "removed",
        }
    }

    fn parse(raw: &str) -> Result<Self> {
        Ok(match raw {
            "awaiting_reply" => PeerState::AwaitingReply,
            "pending_approval" => PeerState::PendingApproval,
            "paired" => PeerState::Paired,
            "declined" => PeerState::Declined,
            "writer" => PeerState::Writer,
            "removed" => PeerState::Removed,
            _ => return Err(Error::invalid("peers.state", "is not a known state")),
        })
    }
}

#[derive(Debug, Clone)]
pub struct PeerRow {
    pub peer_id: KeyId,
    pub keys: DevicePublicKeys,
    pub display_name: String,
    pub state: PeerState,
    pub invite_id: Option<[u8; 16]>,
    pub invite_secret: Option<[u8; 32]>,
    pub relay: Option<String>,
    pub channel_stream: Option<StreamId>,
    pub created_at: i64,
    pub paired_at: Option<i64>,
    /// Another device of this store's person, linked by a link invite (ADR 0012).
    pub link: Option<Link>,
    /// Another device of a paired person: the key id of the person's device that introduced
    /// it (ADR 0012). It gets what that person gets and is not a pairing of its own.
    pub person: Option<KeyId>,
    /// On a linked device: the pairing was handed over by the device this one is linked to,
    /// which alone ends it.
    pub introduced_by: Option<KeyId>,
    /// Paired only for peer circles (ADR 0019): not one of the person's people.
    pub circle: bool,
}

/// How a peer that is another device of the same person is linked to this one (ADR 0012).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// This device linked it: it gets the person's documents from here, read-write.
    Device,
    /// This device was linked to it: its documents are the person's, and stand here in place
    /// of this device's own.
    Origin,
}

impl Link {
    pub fn as_str(self) -> &'static str {
        match self {
            Link::Device => "device",
            Link::Origin => "origin",
        }
    }

    fn parse(raw: Option<String>) -> Result<Option<Self>> {
        raw.map(|raw| match raw.as_str() {
            "device" => Ok(Link::Device),
            "origin" => Ok(Link::Origin),
            _ => Err(Error::invalid("peers.link", "is not a known link")),
        })
        .transpose()
    }
}

fn fixed<const N: usize>(raw: Option<Vec<u8>>, field: &str) -> Result<Option<[u8; N]>> {
    raw.map(|v| {
        v.try_into()
            .map_err(|_| Error::invalid(field, "has the wrong length"))
    })
    .transpose()
}

fn from_row(r: &Row<'_>) -> Result<PeerRow> {
    let keys: Vec<u8> = r.get(1)?;
    let state: String = r.get(3)?;
    Ok(PeerRow {
        peer_id: KeyId(fixed::<16>(Some(r.get(0)?), "peers.peer_id")?.unwrap_or_default()),
        keys: DevicePublicKeys::from_stored(&keys)
            .map_err(|_| Error::invalid("peers.public_keys", "are invalid"))?,
        display_name: r.get(2)?,
        state: PeerState::parse(&state)?,
        invite_id: fixed(r.get(4)?, "peers.invite_id")?,
        invite_secret: fixed(r.get(5)?, "peers.invite_secret")?,
        relay: r.get(6)?,
        channel_stream: fixed(r.get(7)?, "peers.channel_stream")?.map(StreamId),
        created_at: r.get(8)?,
        paired_at: r.get(9)?,
        link: Link::parse(r.get(10)?)?,
        person: fixed::<16>(r.get(11)?, "peers.person")?.map(KeyId),
        introduced_by: fixed::<16>(r.get(12)?, "peers.introduced_by")?.map(KeyId),
        circle: r.get(13)?,
    })
}

const COLUMNS: &str = "peer_id, public_keys, display_name, state, invite_id, invite_secret, \
                       relay, channel_stream, created_at, paired_at, link, person, introduced_by, \
                       circle";

pub fn get(conn: &Connection, peer: &KeyId) -> Result<Option<PeerRow>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM peers WHERE peer_id = ?1"))?;
    let mut rows = stmt.query([&peer.0[..]])?;
    rows.next()?.map(from_row).transpose()
}

pub fn list(conn: &Connection) -> Result<Vec<PeerRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM peers ORDER BY created_at, peer_id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(from_row(r)?);
    }
    Ok(out)
}

pub fn keys(conn: &Connection, peer: &KeyId) -> Result<Option<DevicePublicKeys>> {
    let raw: Option<Vec<u8>> = conn
        .prepare_cached("SELECT public_keys FROM peers WHERE peer_id = ?1")?
        .query_row([&peer.0[..]], |r| r.get(0))
        .optional()?;
    Ok(raw.and_then(|k| DevicePublicKeys::from_stored(&k).ok()))
}

/// Keys are validated here, as they are written, and not again as they are read
/// ([`DevicePublicKeys::from_stored`]).
fn validated(keys: &DevicePublicKeys) -> Result<[u8; 64]> {
    keys.validate()
        .map_err(|_| Error::invalid("peers.public_keys", "are invalid"))?;
    Ok(keys.to_bytes())
}

pub fn upsert(tx: &Transaction<'_>, p: &PeerRow) -> Result<()> {
    let keys = validated(&p.keys)?;
    tx.execute(
        &format!(
            "INSERT INTO peers ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
             ON CONFLICT (peer_id) DO UPDATE SET public_keys = excluded.public_keys, \
             display_name = excluded.display_name, state = excluded.state, \
             invite_id = excluded.invite_id, invite_secret = excluded.invite_secret, \
             relay = excluded.relay, channel_stream = excluded.channel_stream, \
             paired_at = excluded.paired_at, link = excluded.link, \
             person = excluded.person, introduced_by = excluded.introduced_by, \
             circle = excluded.circle"
        ),
        params![
            &p.peer_id.0[..],
            &keys[..],
            p.display_name,
            p.state.as_str(),
            p.invite_id.as_ref().map(|i| &i[..]),
            p.invite_secret.as_ref().map(|i| &i[..]),
            p.relay,
            p.channel_stream.as_ref().map(|s| &s.0[..]),
            p.created_at,
            p.paired_at,
            p.link.map(Link::as_str),
            p.person.as_ref().map(|k| &k.0[..]),
            p.introduced_by.as_ref().map(|k| &k.0[..]),
            p.circle,
        ],
    )?;
    Ok(())
}

/// Records a writer met through a grant, without touching a paired peer's row.
pub fn remember_writer(tx: &Transaction<'_>, keys: &DevicePublicKeys, now_ms: i64) -> Result<()> {
    let bytes = validated(keys)?;
    tx.execute(
        "INSERT OR IGNORE INTO peers (peer_id, public_keys, display_name, state, created_at) \
         VALUES (?1, ?2, '', 'writer', ?3)",
        params![&keys.key_id().0[..], &bytes[..], now_ms],
    )?;
    Ok(())
}

/// The relay a pairing went through: the one its invite named, whichever side showed it.
pub fn relay_of(conn: &Connection, row: &PeerRow) -> Result<Option<String>> {
    if row.relay.is_some() {
        return Ok(row.relay.clone());
    }
    match &row.invite_id {
        Some(id) => crate::store::outbox::invite_relay(conn, id),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::DeviceIdentity;
    use crate::store::database::{Database, KEY_LEN};
    use crate::store::recovery;

    fn row(keys: DevicePublicKeys) -> PeerRow {
        PeerRow {
            peer_id: keys.key_id(),
            keys,
            display_name: "peer".into(),
            state: PeerState::Paired,
            invite_id: None,
            invite_secret: None,
            relay: None,
            channel_stream: None,
            created_at: 1,
            paired_at: Some(2),
            link: None,
            person: None,
            introduced_by: None,
            circle: false,
        }
    }

    /// Keys are read back without checking them again, so no key that would fail the check
    /// gets in: every way into the table validates, and reading gives back what was written.
    #[test]
    fn keys_are_validated_as_they_are_written_and_read_back_as_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Database::open(&dir.path().join("s.db"), &[3; KEY_LEN]).expect("open");
        let good = DeviceIdentity::generate().expect("rng").public_keys();
        // The identity point: every agreement with it gives zeros.
        let weak = DevicePublicKeys {
            signing: good.signing,
            agreement: [0; 32],
        };
        let refused = |e: Error| {
            let text = e.to_string();
            assert!(
                text.contains("public_keys") || text.contains("recovery_keys"),
                "{text}"
            );
        };
        refused(
            db.write(|tx| upsert(tx, &row(weak)))
                .expect_err("weak keys refused"),
        );
        refused(
            db.write(|tx| remember_writer(tx, &weak, 5))
                .expect_err("a weak writer refused"),
        );
        assert!(db.read(list).expect("list").is_empty(), "nothing written");

        db.write(|tx| upsert(tx, &row(good))).expect("valid keys");
        let other = DeviceIdentity::generate().expect("rng").public_keys();
        db.write(|tx| remember_writer(tx, &other, 5))
            .expect("valid writer");
        refused(
            db.write(|tx| recovery::set_peer_recovery_keys(tx, &good.key_id(), &weak))
                .expect_err("weak recovery keys refused"),
        );
        db.write(|tx| recovery::set_peer_recovery_keys(tx, &good.key_id(), &other))
            .expect("valid recovery keys");

        let listed: Vec<_> = db
            .read(list)
            .expect("list")
            .into_iter()
            .map(|p| p.keys)
            .collect();
        assert_eq!(listed, vec![good, other]);
        assert_eq!(
            db.read(|c| keys(c, &good.key_id())).expect("keys"),
            Some(good)
        );
        assert_eq!(
            db.read(|c| get(c, &other.key_id()))
                .expect("get")
                .map(|p| p.keys),
            Some(other)
        );
        assert_eq!(
            db.read(|c| recovery::peer_recovery_keys(c, &good.key_id()))
                .expect("recovery keys"),
            Some(other)
        );
    }
}
