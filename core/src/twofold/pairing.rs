//! Pairing: the owner shows an invite, the other device answers it with a sealed join request
//! through a relay mailbox, the owner's device reveals its code nonce, both screens show the
//! same verification code, and the owner approves (or declines). An approval opens a private
//! channel between the two devices; it shares nothing by itself.

use zeroize::Zeroizing;

use super::{DocAccess, DocSel, Twofold};
use crate::crypto::{
    code_commitment, seal_reply, CodeNonce, DevicePublicKeys, DocKey, Invite, InviteError,
    InviteMark, InviteSecret, JoinRequest, KeyId, PairingDecision,
};
use crate::error::{Error, Result};
use crate::store::chunks;
use crate::store::circles;
use crate::store::identity;
use crate::store::outbox::{self, MailboxRole, NewInvite};
use crate::store::pairing_codes;
use crate::store::peers::{self, Link, PeerRow, PeerState};
use crate::store::shares;
use crate::store::streams::{self, StreamRow};
use crate::sync::control::ERASED;
use crate::sync::mailbox::{join_mailbox, reply_mailbox};

/// Where a pairing stands, as the app shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerStatus {
    /// This device answered an invite; the owner has not decided yet.
    AwaitingApproval,
    /// Someone answered this device's invite; approve or decline.
    NeedsDecision,
    Paired,
    Declined,
}

/// Another device, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub id: KeyId,
    pub display_name: String,
    pub status: PeerStatus,
    /// The six digits both screens show; compare them before approving. Empty on the device
    /// that answered an invite until the owner's device has revealed its part of the code
    /// (its next sync after the owner's device received the request), and for pairings made
    /// before the code was commit-then-reveal.
    pub verification_code: String,
    pub paired_at_ms: Option<i64>,
    /// The relay the pairing went through (from the invite): where to sync with this peer.
    pub relay: Option<String>,
    /// Another device of this person (a phone, a tablet), linked with a link invite rather
    /// than paired with someone else's (ADR 0012).
    pub linked: bool,
}

fn invite_error(e: InviteError) -> Error {
    Error::invalid("invite", e.to_string())
}

impl Twofold {
    /// This device's key id: what peers call it.
    pub fn device_id(&self) -> KeyId {
        self.identity.key_id()
    }

    pub fn device_keys(&self) -> DevicePublicKeys {
        self.identity.public_keys()
    }

    /// The name this device's person shows to peers when pairing.
    pub fn set_display_name(&self, name: &str) -> Result<()> {
        crate::model::validate::required("display_name", name, 128)?;
        self.db.write(|tx| identity::set_display_name(tx, name))
    }

    pub fn display_name(&self) -> Result<String> {
        self.db.read(identity::display_name)
    }

    /// Owner side: a new invite for a QR code or a link, valid until `expires_at_ms`.
    pub fn create_invite(&self, relay: &str, expires_at_ms: i64) -> Result<String> {
        self.new_invite(relay, expires_at_ms, InviteMark::Pairing, None)
    }

    /// A new invite, for pairing with someone else's device, for linking another device of
    /// this person, or for joining `circle` (a circle document this device hosts).
    pub(crate) fn new_invite(
        &self,
        relay: &str,
        expires_at_ms: i64,
        mark: InviteMark,
        circle: Option<&str>,
    ) -> Result<String> {
        if expires_at_ms <= self.now_ms() {
            return Err(Error::invalid("expires_at", "must be in the future"));
        }
        let expires_at = u64::try_from(expires_at_ms / 1000).unwrap_or(0);
        let (mut invite, code_nonce) =
            Invite::create(relay, &self.identity.public_keys(), expires_at)
                .map_err(invite_error)?;
        invite.mark = mark;
        self.db.write(|tx| {
            let stored = NewInvite {
                invite_id: &invite.invite_id,
                secret: &invite.secret.0,
                code_nonce: &code_nonce,
                relay,
                expires_at_s: expires_at as i64,
                link: mark == InviteMark::Link,
            };
            outbox::add_invite(tx, &stored, self.now_ms())?;
            if let Some(doc_id) = circle {
                circles::set_invite_circle(tx, &invite.invite_id, doc_id)?;
            }
            outbox::watch_mailbox(
                tx,
                &join_mailbox(&invite.secret),
                &invite.invite_id,
                MailboxRole::Join,
            )
        })?;
        Ok(invite.encode())
    }

