//! The control messages that introduce a person's linked devices (ADR 0012): the list of the
//! person's other devices a paired device gets, and the pairings a linked device is handed.
//! Both come from the person's device that linked the others, on a channel whose pairing was
//! confirmed by comparing codes; each channel they hand over was made by that device.

use std::collections::BTreeSet;

use rusqlite::Transaction;

use super::apply_control::{ControlCommitted, Effect};
use super::receive::{AfterCommit, Decided, Incoming};
use crate::crypto::{DeviceIdentity, DevicePublicKeys, DocKey, KeyId, StreamId};
use crate::error::Result;
use crate::model::validate::MAX_SHORT;
use crate::store::introductions::{self, HandedShareRow};
use crate::store::peers::{self, Link, PeerRow, PeerState};
use crate::store::streams::{self, StreamRow};
use crate::store::{chunks, outbox, recovery, shares, sos};
use crate::sync::control::{
    parse_channel, parse_id, parse_keys, Handover, Introduction, LinkedDevice, ERASED,
    MAX_HANDED_SHARES, MAX_INTRODUCED_NAME, MAX_LINKED_DEVICES, MAX_SOS_CONTACTS,
};
use crate::sync::{Access, Received, RejectReason};
use crate::twofold::{DocAccess, Twofold};

/// A device named in an introduction, checked.
struct Named {
    keys: DevicePublicKeys,
    name: String,
    stream: StreamId,
    key: [u8; 32],
}

fn check_named(keys: &str, name: &str, channel: &str) -> Option<Named> {
    let keys = parse_keys(keys).ok().filter(|k| k.validate().is_ok())?;
    let (stream, key) = parse_channel(channel).ok()?;
    let name_ok =
        name.chars().count() <= MAX_INTRODUCED_NAME && !name.chars().any(char::is_control);
    name_ok.then(|| Named {
        keys,
        name: name.to_string(),
        stream,
        key,
    })
}

/// The peer row of a device handed over on its channel, paired now (its first pairing time
/// kept); whose it is and its relay are the caller's.
fn handed_row(named: Named, existing: Option<&PeerRow>, now_ms: i64) -> PeerRow {
    PeerRow {
        peer_id: named.keys.key_id(),
        keys: named.keys,
        display_name: named.name,
        state: PeerState::Paired,
        invite_id: None,
        invite_secret: None,
        relay: None,
        channel_stream: Some(named.stream),
        created_at: existing.map_or(now_ms, |r| r.created_at),
        paired_at: existing.and_then(|r| r.paired_at).or(Some(now_ms)),
        link: None,
        person: None,
        introduced_by: None,
        circle: false,
    }
}

/// Whether `peer` is the device this one is linked to, still paired: the only one that may
/// hand pairings and the recovery identity over.
fn from_origin(tx: &Transaction<'_>, peer: &KeyId) -> Result<bool> {
    Ok(peers::get(tx, peer)?
        .is_some_and(|p| p.link == Some(Link::Origin) && p.state == PeerState::Paired))
}

impl Twofold {
    /// `peer`'s person's other devices, the whole list: new ones become peers of this device
    /// on the channel named for them (they get what `peer` gets from the next send on); one
    /// left out has every share it had ended, as erased, and is removed.
    pub(crate) fn apply_devices_in_tx(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
        devices: &[LinkedDevice],
        peer: KeyId,
        now_ms: i64,
    ) -> Result<Decided> {
        let refuse = |reason| incoming.refuse_in_tx(tx, reason);
        // Only a pairing of this device's own may speak for a person's devices (one made only
        // for circles too: the person's devices then get the circles, ADR 0019).
        let Some(person) = peers::get(tx, &peer)?.filter(|p| {
            p.state == PeerState::Paired
                && p.link.is_none()
                && p.person.is_none()
                && p.introduced_by.is_none()
        }) else {
            return refuse(RejectReason::NotAllowed);
        };
        if devices.len() > MAX_LINKED_DEVICES {
            return refuse(RejectReason::BadControl);
        }
        let Some(named) = devices
            .iter()
            .map(|d| check_named(&d.keys, &d.name, &d.channel))
            .collect::<Option<Vec<_>>>()
        else {
            return refuse(RejectReason::BadControl);
        };
        let mut listed = BTreeSet::new();
        for device in named {
            let id = device.keys.key_id();
            if id == self.identity.key_id() || id == peer {
                continue;
            }
            let existing = peers::get(tx, &id)?;
            // A device this one knows in its own right (paired, pairing, linked) stays so.
            if existing.as_ref().is_some_and(|r| {
                r.person != Some(peer) && !matches!(r.state, PeerState::Writer | PeerState::Removed)
            }) {
                continue;
            }
            listed.insert(id);
            self.hold_channel_in_tx(tx, existing.as_ref(), id, device.stream, &device.key)?;
            let row = PeerRow {
                relay: peers::relay_of(tx, &person)?,
                person: Some(peer),
                circle: person.circle,
                ..handed_row(device, existing.as_ref(), now_ms)
            };
            peers::upsert(tx, &row)?;
        }
        let gone: Vec<PeerRow> = peers::list(tx)?
            .into_iter()
            .filter(|r| r.person == Some(peer) && r.state == PeerState::Paired)
            .filter(|r| !listed.contains(&r.peer_id))
            .collect();
        for row in gone {
            self.remove_person_device_in_tx(tx, row, now_ms)?;
        }
        self.consume_control(tx, incoming)?;
        Ok(Decided::just(Received::Control))
    }

