//! Receiving one envelope read from a stream.
//!
//! The checks that need only the bytes and the sender's public keys — size, version, stream,
//! sender known, signature — run first, outside every lock. Everything that depends on this
//! device's state — the stream still active, the epoch, the sender's permission, the sender's
//! sequence number — runs inside the one write transaction that applies the envelope, under
//! the documents' lock, and only then is the envelope decrypted, decoded and applied. So two
//! sync sessions on one store (a live session and a background job, or two processes) cannot
//! both pass the same envelope. The one exception is a channel's leading grants, whose
//! snapshots are decrypted and loaded ahead of the transaction (`preload`): only to find and
//! load them; every check still runs in the transaction, on the envelope decrypted there.
//!
//! A refusal changes nothing but a counter, and, for a refusal that retrying cannot fix, the
//! stream's cursor (so the same bytes are not fetched forever) and, once the sender and its
//! sequence number are verified, that number (so the sender's later envelopes do not wait
//! behind it as a gap, for good).

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Connection, Transaction};

use super::apply_control::ControlCommitted;
use super::applying;
use super::control::ControlMessage;
use super::preload::PreloadedSnapshots;
use crate::crypto::{
    DecodedEnvelope, DevicePublicKeys, EnvelopeError, EnvelopeHeader, KeyId, StreamId,
    VerifiedEnvelope, MAX_ENVELOPE_LEN,
};
use crate::docs::genesis;
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::store::peers::{self, PeerState};
use crate::store::streams::{self, StreamRow};
use crate::store::{change_signatures, chunks, outbox, recovery, shares, sos};
use crate::sync::authorship::{check_signatures, impersonates};
use crate::sync::payload::{self, Payload};
use crate::sync::{Access, Received, RejectReason};
use crate::twofold::listeners::{ChangeOrigin, DocChanged, SharedChanged};
use crate::twofold::{predecessors_in, DocAccess, DocSel, Docs, SosEvent, Twofold};

pub(crate) fn reject_of(e: EnvelopeError) -> RejectReason {
    match e {
        EnvelopeError::TooLarge => RejectReason::TooLarge,
        EnvelopeError::Truncated => RejectReason::Truncated,
        EnvelopeError::UnsupportedVersion(_) => RejectReason::UnsupportedVersion,
        EnvelopeError::UnknownSender => RejectReason::UnknownSender,
        EnvelopeError::BadSignature => RejectReason::BadSignature,
        EnvelopeError::EpochMismatch => RejectReason::StaleEpoch,
        // Only a holder of the document key seals sender data that opens, so a block that does
        // not is bytes changed on the way (or another key's): the same verdict as a payload.
        EnvelopeError::BadSenderData | EnvelopeError::DecryptFailed => RejectReason::DecryptFailed,
        // Authenticated by the AEAD, so only a share member wrote it: a malformed payload.
        EnvelopeError::BadPadding => RejectReason::MalformedPayload,
    }
}

/// The stateless verdict on an envelope's bytes.
enum Authenticity<'a> {
    /// Well formed, for this stream, signed by the device its header names.
    Authentic(VerifiedEnvelope<'a>),
    /// Settled without looking further: refused, or this device's own envelope read back.
    Settled(Received),
}

/// An envelope whose sender and sequence number were verified and admitted, inside the
/// transaction that applies it.
pub(crate) struct Incoming<'a> {
    pub row: &'a StreamRow,
    pub position: u64,
    pub sender: KeyId,
    pub seq: u64,
    pub now_ms: i64,
    /// The batch's grant snapshots, loaded before it took its locks.
    pub snapshots: &'a PreloadedSnapshots,
}

impl Incoming<'_> {
    /// Refuses the envelope in the applying transaction. Its sequence number is used up
    /// with it when retrying cannot help.
    pub fn refuse_in_tx(&self, tx: &Transaction<'_>, reason: RejectReason) -> Result<Decided> {
        let received = settle_in_tx(
            tx,
            Some(self.row),
            self.position,
            Received::Rejected(reason),
            Some((&self.sender, self.seq)),
            self.now_ms,
        )?;
        Ok(Decided::just(received))
    }
}