    /// The other side: answers an invite under `display_name`. Returns the peer to show,
    /// with the verification code to compare with the owner's screen. A link invite (one of
    /// the inviter's own devices, [`Twofold::create_link_invite`]) is refused here.
    pub fn accept_invite(&self, invite: &str, display_name: &str, now_ms: i64) -> Result<Peer> {
        let now = u64::try_from(now_ms / 1000).unwrap_or(0);
        let invite = Invite::decode(invite, now).map_err(invite_error)?;
        match invite.mark {
            InviteMark::Pairing => {}
            InviteMark::Link => {
                return Err(Error::invalid(
                    "invite",
                    "links a person's own device; it is not for pairing",
                ))
            }
            InviteMark::Circle => {
                return Err(Error::invalid(
                    "invite",
                    "asks to join a peer circle; it is not for pairing",
                ))
            }
        }
        self.answer_invite(invite, display_name, now_ms, None)
    }

    /// Sends the join request for a decoded invite and records the pairing under way.
    pub(crate) fn answer_invite(
        &self,
        invite: Invite,
        display_name: &str,
        now_ms: i64,
        link: Option<Link>,
    ) -> Result<Peer> {
        if invite.owner.key_id() == self.identity.key_id() {
            return Err(Error::invalid("invite", "is this device's own invite"));
        }
        let nonce = CodeNonce::random()
            .map_err(|_| Error::invalid("pairing", "the system random generator failed"))?;
        let request = JoinRequest::seal(&invite, &self.identity, display_name, &nonce)
            .map_err(invite_error)?;
        let row = PeerRow {
            peer_id: invite.owner.key_id(),
            keys: invite.owner,
            display_name: String::new(),
            state: PeerState::AwaitingReply,
            invite_id: Some(invite.invite_id),
            invite_secret: Some(invite.secret.0),
            relay: Some(invite.relay.clone()),
            channel_stream: None,
            created_at: now_ms,
            paired_at: None,
            link,
            person: None,
            introduced_by: None,
            circle: invite.mark == InviteMark::Circle,
        };
        self.db.write(|tx| {
            if let Some(existing) = peers::get(tx, &row.peer_id)? {
                // A circle host's device this one was paired with only for circles pairs
                // again for a circle it is asked to join (again): the new pairing replaces
                // the old channel.
                let circle_again = row.circle && existing.circle;
                if existing.state == PeerState::Paired && !circle_again {
                    return Err(Error::invalid(
                        "invite",
                        "comes from a device already paired",
                    ));
                }
            }
            peers::upsert(tx, &row)?;
            pairing_codes::await_owner_nonce(tx, &row.peer_id, &nonce, &invite.commitment)?;
            outbox::add_mailbox_post(tx, &join_mailbox(&invite.secret), &request)?;
            outbox::watch_mailbox(
                tx,
                &reply_mailbox(&invite.secret),
                &invite.invite_id,
                MailboxRole::Reply,
            )
        })?;
        self.peer_view(&row)
    }

    /// Every device this one is paired with or pairing with.
    pub fn peers(&self) -> Result<Vec<Peer>> {
        let rows = self.db.read(peers::list)?;
        rows.iter()
            .filter(|r| !matches!(r.state, PeerState::Writer | PeerState::Removed))
            // Another device of a paired person is shown as that person, not on its own.
            .filter(|r| r.person.is_none())
            // Someone met only in a peer circle is not one of the person's people (ADR 0019).
            .filter(|r| !r.circle)
            .map(|r| self.peer_view(r))
            .collect()
    }

    /// One pairing, of whatever kind (with someone, with another of the person's devices, or
    /// for a circle), under way or made: where the app reads the code once the other device
    /// has revealed its part. None for a device this one has no pairing with.
    pub fn pairing(&self, peer: &KeyId) -> Result<Option<Peer>> {
        let row = self
            .db
            .read(|c| peers::get(c, peer))?
            .filter(|r| r.state != PeerState::Writer && r.person.is_none());
        row.map(|r| self.peer_view(&r)).transpose()
    }

