//! Control messages from a paired device's channel: grants, writer lists, revocations. Each is
//! checked and applied in the receiving transaction, with the channel's sequence number and
//! cursor; its effect on the documents in memory follows once that transaction commits.

use rusqlite::{Connection, Transaction};

use super::apply_succession::Statement;
use super::receive::{AfterCommit, Decided, Incoming};
use crate::crypto::{random_bytes, unwrap_doc_key_with, KeyId, WrapContext};
use crate::docs::genesis;
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::store::chunks::{self, DocumentRow};
use crate::store::doc_aliases;
use crate::store::outbox;
use crate::store::peers::{self, Link};
use crate::store::prekeys;
use crate::store::shares;
use crate::store::streams::{self, StreamRow};
use crate::sync::control::{parse_id, parse_writers, ControlMessage, Grant, ERASED};
use crate::sync::payload::{self, Payload};
use crate::sync::{Access, Received, RejectReason};
use crate::twofold::listeners::{ChangeOrigin, SharedChanged};
use crate::twofold::{DocAccess, Docs, LoadedDoc, Twofold};

/// What a control message changes in memory once its transaction has committed.
pub(super) enum Effect {
    None,
    Upsert(Box<LoadedDoc>),
    Access(String, DocAccess, bool),
    /// A device succeeded another (ADR 0010): what was the old one's is the new one's.
    Moved {
        old: KeyId,
        new: KeyId,
    },
    /// A pairing handed over by the device this one is linked to ended: these documents it
    /// shared are kept, read-only (ADR 0012).
    Ended(Vec<String>),
}

/// What a committed control message changes in memory: its effect, the document it removed
/// (replaced by a forgotten one's successor, or erased by its owner), and the document whose
/// listeners hear of it.
pub(crate) struct ControlCommitted {
    pub(super) effect: Effect,
    pub(super) removed: Option<String>,
    /// Documents deleted whoever owned them: those of the pairings the device this one was
    /// linked to had handed over, when it removed this one (ADR 0012).
    pub(super) dropped: Vec<String>,
    pub(super) changed: Option<String>,
    /// A grant applied: the next record of the channel may share its transaction, since a
    /// grant changes no key, stream or peer that the next one's checks read.
    pub(super) grant: bool,
    pub(super) peer: KeyId,
}

impl ControlCommitted {
    /// Whether a document's rows were deleted: its old pages must then leave the WAL too.
    pub(crate) fn removes_a_document(&self) -> bool {
        self.removed.is_some() || !self.dropped.is_empty()
    }
}

