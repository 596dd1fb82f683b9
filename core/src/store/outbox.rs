//! What waits to leave the device: local changes of shared documents (written in the same
//! transaction as the change), sealed envelopes until the relay acknowledges them, pairing
//! messages for mailboxes, the mailboxes watched, and the counters of refused input.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::{CodeNonce, KeyId, StreamId};
use crate::error::{Error, Result};
use crate::store::pairing_codes;

pub fn add_change(tx: &Transaction<'_>, doc_id: &str, bytes: &[u8]) -> Result<()> {
    tx.prepare_cached("INSERT INTO outbox_changes (doc_id, bytes) VALUES (?1, ?2)")?
        .execute(params![doc_id, bytes])?;
    Ok(())
}

/// Pending local changes, grouped by document in the order they were made.
pub fn pending_changes(conn: &Connection) -> Result<Vec<(i64, String, Vec<u8>)>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, doc_id, bytes FROM outbox_changes ORDER BY doc_id, id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn delete_change(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM outbox_changes WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

pub fn drop_doc_changes(tx: &Transaction<'_>, doc_id: &str) -> Result<()> {
    tx.execute("DELETE FROM outbox_changes WHERE doc_id = ?1", [doc_id])?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct EnvelopeRow {
    pub id: i64,
    pub stream: StreamId,
    pub doc_id: Option<String>,
    pub peer_id: Option<KeyId>,
    pub changes: u32,
    pub envelope: Vec<u8>,
}

#[derive(Debug)]
pub struct NewEnvelope<'a> {
    pub stream: &'a StreamId,
    pub seq: u64,
    pub doc_id: Option<&'a str>,
    pub peer_id: Option<&'a KeyId>,
    pub changes: u32,
    pub envelope: &'a [u8],
}

pub fn add_envelope(tx: &Transaction<'_>, e: &NewEnvelope<'_>, now_ms: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO outbox (stream_id, seq, doc_id, peer_id, changes, envelope, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        &e.stream.0[..],
        e.seq as i64,
        e.doc_id,
        e.peer_id.map(|p| &p.0[..]),
        e.changes,
        e.envelope,
        now_ms
    ])?;
    Ok(())
}

fn envelope_row(r: &rusqlite::Row<'_>) -> Result<EnvelopeRow> {
    let bad = |f: &str| Error::invalid(f, "has the wrong length");
    let stream: Vec<u8> = r.get(1)?;
    let peer: Option<Vec<u8>> = r.get(3)?;
    Ok(EnvelopeRow {
        id: r.get(0)?,
        stream: StreamId(stream.try_into().map_err(|_| bad("outbox.stream_id"))?),
        doc_id: r.get(2)?,
        peer_id: peer
            .map(|p| p.try_into().map(KeyId).map_err(|_| bad("outbox.peer_id")))
            .transpose()?,
        changes: r.get(4)?,
        envelope: r.get(5)?,
    })
}

const ENVELOPE_COLUMNS: &str = "id, stream_id, doc_id, peer_id, changes, envelope";

pub fn unsent(conn: &Connection) -> Result<Vec<EnvelopeRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENVELOPE_COLUMNS} FROM outbox ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(envelope_row(r)?);
    }
    Ok(out)
}

/// Grants (a document's key and snapshot for one peer) sealed on `stream` for `doc_id` that
/// have not reached the relay yet: `(outbox id, sequence number)`.
pub fn unsent_grants(
    tx: &Transaction<'_>,
    stream: &StreamId,
    doc_id: &str,
) -> Result<Vec<(i64, u64)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, seq FROM outbox WHERE stream_id = ?1 AND doc_id = ?2 AND peer_id IS NOT NULL \
         ORDER BY id",
    )?;
    let rows = stmt.query_map(params![&stream.0[..], doc_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as u64))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces a waiting envelope by other bytes at the same sequence number, which disclose
/// nothing (no document, no peer in the disclosure log).
pub fn replace_envelope(tx: &Transaction<'_>, id: i64, envelope: &[u8]) -> Result<()> {
    tx.prepare_cached(
        "UPDATE outbox SET envelope = ?2, doc_id = NULL, peer_id = NULL, changes = 0 WHERE id = ?1",
    )?
    .execute(params![id, envelope])?;
    Ok(())
}

/// How many sealed envelopes on `stream` wait for the relay.
pub fn unsent_on(conn: &Connection, stream: &StreamId) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM outbox WHERE stream_id = ?1")?
        .query_row([&stream.0[..]], |r| r.get(0))?;
    Ok(n as u64)
}

/// Removes an acknowledged envelope; `None` if it was already acknowledged.
pub fn take_envelope(tx: &Transaction<'_>, id: i64) -> Result<Option<EnvelopeRow>> {
    let row = {
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT {ENVELOPE_COLUMNS} FROM outbox WHERE id = ?1"
        ))?;
        let mut rows = stmt.query([id])?;
        rows.next()?.map(envelope_row).transpose()?
    };
    tx.prepare_cached("DELETE FROM outbox WHERE id = ?1")?
        .execute([id])?;
    Ok(row)
}