    pub(crate) fn peer_view(&self, row: &PeerRow) -> Result<Peer> {
        let code = self.db.read(|c| pairing_codes::code(c, &row.peer_id))?;
        Ok(Peer {
            id: row.peer_id,
            display_name: row.display_name.clone(),
            status: match row.state {
                PeerState::AwaitingReply => PeerStatus::AwaitingApproval,
                PeerState::PendingApproval => PeerStatus::NeedsDecision,
                PeerState::Paired | PeerState::Writer => PeerStatus::Paired,
                // Not listed by `peers`; only `unpair`'s own callers could see it.
                PeerState::Declined | PeerState::Removed => PeerStatus::Declined,
            },
            verification_code: code.unwrap_or_default(),
            paired_at_ms: row.paired_at,
            relay: row.relay.clone(),
            linked: row.link.is_some(),
        })
    }

    /// Owner side: approves a pending pairing after comparing the codes. Opens the channel.
    pub fn approve_pairing(&self, peer: &KeyId) -> Result<Peer> {
        let approved = self.decide_pairing(peer, true)?;
        if approved.linked {
            // The person's documents go to their new device now; `outgoing` repeats this if
            // the app stops in between.
            self.share_with_linked_devices()?;
        }
        if let Some(circle) = self.circle_of_pairing(peer)? {
            self.admit_to_circle(&circle, peer)?;
        }
        Ok(approved)
    }

    pub fn decline_pairing(&self, peer: &KeyId) -> Result<Peer> {
        self.decide_pairing(peer, false)
    }

    fn decide_pairing(&self, peer: &KeyId, approve: bool) -> Result<Peer> {
        let owner_name = self.display_name()?;
        let row = self.db.write(|tx| {
            let mut row = peers::get(tx, peer)?
                .filter(|r| r.state == PeerState::PendingApproval)
                .ok_or_else(|| Error::not_found("pending pairing", hex::encode(peer.0)))?;
            let invite_id = row
                .invite_id
                .ok_or_else(|| Error::invalid("peers.invite_id", "is missing"))?;
            let (secret, relay, expires_at, _) = outbox::invite_secret(tx, &invite_id)?
                .ok_or_else(|| Error::not_found("invite", hex::encode(invite_id)))?;
            // A request that arrived before codes were commit-then-reveal has neither; the
            // joiner's app could not read a reply anyway. It can be declined, not approved.
            let code_nonce = outbox::invite_code_nonce(tx, &invite_id)?;
            let shown = pairing_codes::code(tx, peer)?;
            if approve && (code_nonce.is_none() || shown.is_none()) {
                return Err(Error::invalid(
                    "pairing",
                    "has no verification code to compare; answer a new invite",
                ));
            }
            let owner = self.identity.public_keys();
            let invite = Invite {
                relay,
                invite_id,
                secret: InviteSecret(secret),
                owner,
                commitment: code_nonce
                    .as_ref()
                    .map(|n| code_commitment(&invite_id, &owner, n))
                    .unwrap_or_default(),
                expires_at: expires_at as u64,
                mark: if row.link.is_some() {
                    InviteMark::Link
                } else {
                    InviteMark::Pairing
                },
            };
            let decision = if approve {
                let key = DocKey::generate(0)
                    .map_err(|_| Error::invalid("channel", "the system random generator failed"))?;
                // The channel's id is certified by its key (ADR 0022).
                let stream = streams::channel_stream(&key);
                // A device paired again after `unpair`: its old channel ends here.
                streams::retire_channel(tx, peer)?;
                streams::insert(tx, &StreamRow::new_channel(*peer, stream, key.clone()))?;
                row.state = PeerState::Paired;
                row.paired_at = Some(self.now_ms());
                row.channel_stream = Some(stream);
                PairingDecision::Approved {
                    channel_key: Zeroizing::new(*key.secret_bytes()),
                    channel_stream: stream,
                    owner_name: if owner_name.trim().is_empty() {
                        "Twofold".to_string()
                    } else {
                        owner_name.clone()
                    },
                }
            } else {
                row.state = PeerState::Declined;
                PairingDecision::Declined
            };
            if let Some(nonce) = &code_nonce {
                let reply = seal_reply(&invite, &self.identity, &row.keys, nonce, Some(&decision))
                    .map_err(invite_error)?;
                outbox::add_mailbox_post(tx, &reply_mailbox(&invite.secret), &reply)?;
            }
            outbox::retire_invite(tx, &invite_id)?;
            peers::upsert(tx, &row)?;
            Ok(row)
        })?;
        self.peer_view(&row)
    }

