//! Receiving one pairing message from a relay mailbox: a join request (owner side), or the
//! owner's code nonce or decision (joining side).

use crate::crypto::{
    code_commitment, open_reply, seal_reply, verification_code, CodeInputs, DocKey, Invite,
    InviteMark, InviteSecret, JoinRequest, PairingDecision,
};
use crate::error::Result;
use crate::store::circles;
use crate::store::outbox::{self, MailboxRole};
use crate::store::pairing_codes;
use crate::store::peers::{self, Link, PeerRow, PeerState};
use crate::store::streams::{self, StreamRow};
use crate::sync::mailbox::reply_mailbox;
use crate::sync::{Received, RejectReason};
use crate::twofold::Twofold;

impl Twofold {
    /// A message from a watched mailbox: a join request (owner side) or the owner's decision.
    pub(crate) fn sync_receive_mailbox(
        &self,
        mailbox: &[u8; 16],
        position: u64,
        bytes: &[u8],
        now_ms: i64,
    ) -> Result<Received> {
        let watched = self.db.read(outbox::watched)?;
        let Some(&(_, invite_id, role, _)) = watched.iter().find(|w| &w.0 == mailbox) else {
            return Ok(Received::Rejected(RejectReason::UnknownStream));
        };
        let outcome = match role {
            MailboxRole::Join => self.receive_join(&invite_id, bytes, now_ms),
            MailboxRole::Reply => self.receive_reply(&invite_id, bytes, now_ms),
        }?;
        self.db.write(|tx| {
            if let Received::Rejected(reason) = outcome {
                outbox::count_rejection(tx, reason.as_str())?;
            }
            outbox::advance_mailbox(tx, mailbox, position)
        })?;
        Ok(outcome)
    }

    fn receive_join(&self, invite_id: &[u8; 16], bytes: &[u8], now_ms: i64) -> Result<Received> {
        let Some((secret, relay, expires_at, used_at)) =
            self.db.read(|c| outbox::invite_secret(c, invite_id))?
        else {
            return Ok(Received::Rejected(RejectReason::BadPairingMessage));
        };
        // An invite made before codes were commit-then-reveal has no nonce to reveal.
        let Some(owner_nonce) = self.db.read(|c| outbox::invite_code_nonce(c, invite_id))? else {
            return Ok(Received::Rejected(RejectReason::BadPairingMessage));
        };
        let owner = self.identity.public_keys();
        let invite = Invite {
            relay,
            invite_id: *invite_id,
            secret: InviteSecret(secret),
            owner,
            commitment: code_commitment(invite_id, &owner, &owner_nonce),
            expires_at: expires_at as u64,
            mark: InviteMark::Pairing,
        };
        let now = u64::try_from(now_ms / 1000).unwrap_or(0);
        let Ok(request) = JoinRequest::open(bytes, &invite, &self.identity, now) else {
            return Ok(Received::Rejected(RejectReason::BadPairingMessage));
        };
        // One request per invite: the owner's nonce is revealed once, to the first answer, so
        // no one can try a second key or nonce against it.
        if used_at.is_some() {
            return Ok(Received::Rejected(RejectReason::InviteUsed));
        }
        let code = verification_code(&CodeInputs {
            invite_id,
            owner: &owner,
            joiner: &request.mentor,
            owner_nonce: &owner_nonce,
            joiner_nonce: &request.nonce,
        });
        let reveal = match seal_reply(&invite, &self.identity, &request.mentor, &owner_nonce, None)
        {
            Ok(reveal) => reveal,
            Err(_) => return Ok(Received::Rejected(RejectReason::BadPairingMessage)),
        };
        let row = PeerRow {
            peer_id: request.mentor.key_id(),
            keys: request.mentor,
            display_name: request.display_name,
            state: PeerState::PendingApproval,
            invite_id: Some(*invite_id),
            invite_secret: None,
            relay: None,
            channel_stream: None,
            created_at: now_ms,
            paired_at: None,
            link: None,
            person: None,
            introduced_by: None,
            circle: false,
        };
        self.db.write(|tx| {
            let mut row = row;
            if outbox::is_link_invite(tx, invite_id)? {
                row.link = Some(Link::Device);
            }
            let circle_invite = circles::invite_circle(tx, invite_id)?.is_some();
            if circle_invite {
                row.circle = true;
            }
            // A device paired only for circles pairs again for another circle (the approval
            // replaces the channel); any other pairing is never answered twice.
            if peers::get(tx, &row.peer_id)?
                .is_some_and(|p| p.state == PeerState::Paired && !(p.circle && circle_invite))
            {
                return Ok(Received::Rejected(RejectReason::BadPairingMessage));
            }
            // An invite works once: the first valid request retires it.
            outbox::use_invite(tx, invite_id, now_ms)?;
            outbox::unwatch_invite(tx, invite_id, MailboxRole::Join)?;
            peers::upsert(tx, &row)?;
            pairing_codes::set_code(tx, &row.peer_id, code)?;
            // The joiner shows the code once it has this; the owner decides afterwards.
            outbox::add_mailbox_post(tx, &reply_mailbox(&invite.secret), &reveal)?;
            Ok(Received::Control)
        })
    }

