//! The person's own devices (ADR 0012): a second phone or a tablet, linked by scanning a link
//! invite on the device that holds the person's documents, with the same code comparison as
//! pairing. The new device gets every one of the person's documents from there, read-write,
//! as grants with snapshots through the relay, and stands beside it as a full writing device;
//! the devices the documents are shared with accept its changes from the next epoch on. A
//! lost device is removed from the device that linked it.

use std::collections::BTreeSet;

use super::{DocAccess, DocSel, Peer, Twofold};
use crate::crypto::{Invite, InviteMark, KeyId};
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::store::peers::{self, Link, PeerState};
use crate::store::shares;
use crate::sync::control::ERASED;
use crate::sync::Access;

/// The purpose recorded on each share that carries the person's documents to a device of
/// theirs: it shows in the consent list and the disclosure log.
pub const LINKED_DEVICE_PURPOSE: &str = "this person's own device";

impl Twofold {
    /// A link invite to show as a QR code on this device, for the person's new phone or
    /// tablet to scan with [`Twofold::accept_link_invite`]. Approve the new device with
    /// [`Twofold::approve_pairing`] once both screens show the same code.
    pub fn create_link_invite(&self, relay: &str, expires_at_ms: i64) -> Result<String> {
        self.new_invite(relay, expires_at_ms, InviteMark::Link, None)
    }

    /// The new device: answers a link invite from the person's device, under `device_name`
    /// ("Lena's tablet"). Once approved there, the person's documents arrive with the next
    /// syncs and take the place of this device's own (what was written here before is kept:
    /// it merges into them). Refused on a device that is already paired or sharing: a device
    /// is linked before it pairs with anyone.
    pub fn accept_link_invite(&self, invite: &str, device_name: &str, now_ms: i64) -> Result<Peer> {
        let now = u64::try_from(now_ms / 1000).unwrap_or(0);
        let invite =
            Invite::decode(invite, now).map_err(|e| Error::invalid("invite", e.to_string()))?;
        if invite.mark != InviteMark::Link {
            return Err(Error::invalid(
                "invite",
                "pairs with someone else's device; it does not link one of this person's",
            ));
        }
        let paired = self.db.read(peers::list)?.into_iter().any(|p| {
            matches!(
                p.state,
                PeerState::Paired | PeerState::AwaitingReply | PeerState::PendingApproval
            )
        });
        if paired || !self.db.read(shares::active)?.is_empty() {
            return Err(Error::invalid(
                "device",
                "is already paired or sharing; link a device before pairing it",
            ));
        }
        self.answer_invite(invite, device_name, now_ms, Some(Link::Origin))
    }

    /// Removes a device this one linked — lost, stolen or sold. It gets nothing new from now
    /// on: every document it could read starts a new epoch without it, so the devices the
    /// documents are shared with stop taking its changes, and if it ever syncs again it is
    /// told to delete the person's documents. Removing it again does nothing.
    pub fn remove_device(&self, device: &KeyId) -> Result<()> {
        match self.db.read(|c| peers::get(c, device))? {
            Some(row) if row.link == Some(Link::Device) => self.end_pairing(device, ERASED),
            Some(row) if row.link == Some(Link::Origin) => Err(Error::invalid(
                "device",
                "is the device this one was linked to; devices are removed there",
            )),
            _ => Err(Error::invalid("device", "is not a device this one linked")),
        }
    }

    /// The devices this one linked and paired, and every (document, device) share in force;
    /// None when there is no such device (nothing to share with).
    #[allow(clippy::type_complexity)]
    pub(crate) fn linked_devices_and_shares(
        &self,
    ) -> Result<Option<(Vec<KeyId>, BTreeSet<(String, KeyId)>)>> {
        let devices: Vec<KeyId> = self
            .db
            .read(peers::list)?
            .into_iter()
            .filter(|p| p.link == Some(Link::Device) && p.state == PeerState::Paired)
            .map(|p| p.peer_id)
            .collect();
        if devices.is_empty() {
            return Ok(None);
        }
        let shared = crate::sorting::set(
            self.db
                .read(shares::active)?
                .into_iter()
                .map(|s| (s.doc_id, s.peer_id)),
        );
        Ok(Some((devices, shared)))
    }

    /// Shares each of the person's own documents, read-write, with every device this one
    /// linked that does not have it yet. Runs at approval and again before each send, so a
    /// linking the app was stopped in the middle of is finished.
    pub(crate) fn share_with_linked_devices(&self) -> Result<()> {
        let Some((devices, shared)) = self.linked_devices_and_shares()? else {
            return Ok(());
        };
        let own: Vec<(DocKind, String)> = self.read(|docs| {
            Ok(docs
                .owner
                .values()
                .filter(|d| d.access == DocAccess::Owner)
                .map(|d| (d.kind, d.doc_id.clone()))
                .collect())
        })?;
        for device in &devices {
            for (kind, doc_id) in &own {
                if !shared.contains(&(doc_id.clone(), *device)) {
                    self.share_doc(
                        DocSel::Own(*kind),
                        device,
                        Access::Write,
                        LINKED_DEVICE_PURPOSE,
                        None,
                    )?;
                }
            }
        }
        Ok(())
    }
}
