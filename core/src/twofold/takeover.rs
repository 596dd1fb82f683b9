//! A linked device takes the place of the person's lost origin (ADR 0012, "When the origin is
//! the device that is lost"): the origin handed it the person's recovery identity and its
//! shares; the tablet states to each of the person's mentors, signed by the recovery key, that
//! it succeeds the lost phone, on a new channel the lost phone never held, and starts a new
//! epoch for everything, so the lost phone opens nothing new.

use std::collections::BTreeSet;

use super::{DocAccess, Twofold};
use crate::crypto::KeyId;
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::store::introductions;
use crate::store::outbox;
use crate::store::peers::{self, Link, PeerState};
use crate::store::shares::{self, NewShare};
use crate::store::{chunks, recovery, streams};

impl Twofold {
    /// The person's phone this device was linked to is lost: this device takes its place.
    /// Its mentors move the pairing here at their next sync, each document starts a new epoch
    /// from here without the lost phone, and this device shares, revokes and links from now
    /// on. Needs what the phone handed over while it still synced; taking over again does
    /// nothing.
    pub fn take_over_from_lost_device(&self, device: &KeyId) -> Result<()> {
        let origin = self
            .db
            .read(|c| peers::get(c, device))?
            .filter(|r| r.link == Some(Link::Origin))
            .ok_or_else(|| Error::invalid("device", "is not the device this one was linked to"))?;
        if origin.state == PeerState::Removed {
            return Ok(());
        }
        let handed = self.db.read(|c| {
            let ours = recovery::load(c)?.map(|r| r.public_keys());
            let theirs = recovery::peer_recovery_keys(c, &origin.peer_id)?;
            Ok(ours.is_some() && ours == theirs)
        })?;
        if !handed {
            return Err(Error::invalid(
                "device",
                "has not handed over what taking its place needs; sync both devices while the \
                 other one still works",
            ));
        }
        let handed_over: Vec<_> = self
            .db
            .read(peers::list)?
            .into_iter()
            .filter(|r| r.introduced_by == Some(origin.peer_id) && r.state == PeerState::Paired)
            .collect();
        let kept = self.db.read(introductions::handed_shares)?;
        let now = self.now_ms();
        let mut docs = self.docs_write()?;
        self.db.write(|tx| {
            let recovery_identity = recovery::load(tx)?
                .ok_or_else(|| Error::invalid("recovery_identity", "is missing"))?;
            let mut partners = BTreeSet::new();
            for peer in &handed_over {
                let Some(channel) = streams::channel(tx, &peer.peer_id)? else {
                    continue;
                };
                let fresh = self.state_successor_in_tx(
                    tx,
                    &recovery_identity,
                    &origin.keys,
                    peer,
                    &channel,
                    now,
                )?;
                let mut row = peer.clone();
                row.channel_stream = Some(fresh);
                row.introduced_by = None;
                peers::upsert(tx, &row)?;
                partners.insert(peer.peer_id);
            }
            // Nothing more goes to the lost phone, nor is read from it.
            if let Some(channel) = streams::channel(tx, &origin.peer_id)? {
                outbox::drop_unsent_on(tx, &channel.stream)?;
            }
            streams::retire_channel(tx, &origin.peer_id)?;
            let mut gone = origin.clone();
            gone.state = PeerState::Removed;
            gone.invite_secret = None;
            peers::upsert(tx, &gone)?;
            // The person's documents are this device's own now, and so are the circles the
            // lost phone hosted (ADR 0019): this device lets people in and out from now on.
            let adopted: Vec<_> = chunks::documents(tx)?
                .into_iter()
                .filter(|d| d.owner == Some(origin.peer_id))
                .filter(|d| d.adopted || d.kind == DocKind::Circle)
                .collect();
            for doc in &adopted {
                chunks::make_own(tx, &doc.doc_id)?;
            }
            for share in kept.iter().filter(|s| partners.contains(&s.peer)) {
                let Some(doc) = adopted.iter().find(|d| d.doc_id == share.doc_id) else {
                    continue;
                };
                if share.expires_at_ms.is_some_and(|e| e <= now) {
                    continue;
                }
                shares::insert(
                    tx,
                    &NewShare {
                        doc_id: &share.doc_id,
                        kind: doc.kind,
                        peer_id: &share.peer,
                        access: share.access,
                        purpose: &share.purpose,
                        expires_at_ms: share.expires_at_ms,
                    },
                    now,
                )?;
            }
            recovery::rotate_every_shared(tx)
        })?;
        for doc in docs.owner.values_mut() {
            if doc.adopted && doc.owner == Some(origin.peer_id) {
                doc.owner = None;
                doc.access = DocAccess::Owner;
                doc.adopted = false;
            }
        }
        for doc in docs.others.values_mut() {
            if doc.kind == DocKind::Circle && doc.owner == Some(origin.peer_id) {
                doc.owner = None;
                doc.access = DocAccess::Owner;
            }
        }
        drop(docs);
        self.record_host_succession(&origin.peer_id)
    }
}