pub fn add_mailbox_post(tx: &Transaction<'_>, mailbox: &[u8; 16], bytes: &[u8]) -> Result<()> {
    tx.execute(
        "INSERT INTO mailbox_out (mailbox, bytes) VALUES (?1, ?2)",
        params![&mailbox[..], bytes],
    )?;
    Ok(())
}

/// (row id, mailbox, bytes)
pub type PendingPost = (i64, [u8; 16], Vec<u8>);

pub fn mailbox_posts(conn: &Connection) -> Result<Vec<PendingPost>> {
    let mut stmt = conn.prepare_cached("SELECT id, mailbox, bytes FROM mailbox_out ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, mailbox, bytes) = row?;
        let mailbox: [u8; 16] = mailbox
            .try_into()
            .map_err(|_| Error::invalid("mailbox_out.mailbox", "has the wrong length"))?;
        out.push((id, mailbox, bytes));
    }
    Ok(out)
}

pub fn remove_mailbox_post(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.execute("DELETE FROM mailbox_out WHERE id = ?1", [id])?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailboxRole {
    Join,
    Reply,
}

pub fn watch_mailbox(
    tx: &Transaction<'_>,
    mailbox: &[u8; 16],
    invite_id: &[u8; 16],
    role: MailboxRole,
) -> Result<()> {
    let role = match role {
        MailboxRole::Join => "join",
        MailboxRole::Reply => "reply",
    };
    tx.execute(
        "INSERT OR IGNORE INTO mailbox_watch (mailbox, invite_id, role) VALUES (?1, ?2, ?3)",
        params![&mailbox[..], &invite_id[..], role],
    )?;
    Ok(())
}

pub fn unwatch_mailbox(tx: &Transaction<'_>, mailbox: &[u8; 16]) -> Result<()> {
    tx.execute(
        "DELETE FROM mailbox_watch WHERE mailbox = ?1",
        [&mailbox[..]],
    )?;
    Ok(())
}

/// Stops reading an invite's mailbox in `role`: the pairing step it served is over, so the
/// mailbox is also queued for deletion on the relay (what it holds is of no use to anyone now,
/// and the relay would otherwise keep it for its whole time to live).
pub fn unwatch_invite(tx: &Transaction<'_>, invite_id: &[u8; 16], role: MailboxRole) -> Result<()> {
    let role = match role {
        MailboxRole::Join => "join",
        MailboxRole::Reply => "reply",
    };
    tx.execute(
        "INSERT OR IGNORE INTO mailbox_deletes (mailbox) \
         SELECT mailbox FROM mailbox_watch WHERE invite_id = ?1 AND role = ?2",
        params![&invite_id[..], role],
    )?;
    tx.execute(
        "DELETE FROM mailbox_watch WHERE invite_id = ?1 AND role = ?2",
        params![&invite_id[..], role],
    )?;
    Ok(())
}

/// Mailboxes to delete on the relay.
pub fn mailbox_deletes(conn: &Connection) -> Result<Vec<[u8; 16]>> {
    let mut stmt = conn.prepare_cached("SELECT mailbox FROM mailbox_deletes ORDER BY mailbox")?;
    let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
    let mut out = Vec::new();
    for row in rows {
        let id: [u8; 16] = row?
            .try_into()
            .map_err(|_| Error::invalid("mailbox_deletes.mailbox", "has the wrong length"))?;
        out.push(id);
    }
    Ok(out)
}

/// The relay deleted `mailbox` (or never had it).
pub fn mailbox_deleted(tx: &Transaction<'_>, mailbox: &[u8; 16]) -> Result<()> {
    tx.execute(
        "DELETE FROM mailbox_deletes WHERE mailbox = ?1",
        [&mailbox[..]],
    )?;
    Ok(())
}

/// (mailbox, invite id, role, cursor)
pub type Watched = ([u8; 16], [u8; 16], MailboxRole, u64);

pub fn watched(conn: &Connection) -> Result<Vec<Watched>> {
    let mut stmt = conn.prepare_cached(
        "SELECT mailbox, invite_id, role, cursor FROM mailbox_watch ORDER BY mailbox",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Vec<u8>>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (m, i, role, cursor) = row?;
        let bad = || Error::invalid("mailbox_watch", "has the wrong length");
        let role = if role == "join" {
            MailboxRole::Join
        } else {
            MailboxRole::Reply
        };
        out.push((
            m.try_into().map_err(|_| bad())?,
            i.try_into().map_err(|_| bad())?,
            role,
            cursor as u64,
        ));
    }
    Ok(out)
}

pub fn advance_mailbox(tx: &Transaction<'_>, mailbox: &[u8; 16], position: u64) -> Result<()> {
    tx.execute(
        "UPDATE mailbox_watch SET cursor = max(cursor, ?2) WHERE mailbox = ?1",
        params![&mailbox[..], position as i64],
    )?;
    Ok(())
}

pub fn count_rejection(tx: &Transaction<'_>, reason: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO rejections (reason, count) VALUES (?1, 1) \
         ON CONFLICT (reason) DO UPDATE SET count = count + 1",
    )?
    .execute([reason])?;
    Ok(())
}

