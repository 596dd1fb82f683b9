//! The engine's outgoing entry points: what to send, what was acknowledged, what to follow.
//! Receiving an envelope is in `receive.rs`.

use std::collections::BTreeMap;

use automerge::Change;

use crate::crypto::change_signature::CHANGE_SIGNATURE_LEN;
use crate::crypto::KeyId;
use crate::docs::guarded_load::LoadLimits;
use crate::error::Result;
use crate::store::peers::{self, PeerState};
use crate::store::shares::{self, Disclosure};
use crate::store::streams;
use crate::store::{change_signatures, chunks, outbox};
use crate::sync::authorship::sign_batch;
use crate::sync::payload;
use crate::sync::{Follow, MailboxFollow, MailboxPost, Outgoing, OutgoingEnvelope};
use crate::twofold::Twofold;

/// Largest payload of local changes put in one envelope; more waits for the next one.
const MAX_BATCH_PAYLOAD: usize = 512 * 1024;

/// This device's own outbox: bytes Automerge wrote here, read back without a peer's bounds.
const OWN_CHANGES: LoadLimits = LoadLimits {
    max_bytes: usize::MAX,
    max_inflated: u64::MAX,
    max_rows: u64::MAX,
};

impl Twofold {
    /// Everything waiting to go out. Expired shares are ended first, the wellbeing summary is
    /// refreshed if it is shared, and pending local changes are sealed into envelopes (the
    /// same envelope bytes are returned again until acknowledged).
    pub(crate) fn sync_outgoing(&self, now_ms: i64) -> Result<Outgoing> {
        // Acknowledged check-ins into the journal (and its outbox) first (ADR 0025).
        self.fold_pending()?;
        self.expire_shares(now_ms)?;
        let expired = self
            .db
            .read(|c| outbox::expired_invites(c, now_ms.div_euclid(1000)))?;
        if !expired.is_empty() {
            self.db.write(|tx| {
                expired
                    .iter()
                    .try_for_each(|id| outbox::delete_invite(tx, id))
            })?;
        }
        self.share_with_linked_devices()?;
        self.introduce_linked_devices()?;
        self.name_circle_devices()?;
        self.share_hosted_circles_with_linked_devices()?;
        self.share_with_person_devices()?;
        self.enact_circle_requests()?;
        self.announce_recovery_keys()?;
        self.send_successor_if_due()?;
        // Prekeys first: a new epoch's keys are wrapped to the newest prekey each peer has
        // announced (ADR 0026).
        self.refresh_prekeys(now_ms)?;
        self.mark_old_epochs(now_ms)?;
        self.rotate_pending()?;
        self.escalate_sos()?;
        self.refresh_shared_summary(now_ms)?;
        self.report_reads(now_ms)?;
        self.seal_pending()?;
        let rows = self.db.read(outbox::unsent)?;
        let mut envelopes = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(stream) = self.db.read(|c| streams::get(c, &row.stream))? else {
                continue;
            };
            // Only a writer's envelopes are queued on a document stream; one that cannot go
            // out (this device only reads the stream) waits for nothing and is left alone.
            let Some(append) = stream.append_token() else {
                tracing::warn!("an envelope waits on a stream this device may only read");
                continue;
            };
            envelopes.push(OutgoingEnvelope {
                id: row.id,
                stream: stream.stream,
                read_token_hash: stream.read_token().hash(),
                append_token_hash: stream.append_hash(),
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
        let mailbox_deletes = self.db.read(outbox::mailbox_deletes)?;
        let retention = self.retention_requests()?;
        Ok(Outgoing {
            stream_claims: retention.claims,
            envelopes,
            mailbox,
            mailbox_deletes,
            stream_trims: retention.trims,
            stream_deletes: retention.deletes,
        })
    }

    fn seal_pending(&self) -> Result<()> {
        let pending = self.db.read(outbox::pending_changes)?;
        let mut by_doc: BTreeMap<String, Vec<(i64, Vec<u8>)>> = BTreeMap::new();
        for (id, doc_id, bytes) in pending {
            by_doc.entry(doc_id).or_default().push((id, bytes));
        }
        if by_doc.is_empty() {
            return Ok(());
        }
        // Who owns each document is in its row: no document has to be loaded to seal.
        let mine: BTreeMap<String, bool> = crate::sorting::map(
            self.db
                .read(chunks::documents)?
                .into_iter()
                .map(|row| (row.doc_id, row.owner.is_none())),
        );
        for (doc_id, changes) in by_doc {
            let mine = mine.get(&doc_id).copied().unwrap_or(false);
            self.db.write(|tx| {
                let Some(stream) = streams::active_for_doc(tx, &doc_id)? else {
                    return outbox::drop_doc_changes(tx, &doc_id);
                };
                let flush = |batch: &mut Vec<Change>| -> Result<()> {
                    if batch.is_empty() {
                        return Ok(());
                    }
                    let (send, signatures) =
                        sign_batch(&self.identity, &doc_id, mine, std::mem::take(batch), |h| {
                            change_signatures::get(tx, &doc_id, h)
                        })?;
                    if send.is_empty() {
                        return Ok(());
                    }
                    let payload = payload::encode_signed_changes(
                        send.iter().map(Change::raw_bytes),
                        &signatures,
                    );
                    let n = u32::try_from(send.len()).unwrap_or(u32::MAX);
                    self.enqueue_on(tx, &stream, &payload, None, n)
                };
                let mut batch: Vec<Change> = Vec::new();
                let mut size = 0;
                for (id, bytes) in &changes {
                    outbox::delete_change(tx, *id)?;
                    // Automerge wrote these bytes here; one it cannot read back could not be
                    // read by any receiver either.
                    let Ok(parsed) = payload::parse_changes(bytes, OWN_CHANGES) else {
                        tracing::error!("a change in the outbox does not parse: not sent");
                        continue;
                    };
                    for change in parsed {
                        let len = change.raw_bytes().len() + CHANGE_SIGNATURE_LEN;
                        if size + len > MAX_BATCH_PAYLOAD {
                            flush(&mut batch)?;
                            size = 0;
                        }
                        batch.push(change);
                        size += len;
                    }
                }
                flush(&mut batch)
            })?;
        }
        Ok(())
    }

    /// The relay stored envelope `id`. Records the disclosure: one entry per peer the batch
    /// reaches, written once even if the acknowledgement is repeated.
    pub(crate) fn sync_acked(&self, id: i64, position: Option<u64>, now_ms: i64) -> Result<()> {
        let docs = self.docs_read()?;
        self.db.write(|tx| {
            let Some(row) = outbox::take_envelope(tx, id)? else {
                return Ok(());
            };
            self.sos_relayed_in_tx(tx, id, row.envelope.len() as u64, now_ms)?;
            // Stored right after what this device has read: nothing to read back.
            if let Some(position) = position {
                streams::advance_cursor(tx, &row.stream, position)?;
            }
            // The last notice to an unpaired device is out: its channel ends. So does a channel
            // left for a new one (ADR 0010) once its last message, the successor statement, is.
            if let Some(stream) = streams::get(tx, &row.stream)? {
                if let Some(peer) = stream.peer_id {
                    let removed =
                        peers::get(tx, &peer)?.is_some_and(|p| p.state == PeerState::Removed);
                    if (removed || !stream.active) && outbox::unsent_on(tx, &row.stream)? == 0 {
                        streams::retire(tx, &row.stream)?;
                    }
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
    pub(crate) fn sync_mailbox_posted(&self, id: i64) -> Result<()> {
        self.db.write(|tx| outbox::remove_mailbox_post(tx, id))
    }

    pub(crate) fn sync_mailbox_deleted(&self, mailbox: &[u8; 16]) -> Result<()> {
        self.db.write(|tx| outbox::mailbox_deleted(tx, mailbox))
    }

    /// The streams to read, each after its cursor: channels first, so that grants and
    /// writer lists arrive before the documents they unlock.
    pub(crate) fn sync_follows(&self) -> Result<Vec<Follow>> {
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
                let read_token = s.read_token();
                Follow {
                    read_token_hash: read_token.hash(),
                    append_token_hash: s.append_hash(),
                    read_token,
                    stream: s.stream,
                    after: s.cursor,
                }
            })
            .collect())
    }

    pub(crate) fn sync_mailbox_follows(&self) -> Result<Vec<MailboxFollow>> {
        Ok(self
            .db
            .read(outbox::watched)?
            .into_iter()
            .map(|(mailbox, _, _, after)| MailboxFollow { mailbox, after })
            .collect())
    }

    /// Counters of refused input, by reason.
    pub(crate) fn sync_rejections(&self) -> Result<Vec<(String, u64)>> {
        self.db.read(outbox::rejections)
    }
}