    /// Ends a pairing, from either side. Every share this device gave `peer` is ended as
    /// [`Twofold::revoke_share`] ends one (a new epoch for the devices still allowed, a
    /// revocation notice to `peer` on the channel); every document `peer` shared with this
    /// device ends here as on a revocation notice (kept, read-only, nothing new is read or
    /// sent). The peer is no longer listed by [`Twofold::peers`]; its row stays, so consent
    /// records and authorship keep its name. Nothing more is read from its channel; the
    /// channel ends once the last notice is acknowledged. Pairing again needs a new invite.
    /// Unpairing a removed device again does nothing.
    ///
    /// Unpairing a device this one linked removes it ([`Twofold::remove_device`]); the device
    /// this one was linked to cannot be unpaired from here (ADR 0012).
    pub fn unpair(&self, peer: &KeyId) -> Result<()> {
        if let Some(row) = self.db.read(|c| peers::get(c, peer))? {
            if row.person.is_some() {
                return Err(Error::invalid(
                    "peer",
                    "is another device of someone paired with this one; it leaves when they \
                     remove it, or when they are unpaired",
                ));
            }
            if row.introduced_by.is_some() {
                return Err(Error::invalid(
                    "peer",
                    "was paired on the device this one is linked to; it is unpaired there",
                ));
            }
        }
        self.end_pairing(peer, "unpaired")
    }

    /// [`Twofold::unpair`], telling the peer `reason` for each share that ends.
    pub(crate) fn end_pairing(&self, peer: &KeyId, reason: &str) -> Result<()> {
        let Some(mut row) = self
            .db
            .read(|c| peers::get(c, peer))?
            .filter(|r| r.state != PeerState::Writer)
        else {
            return Err(Error::NotPaired);
        };
        if row.state == PeerState::Removed {
            return Ok(());
        }
        let reason = match row.link {
            None => reason,
            // A device of the person's that leaves takes none of their documents with it.
            Some(Link::Device) => ERASED,
            Some(Link::Origin) => {
                return Err(Error::invalid(
                    "device",
                    "is the device this one was linked to; devices are removed there",
                ))
            }
        };
        let given: std::collections::BTreeSet<String> = crate::sorting::set(
            self.db
                .read(shares::active)?
                .into_iter()
                .filter(|s| s.peer_id == *peer)
                .map(|s| s.doc_id),
        );
        for doc_id in &given {
            self.end_shares(DocSel::Id(doc_id), |s| s.peer_id == *peer, reason)?;
        }
        let mut docs = self.docs_write()?;
        let theirs: Vec<String> = docs
            .others
            .values()
            .filter(|d| d.owner == Some(*peer))
            .map(|d| d.doc_id.clone())
            .collect();
        self.db.write(|tx| {
            for doc_id in &theirs {
                streams::retire_doc(tx, doc_id)?;
                outbox::drop_doc_changes(tx, doc_id)?;
                chunks::set_access(tx, doc_id, DocAccess::Ended.as_str())?;
            }
            if let Some(invite_id) = row.invite_id {
                outbox::unwatch_invite(tx, &invite_id, MailboxRole::Join)?;
                outbox::unwatch_invite(tx, &invite_id, MailboxRole::Reply)?;
            }
            row.state = PeerState::Removed;
            row.invite_secret = None;
            peers::upsert(tx, &row)?;
            self.forget_linked_devices_in_tx(tx, peer)?;
            // The notices still to send keep the channel open; with none, it ends now.
            if let Some(channel) = streams::channel(tx, peer)? {
                if outbox::unsent_on(tx, &channel.stream)? == 0 {
                    streams::retire_channel(tx, peer)?;
                }
            }
            Ok(())
        })?;
        for doc_id in &theirs {
            if let Some(d) = docs.others.get_mut(doc_id) {
                d.access = DocAccess::Ended;
                d.outbox = false;
            }
        }
        Ok(())
    }
}