impl Twofold {
    /// Applies a control message from `peer`'s channel inside the receiving transaction.
    pub(crate) fn apply_control_in_tx(
        &self,
        tx: &Transaction<'_>,
        docs: &Docs,
        incoming: &Incoming<'_>,
        plain: &[u8],
        peer: KeyId,
        now_ms: i64,
    ) -> Result<Decided> {
        let (message, tail) = match payload::decode(plain) {
            Ok(Payload::Control { message, tail }) => (message, tail),
            _ => return incoming.refuse_in_tx(tx, RejectReason::BadControl),
        };
        // Only a successor statement comes signed by the person's recovery key rather than
        // by their device, and only it may (ADR 0010).
        match (&message, incoming.sender != peer) {
            (ControlMessage::Successor { old, new, channel }, true) => {
                let statement = Statement { old, new, channel };
                return self.apply_successor_in_tx(tx, incoming, &statement, peer, now_ms);
            }
            (ControlMessage::RecoveryKey { keys }, false) => {
                return self.apply_recovery_key_in_tx(tx, incoming, keys, peer);
            }
            (ControlMessage::Successor { .. }, false) | (_, true) => {
                return incoming.refuse_in_tx(tx, RejectReason::BadControl);
            }
            _ => {}
        }
        if matches!(
            message,
            ControlMessage::Sos(_)
                | ControlMessage::SosAnswer(_)
                | ControlMessage::SosClosed { .. }
        ) {
            return self.apply_sos_in_tx(tx, incoming, &message, peer, now_ms);
        }
        match &message {
            ControlMessage::Devices { devices } => {
                return self.apply_devices_in_tx(tx, incoming, devices, peer, now_ms);
            }
            ControlMessage::Introduce(intro) => {
                return self.apply_introduction_in_tx(tx, incoming, intro, peer, now_ms);
            }
            ControlMessage::Handover(handover) => {
                return self.apply_handover_in_tx(tx, incoming, handover, peer, now_ms);
            }
            ControlMessage::ReadThrough { streams } => {
                return self.apply_read_through_in_tx(tx, incoming, streams, peer);
            }
            ControlMessage::Prekey(announcement) => {
                return self.apply_prekey_in_tx(tx, incoming, announcement, peer, now_ms);
            }
            _ => {}
        }
        // The key was wrapped for the owner's id of the document; everything else here uses
        // this device's id for it (ADR 0022).
        let remote_doc_id = match &message {
            ControlMessage::Grant(grant) => grant.doc_id.clone(),
            _ => String::new(),
        };
        let message = localise_in_tx(tx, docs, message, &peer)?;
        let prepared = match &message {
            ControlMessage::Grant(grant) => {
                self.prepare_grant(tx, docs, grant, &remote_doc_id, tail, &peer, incoming)
            }
            ControlMessage::Writers { doc_id, .. }
                if docs.by_id(doc_id).is_some_and(|d| d.owner == Some(peer)) =>
            {
                Ok(None)
            }
            // A notice may stand in for a grant that never went out (revoked before it was
            // sent): for a document this device never got, there is nothing to end.
            ControlMessage::Revoked { doc_id, .. }
                if docs.by_id(doc_id).is_none_or(|d| d.owner == Some(peer)) =>
            {
                Ok(None)
            }
            _ => Err(RejectReason::BadControl),
        };
        let prepared = match prepared {
            Ok(p) => p,
            Err(reason) => return incoming.refuse_in_tx(tx, reason),
        };
        // A revocation of a document adopted from the device this one was linked to: its kind.
        let unlinked = match &message {
            ControlMessage::Revoked { doc_id, .. } => docs
                .by_id(doc_id)
                .filter(|d| d.adopted && d.owner == Some(peer))
                .map(|d| d.kind),
            _ => None,
        };
        let mut dropped = Vec::new();
        let effect = match (&message, prepared) {
            (ControlMessage::Grant(grant), Some(p)) => {
                match self.commit_grant(tx, docs, grant, p, &peer, now_ms)? {
                    Ok(effect) => effect,
                    // Refused on its own stream, its number used up: a snapshot that cannot
                    // merge will not merge on the next sync either.
                    Err(reason) => return incoming.refuse_in_tx(tx, reason),
                }
            }
            (
                ControlMessage::Writers {
                    doc_id,
                    epoch,
                    writers,
                },
                _,
            ) => {
                let current = streams::active_for_doc(tx, doc_id)?;
                if current.is_some_and(|s| s.key.epoch() == *epoch) {
                    let keys = parse_writers(writers).unwrap_or_default();
                    for k in &keys {
                        peers::remember_writer(tx, k, now_ms)?;
                    }
                    let ids: Vec<KeyId> = keys.iter().map(|k| k.key_id()).collect();
                    streams::set_writers(tx, doc_id, &ids)?;
                }
                Effect::None
            }
            // The device this one was linked to removed it (ADR 0012): the person's document
            // leaves this device, whatever the reason given, and an empty one of the same
            // kind takes its place.
            (ControlMessage::Revoked { doc_id, .. }, _) if unlinked.is_some() => {
                dropped = self.drop_handed_over_in_tx(tx, &peer)?;
                let kind = unlinked.unwrap_or(DocKind::Plan);
                streams::retire_doc(tx, doc_id)?;
                outbox::drop_doc_changes(tx, doc_id)?;
                chunks::delete_document(tx, doc_id)?;
                let fresh =
                    Self::create_doc_in_tx(tx, &Self::actor_of(&self.identity), kind, now_ms)?;
                Effect::Upsert(Box::new(fresh))
            }
            // Only a document this peer shared here can end (checked above); for one this
            // device never got there is nothing to do.
            (ControlMessage::Revoked { doc_id, reason }, _)
                if docs
                    .others
                    .get(doc_id)
                    .is_some_and(|d| d.owner == Some(peer)) =>
            {
                streams::retire_doc(tx, doc_id)?;
                outbox::drop_doc_changes(tx, doc_id)?;
                if reason == ERASED {
                    // The owner erased their phone and asked for their copies back: gone.
                    chunks::delete_document(tx, doc_id)?;
                    Effect::None
                } else {
                    chunks::set_access(tx, doc_id, DocAccess::Ended.as_str())?;
                    Effect::Access(doc_id.clone(), DocAccess::Ended, false)
                }
            }
            _ => Effect::None,
        };
        streams::set_sender_next(tx, &incoming.row.stream, &incoming.sender, incoming.seq + 1)?;
        streams::advance_cursor(tx, &incoming.row.stream, incoming.position)?;
        let grant = matches!(message, ControlMessage::Grant(_));
        let (removed, changed) = match message {
            ControlMessage::Grant(grant) => (grant.replaces, Some(grant.doc_id)),
            ControlMessage::Revoked { doc_id, .. } if unlinked.is_some() => (Some(doc_id), None),
            ControlMessage::Revoked { doc_id, reason } if reason == ERASED => {
                (Some(doc_id.clone()), Some(doc_id))
            }
            ControlMessage::Revoked { doc_id, .. } => (None, Some(doc_id)),
            ControlMessage::Writers { .. }
            | ControlMessage::Sos(_)
            | ControlMessage::SosAnswer(_)
            | ControlMessage::SosClosed { .. }
            | ControlMessage::RecoveryKey { .. }
            | ControlMessage::Successor { .. }
            | ControlMessage::Devices { .. }
            | ControlMessage::Introduce(_)
            | ControlMessage::Handover(_)
            | ControlMessage::ReadThrough { .. }
            | ControlMessage::Prekey(_) => (None, None),
        };
        Ok(Decided {
            received: Received::Control,
            after: AfterCommit::Control(ControlCommitted {
                effect,
                removed,
                dropped,
                changed,
                grant,
                peer,
            }),
        })
    }