/// What the applying transaction decided, and what changes in memory once it has committed.
pub(crate) struct Decided {
    pub received: Received,
    pub after: AfterCommit,
}

impl Decided {
    pub fn just(received: Received) -> Decided {
        Decided {
            received,
            after: AfterCommit::Nothing,
        }
    }
}

pub(crate) enum AfterCommit {
    Nothing,
    /// Changes went into this document in memory: compact it if due, tell its listeners.
    Changed {
        doc_id: String,
        kind: DocKind,
        own: bool,
    },
    /// A control message's effect on the documents in memory.
    Control(ControlCommitted),
    /// What an SOS message changed, for the SOS listeners.
    Sos(Vec<SosEvent>),
}

/// Writes what an outcome settled without applying anything: a refusal's counter, and the
/// cursor (and the sender's number, when `consumed`) past what retrying cannot fix; the
/// cursor past a duplicate.
fn settle_in_tx(
    tx: &Transaction<'_>,
    row: Option<&StreamRow>,
    position: u64,
    outcome: Received,
    consumed: Option<(&KeyId, u64)>,
    now_ms: i64,
) -> Result<Received> {
    match (&outcome, row) {
        (Received::Rejected(reason), row) => {
            outbox::count_rejection(tx, reason.as_str())?;
            // Held and read again while it may still make sense; then refused for good.
            let held_on = match row {
                Some(row) if reason.retryable() => {
                    !streams::hold(tx, &row.stream, position, now_ms)?
                }
                _ => false,
            };
            if let Some(row) = row.filter(|_| !held_on) {
                if let Some((sender, seq)) = consumed {
                    streams::set_sender_next(tx, &row.stream, sender, seq + 1)?;
                }
                streams::advance_cursor(tx, &row.stream, position)?;
            }
        }
        (Received::Duplicate, Some(row)) => streams::advance_cursor(tx, &row.stream, position)?,
        _ => {}
    }
    Ok(outcome)
}

/// Envelopes of a document stream applied in one durable commit, at most: a catch-up of a
/// month costs a few fsyncs, not one per envelope, and a kill mid-catch-up keeps every whole
/// batch before it and nothing of the batch it hit.
pub const RECEIVE_BATCH: usize = 32;

/// The snapshot a channel's envelope carries when it is a grant. Decrypted here ahead of the
/// batch only to find it; the batch decrypts and decodes the envelope again itself.
fn grant_snapshot(verified: &VerifiedEnvelope<'_>, row: &StreamRow) -> Option<Vec<u8>> {
    let plain = verified.decrypt(&row.key).ok()?;
    match payload::decode(&plain) {
        Ok(Payload::Control {
            message: ControlMessage::Grant(_),
            tail,
        }) => Some(tail.to_vec()),
        _ => None,
    }
}

/// Grants whose snapshots are loaded ahead of their batch, at most: a new device's first
/// sync gets one for each of the person's four documents.
const PRELOADED_GRANTS: usize = DocKind::ALL.len();

/// One record of a stream, as the transport read it: its position and bytes.
pub type StreamRecord<'a> = (u64, &'a [u8]);

/// What one batch's transaction decided.
#[derive(Default)]
struct BatchDecided {
    received: Vec<Received>,
    after: Vec<AfterCommit>,
    /// A channel's control messages already in effect in memory: whom to tell once the
    /// transaction has committed.
    told: Vec<Changed>,
    /// Whether one of them removed a document (its old pages leave the WAL after the commit).
    removed_a_document: bool,
}

/// A peer's public keys, looked up once per batch: each lookup parses and validates the
/// stored keys again (an X25519 agreement among them), which costs about as much as the
/// signature check they serve, once per envelope and once per signed change (issue 19). A
/// batch of a document stream holds no control message, so no key changes within it.
#[derive(Default)]
struct KeyMemo(HashMap<KeyId, Option<DevicePublicKeys>>);

impl KeyMemo {
    fn get(
        &mut self,
        id: &KeyId,
        look_up: impl FnOnce() -> Result<Option<DevicePublicKeys>>,
    ) -> Result<Option<DevicePublicKeys>> {
        if let Some(keys) = self.0.get(id) {
            return Ok(*keys);
        }
        let keys = look_up()?;
        self.0.insert(*id, keys);
        Ok(keys)
    }
}

