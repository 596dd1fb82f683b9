//! The engine's entry points: what to send, what was acknowledged, what to follow, and what
//! to do with an envelope that arrived. Receiving checks, in order: size bound, version,
//! stream, sender known, signature, epoch, permission, sequence — and only then decrypts,
//! decodes and applies. A refusal changes nothing but a counter (and, for a refusal that
//! retrying cannot fix, the stream's cursor, so the same bytes are not fetched forever).

use std::collections::BTreeMap;

use super::listeners::{ChangeOrigin, DocChanged, SharedChanged};
use super::{DocSel, Twofold};
use crate::crypto::{DecodedEnvelope, EnvelopeError, KeyId, StreamId, MAX_ENVELOPE_LEN};
use crate::docs::genesis;
use crate::error::{Error, Result};
use crate::store::chunks;
use crate::store::outbox;
use crate::store::peers::{self, PeerState};
use crate::store::shares::{self, Disclosure};
use crate::store::streams::{self, StreamRow};
use crate::sync::payload::{self, Payload};
use crate::sync::{
    Access, Follow, MailboxFollow, MailboxPost, Outgoing, OutgoingEnvelope, Received, RejectReason,
};

/// Largest payload of local changes put in one envelope; more waits for the next one.
const MAX_BATCH_PAYLOAD: usize = 512 * 1024;

fn reject_of(e: EnvelopeError) -> RejectReason {
    match e {
        EnvelopeError::TooLarge => RejectReason::TooLarge,
        EnvelopeError::Truncated => RejectReason::Truncated,
        EnvelopeError::UnsupportedVersion(_) => RejectReason::UnsupportedVersion,
        EnvelopeError::UnknownSender => RejectReason::UnknownSender,
        EnvelopeError::BadSignature => RejectReason::BadSignature,
        EnvelopeError::EpochMismatch => RejectReason::StaleEpoch,
        EnvelopeError::DecryptFailed => RejectReason::DecryptFailed,
    }
}

/// What a verified envelope asks for, before the state change.
enum Accepted {
    Changes(Vec<u8>),
    Control(Vec<u8>, KeyId),
    /// Signed by an allowed sender at the expected sequence number, but it does not decrypt.
    Refused(RejectReason),
}

