//! `TwofoldStore`'s pairing operations: this device's id and name, invites, answering one, and
//! the owner's decision. A pairing shares nothing by itself (see `sharing`). The messages
//! travel through relay mailboxes, moved by the app's transport (see `sync_engine`).
//!
//! Device ids are 32 lowercase hex characters; a malformed one is `InvalidInput` naming the
//! argument (`peer_id`).

use crate::convert;
use crate::error::Result;
use crate::model::sharing::Peer;
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// This device's id (32 hex characters): what peers call it.
    pub fn device_id(&self) -> Result<String> {
        self.read(|core| Ok(convert::key_id::from_core(core.device_id())))
    }

    /// The name this device's person shows to peers when pairing (empty until set).
    pub fn display_name(&self) -> Result<String> {
        self.read(|core| Ok(core.display_name()?))
    }

    /// Sets the name shown to peers (required, at most 128 characters).
    pub async fn set_display_name(&self, name: String) -> Result<()> {
        self.write(move |core| Ok(core.set_display_name(&name)?))
            .await
    }

    /// Owner side: a new invite (text for a QR code or a link) naming `relay`, valid until
    /// `expires_at_ms` (milliseconds since the Unix epoch, in the future). It works once.
    pub async fn create_invite(&self, relay: String, expires_at_ms: i64) -> Result<String> {
        self.write(move |core| Ok(core.create_invite(&relay, expires_at_ms)?))
            .await
    }

    /// The other side: answers an invite under `display_name`. Returns the owner's device,
    /// `AwaitingApproval`, with an empty verification code: the owner's device reveals its
    /// half of the code when it receives the request, and after the next sync `pairing(id)`
    /// (or `peers()`) shows the six digits to compare with the owner's screen.
    /// `now_ms` (milliseconds since the Unix epoch) checks the invite's expiry; `None` is now.
    /// A malformed, expired or own invite is `InvalidInput` on `invite`.
    #[uniffi::method(default(now_ms = None))]
    pub async fn accept_invite(
        &self,
        invite: String,
        display_name: String,
        now_ms: Option<i64>,
    ) -> Result<Peer> {
        self.write(move |core| {
            let now = now_ms.unwrap_or_else(crate::store::now_ms);
            Ok(core.accept_invite(&invite, &display_name, now)?)
        })
        .await
    }

    /// Every device this one is paired with or pairing with.
    pub fn peers(&self) -> Result<Vec<Peer>> {
        self.read(|core| Ok(core.peers()?))
    }

    /// One pairing of any kind (with someone, with another of the person's devices, or for a
    /// circle), under way or made; `None` if there is none with `peer_id`. Where the device
    /// that answered an invite reads the code once it is known (empty until then).
    pub fn pairing(&self, peer_id: String) -> Result<Option<Peer>> {
        self.read(|core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.pairing(&peer)?)
        })
    }

    /// Owner side: approves a pending pairing (`NeedsDecision`) after the person compared the
    /// codes. Opens the private channel; shares nothing yet. `NotFound` if none is pending.
    pub async fn approve_pairing(&self, peer_id: String) -> Result<Peer> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.approve_pairing(&peer)?)
        })
        .await
    }

    /// Owner side: declines a pending pairing; the other device is told.
    pub async fn decline_pairing(&self, peer_id: String) -> Result<Peer> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.decline_pairing(&peer)?)
        })
        .await
    }

    /// Ends a pairing from either side: every share given to `peer` is revoked (a new epoch
    /// for the others), every document `peer` shared here ends (kept, read-only, nothing new
    /// arrives), and `peer` is no longer listed. Pairing again needs a new invite.
    pub async fn unpair(&self, peer_id: String) -> Result<()> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.unpair(&peer)?)
        })
        .await
    }

    /// A link invite (text for a QR code) for the person's new phone or tablet to scan with
    /// `accept_link_invite`; approve the new device with `approve_pairing` once both screens
    /// show the same code. The new device then gets every one of the person's documents,
    /// read-write, with the next syncs. Valid until `expires_at_ms`; it works once.
    pub async fn create_link_invite(&self, relay: String, expires_at_ms: i64) -> Result<String> {
        self.write(move |core| Ok(core.create_link_invite(&relay, expires_at_ms)?))
            .await
    }

    /// The new device: answers a link invite from the person's device under `device_name`.
    /// Returns that device, `AwaitingApproval` and `linked`, with the code to compare. Once
    /// approved, the person's documents take the place of this device's own (what it held
    /// merges into them). `InvalidInput` on `invite` for a pairing invite or a bad one, and on
    /// `device` if this device is already paired or sharing (link before pairing).
    #[uniffi::method(default(now_ms = None))]
    pub async fn accept_link_invite(
        &self,
        invite: String,
        device_name: String,
        now_ms: Option<i64>,
    ) -> Result<Peer> {
        self.write(move |core| {
            let now = now_ms.unwrap_or_else(crate::store::now_ms);
            Ok(core.accept_link_invite(&invite, &device_name, now)?)
        })
        .await
    }

    /// Removes a device this one linked (lost, stolen, sold): it gets nothing new from now on,
    /// the devices the person's documents are shared with stop taking its changes, and it
    /// deletes the person's documents if it ever syncs again. `InvalidInput` on `device` for
    /// a device this one did not link.
    pub async fn remove_device(&self, peer_id: String) -> Result<()> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.remove_device(&peer)?)
        })
        .await
    }

    /// On a linked device, when the person's phone it was linked to is lost: this device
    /// takes its place. The person's mentors move the pairing here at their next sync, every
    /// document starts a new epoch without the lost phone, and this device shares, revokes
    /// and links from now on. `InvalidInput` on `device` if it is not the device this one was
    /// linked to, or if that device had not yet handed over what taking its place needs (both
    /// must have synced while it still worked). Doing it again does nothing.
    pub async fn take_over_from_lost_device(&self, peer_id: String) -> Result<()> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.take_over_from_lost_device(&peer)?)
        })
        .await
    }
}