    /// Puts a committed control message's effect into the documents in memory; returns the
    /// change to tell listeners of, and whether it is one of the person's own documents.
    pub(crate) fn after_control(
        &self,
        docs: &mut Docs,
        committed: ControlCommitted,
    ) -> Option<(SharedChanged, bool)> {
        let mut own_replaced = None;
        match committed.effect {
            Effect::None => {}
            Effect::Upsert(doc) => {
                if doc.is_mine() {
                    // Stands in the place of the kind's document before it (ADR 0012).
                    own_replaced = Some(SharedChanged {
                        doc_id: doc.doc_id.clone(),
                        kind: doc.kind,
                        origin: ChangeOrigin::Peer,
                    });
                }
                docs.put_back(*doc);
            }
            Effect::Access(doc_id, access, outbox) => {
                if let Some(d) = docs.others.get_mut(&doc_id) {
                    d.access = access;
                    d.outbox = outbox;
                }
            }
            Effect::Ended(doc_ids) => {
                for doc_id in doc_ids {
                    if let Some(d) = docs.others.get_mut(&doc_id) {
                        d.access = DocAccess::Ended;
                        d.outbox = false;
                    }
                }
            }
            Effect::Moved { old, new } => {
                for d in docs.owner.values_mut().chain(docs.others.values_mut()) {
                    if d.owner == Some(old) {
                        d.owner = Some(new);
                    }
                    if d.peer == Some(old) {
                        d.peer = Some(new);
                    }
                }
            }
        }
        let event = committed
            .changed
            .and_then(|id| docs.by_id(&id))
            .map(|d| {
                let event = SharedChanged {
                    doc_id: d.doc_id.clone(),
                    kind: d.kind,
                    origin: ChangeOrigin::Peer,
                };
                (event, d.is_mine())
            })
            .or(own_replaced.map(|e| (e, true)));
        for id in &committed.dropped {
            docs.others.remove(id);
        }
        if let Some(old) = committed.removed {
            if docs
                .others
                .get(&old)
                .is_some_and(|d| d.owner == Some(committed.peer))
            {
                docs.others.remove(&old);
            }
        }
        event
    }