    /// A device the person removed: what it was given ends as erased (it deletes its copies
    /// if it ever syncs again), each document starts a new epoch without it at the next send,
    /// and it is removed.
    fn remove_person_device_in_tx(
        &self,
        tx: &Transaction<'_>,
        mut row: PeerRow,
        now_ms: i64,
    ) -> Result<()> {
        for share in shares::active(tx)?
            .into_iter()
            .filter(|s| s.peer_id == row.peer_id)
        {
            self.end_share_in_tx(tx, &share, ERASED, now_ms)?;
            recovery::rotate_doc(tx, &share.doc_id)?;
        }
        row.state = PeerState::Removed;
        peers::upsert(tx, &row)?;
        if let Some(channel) = streams::channel(tx, &row.peer_id)? {
            if outbox::unsent_on(tx, &channel.stream)? == 0 {
                streams::retire_channel(tx, &row.peer_id)?;
            }
        }
        Ok(())
    }

    /// The channel a pairing is handed over on: kept if it is the one already held, else the
    /// old one ends and this one opens (a stream seen before is never reopened).
    fn hold_channel_in_tx(
        &self,
        tx: &Transaction<'_>,
        existing: Option<&PeerRow>,
        peer: KeyId,
        stream: StreamId,
        key: &[u8; 32],
    ) -> Result<()> {
        let held = existing.and_then(|r| r.channel_stream);
        if held == Some(stream) && streams::get(tx, &stream)?.is_some() {
            return Ok(());
        }
        streams::retire_channel(tx, &peer)?;
        if streams::get(tx, &stream)?.is_none() {
            let key = DocKey::from_secret_bytes(0, key);
            streams::insert(tx, &StreamRow::new_channel(peer, stream, key))?;
        }
        Ok(())
    }

    /// From the device this one is linked to: a pairing of the person's, handed over (this
    /// device reads and writes its channel from now on, and the person's SOS ladder here names
    /// it where it does there), or ended there.
    pub(crate) fn apply_introduction_in_tx(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
        intro: &Introduction,
        peer: KeyId,
        now_ms: i64,
    ) -> Result<Decided> {
        let refuse = |reason| incoming.refuse_in_tx(tx, reason);
        if !from_origin(tx, &peer)? {
            return refuse(RejectReason::NotAllowed);
        }
        let Some(named) = check_named(&intro.keys, &intro.name, &intro.channel) else {
            return refuse(RejectReason::BadControl);
        };
        let relay_ok = intro
            .relay
            .as_ref()
            .is_none_or(|r| r.len() <= 2048 && !r.chars().any(char::is_control));
        let contacts_ok = intro.sos_contacts.len() <= MAX_SOS_CONTACTS
            && intro
                .sos_contacts
                .iter()
                .all(|c| !c.is_empty() && c.len() <= 64 && !c.chars().any(char::is_control));
        let id = named.keys.key_id();
        if !relay_ok || !contacts_ok || id == self.identity.key_id() || id == peer {
            return refuse(RejectReason::BadControl);
        }
        let existing = peers::get(tx, &id)?;
        let handed_here = existing
            .as_ref()
            .is_none_or(|r| r.introduced_by == Some(peer) || r.state == PeerState::Writer);
        let mut effect = Effect::None;
        if !handed_here {
            // This device's own pairing with that device is its own to end.
        } else if intro.ended {
            if let Some(row) = existing.filter(|r| r.state == PeerState::Paired) {
                effect = Effect::Ended(self.end_introduced_in_tx(tx, row)?);
            }
        } else {
            self.hold_channel_in_tx(tx, existing.as_ref(), id, named.stream, &named.key)?;
            let row = PeerRow {
                relay: intro.relay.clone(),
                introduced_by: Some(peer),
                // A circle's host is not one of the person's people on this device either.
                circle: intro.circle,
                ..handed_row(named, existing.as_ref(), now_ms)
            };
            peers::upsert(tx, &row)?;
            // A circle's host is never on the person's ladder.
            let wanted: BTreeSet<&str> = crate::sorting::set(
                intro
                    .sos_contacts
                    .iter()
                    .filter(|_| !intro.circle)
                    .map(String::as_str),
            );
            for (contact, linked) in sos::links(tx)? {
                if linked == id && !wanted.contains(contact.as_str()) {
                    sos::link(tx, &contact, None)?;
                }
            }
            for contact in wanted {
                sos::link(tx, contact, Some(&id))?;
            }
        }
        self.consume_control(tx, incoming)?;
        Ok(Decided {
            received: Received::Control,
            after: AfterCommit::Control(ControlCommitted {
                effect,
                removed: None,
                dropped: Vec::new(),
                changed: None,
                grant: false,
                peer,
            }),
        })
    }

