//! Peers learn of the person's devices (ADR 0012). The device that linked the person's others
//! makes a channel between each of them and each device the person is paired with, tells the
//! paired device the person's devices (with their channels) and hands each linked device the
//! pairing. A paired device then gives each of the person's devices what it gives the person
//! (a mentor's notes and suggestions reach the tablet too), and a request for help from the
//! tablet reaches the mentors on the ladder.
//!
//! Both sides are kept in step before each send: what the origin last told each side is
//! recorded, and said again only when it changed (a device linked or removed, a pairing made
//! or ended, an SOS contact linked).

use std::collections::BTreeSet;

use rusqlite::Transaction;

use super::{DocSel, Twofold};
use crate::crypto::{DocKey, KeyId};
use crate::error::{Error, Result};
use crate::store::introductions::{self, IntroductionRow};
use crate::store::peers::{self, Link, PeerRow, PeerState};
use crate::store::{recovery, shares, sos, streams};
use crate::sync::control::{
    encode_channel, ControlMessage, HandedShare, Handover, Introduction, LinkedDevice,
};
use crate::sync::payload::encode_control;

fn rng_failed() -> Error {
    Error::invalid("channel", "the system random generator failed")
}

/// A pairing this device made itself (not a linked device, nor one handed over or introduced).
/// One made only for peer circles is introduced too, with the circle mark (ADR 0019): a host
/// gives a member's linked devices the circles and nothing else, and a host's linked device
/// reaches the members when it takes the host's lost phone's place.
fn own_pairing(p: &PeerRow) -> bool {
    p.state == PeerState::Paired
        && p.link.is_none()
        && p.person.is_none()
        && p.introduced_by.is_none()
        && p.channel_stream.is_some()
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|_| Error::invalid("introduction", "could not be encoded"))
}

impl Twofold {
    /// The device that linked others: every paired device knows the person's devices, and
    /// every linked device holds the person's pairings.
    pub(crate) fn introduce_linked_devices(&self) -> Result<()> {
        let rows = self.db.read(peers::list)?;
        let devices: Vec<&PeerRow> = rows
            .iter()
            .filter(|p| p.link == Some(Link::Device) && p.state == PeerState::Paired)
            .collect();
        let known = self.db.read(introductions::all)?;
        if devices.is_empty() && known.is_empty() {
            return Ok(());
        }
        let partners: Vec<&PeerRow> = rows.iter().filter(|p| own_pairing(p)).collect();
        let links = self.db.read(sos::links)?;
        let now = self.now_ms();
        self.db.write(|tx| {
            self.hand_over_in_tx(tx, &devices, now)?;
            for partner in &partners {
                let mut listed = Vec::with_capacity(devices.len());
                for device in &devices {
                    let row = self.introduction_in_tx(tx, &device.peer_id, &partner.peer_id)?;
                    let channel = encode_channel(&row.stream, row.key.secret_bytes());
                    listed.push(LinkedDevice {
                        keys: hex::encode(device.keys.to_bytes()),
                        name: device.display_name.clone(),
                        channel: channel.clone(),
                    });
                    let intro = Introduction {
                        keys: hex::encode(partner.keys.to_bytes()),
                        name: partner.display_name.clone(),
                        relay: peers::relay_of(tx, partner)?,
                        channel,
                        sos_contacts: links
                            .iter()
                            .filter(|(_, p)| *p == partner.peer_id)
                            .map(|(c, _)| c.clone())
                            .collect(),
                        ended: false,
                        circle: partner.circle,
                    };
                    self.tell_device_in_tx(tx, &row, intro)?;
                }
                let told = to_json(&listed)?;
                let before = introductions::devices_told(tx, &partner.peer_id)?;
                if before.as_deref().unwrap_or("[]") != told {
                    self.send_control_in_tx(
                        tx,
                        &partner.peer_id,
                        &ControlMessage::Devices { devices: listed },
                    )?;
                    introductions::set_devices_told(tx, &partner.peer_id, &told)?;
                }
            }
            for row in &known {
                let device_here = devices.iter().any(|d| d.peer_id == row.device);
                let partner = rows.iter().find(|p| p.peer_id == row.peer);
                match partner {
                    // Still paired and still linked: told above.
                    Some(p) if device_here && own_pairing(p) => {}
                    // The pairing ended here: the linked device ends it too.
                    Some(p) if device_here => {
                        let intro = Introduction {
                            keys: hex::encode(p.keys.to_bytes()),
                            name: p.display_name.clone(),
                            relay: peers::relay_of(tx, p)?,
                            channel: encode_channel(&row.stream, row.key.secret_bytes()),
                            sos_contacts: Vec::new(),
                            ended: true,
                            circle: p.circle,
                        };
                        self.tell_device_in_tx(tx, row, intro)?;
                        introductions::delete(tx, &row.device, &row.peer)?;
                    }
                    // The device was removed: the paired device's list no longer names it.
                    _ => introductions::delete(tx, &row.device, &row.peer)?,
                }
            }
            Ok(())
        })
    }

