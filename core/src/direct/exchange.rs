//! The store's side of a direct session: which documents a session with a peer may carry and
//! which way, what this device holds of each (its offer), the changes the peer lacks, and
//! applying the peer's changes under the same rules as an envelope from the relay.
//!
//! The rules are the relay path's (`sync/receive.rs`), read from the same tables:
//! - a document of mine travels only while a share to this peer is in force (an expired
//!   share is ended first); the peer's changes only under a read-write share;
//! - a document the peer owns travels while its stream is active here; this device sends
//!   its own changes only if it may write;
//! - a change's author must be the peer or a schema actor (the owner may pass on anything);
//!   unlike an envelope, a session carries no authors' signatures, so a writer cannot pass
//!   on another device's change this way (ADR 0024);
//! - a change already here is not applied or stored again, whichever path brought it first.

use std::collections::BTreeMap;

use automerge::{ActorId, Change, ChangeHash};

use super::message::DocOffer;
use crate::crypto::KeyId;
use crate::docs::genesis;
use crate::docs::kind::DocKind;
use crate::error::Result;
use crate::store::peers::{self, PeerState};
use crate::store::shares::{self, Disclosure};
use crate::store::{chunks, outbox, streams};
use crate::sync::authorship::impersonates;
use crate::sync::payload;
use crate::sync::{Access, RejectReason};
use crate::twofold::listeners::{ChangeOrigin, DocChanged, SharedChanged};
use crate::twofold::{DocAccess, DocSel, Twofold};

/// A document a direct session with one peer may carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DirectDoc {
    pub doc_id: String,
    pub kind: DocKind,
    /// This device owns it (and may pass on every change it holds).
    pub mine: bool,
    /// This device may send its own changes of it.
    pub i_write: bool,
}

/// What became of a batch of the peer's changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applied {
    /// This many changes were new here and are now applied and durable.
    Changes(usize),
    Refused(RejectReason),
}

impl Twofold {
    /// The X25519 key of a paired peer, if it is paired.
    pub(crate) fn direct_peer_key(&self, peer: &KeyId) -> Result<Option<[u8; 32]>> {
        let row = self.db.read(|c| peers::get(c, peer))?;
        Ok(row
            .filter(|p| p.state == PeerState::Paired)
            .map(|p| p.keys.agreement))
    }

    /// Every paired peer, for a responder that must find out who is calling.
    pub(crate) fn direct_candidates(&self) -> Result<Vec<(KeyId, [u8; 32])>> {
        Ok(self
            .db
            .read(peers::list)?
            .into_iter()
            .filter(|p| p.state == PeerState::Paired)
            .map(|p| (p.peer_id, p.keys.agreement))
            .collect())
    }

    /// The documents a session with `peer` may carry, by the shares in force now.
    pub(crate) fn direct_docs(&self, peer: &KeyId) -> Result<Vec<DirectDoc>> {
        let now = self.now_ms();
        self.expire_shares(now)?;
        self.refresh_shared_summary(now)?;
        let shares = self.db.read(shares::active)?;
        let live = self.db.read(streams::active)?;
        let docs = self.docs_read()?;
        let mut out = Vec::new();
        for doc in docs.owner.values().chain(docs.others.values()) {
            let mine = doc.owner.is_none();
            let allowed = match doc.owner {
                None => shares
                    .iter()
                    .any(|s| s.doc_id == doc.doc_id && s.peer_id == *peer),
                Some(owner) => {
                    owner == *peer
                        && doc.access != DocAccess::Ended
                        && live
                            .iter()
                            .any(|s| s.doc_id.as_deref() == Some(doc.doc_id.as_str()))
                }
            };
            if allowed {
                out.push(DirectDoc {
                    doc_id: doc.doc_id.clone(),
                    kind: doc.kind,
                    mine,
                    i_write: mine || doc.access == DocAccess::Write,
                });
            }
        }
        Ok(out)
    }

    /// What this device holds of each document: every author's highest sequence number.
    pub(crate) fn direct_offer(&self, docs: &[DirectDoc]) -> Result<Vec<DocOffer>> {
        docs.iter()
            .map(|d| {
                self.with_doc(DocSel::Id(&d.doc_id), |_, doc| {
                    let mut clock: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
                    for meta in doc.am.get_changes_meta(&[]) {
                        let seq = clock.entry(meta.actor.to_bytes().to_vec()).or_default();
                        *seq = (*seq).max(meta.seq);
                    }
                    Ok(DocOffer {
                        doc_id: d.doc_id.clone(),
                        clock: clock.into_iter().collect(),
                    })
                })
            })
            .collect()
    }

    /// The changes of `doc` the peer lacks by its clock, oldest first, that this device may
    /// send: all of them for its own document, its own (and schema) changes otherwise.
    pub(crate) fn direct_changes_for(
        &self,
        doc: &DirectDoc,
        their_clock: &[(Vec<u8>, u64)],
    ) -> Result<Vec<Vec<u8>>> {
        if !doc.i_write {
            return Ok(Vec::new());
        }
        let me = Twofold::actor_of(&self.identity);
        self.with_doc(DocSel::Id(&doc.doc_id), |_, loaded| {
            let theirs: BTreeMap<&[u8], u64> =
                crate::sorting::map(their_clock.iter().map(|(a, s)| (a.as_slice(), *s)));
            let wanted: Vec<ChangeHash> = loaded
                .am
                .get_changes_meta(&[])
                .into_iter()
                .filter(|m| {
                    let actor: &ActorId = &m.actor;
                    m.seq > theirs.get(actor.to_bytes()).copied().unwrap_or(0)
                        && (doc.mine || *actor == me || genesis::is_schema_actor(actor))
                })
                .map(|m| m.hash)
                .collect();
            Ok(wanted
                .iter()
                .filter_map(|h| loaded.am.get_change_by_hash(h))
                .map(|c| c.raw_bytes().to_vec())
                .collect())
        })
    }

