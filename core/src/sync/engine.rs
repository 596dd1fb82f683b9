//! [`SyncEngine`]: the sans-IO engine's face, reached as [`Twofold::sync`]. A transport (the
//! relay client in `net/`, a test's simulated wire, an app's own) asks what to send, reports
//! what the relay stored, asks what to read, and hands in what it read; the engine seals,
//! checks and applies, with its state committed in the same transactions as the documents.
//! The time comes from the store's clock (`OpenOptions::clock`).

use super::receive::StreamRecord;
use super::{Follow, MailboxFollow, Outgoing, Received};
use crate::crypto::StreamId;
use crate::error::Result;
use crate::twofold::{Subscription, Twofold};

/// The sync engine of one store (borrowed: it holds no state of its own).
#[derive(Debug, Clone, Copy)]
pub struct SyncEngine<'a> {
    store: &'a Twofold,
}

impl Twofold {
    /// The sync engine: what to send, what to read, what came in.
    pub fn sync(&self) -> SyncEngine<'_> {
        SyncEngine { store: self }
    }
}

impl SyncEngine<'_> {
    /// Everything waiting to go out. Expired shares are ended first, the wellbeing summary is
    /// refreshed if it is shared, and pending local changes are sealed into envelopes (the
    /// same envelope bytes are returned again until acknowledged).
    pub fn outgoing(&self) -> Result<Outgoing> {
        self.store.sync_outgoing(self.store.now_ms())
    }

    /// The relay stored envelope `id` (at `position`, when the transport knows it). Records
    /// the disclosure: one entry per peer the batch reaches, written once even if the
    /// acknowledgement is repeated. When the envelope landed right after this device's
    /// cursor, the cursor moves past it: a device never reads its own envelopes back unless
    /// someone else wrote in between.
    pub fn acked(&self, id: i64, position: Option<u64>) -> Result<()> {
        self.store.sync_acked(id, position, self.store.now_ms())
    }

    /// The relay stored mailbox message `id`.
    pub fn mailbox_posted(&self, id: i64) -> Result<()> {
        self.store.sync_mailbox_posted(id)
    }

    /// The relay deleted `mailbox`, or will never be able to (it refused for good).
    pub fn mailbox_deleted(&self, mailbox: &[u8; 16]) -> Result<()> {
        self.store.sync_mailbox_deleted(mailbox)
    }

    /// The relay answered the owner claim of `stream`: `ours` unless it holds another claim
    /// (answered as not found), when the stream is left alone.
    pub fn owner_claimed(&self, stream: &StreamId, ours: bool) -> Result<()> {
        self.store.sync_owner_claimed(stream, ours)
    }

    /// The relay dropped `stream`'s records through `through`.
    pub fn stream_trimmed(&self, stream: &StreamId, through: u64) -> Result<()> {
        self.store.sync_stream_trimmed(stream, through)
    }

    /// The relay deleted `stream`, or never will (it refused for good).
    pub fn stream_deleted(&self, stream: &StreamId) -> Result<()> {
        self.store.sync_stream_deleted(stream)
    }

    /// The streams to read, each after its cursor: channels first, so that grants and
    /// writer lists arrive before the documents they unlock.
    pub fn follows(&self) -> Result<Vec<Follow>> {
        self.store.sync_follows()
    }

    /// Every stream was read to its end. Whether that made something due to send: a restored
    /// store tells its peers who it is only after it has read what its streams held (ADR 0010).
    pub fn pulled(&self) -> Result<bool> {
        self.store.succession_pulled()
    }

    /// The mailboxes to read (pairings under way), each after its cursor.
    pub fn mailbox_follows(&self) -> Result<Vec<MailboxFollow>> {
        self.store.sync_mailbox_follows()
    }

    /// One envelope read from `stream` at relay `position` (dense, from 1), checked and
    /// applied in one transaction. A refusal is [`Received::Rejected`], not an error.
    pub fn receive(&self, stream: &StreamId, position: u64, bytes: &[u8]) -> Result<Received> {
        self.store
            .sync_receive(stream, position, bytes, self.store.now_ms())
    }

    /// Records read from `stream`, in order, with one outcome each: a document stream's are
    /// checked and applied [`RECEIVE_BATCH`](super::RECEIVE_BATCH) to a durable commit (a catch-up pays a few
    /// fsyncs, not one per envelope); a channel's one at a time.
    pub fn receive_batch(
        &self,
        stream: &StreamId,
        records: &[StreamRecord<'_>],
    ) -> Result<Vec<Received>> {
        self.store
            .sync_receive_batch(stream, records, self.store.now_ms())
    }

    /// One message read from a watched mailbox: a join request (owner side) or the owner's
    /// decision.
    pub fn receive_mailbox(
        &self,
        mailbox: &[u8; 16],
        position: u64,
        bytes: &[u8],
    ) -> Result<Received> {
        self.store
            .sync_receive_mailbox(mailbox, position, bytes, self.store.now_ms())
    }

    /// Counters of refused input, by reason.
    pub fn rejections(&self) -> Result<Vec<(String, u64)>> {
        self.store.sync_rejections()
    }

    /// Subscribes to "something new is waiting to be sent": called after every committed
    /// write that left envelopes, changes or pairing messages for the relay (edits, shares,
    /// pairing steps, catch-ups). A transport pushes on it.
    pub fn subscribe_outgoing(&self, listener: impl Fn() + Send + Sync + 'static) -> Subscription {
        self.store
            .listeners
            .subscribe_outgoing(std::sync::Arc::new(listener))
    }
}
