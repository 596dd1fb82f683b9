//! Shares and consent: the owner shares one document with one paired device, read-only or
//! read-write, for a stated purpose and until an optional expiry. A share is a grant on the
//! pair's private channel (the document key wrapped for that device, the stream, the writer
//! list, a snapshot to start from). Every change of consent — a new share, a changed one, a
//! revocation, an expiry, an unpairing — starts a new epoch: new key, new stream, wrapped only
//! for the devices allowed from then on. "Forget" re-creates a document
//! without its history under a new id and key.

use automerge::transaction::CommitOptions;

use super::{DocAccess, DocSel, LoadedDoc, Twofold};
use crate::crypto::{
    seal, wrap_doc_key, wrap_doc_key_to_prekey, AppendRight, DocKey, KeyId, WrapContext,
};
use crate::docs::genesis;
use crate::docs::kind::DocKind;
use crate::docs::snapshot::DocumentSnapshot;
use crate::error::{Error, Result};
use crate::model::validate::{optional, MAX_SHORT};
use crate::store::chunks::{self, DocumentRow};
use crate::store::outbox::{self, NewEnvelope};
use crate::store::peers::{self, PeerState};
use crate::store::prekeys;
use crate::store::retention;
use crate::store::shares::{self, NewShare, ShareRow};
use crate::store::streams::{self, StreamRow};
use crate::sync::control::{encode_writers, parse_id, ControlMessage, Grant};
use crate::sync::payload::encode_control;
use crate::sync::Access;

pub use crate::store::shares::Disclosure;

/// A consent record, as the app shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub kind: DocKind,
    pub doc_id: String,
    pub peer: KeyId,
    pub peer_name: String,
    pub access: Access,
    pub purpose: String,
    pub granted_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    /// When it was revoked, expired or replaced; `None` while it is in force.
    pub ended_at_ms: Option<i64>,
    pub end_reason: Option<String>,
}

fn rng_failed() -> Error {
    Error::invalid("key", "the system random generator failed")
}

impl Twofold {
    /// Shares one of the person's documents with a paired device. Sharing a document again
    /// with the same device replaces the earlier consent. Either way a new epoch starts, and
    /// every device the document is shared with gets a new grant (with a fresh snapshot).
    pub fn share(
        &self,
        kind: DocKind,
        peer: &KeyId,
        access: Access,
        purpose: &str,
        expires_at_ms: Option<i64>,
    ) -> Result<()> {
        if kind == DocKind::Notes {
            return Err(Error::invalid(
                "kind",
                "notes are shared through suggestions",
            ));
        }
        if kind == DocKind::Circle {
            return Err(Error::invalid("kind", "a circle is shared by inviting"));
        }
        let row = self.db.read(|c| peers::get(c, peer))?;
        if row.as_ref().is_some_and(|p| p.circle) {
            // Nothing of the person's own enters a circle unless they post it (ADR 0019).
            return Err(Error::invalid(
                "peer",
                "is met only in a peer circle; the person's own documents are not shared there",
            ));
        }
        if row.as_ref().is_some_and(|p| p.person.is_some()) {
            // It gets what its person gets (ADR 0012): share with them.
            return Err(Error::invalid(
                "peer",
                "is another device of someone paired with this one; share with them",
            ));
        }
        if row.is_some_and(|p| p.link.is_some()) {
            // A linked device gets every document of the person, read-write, from the device
            // that linked it (ADR 0012); consent between one person's devices is not asked.
            return Err(Error::invalid(
                "peer",
                "is one of this person's own devices",
            ));
        }
        self.share_doc(DocSel::Own(kind), peer, access, purpose, expires_at_ms)
    }