    /// A handed-over pairing that ended on the person's other device ends here: what it
    /// shared stays, read-only; its channel and SOS links go. Returns the documents it owned.
    fn end_introduced_in_tx(&self, tx: &Transaction<'_>, mut row: PeerRow) -> Result<Vec<String>> {
        let theirs: Vec<String> = chunks::documents(tx)?
            .into_iter()
            .filter(|d| d.owner == Some(row.peer_id))
            .map(|d| d.doc_id)
            .collect();
        for doc_id in &theirs {
            streams::retire_doc(tx, doc_id)?;
            outbox::drop_doc_changes(tx, doc_id)?;
            chunks::set_access(tx, doc_id, DocAccess::Ended.as_str())?;
        }
        for (contact, linked) in sos::links(tx)? {
            if linked == row.peer_id {
                sos::link(tx, &contact, None)?;
            }
        }
        row.state = PeerState::Removed;
        peers::upsert(tx, &row)?;
        streams::retire_channel(tx, &row.peer_id)?;
        Ok(theirs)
    }

    /// The device this one was linked to removed it: that device shows as declined, the
    /// pairings it had handed over end, and what they shared leaves this device with the
    /// person's documents. Returns the documents deleted.
    pub(super) fn drop_handed_over_in_tx(
        &self,
        tx: &Transaction<'_>,
        origin: &KeyId,
    ) -> Result<Vec<String>> {
        // The device stays listed, linked and declined, so the app can say this one was
        // removed there; its channel stays readable for the rest of its notices.
        if let Some(mut row) = peers::get(tx, origin)?.filter(|r| r.state == PeerState::Paired) {
            row.state = PeerState::Declined;
            peers::upsert(tx, &row)?;
        }
        let handed: Vec<PeerRow> = peers::list(tx)?
            .into_iter()
            .filter(|r| r.introduced_by == Some(*origin))
            .collect();
        let mut dropped = Vec::new();
        for row in handed {
            for doc in chunks::documents(tx)?
                .into_iter()
                .filter(|d| d.owner == Some(row.peer_id))
            {
                streams::retire_doc(tx, &doc.doc_id)?;
                outbox::drop_doc_changes(tx, &doc.doc_id)?;
                chunks::delete_document(tx, &doc.doc_id)?;
                dropped.push(doc.doc_id);
            }
            if row.state == PeerState::Paired {
                self.end_introduced_in_tx(tx, row)?;
            }
        }
        Ok(dropped)
    }

    /// From the device this one is linked to: the person's recovery identity and the shares
    /// in force there, kept for taking its place if it is lost.
    pub(crate) fn apply_handover_in_tx(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
        handover: &Handover,
        peer: KeyId,
        now_ms: i64,
    ) -> Result<Decided> {
        let refuse = |reason| incoming.refuse_in_tx(tx, reason);
        if !from_origin(tx, &peer)? {
            return refuse(RejectReason::NotAllowed);
        }
        let identity = hex::decode(&handover.recovery)
            .ok()
            .and_then(|raw| DeviceIdentity::from_secret_bytes(&raw).ok());
        let Some(identity) = identity else {
            return refuse(RejectReason::BadControl);
        };
        if handover.shares.len() > MAX_HANDED_SHARES {
            return refuse(RejectReason::BadControl);
        }
        let shares = handover
            .shares
            .iter()
            .map(|h| {
                let doc_ok = parse_id(&h.doc_id).is_ok();
                let purpose_ok = h.purpose.chars().count() <= MAX_SHORT
                    && !h.purpose.chars().any(char::is_control);
                Some(HandedShareRow {
                    doc_id: h.doc_id.clone(),
                    peer: KeyId(parse_id(&h.peer).ok()?),
                    access: Access::parse(&h.access)?,
                    purpose: h.purpose.clone(),
                    expires_at_ms: h.expires_at_ms,
                })
                .filter(|_| doc_ok && purpose_ok)
            })
            .collect::<Option<Vec<_>>>();
        let Some(shares) = shares else {
            return refuse(RejectReason::BadControl);
        };
        recovery::replace(tx, &identity, handover.next_seq, now_ms)?;
        introductions::set_handed_shares(tx, &shares)?;
        self.consume_control(tx, incoming)?;
        Ok(Decided::just(Received::Control))
    }
}