/// The documents a batch changed in memory before its transaction committed.
#[derive(Default)]
struct Touched {
    /// Reloaded from disk if the transaction fails.
    changed: BTreeSet<String>,
    /// A document a refused change may have left half-applied: the batch ends with it, and
    /// it is reloaded from disk once the transaction has committed.
    reload: Option<String>,
    /// The keys of the changes' authors, for their signatures.
    authors: KeyMemo,
}

impl Twofold {
    /// One envelope read from `stream` at relay `position` (dense, from 1).
    pub(crate) fn sync_receive(
        &self,
        stream: &StreamId,
        position: u64,
        bytes: &[u8],
        now_ms: i64,
    ) -> Result<Received> {
        let mut outcomes = self.sync_receive_batch(stream, &[(position, bytes)], now_ms)?;
        outcomes.pop().ok_or(Error::Contained {
            context: "receiving one envelope",
        })
    }

    /// Records read from `stream`, in order, with one outcome each. A document stream's
    /// records are checked and applied [`RECEIVE_BATCH`] at a time, each batch in one write
    /// transaction. A channel's grants share a transaction the same way (a new device's first
    /// sync: one commit and one fsync for its four grants, issue 19), each one's effect on the
    /// documents in memory in place before the next is checked; any other control message
    /// ends its batch, since it may change what the next one's stateless checks read (a
    /// peer's keys, a successor).
    pub(crate) fn sync_receive_batch(
        &self,
        stream: &StreamId,
        records: &[StreamRecord<'_>],
        now_ms: i64,
    ) -> Result<Vec<Received>> {
        let Some(row) = self.db.read(|c| streams::get(c, stream))? else {
            let refused = Received::Rejected(RejectReason::UnknownStream);
            return self.db.write(|tx| {
                records
                    .iter()
                    .map(|(position, _)| {
                        settle_in_tx(tx, None, *position, refused.clone(), None, now_ms)
                    })
                    .collect()
            });
        };
        // Records a process died applying: one at a time, and the one it died on refused.
        let suspect = applying::suspect(self.db.path(), stream);
        let mut outcomes = Vec::with_capacity(records.len());
        let mut rest = records;
        while let Some(&(position, bytes)) = rest.first() {
            let suspected = suspect.is_some_and(|(from, to)| (from..=to).contains(&position));
            if suspected && suspect == Some((position, position)) {
                outcomes.push(self.refuse_killer(stream, &row, position, bytes)?);
                rest = &rest[1..];
                continue;
            }
            let take = if suspected {
                1
            } else {
                rest.len().min(RECEIVE_BATCH)
            };
            let done = self.receive_in_one_tx(stream, &row, &rest[..take], now_ms)?;
            // At least the first record is always settled, so this ends.
            rest = &rest[done.len().clamp(1, take)..];
            outcomes.extend(done);
        }
        Ok(outcomes)
    }

    /// Refuses the record a process died applying, with its sender's number used up when
    /// the envelope is authentic (only its header is read: the payload is what killed it).
    fn refuse_killer(
        &self,
        stream: &StreamId,
        row: &StreamRow,
        position: u64,
        bytes: &[u8],
    ) -> Result<Received> {
        tracing::warn!("refusing a record that ended the app while it was applied");
        let _receiving = self.receiving.lock().unwrap_or_else(|p| p.into_inner());
        let sender = match self.authenticate(row, bytes, &mut KeyMemo::default())? {
            Authenticity::Authentic(v) => Some((v.header().sender, v.header().seq)),
            Authenticity::Settled(_) => None,
        };
        let refused = Received::Rejected(RejectReason::MalformedPayload);
        let outcome = self.db.write(|tx| {
            let current = streams::get(tx, stream)?;
            let consumed = sender.as_ref().map(|(s, seq)| (s, *seq));
            settle_in_tx(
                tx,
                current.as_ref(),
                position,
                refused,
                consumed,
                self.now_ms(),
            )
        })?;
        applying::clear(self.db.path());
        Ok(outcome)
    }

    /// Checks and applies a prefix of `records` (at least the first) in one write
    /// transaction under the documents' lock; their outcomes.
    fn receive_in_one_tx(
        &self,
        stream: &StreamId,
        row: &StreamRow,
        records: &[StreamRecord<'_>],
        now_ms: i64,
    ) -> Result<Vec<Received>> {
        let channel = row.peer_id.is_some();
        let receiving = self.receiving.lock().unwrap_or_else(|p| p.into_inner());
        // Before the snapshots are loaded: one that ends the process as it loads is found at
        // the next start and refused alone, as one that ends it as it is applied.
        if let (Some(first), Some(last)) = (records.first(), records.last()) {
            applying::set(self.db.path(), stream, first.0, last.0);
        }
        // Outside the documents' lock. A channel's records only as far as its leading grants
        // (whose snapshots are loaded here too): a batch of them ends at any control message
        // that is not a grant, and the records after it are authenticated when reached.
        let mut senders = KeyMemo::default();
        let ready = (|| {
            let (verdicts, snapshots) = if channel {
                self.authenticate_leading_grants(row, records, &mut senders)?
            } else {
                let verdicts = records
                    .iter()
                    .map(|(_, bytes)| self.authenticate(row, bytes, &mut senders))
                    .collect::<Result<Vec<_>>>()?;
                (verdicts, PreloadedSnapshots::default())
            };
            Ok((verdicts, snapshots, self.docs_write()?))
        })();
        let (verdicts, snapshots, mut docs) = match ready {
            Ok(ready) => ready,
            Err(e) => {
                applying::clear(self.db.path());
                return Err(e);
            }
        };
        let mut verdicts = verdicts.into_iter();
        let mut touched = Touched::default();
        // Whether a control message's effect is already in the documents in memory, ahead of
        // a commit that may still fail.
        let mut ahead = false;
        let decided =
            self.db.write(|tx| {
                let mut batch = BatchDecided::default();
                // Read again inside the transaction: another session may have moved it on.
                let current = streams::get(tx, stream)?;
                for &(position, bytes) in records {
                    let verdict = match verdicts.next() {
                        Some(verdict) => verdict,
                        None => self.authenticate(row, bytes, &mut senders)?,
                    };
                    let decided =
                        match (verdict, current.as_ref()) {
                            (_, None) => {
                                let refused = Received::Rejected(RejectReason::UnknownStream);
                                Decided::just(settle_in_tx(
                                    tx, None, position, refused, None, now_ms,
                                )?)
                            }
                            (Authenticity::Settled(outcome), Some(row)) => Decided::just(
                                settle_in_tx(tx, Some(row), position, outcome, None, now_ms)?,
                            ),
                            (Authenticity::Authentic(verified), Some(row)) => {
                                let header = verified.header();
                                let incoming = Incoming {
                                    row,
                                    position,
                                    sender: header.sender,
                                    seq: header.seq,
                                    now_ms,
                                    snapshots: &snapshots,
                                };
                                self.check_and_apply_in_tx(
                                    tx,
                                    &mut docs,
                                    &incoming,
                                    &verified,
                                    now_ms,
                                    &mut touched,
                                )?
                            }
                        };
                    batch.received.push(decided.received);
                    if !channel {
                        batch.after.push(decided.after);
                        if touched.reload.is_some() {
                            break;
                        }
                        continue;
                    }
                    // The next control message is checked against this one's effect, as
                    // if each had its own transaction.
                    let AfterCommit::Control(committed) = decided.after else {
                        batch.after.push(decided.after);
                        break;
                    };
                    let grant = committed.grant;
                    batch.removed_a_document |= committed.removes_a_document();
                    ahead = true;
                    if let Some(event) = self.after_control(&mut docs, committed) {
                        batch.told.push(Changed::of(event));
                    }
                    if !grant {
                        break;
                    }
                }
                Ok(batch)
            });
        applying::clear(self.db.path());
        // Before any listener is told: one may start another sync on this thread.
        drop(receiving);
        let decided = match decided {
            Ok(decided) => decided,
            Err(e) => {
                for doc_id in &touched.changed {
                    self.reload_in(&mut docs, doc_id);
                }
                if ahead {
                    // Which entries the effects touched is not worth tracking for a failure
                    // this rare: every document is loaded again from disk at its next use.
                    self.forget_docs_in(&mut docs);
                }
                return Err(e);
            }
        };
        if let Some(doc_id) = &touched.reload {
            self.reload_in(&mut docs, doc_id);
        }
        let mut events = decided.told;
        let mut sos_events = Vec::new();
        let mut changed: Vec<(String, DocKind, bool)> = Vec::new();
        let mut removed_a_document = decided.removed_a_document;
        for after in decided.after {
            match after {
                AfterCommit::Nothing => {}
                AfterCommit::Changed { doc_id, kind, own } => {
                    if !changed.iter().any(|(d, _, _)| *d == doc_id) {
                        changed.push((doc_id, kind, own));
                    }
                }
                AfterCommit::Control(committed) => {
                    removed_a_document |= committed.removes_a_document();
                    if let Some(event) = self.after_control(&mut docs, committed) {
                        events.push(Changed::of(event));
                    }
                }
                AfterCommit::Sos(sos) => sos_events.extend(sos),
            }
        }
        // One compaction check and one event per document per batch.
        for (doc_id, kind, own) in changed {
            if let Some(mut doc) = docs.take(&DocSel::Id(&doc_id)) {
                self.compact_if_due(&mut doc);
                docs.put_back(doc);
            }
            let origin = ChangeOrigin::Peer;
            events.push(if own {
                Changed::Own(DocChanged { kind, origin })
            } else {
                Changed::Shared(SharedChanged {
                    doc_id,
                    kind,
                    origin,
                })
            });
        }
        // Listeners may call back into the store: never under the documents' lock.
        drop(docs);
        if removed_a_document {
            // The removal is committed either way; a WAL left unemptied now is emptied at
            // the next checkpoint (compaction, close), so this is not the receive's failure.
            if let Err(e) = self.db.checkpoint() {
                tracing::warn!(error = %e, "the WAL was not emptied after a document was removed");
            }
        }
        for event in events {
            match event {
                Changed::Own(e) => self.listeners.notify(e),
                Changed::Shared(e) => self.listeners.notify_shared(&e),
            }
        }
        self.listeners.notify_sos(&sos_events);
        Ok(decided.received)
    }

    /// The state checks, decryption and apply of one authentic envelope, in the batch's
    /// transaction.
    fn check_and_apply_in_tx(
        &self,
        tx: &Transaction<'_>,
        docs: &mut Docs,
        incoming: &Incoming<'_>,
        verified: &VerifiedEnvelope<'_>,
        now_ms: i64,
        touched: &mut Touched,
    ) -> Result<Decided> {
        let row = incoming.row;
        if let Some(outcome) = self.admit_in_tx(tx, docs, row, verified.header())? {
            let settled = settle_in_tx(tx, Some(row), incoming.position, outcome, None, now_ms)?;
            return Ok(Decided::just(settled));
        }
        let plain = match verified.decrypt(&row.key) {
            Ok(plain) => plain,
            Err(e) => return incoming.refuse_in_tx(tx, reject_of(e)),
        };
        // Heard from: the mentor's view shows when each person last synced.
        sos::seen(tx, &incoming.sender, now_ms)?;
        match row.peer_id {
            Some(peer) => self.apply_control_in_tx(tx, docs, incoming, &plain, peer, now_ms),
            None => self.apply_changes_in_tx(tx, docs, incoming, &plain, touched),
        }
    }

    /// The verdicts on a channel's records from its first up to the first that is not an
    /// authentic grant (included), and those grants' snapshots loaded. Taken before the batch
    /// as they would be in it: the verdicts read the state committed before the batch either
    /// way (the reader connection, the stream's row as the batch began), and the batch's
    /// grants change nothing they read.
    fn authenticate_leading_grants<'a>(
        &self,
        row: &StreamRow,
        records: &[StreamRecord<'a>],
        senders: &mut KeyMemo,
    ) -> Result<(Vec<Authenticity<'a>>, PreloadedSnapshots)> {
        let mut verdicts = Vec::new();
        let mut snapshots: Vec<Vec<u8>> = Vec::new();
        // Loaded together, they are held together: at most what one import may be, in all.
        let mut budget = self.options.import_limits.max_bytes;
        for &(_, bytes) in records {
            let verdict = self.authenticate(row, bytes, senders)?;
            let snapshot = match &verdict {
                Authenticity::Authentic(verified) => grant_snapshot(verified, row),
                Authenticity::Settled(_) => None,
            };
            verdicts.push(verdict);
            match snapshot {
                Some(s) if snapshots.len() < PRELOADED_GRANTS && s.len() <= budget => {
                    budget -= s.len();
                    snapshots.push(s);
                }
                // The rest is authenticated and loaded in the batch, as it is reached.
                _ => break,
            }
        }
        let snapshots = PreloadedSnapshots::load(snapshots, self.options.import_limits);
        Ok((verdicts, snapshots))
    }

    /// The checks that need no state but the sender's public keys.
    fn authenticate<'a>(
        &self,
        row: &StreamRow,
        bytes: &'a [u8],
        senders: &mut KeyMemo,
    ) -> Result<Authenticity<'a>> {
        let refuse = |r| Ok(Authenticity::Settled(Received::Rejected(r)));
        let decoded = match DecodedEnvelope::decode(bytes, MAX_ENVELOPE_LEN) {
            Ok(d) => d,
            Err(e) => return refuse(reject_of(e)),
        };
        // Checked again in the transaction; here it keeps the order of the refusal reasons.
        if !row.active {
            return refuse(RejectReason::StaleEpoch);
        }
        if decoded.clear_header().stream != row.stream {
            return refuse(RejectReason::WrongStream);
        }
        // The sender is hidden from the relay under the stream's document key (ADR 0023).
        let decoded = match decoded.open_sender(&row.key) {
            Ok(d) => d,
            Err(e) => return refuse(reject_of(e)),
        };
        let sender = decoded.header().sender;
        let me = self.identity.key_id();
        let mut past_self = false;
        let keys = if sender == me {
            Some(self.identity.public_keys())
        } else if let Some(keys) =
            senders.get(&sender, || self.db.read(|c| peers::keys(c, &sender)))?
        {
            Some(keys)
        } else if let Some(keys) = self.db.read(|c| Self::predecessor_in(c, &sender))? {
            // The device this store was restored from (ADR 0010).
            past_self = true;
            Some(keys)
        } else if row.peer_id.is_some() {
            // A paired person's recovery key, which signs only a successor statement.
            self.db
                .read(|c| recovery::keys_by_recovery_id(c, &sender))?
        } else {
            None
        };
        match decoded.verify(|_| keys) {
            // This device's own envelope, read back from the relay; or on a channel, one the
            // device it was restored from sent (its effect is in the backup or lost with it).
            Ok(_) if sender == me => Ok(Authenticity::Settled(Received::Duplicate)),
            Ok(_) if past_self && row.peer_id.is_some() => {
                Ok(Authenticity::Settled(Received::Duplicate))
            }
            Ok(verified) => Ok(Authenticity::Authentic(verified)),
            Err(e) => refuse(reject_of(e)),
        }
    }