    /// Every check of a grant, and the decoded document, before anything is written.
    // The grant's parts as the channel sent them and as localised, and where its snapshot
    // may already be loaded (`incoming`).
    #[allow(clippy::too_many_arguments)]
    fn prepare_grant<'t>(
        &self,
        conn: &Connection,
        docs: &Docs,
        grant: &Grant,
        remote_doc_id: &str,
        tail: &'t [u8],
        peer: &KeyId,
        incoming: &Incoming<'_>,
    ) -> std::result::Result<Option<PreparedGrant<'t>>, RejectReason> {
        let bad = |_| RejectReason::BadControl;
        let access = grant.access().map_err(bad)?;
        let stream = grant.stream().map_err(bad)?;
        grant.doc_id_bytes().map_err(bad)?;
        let doc_id = parse_id(remote_doc_id).map_err(bad)?;
        if grant.kind == DocKind::Notes && access != Access::Write && access != Access::Read {
            return Err(RejectReason::BadControl);
        }
        if let Some(existing) = docs.by_id(&grant.doc_id) {
            if existing.owner != Some(*peer) {
                return Err(RejectReason::NotAllowed);
            }
        }
        let peer_keys = peers::keys(conn, peer)
            .ok()
            .flatten()
            .ok_or(RejectReason::UnknownSender)?;
        let wrapped = grant.wrapped_key().map_err(bad)?;
        let (key, wrapper) = unwrap_doc_key_with(
            &wrapped,
            &WrapContext { doc_id, stream },
            &self.identity,
            |prekey| prekeys::own_secret(conn, prekey).ok().flatten(),
            |id| (id == peer).then_some(peer_keys),
        )
        .map_err(|_| RejectReason::BadControl)?;
        if wrapper != *peer || key.epoch() != grant.epoch {
            return Err(RejectReason::BadControl);
        }
        let append = grant.append_right(access, &key, &stream).map_err(bad)?;
        let writers = parse_writers(&grant.writers).map_err(bad)?;
        let mut snapshot = incoming
            .snapshots
            .take_or_load(tail, self.options.import_limits)
            .ok_or(RejectReason::MalformedPayload)?;
        if genesis::kind_of(&snapshot) != Some(grant.kind) {
            return Err(RejectReason::MalformedPayload);
        }
        snapshot.set_actor(Self::actor_of(&self.identity));
        if let Some(replaces) = &grant.replaces {
            parse_id(replaces).map_err(bad)?;
        }
        Ok(Some(PreparedGrant {
            access,
            stream,
            key,
            append,
            writers,
            snapshot,
            received: tail,
        }))
    }

    fn commit_grant(
        &self,
        tx: &Transaction<'_>,
        docs: &Docs,
        grant: &Grant,
        mut p: PreparedGrant<'_>,
        peer: &KeyId,
        now_ms: i64,
    ) -> Result<std::result::Result<Effect, RejectReason>> {
        let access = match p.access {
            Access::Read => DocAccess::Read,
            Access::Write => DocAccess::Write,
        };
        let me = Self::actor_of(&self.identity);
        let adopting = self.adopts(tx, docs, grant, access, peer)?;
        let mut adopted = adopting.is_some();
        // Whether the document is the owner's snapshot as it came (`p.received`, checked and
        // loaded by `prepare_grant`): then those bytes are stored, not the loaded document
        // saved again, which costs about as much as loading it (issue 19).
        let mut as_received = true;
        let (mut am, catch_up, chunks_seq) = match docs.by_id(&grant.doc_id) {
            // A read-only device has nothing of its own to keep: it takes the owner's copy, so
            // changes the owner never received (a revoked writer's last ones) leave with the
            // old epoch instead of keeping it apart from the owner forever.
            Some(existing) if p.access == Access::Read => {
                (p.snapshot, Vec::new(), existing.last_seq + 1)
            }
            Some(existing) => {
                adopted = existing.adopted;
                as_received = false;
                let mut am = existing.am.clone();
                // Changes the owner's snapshot lacks (sent in an epoch that just ended, by this
                // device or passed on from another writer) go out again on the new stream;
                // receivers accept another author's change only from a past or present writer.
                let heads = p.snapshot.get_heads();
                let mine: Vec<Vec<u8>> = am
                    .get_changes(&heads)
                    .into_iter()
                    .map(|c| c.raw_bytes().to_vec())
                    .collect();
                // Nothing is written before this: a snapshot that does not merge (a change
                // under this device's actor and number that is not this device's) is refused
                // whole, and a panic inside Automerge is contained as the same refusal.
                let merged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    am.merge(&mut p.snapshot)
                }));
                if !matches!(merged, Ok(Ok(_))) {
                    return Ok(Err(RejectReason::MalformedPayload));
                }
                (am, mine, existing.last_seq + 1)
            }
            None => {
                let row = DocumentRow {
                    doc_id: grant.doc_id.clone(),
                    kind: grant.kind,
                    actor: me.to_bytes().to_vec(),
                    owner: Some(*peer),
                    access: access.as_str().to_string(),
                    peer: None,
                    adopted,
                };
                chunks::insert_document(tx, &row, now_ms)?;
                match adopting {
                    Some(Adopting::MergeOwn(own_id, own)) => {
                        // What this device wrote before it was linked joins the person's
                        // document and goes to the device it was linked to.
                        let Some((merged, mine)) = merge_own_into(p.snapshot, *own) else {
                            return Ok(Err(RejectReason::MalformedPayload));
                        };
                        as_received = false;
                        chunks::delete_document(tx, &own_id)?;
                        (merged, mine, 1)
                    }
                    Some(Adopting::Replace(old_id)) => {
                        streams::retire_doc(tx, &old_id)?;
                        outbox::drop_doc_changes(tx, &old_id)?;
                        chunks::delete_document(tx, &old_id)?;
                        (p.snapshot, Vec::new(), 1)
                    }
                    None => (p.snapshot, Vec::new(), 1),
                }
            }
        };
        for k in &p.writers {
            peers::remember_writer(tx, k, now_ms)?;
        }
        let writer_ids: Vec<KeyId> = p.writers.iter().map(|k| k.key_id()).collect();
        am.set_actor(me);
        let saved = if as_received {
            std::borrow::Cow::Borrowed(p.received)
        } else {
            std::borrow::Cow::Owned(am.save())
        };
        chunks::replace_with_snapshot(tx, &grant.doc_id, chunks_seq, &saved)?;
        chunks::set_access(tx, &grant.doc_id, access.as_str())?;
        streams::retire_doc(tx, &grant.doc_id)?;
        if streams::get(tx, &p.stream)?.is_none() {
            streams::insert(
                tx,
                &StreamRow {
                    stream: p.stream,
                    doc_id: Some(grant.doc_id.clone()),
                    peer_id: None,
                    key: p.key,
                    append: p.append,
                    active: true,
                    cursor: grant.read_from,
                    next_seq: 1,
                },
            )?;
        }
        streams::set_writers(tx, &grant.doc_id, &writer_ids)?;
        let writes = access == DocAccess::Write;
        outbox::drop_doc_changes(tx, &grant.doc_id)?;
        if writes {
            for change in &catch_up {
                outbox::add_change(tx, &grant.doc_id, change)?;
            }
        }
        if let Some(old) = &grant.replaces {
            if docs.by_id(old).is_some_and(|d| d.owner == Some(*peer)) {
                streams::retire_doc(tx, old)?;
                chunks::delete_document(tx, old)?;
            }
        }
        Ok(Ok(Effect::Upsert(Box::new(LoadedDoc {
            doc_id: grant.doc_id.clone(),
            kind: grant.kind,
            owner: Some(*peer),
            peer: None,
            access,
            am,
            chunks: 1,
            last_seq: chunks_seq,
            outbox: writes,
            adopted,
        }))))
    }

    /// Whether a grant from `peer` brings the person's own document of its kind to this
    /// device, linked to `peer` (ADR 0012), and what it replaces here. Only a read-write grant
    /// of one of the person's kinds from the device this one was linked to, for a document
    /// this device does not hold yet; and this device's own document of that kind must be
    /// unshared (a device is linked before it pairs) or an earlier one from the same device.
    fn adopts(
        &self,
        conn: &Connection,
        docs: &Docs,
        grant: &Grant,
        access: DocAccess,
        peer: &KeyId,
    ) -> Result<Option<Adopting>> {
        if access != DocAccess::Write
            || grant.kind == DocKind::Notes
            || docs.by_id(&grant.doc_id).is_some()
        {
            return Ok(None);
        }
        let origin = peers::get(conn, peer)?.is_some_and(|p| p.link == Some(Link::Origin));
        let Some(own) = docs.owner.get(&grant.kind).filter(|_| origin) else {
            return Ok(None);
        };
        if own.adopted {
            return Ok((own.owner == Some(*peer)).then(|| Adopting::Replace(own.doc_id.clone())));
        }
        let unshared =
            own.access == DocAccess::Owner && shares::active_for_doc(conn, &own.doc_id)?.is_empty();
        Ok(unshared.then(|| Adopting::MergeOwn(own.doc_id.clone(), Box::new(own.am.clone()))))
    }
}