impl Twofold {
    /// Everything waiting to go out. Expired shares are ended first, the wellbeing summary is
    /// refreshed if it is shared, and pending local changes are sealed into envelopes (the
    /// same envelope bytes are returned again until acknowledged).
    pub fn sync_outgoing(&self, now_ms: i64) -> Result<Outgoing> {
        self.expire_shares(now_ms)?;
        self.refresh_shared_summary(now_ms)?;
        self.seal_pending()?;
        let rows = self.db.read(outbox::unsent)?;
        let mut envelopes = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(stream) = self.db.read(|c| streams::get(c, &row.stream))? else {
                continue;
            };
            let read = stream.key.read_token(&stream.stream);
            let append = stream.key.append_token(&stream.stream);
            envelopes.push(OutgoingEnvelope {
                id: row.id,
                stream: stream.stream,
                read_token_hash: read.hash(),
                append_token_hash: append.hash(),
                append_token: append,
                envelope: row.envelope,
            });
        }
        let mailbox = self
            .db
            .read(outbox::mailbox_posts)?
            .into_iter()
            .map(|(id, mailbox, bytes)| MailboxPost { id, mailbox, bytes })
            .collect();
        Ok(Outgoing { envelopes, mailbox })
    }

    fn seal_pending(&self) -> Result<()> {
        let pending = self.db.read(outbox::pending_changes)?;
        let mut by_doc: BTreeMap<String, Vec<(i64, Vec<u8>)>> = BTreeMap::new();
        for (id, doc_id, bytes) in pending {
            by_doc.entry(doc_id).or_default().push((id, bytes));
        }
        for (doc_id, changes) in by_doc {
            self.db.write(|tx| {
                let Some(stream) = streams::active_for_doc(tx, &doc_id)? else {
                    return outbox::drop_doc_changes(tx, &doc_id);
                };
                let mut batch: Vec<&[u8]> = Vec::new();
                let mut size = 0;
                let flush = |batch: &mut Vec<&[u8]>| -> Result<()> {
                    if batch.is_empty() {
                        return Ok(());
                    }
                    let payload = payload::encode_changes(batch.iter().copied());
                    let n = u32::try_from(batch.len()).unwrap_or(u32::MAX);
                    self.enqueue_on(tx, &stream, &payload, None, n)?;
                    batch.clear();
                    Ok(())
                };
                for (id, bytes) in &changes {
                    if size + bytes.len() > MAX_BATCH_PAYLOAD {
                        flush(&mut batch)?;
                        size = 0;
                    }
                    batch.push(bytes);
                    size += bytes.len();
                    outbox::delete_change(tx, *id)?;
                }
                flush(&mut batch)
            })?;
        }
        Ok(())
    }

    /// The relay stored envelope `id`. Records the disclosure: one entry per peer the batch
    /// reaches, written once even if the acknowledgement is repeated.
    pub fn sync_acked(&self, id: i64, now_ms: i64) -> Result<()> {
        let docs = self.docs_read();
        self.db.write(|tx| {
            let Some(row) = outbox::take_envelope(tx, id)? else {
                return Ok(());
            };
            // The last notice to an unpaired device is out: its channel ends.
            if let Some(peer) = streams::get(tx, &row.stream)?.and_then(|s| s.peer_id) {
                let removed = peers::get(tx, &peer)?.is_some_and(|p| p.state == PeerState::Removed);
                if removed && outbox::unsent_on(tx, &row.stream)? == 0 {
                    streams::retire_channel(tx, &peer)?;
                }
            }
            let Some(doc_id) = row.doc_id.as_deref() else {
                return Ok(());
            };
            let Some(doc) = docs.by_id(doc_id) else {
                return Ok(());
            };
            let recipients: Vec<KeyId> = match (row.peer_id, doc.owner) {
                (Some(peer), _) => vec![peer],
                (None, Some(owner)) => vec![owner],
                (None, None) => shares::active_for_doc(tx, doc_id)?
                    .into_iter()
                    .map(|s| s.peer_id)
                    .collect(),
            };
            for peer in recipients {
                shares::disclose(
                    tx,
                    &Disclosure {
                        at_ms: now_ms,
                        doc_id: doc_id.to_string(),
                        kind: doc.kind,
                        peer_id: peer,
                        changes: row.changes,
                        bytes: row.envelope.len() as u64,
                        what: if row.peer_id.is_some() {
                            "snapshot"
                        } else {
                            "changes"
                        }
                        .to_string(),
                    },
                )?;
            }
            Ok(())
        })
    }

    /// The relay stored mailbox message `id`.
    pub fn sync_mailbox_posted(&self, id: i64) -> Result<()> {
        self.db.write(|tx| outbox::remove_mailbox_post(tx, id))
    }

    /// The streams to read, each after its cursor: channels first, so that grants and
    /// writer lists arrive before the documents they unlock.
    pub fn sync_follows(&self) -> Result<Vec<Follow>> {
        let removed: Vec<KeyId> = self
            .db
            .read(peers::list)?
            .into_iter()
            .filter(|p| p.state == PeerState::Removed)
            .map(|p| p.peer_id)
            .collect();
        Ok(self
            .db
            .read(streams::active)?
            .into_iter()
            // An unpaired device's channel only stays to carry the last notices out.
            .filter(|s| s.peer_id.is_none_or(|p| !removed.contains(&p)))
            .map(|s| {
                let read_token = s.key.read_token(&s.stream);
                Follow {
                    read_token_hash: read_token.hash(),
                    append_token_hash: s.key.append_token(&s.stream).hash(),
                    read_token,
                    stream: s.stream,
                    after: s.cursor,
                }
            })
            .collect())
    }

    pub fn sync_mailbox_follows(&self) -> Result<Vec<MailboxFollow>> {
        Ok(self
            .db
            .read(outbox::watched)?
            .into_iter()
            .map(|(mailbox, _, _, after)| MailboxFollow { mailbox, after })
            .collect())
    }

    /// Counters of refused input, by reason.
    pub fn sync_rejections(&self) -> Result<Vec<(String, u64)>> {
        self.db.read(outbox::rejections)
    }

    /// One envelope read from `stream` at relay `position` (dense, from 1).
    pub fn sync_receive(
        &self,
        stream: &StreamId,
        position: u64,
        bytes: &[u8],
        now_ms: i64,
    ) -> Result<Received> {
        let Some(row) = self.db.read(|c| streams::get(c, stream))? else {
            return self.refused(None, position, RejectReason::UnknownStream);
        };
        match self.check(&row, bytes)? {
            Err(outcome) => match outcome {
                Received::Rejected(reason) => self.refused(Some(&row), position, reason),
                Received::Duplicate => {
                    self.db
                        .write(|tx| streams::advance_cursor(tx, stream, position))?;
                    Ok(Received::Duplicate)
                }
                other => Ok(other),
            },
            Ok((sender, seq, accepted)) => match accepted {
                Accepted::Changes(plain) => self.apply_changes(&row, position, sender, seq, &plain),
                Accepted::Control(plain, peer) => {
                    self.apply_control(&row, position, sender, seq, &plain, peer, now_ms)
                }
                Accepted::Refused(reason) => {
                    self.refused_from(Some(&row), position, reason, Some((&sender, seq)))
                }
            },
        }
    }

    pub(super) fn refused(
        &self,
        row: Option<&StreamRow>,
        position: u64,
        reason: RejectReason,
    ) -> Result<Received> {
        self.refused_from(row, position, reason, None)
    }

    /// A refusal of an envelope whose sender and sequence number were already verified
    /// (`consumed`): the number is used up with it, or every later envelope of that sender
    /// on the stream would wait behind it as a gap, for good.
    pub(super) fn refused_from(
        &self,
        row: Option<&StreamRow>,
        position: u64,
        reason: RejectReason,
        consumed: Option<(&KeyId, u64)>,
    ) -> Result<Received> {
        self.db.write(|tx| {
            outbox::count_rejection(tx, reason.as_str())?;
            if let Some(row) = row.filter(|_| !reason.retryable()) {
                if let Some((sender, seq)) = consumed {
                    streams::set_sender_next(tx, &row.stream, sender, seq + 1)?;
                }
                streams::advance_cursor(tx, &row.stream, position)?;
            }
            Ok(())
        })?;
        Ok(Received::Rejected(reason))
    }

    /// Every check before anything changes. `Err` carries the outcome of a refusal.
    #[allow(clippy::type_complexity)]
    fn check(
        &self,
        row: &StreamRow,
        bytes: &[u8],
    ) -> Result<std::result::Result<(KeyId, u64, Accepted), Received>> {
        let reject = |r| Ok(Err(Received::Rejected(r)));
        let decoded = match DecodedEnvelope::decode(bytes, MAX_ENVELOPE_LEN) {
            Ok(d) => d,
            Err(e) => return reject(reject_of(e)),
        };
        if !row.active {
            return reject(RejectReason::StaleEpoch);
        }
        if decoded.header().stream != row.stream {
            return reject(RejectReason::WrongStream);
        }
        let sender = decoded.header().sender;
        let me = self.identity.key_id();
        let keys = if sender == me {
            Some(self.identity.public_keys())
        } else {
            self.db.read(|c| peers::keys(c, &sender))?
        };
        let verified = match decoded.verify(|_| keys) {
            Ok(v) => v,
            Err(e) => return reject(reject_of(e)),
        };
        let header = *verified.header();
        if sender == me {
            // This device's own envelope, read back from the relay.
            return Ok(Err(Received::Duplicate));
        }
        if header.epoch != row.key.epoch() {
            return reject(RejectReason::StaleEpoch);
        }
        if !self.may_write(row, &sender)? {
            return reject(RejectReason::NotAllowed);
        }
        let expected = self
            .db
            .read(|c| streams::sender_next(c, &row.stream, &sender))?;
        if header.seq < expected {
            return Ok(Err(Received::Duplicate));
        }
        if header.seq > expected {
            return Ok(Err(Received::Gap {
                sender,
                expected,
                got: header.seq,
            }));
        }
        let accepted = match verified.decrypt(&row.key) {
            Err(e) => Accepted::Refused(reject_of(e)),
            Ok(plain) => match row.peer_id {
                Some(peer) => Accepted::Control(plain, peer),
                None => Accepted::Changes(plain),
            },
        };
        Ok(Ok((sender, header.seq, accepted)))
    }

    fn may_write(&self, row: &StreamRow, sender: &KeyId) -> Result<bool> {
        if let Some(peer) = row.peer_id {
            let removed = self
                .db
                .read(|c| peers::get(c, &peer))?
                .is_some_and(|p| p.state == PeerState::Removed);
            return Ok(peer == *sender && !removed);
        }
        let Some(doc_id) = row.doc_id.as_deref() else {
            return Ok(false);
        };
        let owner = self.read(|docs| Ok(docs.by_id(doc_id).map(|d| d.owner)))?;
        match owner {
            None => Ok(false),
            Some(Some(owner)) if owner == *sender => Ok(true),
            Some(Some(_)) => Ok(self
                .db
                .read(|c| streams::writers(c, doc_id))?
                .contains(sender)),
            Some(None) => Ok(self
                .db
                .read(|c| shares::active_for_doc(c, doc_id))?
                .iter()
                .any(|s| s.peer_id == *sender && s.access == Access::Write)),
        }
    }

    /// Devices whose changes a writer may pass on: the owner, and every past or present
    /// writer of the document.
    fn allowed_authors(&self, doc_id: &str) -> Result<Vec<KeyId>> {
        let owner = self.read(|docs| Ok(docs.by_id(doc_id).and_then(|d| d.owner)))?;
        let mut out = vec![owner.unwrap_or_else(|| self.identity.key_id())];
        if owner.is_some() {
            out.extend(self.db.read(|c| streams::writers_ever(c, doc_id))?);
        } else {
            out.extend(
                self.db
                    .read(shares::all)?
                    .into_iter()
                    .filter(|s| s.doc_id == doc_id && s.access == Access::Write)
                    .map(|s| s.peer_id),
            );
        }
        Ok(out)
    }

    fn apply_changes(
        &self,
        row: &StreamRow,
        position: u64,
        sender: KeyId,
        seq: u64,
        plain: &[u8],
    ) -> Result<Received> {
        let consumed = Some((&sender, seq));
        let Some(doc_id) = row.doc_id.clone() else {
            return self.refused_from(
                Some(row),
                position,
                RejectReason::MalformedPayload,
                consumed,
            );
        };
        let raw = match payload::decode(plain) {
            Ok(Payload::Changes(raw)) => raw,
            _ => {
                return self.refused_from(
                    Some(row),
                    position,
                    RejectReason::MalformedPayload,
                    consumed,
                )
            }
        };
        let changes = match payload::parse_changes(raw, self.options.import_limits) {
            Ok(c) => c,
            Err(reason) => return self.refused_from(Some(row), position, reason, consumed),
        };
        let sender_actor = automerge::ActorId::from(&sender.0[..]);
        let authors = self.allowed_authors(&doc_id)?;
        let outcome = self.with_doc(DocSel::Id(&doc_id), |_, doc| {
            // The owner may pass on anything (an import); a writer its own changes, and after
            // a new epoch those of other past or present writers the owner lacked.
            let genesis_actor = automerge::ActorId::from(&genesis::GENESIS_ACTOR[..]);
            let foreign = |c: &automerge::Change| {
                c.actor_id() != &sender_actor
                    && c.actor_id() != &genesis_actor
                    && !authors.iter().any(|a| c.actor_id().to_bytes() == a.0)
            };
            if doc.owner != Some(sender) && changes.iter().any(foreign) {
                return Ok(Err(RejectReason::WrongAuthor));
            }
            let kind = doc.kind;
            let n = changes.len();
            doc.am.apply_changes(changes.iter().cloned())?;
            if genesis::kind_of(&doc.am) != Some(kind) {
                self.reload(doc)?;
                return Ok(Err(RejectReason::MalformedPayload));
            }
            let chunk_seq = doc.last_seq + 1;
            let written = self.db.write(|tx| {
                chunks::append(tx, &doc.doc_id, chunk_seq, raw, false)?;
                streams::set_sender_next(tx, &row.stream, &sender, seq + 1)?;
                streams::advance_cursor(tx, &row.stream, position)
            });
            if let Err(e) = written {
                self.reload(doc)?;
                return Err(e);
            }
            doc.chunks += 1;
            doc.last_seq = chunk_seq;
            self.compact_if_due(doc);
            let own = doc.owner.is_none() && doc.peer.is_none();
            Ok(Ok((kind, n, own, doc.doc_id.clone())))
        });
        match outcome {
            Ok(Ok((kind, changes, own, doc_id))) => {
                if own {
                    self.listeners.notify(DocChanged {
                        kind,
                        origin: ChangeOrigin::Peer,
                    });
                } else {
                    self.listeners.notify_shared(&SharedChanged {
                        doc_id,
                        kind,
                        origin: ChangeOrigin::Peer,
                    });
                }
                Ok(Received::Applied { kind, changes })
            }
            Ok(Err(reason)) => self.refused_from(Some(row), position, reason, consumed),
            Err(Error::Automerge(_)) | Err(Error::Contained { .. }) => self.refused_from(
                Some(row),
                position,
                RejectReason::MalformedPayload,
                consumed,
            ),
            Err(e) => Err(e),
        }
    }

    /// Heads of a document, hex, sorted: equal on two devices means equal state.
    pub fn doc_heads(&self, doc_id: &str) -> Result<Vec<String>> {
        self.read(|docs| {
            let doc = docs
                .by_id(doc_id)
                .ok_or_else(|| Error::not_found("document", doc_id.to_string()))?;
            let mut am = doc.am.clone();
            let mut heads: Vec<String> = am.get_heads().iter().map(|h| h.to_string()).collect();
            heads.sort();
            Ok(heads)
        })
    }
}
