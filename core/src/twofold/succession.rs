//! How peers recognise a restored phone (ADR 0010): the person's recovery identity, whose
//! public keys go to every paired device once; and after a restore, the `successor` statement
//! signed by it on every channel, then a new epoch for everything the store shares, so the
//! lost phone's keys open nothing new.

use super::{DocAccess, DocSel, Twofold};
use crate::crypto::successor_channel::seal_successor_channel;
use crate::crypto::{seal, DeviceIdentity, DevicePublicKeys, DocKey, StreamId};
use crate::error::{Error, Result};
use crate::store::outbox::{self, NewEnvelope};
use crate::store::peers::{self, PeerRow, PeerState};
use crate::store::streams::{self, StreamRow};
use crate::store::{recovery, settings};
use crate::sync::control::ControlMessage;
use crate::sync::payload::encode_control;

/// Where a restored store stands in telling its peers: `restored` until its first pull after
/// the restore is done (what the lost phone sent after the backup is read first), `pulled`
/// until the statement is queued, then `sent`.
pub(crate) const SUCCESSION_SETTING: &str = "device.succession";
pub(crate) const RESTORED: &str = "restored";
const PULLED: &str = "pulled";
const SENT: &str = "sent";

fn rng_failed() -> Error {
    Error::invalid("key", "the system random generator failed")
}

impl Twofold {
    /// Before each send: every paired device that has not had this person's recovery keys
    /// gets them on its channel, once.
    pub(crate) fn announce_recovery_keys(&self) -> Result<()> {
        let missing = self.db.read(recovery::peers_without_recovery_keys)?;
        if missing.is_empty() {
            return Ok(());
        }
        let now = self.now_ms();
        self.db.write(|tx| {
            let keys = recovery::load_or_create(tx, now)?.public_keys();
            let message = ControlMessage::RecoveryKey {
                keys: hex::encode(keys.to_bytes()),
            };
            for peer in &missing {
                if let Some(channel) = streams::channel(tx, peer)? {
                    self.enqueue_on(tx, &channel, &encode_control(&message, &[]), None, 0)?;
                }
                recovery::mark_recovery_sent(tx, peer)?;
            }
            Ok(())
        })
    }

    /// After a pull: a restored store that has now read what its streams held may tell its
    /// peers. Whether that made something due to send.
    pub(crate) fn succession_pulled(&self) -> Result<bool> {
        let state = self.db.read(|c| settings::get(c, SUCCESSION_SETTING))?;
        if state.as_deref() != Some(RESTORED) {
            return Ok(false);
        }
        self.db
            .write(|tx| settings::set(tx, SUCCESSION_SETTING, PULLED))?;
        Ok(true)
    }

    /// Before each send, once after a restore and a pull: the successor statement on every
    /// channel, signed by the recovery identity, naming the device the backup was made on and
    /// this one; and every shared document marked for a new epoch.
    pub(crate) fn send_successor_if_due(&self) -> Result<()> {
        let state = self.db.read(|c| settings::get(c, SUCCESSION_SETTING))?;
        if state.as_deref() != Some(PULLED) {
            return Ok(());
        }
        let Some(old) = self.predecessors()?.pop() else {
            return self
                .db
                .write(|tx| settings::set(tx, SUCCESSION_SETTING, SENT));
        };
        let paired: Vec<_> = self
            .db
            .read(peers::list)?
            .into_iter()
            .filter(|p| p.state == PeerState::Paired)
            .collect();
        let now = self.now_ms();
        self.db.write(|tx| {
            // Without a recovery identity in the backup, no peer can be told: they pair again.
            if let Some(recovery_identity) = recovery::load(tx)? {
                for peer in &paired {
                    let Some(channel) = streams::channel(tx, &peer.peer_id)? else {
                        continue;
                    };
                    let fresh = self.state_successor_in_tx(
                        tx,
                        &recovery_identity,
                        &old,
                        peer,
                        &channel,
                        now,
                    )?;
                    let mut row = peer.clone();
                    row.channel_stream = Some(fresh);
                    peers::upsert(tx, &row)?;
                }
            }
            recovery::rotate_every_shared(tx)?;
            settings::set(tx, SUCCESSION_SETTING, SENT)
        })?;
        // The circles this store hosts: what the lost phone wrote stays the host's.
        self.record_host_succession(&old.key_id())
    }

    /// The successor statement to `peer` on `channel`, signed by the recovery identity: this
    /// device succeeds `old`, on a new channel (sealed to the peer) that replaces `channel`,
    /// which the statement is the last message on. Returns the new channel's stream.
    pub(crate) fn state_successor_in_tx(
        &self,
        tx: &rusqlite::Transaction<'_>,
        recovery_identity: &DeviceIdentity,
        old: &DevicePublicKeys,
        peer: &PeerRow,
        channel: &StreamRow,
        now: i64,
    ) -> Result<StreamId> {
        // The lost device holds this channel's key: the pairing moves to a new one.
        let key = DocKey::generate(0).map_err(|_| rng_failed())?;
        // Certified by its key (ADR 0022).
        let fresh = StreamRow::new_channel(peer.peer_id, streams::channel_stream(&key), key);
        let me = self.identity.key_id();
        let sealed = seal_successor_channel(
            &peer.keys,
            &old.key_id(),
            &me,
            &fresh.stream,
            fresh.key.secret_bytes(),
        )
        .ok_or_else(|| Error::invalid("peer", "has unusable keys"))?;
        let payload = encode_control(
            &ControlMessage::Successor {
                old: hex::encode(old.to_bytes()),
                new: hex::encode(self.identity.public_keys().to_bytes()),
                channel: hex::encode(sealed),
            },
            &[],
        );
        let seq = recovery::take_seq(tx)?;
        let envelope = seal(
            &channel.key,
            recovery_identity,
            channel.stream,
            seq,
            &payload,
        )
        .map_err(|_| Error::invalid("payload", "is too large for one envelope"))?;
        outbox::add_envelope(
            tx,
            &NewEnvelope {
                stream: &channel.stream,
                seq,
                doc_id: None,
                peer_id: None,
                changes: 0,
                envelope: &envelope,
            },
            now,
        )?;
        streams::leave_channel(tx, &channel.stream)?;
        streams::insert(tx, &fresh)?;
        Ok(fresh.stream)
    }

    /// Before each send: a new epoch for each document waiting for one (a peer named a
    /// successor device, or this store succeeds a lost one).
    pub(crate) fn rotate_pending(&self) -> Result<()> {
        let pending = self.db.read(recovery::pending_rotations)?;
        for doc_id in pending {
            let owned = self.read(|docs| {
                Ok(docs
                    .by_id(&doc_id)
                    .is_some_and(|d| d.access == DocAccess::Owner))
            })?;
            if !owned {
                self.db.write(|tx| recovery::rotated(tx, &doc_id))?;
                continue;
            }
            self.with_doc(DocSel::Id(&doc_id), |_, doc| {
                self.db.write(|tx| {
                    self.rotate(tx, doc, None)?;
                    recovery::rotated(tx, &doc.doc_id)
                })?;
                doc.outbox = self
                    .db
                    .read(|c| streams::active_for_doc(c, &doc.doc_id))?
                    .is_some();
                Ok(())
            })?;
        }
        Ok(())
    }
}