    /// The checks that depend on this device's state, made in the applying transaction.
    /// `Some` settles the envelope without applying it.
    fn admit_in_tx(
        &self,
        conn: &Connection,
        docs: &Docs,
        row: &StreamRow,
        header: &EnvelopeHeader,
    ) -> Result<Option<Received>> {
        let refuse = |r| Ok(Some(Received::Rejected(r)));
        if !row.active || header.epoch != row.key.epoch() {
            return refuse(RejectReason::StaleEpoch);
        }
        if !self.may_write_in(conn, docs, row, &header.sender)? {
            return refuse(RejectReason::NotAllowed);
        }
        let expected = streams::sender_next(conn, &row.stream, &header.sender)?;
        // A recovery key numbers its rare statements from backups that may be older than its
        // last one: any number past the last it used is its next.
        let recovery_sender = row.peer_id.is_some_and(|p| p != header.sender);
        Ok(if header.seq < expected {
            Some(Received::Duplicate)
        } else if header.seq > expected && !recovery_sender {
            Some(Received::Gap {
                sender: header.sender,
                expected,
                got: header.seq,
            })
        } else {
            None
        })
    }

    fn may_write_in(
        &self,
        conn: &Connection,
        docs: &Docs,
        row: &StreamRow,
        sender: &KeyId,
    ) -> Result<bool> {
        if let Some(peer) = row.peer_id {
            let removed = peers::get(conn, &peer)?.is_some_and(|p| p.state == PeerState::Removed);
            // Another device of a person speaks with that person's recovery key (ADR 0012).
            let by_recovery_key = || -> Result<bool> {
                let whose = peers::get(conn, &peer)?
                    .and_then(|p| p.person)
                    .unwrap_or(peer);
                Ok(recovery::peer_recovery_keys(conn, &whose)?
                    .is_some_and(|k| k.key_id() == *sender))
            };
            return Ok(!removed && (peer == *sender || by_recovery_key()?));
        }
        let Some(doc_id) = row.doc_id.as_deref() else {
            return Ok(false);
        };
        match docs.by_id(doc_id).map(|d| d.owner) {
            None => Ok(false),
            Some(Some(owner)) if owner == *sender => Ok(true),
            Some(Some(_)) => Ok(streams::writers(conn, doc_id)?.contains(sender)),
            Some(None) => Ok(shares::active_for_doc(conn, doc_id)?
                .iter()
                .any(|s| s.peer_id == *sender && s.access == Access::Write)
                || Self::predecessor_in(conn, sender)?.is_some()),
        }
    }