    pub(crate) fn share_doc(
        &self,
        sel: DocSel<'_>,
        peer: &KeyId,
        access: Access,
        purpose: &str,
        expires_at_ms: Option<i64>,
    ) -> Result<()> {
        optional("purpose", purpose, MAX_SHORT)?;
        let now = self.now_ms();
        if expires_at_ms.is_some_and(|e| e <= now) {
            return Err(Error::invalid("expires_at", "must be in the future"));
        }
        self.paired(peer)?;
        self.with_doc(sel, |_, doc| {
            if doc.access != DocAccess::Owner {
                return Err(Error::invalid("document", "is not this device's to share"));
            }
            let replaced = self.db.read(|c| shares::active_for_doc(c, &doc.doc_id))?;
            self.db.write(|tx| {
                for old in replaced.iter().filter(|s| s.peer_id == *peer) {
                    shares::end(tx, old.share_id, "replaced", now)?;
                }
                shares::insert(
                    tx,
                    &NewShare {
                        doc_id: &doc.doc_id,
                        kind: doc.kind,
                        peer_id: peer,
                        access,
                        purpose,
                        expires_at_ms,
                    },
                    now,
                )?;
                // Every change of consent, a first share of the document included, starts a
                // new epoch: the stream, its key and its writer list reach each device together
                // in one grant, and every device's sequence numbers on the stream start at 1.
                // (Joining a stream that already had a history left the new device waiting
                // for sequence numbers it would never see, and a writer list sent apart from
                // the stream could arrive after the writer's first envelope.)
                self.rotate(tx, doc, None)
            })?;
            doc.outbox = true;
            Ok(())
        })
    }

    /// Ends a share. The device keeps what it already received and gets nothing new.
    pub fn revoke_share(&self, kind: DocKind, peer: &KeyId) -> Result<()> {
        self.end_shares(DocSel::Own(kind), |s| s.peer_id == *peer, "revoked")
    }

    /// Ends every share of `sel` that `which` picks, then starts a new epoch for the rest.
    pub(crate) fn end_shares(
        &self,
        sel: DocSel<'_>,
        which: impl Fn(&ShareRow) -> bool,
        reason: &str,
    ) -> Result<()> {
        let now = self.now_ms();
        self.with_doc(sel, |_, doc| {
            let active = self.db.read(|c| shares::active_for_doc(c, &doc.doc_id))?;
            let ending: Vec<&ShareRow> = active.iter().filter(|s| which(s)).collect();
            if ending.is_empty() {
                return Ok(());
            }
            self.db.write(|tx| {
                for share in &ending {
                    self.end_share_in_tx(tx, share, reason, now)?;
                }
                self.rotate(tx, doc, None)
            })?;
            doc.outbox = self
                .db
                .read(|c| streams::active_for_doc(c, &doc.doc_id))?
                .is_some();
            Ok(())
        })
    }

    /// Ends one share and tells its device, on their channel; the caller starts the new epoch.
    pub(crate) fn end_share_in_tx(
        &self,
        tx: &rusqlite::Transaction<'_>,
        share: &ShareRow,
        reason: &str,
        now: i64,
    ) -> Result<()> {
        shares::end(tx, share.share_id, reason, now)?;
        let Some(channel) = streams::channel(tx, &share.peer_id)? else {
            return Ok(());
        };
        let message = ControlMessage::Revoked {
            doc_id: share.doc_id.clone(),
            reason: reason.to_string(),
        };
        let notice = encode_control(&message, &[]);
        // A grant still waiting to go out would hand the document over after consent ended:
        // it goes out as this notice instead, at its sequence number (dropping it would leave
        // the peer waiting at a gap).
        for (id, seq) in outbox::unsent_grants(tx, &channel.stream, &share.doc_id)? {
            let sealed = seal(&channel.key, &self.identity, channel.stream, seq, &notice)
                .map_err(|_| Error::invalid("payload", "is too large for one envelope"))?;
            outbox::replace_envelope(tx, id, &sealed)?;
        }
        self.enqueue_on(tx, &channel, &notice, None, 0)
    }

    /// Expired consent acts as revoked. Called before anything is sent.
    pub(crate) fn expire_shares(&self, now_ms: i64) -> Result<()> {
        let expired: Vec<ShareRow> = self
            .db
            .read(shares::active)?
            .into_iter()
            .filter(|s| s.expires_at_ms.is_some_and(|e| e <= now_ms))
            .collect();
        for share in expired {
            let id = share.share_id;
            self.end_shares(DocSel::Id(&share.doc_id), |s| s.share_id == id, "expired")?;
        }
        Ok(())
    }

    /// Every consent record, in force or ended, newest last.
    pub fn shares(&self) -> Result<Vec<Share>> {
        let rows = self.db.read(shares::all)?;
        let peers = self.db.read(peers::list)?;
        Ok(rows
            .into_iter()
            .map(|r| Share {
                kind: r.kind,
                peer_name: peers
                    .iter()
                    .find(|p| p.peer_id == r.peer_id)
                    .map(|p| p.display_name.clone())
                    .unwrap_or_default(),
                doc_id: r.doc_id,
                peer: r.peer_id,
                access: r.access,
                purpose: r.purpose,
                granted_at_ms: r.granted_at_ms,
                expires_at_ms: r.expires_at_ms,
                ended_at_ms: r.ended_at_ms,
                end_reason: r.end_reason,
            })
            .collect())
    }