    /// Each linked device holds what it needs to take this device's place if it is lost: the
    /// person's recovery identity and the shares in force (sent again when they change).
    fn hand_over_in_tx(&self, tx: &Transaction<'_>, devices: &[&PeerRow], now: i64) -> Result<()> {
        if devices.is_empty() {
            return Ok(());
        }
        let recovery_identity = recovery::load_or_create(tx, now)?;
        let linked: BTreeSet<KeyId> = crate::sorting::set(devices.iter().map(|d| d.peer_id));
        let shares: Vec<HandedShare> = shares::active(tx)?
            .into_iter()
            .filter(|s| !linked.contains(&s.peer_id))
            .map(|s| HandedShare {
                doc_id: s.doc_id,
                peer: hex::encode(s.peer_id.0),
                access: s.access.as_str().to_string(),
                purpose: s.purpose,
                expires_at_ms: s.expires_at_ms,
            })
            .collect();
        // What is compared holds no secret: the recovery key's id and the shares.
        let told = to_json(&(hex::encode(recovery_identity.key_id().0), &shares))?;
        for device in devices {
            if introductions::handover_told(tx, &device.peer_id)?.as_deref() == Some(&told) {
                continue;
            }
            let message = ControlMessage::Handover(Handover {
                recovery: hex::encode(&recovery_identity.to_secret_bytes()[..]),
                next_seq: recovery::next_seq(tx)?,
                shares: shares.clone(),
            });
            self.send_control_in_tx(tx, &device.peer_id, &message)?;
            introductions::set_handover_told(tx, &device.peer_id, &told)?;
        }
        Ok(())
    }

    /// The channel between a linked device and a paired device, made on first need.
    fn introduction_in_tx(
        &self,
        tx: &Transaction<'_>,
        device: &KeyId,
        peer: &KeyId,
    ) -> Result<IntroductionRow> {
        if let Some(row) = introductions::get(tx, device, peer)? {
            return Ok(row);
        }
        let key = DocKey::generate(0).map_err(|_| rng_failed())?;
        let row = IntroductionRow {
            device: *device,
            peer: *peer,
            // Certified by its key (ADR 0022).
            stream: streams::channel_stream(&key),
            key,
            told_device: None,
        };
        introductions::insert(tx, &row)?;
        Ok(row)
    }

    fn tell_device_in_tx(
        &self,
        tx: &Transaction<'_>,
        row: &IntroductionRow,
        intro: Introduction,
    ) -> Result<()> {
        let told = to_json(&intro)?;
        if row.told_device.as_deref() == Some(told.as_str()) {
            return Ok(());
        }
        self.send_control_in_tx(tx, &row.device, &ControlMessage::Introduce(intro))?;
        introductions::set_told_device(tx, &row.device, &row.peer, &told)
    }

    fn send_control_in_tx(
        &self,
        tx: &Transaction<'_>,
        peer: &KeyId,
        message: &ControlMessage,
    ) -> Result<()> {
        let channel = streams::channel(tx, peer)?.ok_or(Error::NotPaired)?;
        self.enqueue_on(tx, &channel, &encode_control(message, &[]), None, 0)
    }

    /// A pairing ending here (inside its transaction, before its channel closes): the device
    /// is told the person has no devices for it any more, so it ends theirs too.
    pub(crate) fn forget_linked_devices_in_tx(
        &self,
        tx: &Transaction<'_>,
        peer: &KeyId,
    ) -> Result<()> {
        let told = introductions::devices_told(tx, peer)?;
        if told.as_deref().unwrap_or("[]") == "[]" {
            return Ok(());
        }
        self.send_control_in_tx(tx, peer, &ControlMessage::Devices { devices: vec![] })?;
        introductions::set_devices_told(tx, peer, "[]")
    }

    /// A device paired with a person: each of the person's devices it was told of gets what
    /// the person gets — the same documents, access, purpose and expiry — and nothing the
    /// person no longer gets. A device of a person no longer paired here is removed.
    pub(crate) fn share_with_person_devices(&self) -> Result<()> {
        let rows = self.db.read(peers::list)?;
        let introduced: Vec<&PeerRow> = rows
            .iter()
            .filter(|p| p.person.is_some() && p.state == PeerState::Paired)
            .collect();
        if introduced.is_empty() {
            return Ok(());
        }
        let active = self.db.read(shares::active)?;
        for device in introduced {
            let Some(person) = device.person else {
                continue;
            };
            if !rows
                .iter()
                .any(|p| p.peer_id == person && p.state == PeerState::Paired)
            {
                self.end_pairing(&device.peer_id, "unpaired")?;
                continue;
            }
            let given: Vec<_> = active.iter().filter(|s| s.peer_id == person).collect();
            for share in &given {
                let same = active.iter().any(|s| {
                    s.peer_id == device.peer_id
                        && s.doc_id == share.doc_id
                        && s.access == share.access
                        && s.purpose == share.purpose
                        && s.expires_at_ms == share.expires_at_ms
                });
                if !same {
                    self.share_doc(
                        DocSel::Id(&share.doc_id),
                        &device.peer_id,
                        share.access,
                        &share.purpose,
                        share.expires_at_ms,
                    )?;
                }
            }
            let still: BTreeSet<&str> =
                crate::sorting::set(given.iter().map(|s| s.doc_id.as_str()));
            for extra in active
                .iter()
                .filter(|s| s.peer_id == device.peer_id && !still.contains(s.doc_id.as_str()))
            {
                let id = device.peer_id;
                self.end_shares(DocSel::Id(&extra.doc_id), |s| s.peer_id == id, "revoked")?;
            }
        }
        Ok(())
    }
}
