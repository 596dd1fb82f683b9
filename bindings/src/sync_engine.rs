//! `TwofoldStore`'s sans-IO sync engine, for apps that run their own transport: the library
//! seals, checks and applies; the app moves bytes between these calls and a relay.
//!
//! One round: `sync_outgoing` → post each mailbox message (then `sync_mailbox_posted`),
//! append each envelope (then `sync_acked`) and delete each finished mailbox (then
//! `sync_mailbox_deleted`); read each of `sync_mailbox_follows` and pass what
//! arrived to `sync_receive_mailbox`; read each of `sync_follows` after its cursor and pass
//! each record, with its relay position, to `sync_receive` — and follow again while new
//! streams appear (a grant opens one). Nothing is lost if the app stops at any point: the
//! engine's state is committed with the documents. The time is the store's clock; ids are hex
//! (see `model::sync`). `SyncSession` runs this same loop over a relay.

use twofold_core::crypto::StreamId;

use crate::convert;
use crate::error::Result;
use crate::model::sync::{Follow, MailboxFollow, Outgoing, Received, RejectionCount};
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// Everything waiting to go out. Expired shares are ended first, a shared wellbeing
    /// summary is refreshed, and pending local changes are sealed into envelopes; the same
    /// envelopes come back until acknowledged.
    pub async fn sync_outgoing(&self) -> Result<Outgoing> {
        self.write(move |core| Ok(core.sync().outgoing()?.into()))
            .await
    }

    /// The relay stored envelope `id`, at `position` if the app knows it (the relay's answer):
    /// then this device need not read its own envelope back. Writes the disclosure log entry
    /// (once, even if the acknowledgement is repeated).
    #[uniffi::method(default(position = None))]
    pub async fn sync_acked(&self, id: i64, position: Option<u64>) -> Result<()> {
        self.write(move |core| Ok(core.sync().acked(id, position)?))
            .await
    }

    /// The relay stored mailbox message `id`.
    pub async fn sync_mailbox_posted(&self, id: i64) -> Result<()> {
        self.write(move |core| Ok(core.sync().mailbox_posted(id)?))
            .await
    }

    /// The relay deleted `mailbox` (32 hex characters), or refused to for good.
    pub async fn sync_mailbox_deleted(&self, mailbox: String) -> Result<()> {
        self.write(move |core| {
            let mailbox = convert::hex_id::to_core(mailbox, "", "mailbox")?;
            Ok(core.sync().mailbox_deleted(&mailbox)?)
        })
        .await
    }

    /// The streams to read, each after its cursor: channels first, so that grants arrive
    /// before the documents they unlock.
    pub fn sync_follows(&self) -> Result<Vec<Follow>> {
        self.read(|core| Ok(core.sync().follows()?.into_iter().map(Into::into).collect()))
    }

    /// The mailboxes to read (pairings under way), each after its cursor.
    pub fn sync_mailbox_follows(&self) -> Result<Vec<MailboxFollow>> {
        self.read(|core| {
            Ok(core
                .sync()
                .mailbox_follows()?
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    /// One record read from relay stream `stream` (32 hex characters) at `position` (dense,
    /// from 1). Verified before anything changes: a refusal is `Received.Rejected` and
    /// changes nothing but a counter; it is not an error.
    pub async fn sync_receive(
        &self,
        stream: String,
        position: u64,
        bytes: Vec<u8>,
    ) -> Result<Received> {
        self.write(move |core| {
            let stream = StreamId(convert::hex_id::to_core(stream, "", "stream")?);
            Ok(core.sync().receive(&stream, position, &bytes)?.into())
        })
        .await
    }

    /// One message read from relay mailbox `mailbox` (32 hex characters) at `position`: a
    /// join request (owner side) or the owner's decision.
    pub async fn sync_receive_mailbox(
        &self,
        mailbox: String,
        position: u64,
        bytes: Vec<u8>,
    ) -> Result<Received> {
        self.write(move |core| {
            let mailbox = convert::hex_id::to_core(mailbox, "", "mailbox")?;
            Ok(core
                .sync()
                .receive_mailbox(&mailbox, position, &bytes)?
                .into())
        })
        .await
    }

    /// How many inputs were refused, by reason.
    pub fn sync_rejections(&self) -> Result<Vec<RejectionCount>> {
        self.read(|core| {
            Ok(core
                .sync()
                .rejections()?
                .into_iter()
                .map(|(reason, count)| RejectionCount { reason, count })
                .collect())
        })
    }

    /// The heads of a document this device holds (hex, sorted): equal on two devices means
    /// the same state, whatever order the changes arrived in.
    pub fn doc_heads(&self, doc_id: String) -> Result<Vec<String>> {
        self.read(|core| {
            let doc_id = convert::doc_id::to_core(doc_id, "", "doc_id")?;
            Ok(core.doc_heads(&doc_id)?)
        })
    }
}
