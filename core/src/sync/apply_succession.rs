//! The control messages of ADR 0010 on a paired device's channel: a person's recovery keys,
//! and the successor statement their recovery key signs when a restored phone takes the lost
//! one's place. Each is applied in the receiving transaction, like every control message.

use rusqlite::Transaction;

use super::apply_control::{ControlCommitted, Effect};
use super::receive::{AfterCommit, Decided, Incoming};
use crate::crypto::successor_channel::open_successor_channel;
use crate::crypto::{DevicePublicKeys, DocKey, KeyId};
use crate::error::Result;
use crate::store::peers::{self, PeerRow, PeerState};
use crate::store::streams::{self, StreamRow};
use crate::store::{recovery, shares};
use crate::sync::control::parse_keys;
use crate::sync::{Received, RejectReason};
use crate::twofold::Twofold;

/// A successor statement's fields, as the message carries them (hex).
pub(crate) struct Statement<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub channel: &'a str,
}

impl Twofold {
    /// `peer`'s person's recovery keys: kept beside the peer, to check a successor statement.
    pub(crate) fn apply_recovery_key_in_tx(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
        keys: &str,
        peer: KeyId,
    ) -> Result<Decided> {
        let Ok(keys) = parse_keys(keys) else {
            return incoming.refuse_in_tx(tx, RejectReason::BadControl);
        };
        if keys.validate().is_err() {
            return incoming.refuse_in_tx(tx, RejectReason::BadControl);
        }
        recovery::set_peer_recovery_keys(tx, &peer, &keys)?;
        self.consume_control(tx, incoming)?;
        Ok(Decided::just(Received::Control))
    }

    /// Device `new` succeeds `peer` (signed by `peer`'s person's recovery key, checked before
    /// this): a new peer row for it, everything of the pairing moved to it, `peer` removed,
    /// and every document shared with it marked for a new epoch (its keys went to the lost
    /// device).
    pub(crate) fn apply_successor_in_tx(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
        statement: &Statement<'_>,
        peer: KeyId,
        now_ms: i64,
    ) -> Result<Decided> {
        let refuse = |reason| incoming.refuse_in_tx(tx, reason);
        let (Ok(old), Ok(new)) = (parse_keys(statement.old), parse_keys(statement.new)) else {
            return refuse(RejectReason::BadControl);
        };
        let Some(row) = peers::get(tx, &peer)? else {
            return refuse(RejectReason::NotAllowed);
        };
        if row.person == Some(old.key_id()) {
            return self.apply_takeover_in_tx(tx, incoming, statement, row, old, new, now_ms);
        }
        let taken = peers::get(tx, &new.key_id())?.is_some_and(|p| p.state != PeerState::Writer);
        if row.keys != old || new.validate().is_err() || new.key_id() == old.key_id() || taken {
            return refuse(RejectReason::BadControl);
        }
        let Some((channel_stream, channel_key)) = self.new_channel_of(tx, statement, &old, &new)?
        else {
            return refuse(RejectReason::BadControl);
        };
        let recovery_keys = recovery::peer_recovery_keys(tx, &peer)?;
        let successor = PeerRow {
            peer_id: new.key_id(),
            keys: new,
            state: PeerState::Paired,
            invite_secret: None,
            channel_stream: Some(channel_stream),
            created_at: now_ms,
            paired_at: Some(now_ms),
            ..row
        };
        peers::upsert(tx, &successor)?;
        if let Some(keys) = &recovery_keys {
            recovery::set_peer_recovery_keys(tx, &successor.peer_id, keys)?;
        }
        recovery::move_to_successor(tx, &peer, &successor.peer_id)?;
        self.consume_control(tx, incoming)?;
        // The lost device holds the old channel's key: nothing more goes or is read there.
        streams::retire(tx, &incoming.row.stream)?;
        let key = DocKey::from_secret_bytes(0, &channel_key);
        streams::insert(
            tx,
            &StreamRow::new_channel(successor.peer_id, channel_stream, key),
        )?;
        Ok(Decided {
            received: Received::Control,
            after: AfterCommit::Control(ControlCommitted {
                effect: Effect::Moved {
                    old: peer,
                    new: successor.peer_id,
                },
                removed: None,
                dropped: Vec::new(),
                changed: None,
                grant: false,
                peer,
            }),
        })
    }