pub fn rejections(conn: &Connection) -> Result<Vec<(String, u64)>> {
    let mut stmt = conn.prepare_cached("SELECT reason, count FROM rejections ORDER BY reason")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An invite this device shows; it works once.
pub struct NewInvite<'a> {
    pub invite_id: &'a [u8; 16],
    pub secret: &'a [u8; 32],
    /// The owner's verification-code nonce the invite commits to (ADR 0003).
    pub code_nonce: &'a CodeNonce,
    pub relay: &'a str,
    pub expires_at_s: i64,
    pub link: bool,
}

impl std::fmt::Debug for NewInvite<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewInvite")
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

pub fn add_invite(tx: &Transaction<'_>, invite: &NewInvite<'_>, now_ms: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO invites (invite_id, secret, code_nonce, relay, expires_at, created_at, link) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            &invite.invite_id[..],
            &invite.secret[..],
            &invite.code_nonce.0[..],
            invite.relay,
            invite.expires_at_s,
            now_ms,
            invite.link
        ],
    )?;
    Ok(())
}

/// The owner's code nonce for an invite it showed; None once the owner decided, and for
/// invites made before codes were commit-then-reveal.
pub fn invite_code_nonce(conn: &Connection, invite_id: &[u8; 16]) -> Result<Option<CodeNonce>> {
    let sql = "SELECT code_nonce FROM invites WHERE invite_id = ?1";
    Ok(pairing_codes::bytes32(conn, sql, invite_id, "invites.code_nonce")?.map(CodeNonce))
}

/// Whether the invite links one of the person's own devices (ADR 0012).
pub fn is_link_invite(conn: &Connection, invite_id: &[u8; 16]) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT link FROM invites WHERE invite_id = ?1",
            [&invite_id[..]],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

/// The first valid join request used the invite up.
pub fn use_invite(tx: &Transaction<'_>, invite_id: &[u8; 16], now_ms: i64) -> Result<()> {
    tx.execute(
        "UPDATE invites SET used_at = ?2 WHERE invite_id = ?1",
        params![&invite_id[..], now_ms],
    )?;
    Ok(())
}

/// (secret, relay, expires at (s), used at (ms))
pub type StoredInvite = ([u8; 32], String, i64, Option<i64>);

pub fn invite_secret(conn: &Connection, invite_id: &[u8; 16]) -> Result<Option<StoredInvite>> {
    let row: Option<(Vec<u8>, String, i64, Option<i64>)> = conn
        .query_row(
            "SELECT secret, relay, expires_at, used_at FROM invites WHERE invite_id = ?1",
            [&invite_id[..]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    row.map(|(s, relay, exp, used)| {
        let s: [u8; 32] = s
            .try_into()
            .map_err(|_| Error::invalid("invites.secret", "has the wrong length"))?;
        Ok((s, relay, exp, used))
    })
    .transpose()
}

/// Drops what waits to go out on a stream that ends unheard (a lost device's channel).
pub fn drop_unsent_on(tx: &Transaction<'_>, stream: &StreamId) -> Result<()> {
    tx.execute("DELETE FROM outbox WHERE stream_id = ?1", [&stream.0[..]])?;
    Ok(())
}

/// The owner decided on the pairing: the invite's secret has sealed its last message and is
/// not kept (a stolen database must not hold it), and its join mailbox is no longer read.
pub fn retire_invite(tx: &Transaction<'_>, invite_id: &[u8; 16]) -> Result<()> {
    tx.execute(
        "UPDATE invites SET secret = zeroblob(32), code_nonce = NULL WHERE invite_id = ?1",
        [&invite_id[..]],
    )?;
    unwatch_invite(tx, invite_id, MailboxRole::Join)
}

/// Invites that expired unanswered.
pub fn expired_invites(conn: &Connection, now_s: i64) -> Result<Vec<[u8; 16]>> {
    let ids: Vec<Vec<u8>> = conn
        .prepare_cached("SELECT invite_id FROM invites WHERE used_at IS NULL AND expires_at < ?1")?
        .query_map([now_s], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids
        .into_iter()
        .filter_map(|id| <[u8; 16]>::try_from(id.as_slice()).ok())
        .collect())
}

/// An invite that expired unanswered is deleted, with its join mailbox.
pub fn delete_invite(tx: &Transaction<'_>, invite_id: &[u8; 16]) -> Result<()> {
    unwatch_invite(tx, invite_id, MailboxRole::Join)?;
    tx.execute("DELETE FROM invites WHERE invite_id = ?1", [&invite_id[..]])?;
    Ok(())
}

/// The relay an invite this device showed named (kept after its secret is gone).
pub fn invite_relay(conn: &Connection, invite_id: &[u8; 16]) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT relay FROM invites WHERE invite_id = ?1")?
        .query_row([&invite_id[..]], |r| r.get(0))
        .optional()?)
}