    /// Devices whose changes a writer may pass on: the owner, and every past or present
    /// writer of the document.
    pub(crate) fn allowed_authors_in(
        &self,
        conn: &Connection,
        docs: &Docs,
        doc_id: &str,
    ) -> Result<Vec<KeyId>> {
        let owner = docs.by_id(doc_id).and_then(|d| d.owner);
        let mut out = vec![owner.unwrap_or_else(|| self.identity.key_id())];
        if owner.is_some() {
            out.extend(streams::writers_ever(conn, doc_id)?);
        } else {
            out.extend(
                shares::all(conn)?
                    .into_iter()
                    .filter(|s| s.doc_id == doc_id && s.access == Access::Write)
                    .map(|s| s.peer_id),
            );
            // What the devices this store was restored from wrote is the person's own.
            out.extend(predecessors_in(conn)?.iter().map(|k| k.key_id()));
        }
        Ok(out)
    }

    /// The public keys of a change's author: this device, a known peer or writer, or a device
    /// this store was restored from.
    fn author_keys_in(
        &self,
        conn: &Connection,
        id: &KeyId,
    ) -> Result<Option<crate::crypto::DevicePublicKeys>> {
        if *id == self.identity.key_id() {
            return Ok(Some(self.identity.public_keys()));
        }
        match peers::keys(conn, id)? {
            Some(keys) => Ok(Some(keys)),
            None => Self::predecessor_in(conn, id),
        }
    }