    /// Uses up the envelope's sequence number and moves the cursor past it.
    pub(super) fn consume_control(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
    ) -> Result<()> {
        streams::set_sender_next(tx, &incoming.row.stream, &incoming.sender, incoming.seq + 1)?;
        streams::advance_cursor(tx, &incoming.row.stream, incoming.position)
    }

    /// Another device of the person, `device` here, succeeds the person's lost device `old`
    /// (ADR 0012): the pairing moves to it, on the new channel; what was shared with both goes
    /// on with it alone, and every document shared with it starts a new epoch.
    #[allow(clippy::too_many_arguments)]
    fn apply_takeover_in_tx(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
        statement: &Statement<'_>,
        device: PeerRow,
        old: DevicePublicKeys,
        new: DevicePublicKeys,
        now_ms: i64,
    ) -> Result<Decided> {
        let refuse = |reason| incoming.refuse_in_tx(tx, reason);
        let person = peers::get(tx, &old.key_id())?.filter(|p| p.state == PeerState::Paired);
        let Some(person) = person else {
            return refuse(RejectReason::NotAllowed);
        };
        if device.keys != new {
            return refuse(RejectReason::BadControl);
        }
        let Some((channel_stream, channel_key)) = self.new_channel_of(tx, statement, &old, &new)?
        else {
            return refuse(RejectReason::BadControl);
        };
        let (old_id, new_id) = (old.key_id(), new.key_id());
        // What both had, the device keeps; the lost one's consent records close.
        let active = shares::active(tx)?;
        for share in active.iter().filter(|s| s.peer_id == old_id) {
            if active
                .iter()
                .any(|s| s.peer_id == new_id && s.doc_id == share.doc_id)
            {
                shares::end(tx, share.share_id, "succeeded", now_ms)?;
            }
        }
        streams::retire_channel(tx, &old_id)?;
        let recovery_keys = recovery::peer_recovery_keys(tx, &old_id)?;
        recovery::move_to_successor(tx, &old_id, &new_id)?;
        if let Some(keys) = &recovery_keys {
            recovery::set_peer_recovery_keys(tx, &new_id, keys)?;
        }
        let successor = PeerRow {
            display_name: person.display_name,
            relay: person.relay.or(device.relay.clone()),
            channel_stream: Some(channel_stream),
            person: None,
            ..device
        };
        peers::upsert(tx, &successor)?;
        self.consume_control(tx, incoming)?;
        streams::retire(tx, &incoming.row.stream)?;
        let key = DocKey::from_secret_bytes(0, &channel_key);
        streams::insert(tx, &StreamRow::new_channel(new_id, channel_stream, key))?;
        Ok(Decided {
            received: Received::Control,
            after: AfterCommit::Control(ControlCommitted {
                effect: Effect::Moved {
                    old: old_id,
                    new: new_id,
                },
                removed: None,
                dropped: Vec::new(),
                changed: None,
                grant: false,
                peer: old_id,
            }),
        })
    }

    /// The new channel a statement carries, sealed to this device and bound to both key ids;
    /// `None` if it does not open or names a stream seen before.
    fn new_channel_of(
        &self,
        tx: &Transaction<'_>,
        statement: &Statement<'_>,
        old: &DevicePublicKeys,
        new: &DevicePublicKeys,
    ) -> Result<Option<(crate::crypto::StreamId, zeroize::Zeroizing<[u8; 32]>)>> {
        let channel = hex::decode(statement.channel).ok().and_then(|sealed| {
            open_successor_channel(&self.identity, &old.key_id(), &new.key_id(), &sealed)
        });
        match channel {
            Some((stream, _)) if streams::get(tx, &stream)?.is_some() => Ok(None),
            other => Ok(other),
        }
    }
}
