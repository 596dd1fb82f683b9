//! `TwofoldStore`'s consent operations, owner side: share one document with one paired device
//! (read-only or read-write, for a purpose, until an optional expiry), revoke, list the
//! consent records and the disclosure log, and "forget" a document's history.
//!
//! A share that is not possible for this device (the peer is not paired) is `NotAllowed`;
//! the changes themselves leave through the sync engine (see `sync_engine`).

use crate::convert;
use crate::error::Result;
use crate::model::documents::DocumentKind;
use crate::model::sharing::{Access, Disclosure, Share};
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// Shares one of the person's documents with a paired device (`peer_id`). `purpose` is
    /// recorded with the consent; `expires_at_ms` (milliseconds since the Unix epoch, in the
    /// future) ends it by itself. Sharing a document again with the same device replaces the
    /// earlier consent. Share `Summary` instead of `Journal` to show how the person is doing
    /// without their notes. `Notes` cannot be shared this way (`InvalidInput` on `kind`).
    #[uniffi::method(default(expires_at_ms = None))]
    pub async fn share(
        &self,
        kind: DocumentKind,
        peer_id: String,
        access: Access,
        purpose: String,
        expires_at_ms: Option<i64>,
    ) -> Result<()> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.share(kind, &peer, access, &purpose, expires_at_ms)?)
        })
        .await
    }

    /// Ends a share. The device keeps what it already received and gets nothing new (say so
    /// in the UI). Revoking what is not shared is fine.
    pub async fn revoke_share(&self, kind: DocumentKind, peer_id: String) -> Result<()> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.revoke_share(kind, &peer)?)
        })
        .await
    }

    /// Every consent record, in force or ended, newest last.
    pub fn shares(&self) -> Result<Vec<Share>> {
        self.read(|core| Ok(core.shares()?))
    }

    /// One entry per batch that reached a device: which document, which device, when, how
    /// many changes.
    pub fn disclosure_log(&self) -> Result<Vec<Disclosure>> {
        self.read(|core| Ok(core.disclosure_log()?))
    }

    /// Re-creates the document from its current state without its history, under a new id
    /// and key; the old key and history are destroyed. Devices it is shared with get the new
    /// document and are told to drop the old one.
    pub async fn forget(&self, kind: DocumentKind) -> Result<()> {
        self.write(move |core| Ok(core.forget(kind)?)).await
    }
}