    fn receive_reply(&self, invite_id: &[u8; 16], bytes: &[u8], now_ms: i64) -> Result<Received> {
        let rows = self.db.read(peers::list)?;
        let Some(mut row) = rows.into_iter().find(|r| {
            r.invite_id.as_ref() == Some(invite_id) && r.state == PeerState::AwaitingReply
        }) else {
            return Ok(Received::Rejected(RejectReason::BadPairingMessage));
        };
        let (Some(secret), Some(relay)) = (row.invite_secret, row.relay.clone()) else {
            return Ok(Received::Rejected(RejectReason::BadPairingMessage));
        };
        let Some(commitment) = self
            .db
            .read(|c| pairing_codes::commitment(c, &row.peer_id))?
        else {
            return Ok(Received::Rejected(RejectReason::BadPairingMessage));
        };
        let invite = Invite {
            relay,
            invite_id: *invite_id,
            secret: InviteSecret(secret),
            owner: row.keys,
            commitment,
            expires_at: u64::MAX,
            // The reply's sealing does not depend on the mark.
            mark: InviteMark::Pairing,
        };
        // Checks the owner's nonce against the invite's commitment.
        let Ok(reply) = open_reply(bytes, &invite, &self.identity) else {
            return Ok(Received::Rejected(RejectReason::BadPairingMessage));
        };
        let waiting = self
            .db
            .read(|c| pairing_codes::awaiting_nonce(c, &row.peer_id))?;
        let code = waiting.map(|own_nonce| {
            verification_code(&CodeInputs {
                invite_id,
                owner: &row.keys,
                joiner: &self.identity.public_keys(),
                owner_nonce: &reply.owner_nonce,
                joiner_nonce: &own_nonce,
            })
        });
        self.db.write(|tx| {
            if let Some(code) = code {
                pairing_codes::set_code(tx, &row.peer_id, code)?;
            }
            let Some(decision) = reply.decision else {
                // The nonce alone: the code can be shown; the decision comes later.
                return Ok(Received::Control);
            };
            match decision {
                PairingDecision::Approved {
                    channel_key,
                    channel_stream,
                    owner_name,
                } => {
                    streams::retire_channel(tx, &row.peer_id)?;
                    let key = DocKey::from_secret_bytes(0, &channel_key);
                    streams::insert(
                        tx,
                        &StreamRow::new_channel(row.peer_id, channel_stream, key),
                    )?;
                    row.state = PeerState::Paired;
                    row.display_name = owner_name;
                    row.paired_at = Some(now_ms);
                    row.channel_stream = Some(channel_stream);
                }
                PairingDecision::Declined => row.state = PeerState::Declined,
            }
            // The secret has done its job; it is not kept.
            row.invite_secret = None;
            outbox::unwatch_invite(tx, invite_id, MailboxRole::Reply)?;
            peers::upsert(tx, &row)?;
            Ok(Received::Control)
        })
    }
}