/// A control message from `peer` with its document ids made this device's (ADR 0022): a grant
/// of a document under an id this device already holds for someone else (its own, or another
/// owner's) gets a new random local id, kept for every later message of that owner naming it.
/// A malformed id is left for the checks that refuse it.
fn localise_in_tx(
    tx: &Transaction<'_>,
    docs: &Docs,
    message: ControlMessage,
    peer: &KeyId,
) -> Result<ControlMessage> {
    let local =
        |id: String| -> Result<String> { Ok(doc_aliases::local_id(tx, peer, &id)?.unwrap_or(id)) };
    Ok(match message {
        ControlMessage::Grant(mut grant) => {
            let remote = grant.doc_id.clone();
            grant.doc_id = match doc_aliases::local_id(tx, peer, &remote)? {
                Some(local) => local,
                None if parse_id(&remote).is_ok()
                    && docs.by_id(&remote).is_some_and(|d| d.owner != Some(*peer)) =>
                {
                    let fresh = hex::encode(random_bytes::<16>().map_err(|_| {
                        Error::invalid("doc_id", "the system random generator failed")
                    })?);
                    doc_aliases::insert(tx, peer, &remote, &fresh)?;
                    fresh
                }
                None => remote,
            };
            grant.replaces = grant.replaces.map(local).transpose()?;
            ControlMessage::Grant(grant)
        }
        ControlMessage::Writers {
            doc_id,
            epoch,
            writers,
        } => ControlMessage::Writers {
            doc_id: local(doc_id)?,
            epoch,
            writers,
        },
        ControlMessage::Revoked { doc_id, reason } => ControlMessage::Revoked {
            doc_id: local(doc_id)?,
            reason,
        },
        other => other,
    })
}