    /// Records that a batch of `doc` went to `peer` over a direct session.
    pub(crate) fn direct_disclose(
        &self,
        peer: &KeyId,
        doc: &DirectDoc,
        changes: u32,
        bytes: u64,
    ) -> Result<()> {
        let at_ms = self.now_ms();
        self.db.write(|tx| {
            shares::disclose(
                tx,
                &Disclosure {
                    at_ms,
                    doc_id: doc.doc_id.clone(),
                    kind: doc.kind,
                    peer_id: *peer,
                    changes,
                    bytes,
                    what: "direct".to_string(),
                },
            )
        })
    }

    /// Checks and applies a batch of the peer's changes to `doc_id` in one write transaction
    /// under the documents' lock: the peer's permission now, every change's author, then only
    /// the changes not already here, appended as one chunk. A refusal is counted and changes
    /// nothing else.
    pub(crate) fn direct_apply(
        &self,
        peer: &KeyId,
        doc_id: &str,
        raw: &[Vec<u8>],
    ) -> Result<Applied> {
        let applied = self.direct_apply_inner(peer, doc_id, raw)?;
        if let Applied::Refused(reason) = applied {
            self.db
                .write(|tx| outbox::count_rejection(tx, reason.as_str()))?;
        }
        Ok(applied)
    }

    fn direct_apply_inner(&self, peer: &KeyId, doc_id: &str, raw: &[Vec<u8>]) -> Result<Applied> {
        let joined = raw.concat();
        let changes = match payload::parse_changes(&joined, self.options.import_limits) {
            Ok(c) => c,
            Err(reason) => return Ok(Applied::Refused(reason)),
        };
        let peer_actor = ActorId::from(&peer.0[..]);
        let mut docs = self.docs_write()?;
        let mut half_applied = false;
        let mut changed_kind = None;
        let outcome = self.db.write(|tx| {
            let Some(doc) = docs.by_id(doc_id) else {
                return Ok(Applied::Refused(RejectReason::UnknownStream));
            };
            let owner = doc.owner;
            let may_write = match owner {
                None => shares::active_for_doc(tx, doc_id)?
                    .iter()
                    .any(|s| s.peer_id == *peer && s.access == Access::Write),
                Some(owner) => {
                    owner == *peer
                        && doc.access != DocAccess::Ended
                        && streams::active_for_doc(tx, doc_id)?.is_some()
                }
            };
            if !may_write {
                return Ok(Applied::Refused(RejectReason::NotAllowed));
            }
            // Only the owner passes on other devices' changes over a direct session (a writer
            // sends its own, `direct_changes_for`); the session carries no authors'
            // signatures, so a writer's change under any other actor is refused (ADR 0024).
            let from_owner = owner == Some(*peer);
            let foreign = |c: &Change| {
                !from_owner
                    && c.actor_id() != &peer_actor
                    && !genesis::is_schema_actor(c.actor_id())
            };
            if changes.iter().any(foreign) {
                return Ok(Applied::Refused(RejectReason::WrongAuthor));
            }
            self.with_doc_in(&mut docs, DocSel::Id(doc_id), |others, doc| {
                if impersonates(
                    &mut doc.am,
                    doc.kind,
                    &Self::actor_of(&self.identity),
                    &changes,
                ) {
                    return Ok(Applied::Refused(RejectReason::WrongAuthor));
                }
                let fresh: Vec<Change> = changes
                    .iter()
                    .filter(|c| doc.am.get_change_by_hash(&c.hash()).is_none())
                    .cloned()
                    .collect();
                if fresh.is_empty() {
                    return Ok(Applied::Changes(0));
                }
                let kind = doc.kind;
                half_applied = true;
                if doc.am.apply_changes(fresh.iter().cloned()).is_err()
                    || genesis::kind_of(&doc.am) != Some(kind)
                {
                    return Ok(Applied::Refused(RejectReason::MalformedPayload));
                }
                let bytes: Vec<u8> = fresh.iter().flat_map(|c| c.raw_bytes().to_vec()).collect();
                let seq = doc.last_seq + 1;
                chunks::append(tx, &doc.doc_id, seq, &bytes, false)?;
                crate::twofold::home_model::record(tx, others, doc, seq)?;
                doc.chunks += 1;
                doc.last_seq = seq;
                changed_kind = Some((kind, doc.is_mine()));
                Ok(Applied::Changes(fresh.len()))
            })
        });
        let refused_after_apply = matches!(outcome, Ok(Applied::Refused(_)));
        if half_applied && (outcome.is_err() || refused_after_apply) {
            self.reload_in(&mut docs, doc_id);
        }
        let outcome = outcome?;
        let Some((kind, own)) = changed_kind.filter(|_| !refused_after_apply) else {
            return Ok(outcome);
        };
        if let Some(mut doc) = docs.take(&DocSel::Id(doc_id)) {
            self.compact_if_due(&mut doc);
            docs.put_back(doc);
        }
        // Listeners may call back into the store: never under the documents' lock.
        drop(docs);
        let origin = ChangeOrigin::Peer;
        if own {
            self.listeners.notify(DocChanged { kind, origin });
        } else {
            self.listeners.notify_shared(&SharedChanged {
                doc_id: doc_id.to_string(),
                kind,
                origin,
            });
        }
        Ok(outcome)
    }
}