    /// The public keys of `id`, if it is a device this store was restored from.
    fn predecessor_in(
        conn: &Connection,
        id: &KeyId,
    ) -> Result<Option<crate::crypto::DevicePublicKeys>> {
        Ok(predecessors_in(conn)?
            .into_iter()
            .find(|k| k.key_id() == *id))
    }

    fn apply_changes_in_tx(
        &self,
        tx: &Transaction<'_>,
        docs: &mut Docs,
        incoming: &Incoming<'_>,
        plain: &[u8],
        touched: &mut Touched,
    ) -> Result<Decided> {
        let Some(doc_id) = incoming.row.doc_id.clone() else {
            return incoming.refuse_in_tx(tx, RejectReason::MalformedPayload);
        };
        let batch = match payload::decode(plain) {
            Ok(Payload::Changes(batch)) => batch,
            _ => return incoming.refuse_in_tx(tx, RejectReason::MalformedPayload),
        };
        let raw = batch.chunks;
        let changes = match payload::parse_changes(raw, self.options.import_limits) {
            Ok(c) => c,
            Err(reason) => return incoming.refuse_in_tx(tx, reason),
        };
        let sender = incoming.sender;
        let sender_actor = automerge::ActorId::from(&sender.0[..]);
        let own_actor = Self::actor_of(&self.identity);
        let authors = self.allowed_authors_in(tx, docs, &doc_id)?;
        let outcome = self.with_doc_in(docs, DocSel::Id(&doc_id), |others, doc| {
            // The owner may pass on anything (an import); a writer its own changes, and after
            // a new epoch those of other past or present writers the owner lacked.
            let foreign = |c: &automerge::Change| {
                c.actor_id() != &sender_actor
                    && !genesis::is_schema_actor(c.actor_id())
                    && !authors.iter().any(|a| c.actor_id().to_bytes() == a.0)
            };
            if doc.owner != Some(sender) && changes.iter().any(foreign) {
                return Ok(Err((RejectReason::WrongAuthor, false)));
            }
            if impersonates(&mut doc.am, doc.kind, &own_actor, &changes) {
                return Ok(Err((RejectReason::WrongAuthor, false)));
            }
            let keep = doc.access == DocAccess::Write;
            let signed = match check_signatures(
                &doc.doc_id,
                &sender,
                doc.owner == Some(sender),
                keep,
                &changes,
                &batch,
                |author| {
                    touched
                        .authors
                        .get(author, || self.author_keys_in(tx, author))
                },
            )? {
                Ok(signed) => signed,
                Err(reason) => return Ok(Err((reason, false))),
            };
            for (hash, signature) in &signed {
                change_signatures::put(tx, &doc.doc_id, hash, signature)?;
            }
            // Changes already here (a direct session brought them first, ADR 0011) are
            // neither applied nor stored again; the envelope's number is used up all the same.
            let fresh: Vec<&automerge::Change> = changes
                .iter()
                .filter(|c| doc.am.get_change_by_hash(&c.hash()).is_none())
                .collect();
            streams::set_sender_next(tx, &incoming.row.stream, &sender, incoming.seq + 1)?;
            streams::advance_cursor(tx, &incoming.row.stream, incoming.position)?;
            if fresh.is_empty() {
                return Ok(Ok(None));
            }
            touched.changed.insert(doc.doc_id.clone());
            let kind = doc.kind;
            let n = fresh.len();
            if doc
                .am
                .apply_changes(fresh.iter().map(|c| (*c).clone()))
                .is_err()
                || genesis::kind_of(&doc.am) != Some(kind)
            {
                return Ok(Err((RejectReason::MalformedPayload, true)));
            }
            let chunk_seq = doc.last_seq + 1;
            if n == changes.len() {
                chunks::append(tx, &doc.doc_id, chunk_seq, raw, false)?;
            } else {
                let bytes: Vec<u8> = fresh.iter().flat_map(|c| c.raw_bytes().to_vec()).collect();
                chunks::append(tx, &doc.doc_id, chunk_seq, &bytes, false)?;
            }
            doc.chunks += 1;
            doc.last_seq = chunk_seq;
            crate::twofold::home_model::record(tx, others, doc, chunk_seq)?;
            let own = doc.is_mine();
            Ok(Ok(Some((kind, n, own))))
        });
        match outcome {
            Ok(Ok(None)) => Ok(Decided::just(Received::Duplicate)),
            Ok(Ok(Some((kind, changes, own)))) => Ok(Decided {
                received: Received::Applied { kind, changes },
                after: AfterCommit::Changed { doc_id, kind, own },
            }),
            Ok(Err((reason, half_applied))) => {
                if half_applied {
                    touched.reload = Some(doc_id);
                }
                incoming.refuse_in_tx(tx, reason)
            }
            Err(Error::Contained { .. }) => {
                touched.reload = Some(doc_id);
                incoming.refuse_in_tx(tx, RejectReason::MalformedPayload)
            }
            Err(e) => Err(e),
        }
    }
}

/// Whom to tell once the documents' lock is released.
enum Changed {
    Own(DocChanged),
    Shared(SharedChanged),
}

impl Changed {
    /// A control message's event: the person's own document, or one shared with them.
    fn of((event, own): (SharedChanged, bool)) -> Changed {
        if own {
            Changed::Own(DocChanged {
                kind: event.kind,
                origin: event.origin,
            })
        } else {
            Changed::Shared(event)
        }
    }
}