/// What an adopted document replaces on this device.
enum Adopting {
    /// This device's own document of the kind (id, contents), never shared: merged in, then
    /// deleted.
    MergeOwn(String, Box<automerge::AutoCommit>),
    /// An earlier document of the kind from the same linked device (one it has since
    /// re-created): deleted.
    Replace(String),
}

/// The person's document with what this device wrote into its own before it was linked, and
/// those changes (to send on); `None` if they do not merge.
fn merge_own_into(
    mut theirs: automerge::AutoCommit,
    mut own: automerge::AutoCommit,
) -> Option<(automerge::AutoCommit, Vec<Vec<u8>>)> {
    let heads = theirs.get_heads();
    let merged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| theirs.merge(&mut own)));
    if !matches!(merged, Ok(Ok(_))) {
        return None;
    }
    let mine = theirs
        .get_changes(&heads)
        .into_iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    Some((theirs, mine))
}

struct PreparedGrant<'a> {
    access: Access,
    stream: crate::crypto::StreamId,
    key: crate::crypto::DocKey,
    append: crate::crypto::AppendRight,
    writers: Vec<crate::crypto::DevicePublicKeys>,
    snapshot: automerge::AutoCommit,
    /// The snapshot's bytes as received, which `snapshot` was loaded from.
    received: &'a [u8],
}