    /// One entry per batch sent to a peer: which document, which peer, when, how many changes.
    pub fn disclosure_log(&self) -> Result<Vec<Disclosure>> {
        self.db.read(shares::disclosures)
    }

    /// Re-creates the document from its current state, without history, under a new id and
    /// key; the old key and history are destroyed. Devices it is shared with get the new
    /// document and are told to drop the old one.
    pub fn forget(&self, kind: DocKind) -> Result<()> {
        if matches!(kind, DocKind::Notes | DocKind::Circle) {
            return Err(Error::invalid(
                "kind",
                "is not one of the person's documents",
            ));
        }
        let now = self.now_ms();
        let actor = Self::actor_of(&self.identity);
        self.with_doc(DocSel::Own(kind), |_, doc| {
            if doc.access != DocAccess::Owner {
                // An adopted document (ADR 0012): the device that made it forgets it, and
                // this device gets the re-created one from there.
                return Err(Error::invalid(
                    "document",
                    "is forgotten on the device this one is linked to",
                ));
            }
            let snapshot = DocumentSnapshot::read(kind, &doc.am)?;
            let mut fresh = genesis::genesis(kind, &actor)?;
            snapshot.write_into(&mut fresh)?;
            fresh.commit_with(CommitOptions::default().with_time(now / 1000));
            let new_id = uuid::Uuid::new_v4().simple().to_string();
            let old_id = doc.doc_id.clone();
            let bytes = fresh.save();
            let row = DocumentRow {
                doc_id: new_id.clone(),
                kind,
                actor: actor.to_bytes().to_vec(),
                owner: None,
                access: DocAccess::Owner.as_str().to_string(),
                peer: None,
                adopted: false,
            };
            self.db.write(|tx| {
                chunks::insert_document(tx, &row, now)?;
                chunks::append(tx, &new_id, 1, &bytes, true)?;
                streams::retire_doc(tx, &old_id)?;
                retention::delete_retired(tx, Some(&old_id))?;
                shares::move_to_doc(tx, &old_id, &new_id)?;
                chunks::delete_document(tx, &old_id)?;
                Ok(())
            })?;
            doc.doc_id = new_id;
            doc.am = fresh;
            doc.chunks = 1;
            doc.last_seq = 1;
            doc.outbox = false;
            let has_shares = !self
                .db
                .read(|c| shares::active_for_doc(c, &doc.doc_id))?
                .is_empty();
            if has_shares {
                self.db.write(|tx| self.rotate(tx, doc, Some(&old_id)))?;
                doc.outbox = true;
            }
            Ok(())
        })?;
        // The old history's pages are zeroed in the file (secure_delete) but may still sit in
        // the WAL until it is emptied.
        self.db.checkpoint()
    }

    pub(crate) fn paired(&self, peer: &KeyId) -> Result<()> {
        match self.db.read(|c| peers::get(c, peer))? {
            Some(p) if p.state == PeerState::Paired => Ok(()),
            _ => Err(Error::NotPaired),
        }
    }

    /// Retires the document's current stream and, if anyone still has a share, opens the next
    /// epoch and grants it to each of them.
    pub(crate) fn rotate(
        &self,
        tx: &rusqlite::Transaction<'_>,
        doc: &mut LoadedDoc,
        replaces: Option<&str>,
    ) -> Result<()> {
        let next_epoch = streams::last_epoch(tx, &doc.doc_id)?.map_or(0, |e| e + 1);
        streams::retire_doc(tx, &doc.doc_id)?;
        let active = shares::active_for_doc(tx, &doc.doc_id)?;
        if active.is_empty() {
            outbox::drop_doc_changes(tx, &doc.doc_id)?;
            return Ok(());
        }
        // The snapshot in each grant carries everything so far; pending changes are in it.
        outbox::drop_doc_changes(tx, &doc.doc_id)?;
        // Writers get the append token in their grants, readers only its hash; the id is
        // certified by both tokens (ADR 0022).
        let key = DocKey::generate(next_epoch).map_err(|_| rng_failed())?;
        let append = AppendRight::generate().map_err(|_| rng_failed())?;
        let stream = StreamRow {
            stream: append
                .stream_id(&key)
                .expect("a generated right is never a legacy one"),
            doc_id: Some(doc.doc_id.clone()),
            peer_id: None,
            key,
            append,
            active: true,
            cursor: 0,
            next_seq: 1,
        };
        streams::insert(tx, &stream)?;
        retention::mark_made_here(tx, &stream.stream)?;
        streams::mark_started(tx, &stream.stream, self.now_ms())?;
        for share in &active {
            self.enqueue_grant(tx, doc, &stream, share, &active, replaces)?;
        }
        Ok(())
    }

    fn writer_keys(
        &self,
        tx: &rusqlite::Transaction<'_>,
        active: &[ShareRow],
    ) -> Result<Vec<crate::crypto::DevicePublicKeys>> {
        let mut keys = Vec::new();
        for share in active.iter().filter(|s| s.access == Access::Write) {
            if let Some(k) = peers::keys(tx, &share.peer_id)? {
                keys.push(k);
            }
        }
        Ok(keys)
    }

    fn enqueue_grant(
        &self,
        tx: &rusqlite::Transaction<'_>,
        doc: &mut LoadedDoc,
        stream: &StreamRow,
        share: &ShareRow,
        active: &[ShareRow],
        replaces: Option<&str>,
    ) -> Result<()> {
        let recipient = peers::keys(tx, &share.peer_id)?.ok_or(Error::NotPaired)?;
        let channel = streams::channel(tx, &share.peer_id)?.ok_or(Error::NotPaired)?;
        let ctx = WrapContext {
            doc_id: parse_id(&doc.doc_id)
                .map_err(|_| Error::invalid("doc_id", "is not 32 hex characters"))?,
            stream: stream.stream,
        };
        // To the peer's newest announced prekey; to its identity key if it has announced none
        // (a device older than ADR 0026).
        let wrapped = match prekeys::peer_current(tx, &share.peer_id)? {
            Some(prekey) => {
                wrap_doc_key_to_prekey(&stream.key, &ctx, &self.identity, &recipient, &prekey)
            }
            None => wrap_doc_key(&stream.key, &ctx, &self.identity, &recipient),
        }
        .map_err(|_| Error::invalid("peer", "has unusable keys"))?;
        let grant = ControlMessage::Grant(Box::new(Grant {
            doc_id: doc.doc_id.clone(),
            kind: doc.kind,
            access: share.access.as_str().to_string(),
            epoch: stream.key.epoch(),
            stream: hex::encode(stream.stream.0),
            wrapped_key: hex::encode(wrapped),
            read_from: stream.cursor,
            writers: encode_writers(&self.writer_keys(tx, active)?),
            append_token_hash: Some(hex::encode(stream.append_hash())),
            append_token: match share.access {
                Access::Write => stream.append_token().map(|t| hex::encode(t.as_bytes())),
                Access::Read => None,
            },
            purpose: share.purpose.clone(),
            expires_at_ms: share.expires_at_ms,
            replaces: replaces.map(str::to_string),
        }));
        let snapshot = doc.am.save();
        let changes = u32::try_from(doc.am.get_changes(&[]).len()).unwrap_or(u32::MAX);
        self.enqueue_on(
            tx,
            &channel,
            &encode_control(&grant, &snapshot),
            Some((&doc.doc_id, &share.peer_id)),
            changes,
        )
    }

    /// Seals `payload` as this device's next envelope on `stream` and queues it.
    pub(crate) fn enqueue_on(
        &self,
        tx: &rusqlite::Transaction<'_>,
        stream: &StreamRow,
        payload: &[u8],
        disclosed: Option<(&str, &KeyId)>,
        changes: u32,
    ) -> Result<()> {
        let seq = streams::take_seq(tx, &stream.stream)?;
        let envelope = seal(&stream.key, &self.identity, stream.stream, seq, payload)
            .map_err(|_| Error::invalid("payload", "is too large for one envelope"))?;
        outbox::add_envelope(
            tx,
            &NewEnvelope {
                stream: &stream.stream,
                seq,
                doc_id: disclosed.map(|d| d.0).or(stream.doc_id.as_deref()),
                peer_id: disclosed.map(|d| d.1),
                changes,
                envelope: &envelope,
            },
            self.now_ms(),
        )
    }
}
