//! [`RelayTransport`]: everything the sync client needs from a relay, as one async trait —
//! stream put, append and read; mailbox post and read; a live follow. `RelayApi` implements
//! it over HTTP and a WebSocket (relay/README.md); the simulations' in-memory relay implements
//! it with a wire that drops, duplicates and reorders, so they run the exchange loop the
//! phones run ([`super::SyncClient::with_transport`]).
//!
//! Futures are boxed (`BoxFuture`) so the trait stays object-safe: a client holds
//! `Arc<dyn RelayTransport>`.

use futures_util::future::BoxFuture;

use super::problem::NetProblem;
use super::records::{Frame, Record};
use crate::crypto::{CapabilityToken, StreamId};

/// What a relay call ends in: its answer, or the problem that stopped it.
pub type NetResult<T> = std::result::Result<T, NetProblem>;

/// One page of a stream or mailbox, and the relay's last position (if it said).
#[derive(Debug, Default)]
pub struct Page {
    pub records: Vec<Record>,
    pub head: Option<u64>,
}

/// A relay, as the sync client uses it. Reading a stream or mailbox nobody wrote to yet is an
/// empty page, not a problem (the relay answers a wrong token the same way, on purpose).
pub trait RelayTransport: Send + Sync + std::fmt::Debug {
    /// Registers a stream with its token hashes (idempotent).
    fn put_stream<'a>(
        &'a self,
        stream: &'a StreamId,
        read_hash: &'a [u8; 32],
        append_hash: &'a [u8; 32],
    ) -> BoxFuture<'a, NetResult<()>>;

    /// Appends an envelope; the relay's position for it (identical bytes get the same one).
    fn append<'a>(
        &'a self,
        stream: &'a StreamId,
        token: &'a CapabilityToken,
        envelope: &'a [u8],
    ) -> BoxFuture<'a, NetResult<u64>>;

    /// Up to `limit` records after position `after`, in order.
    fn read<'a>(
        &'a self,
        stream: &'a StreamId,
        token: &'a CapabilityToken,
        after: u64,
        limit: u32,
    ) -> BoxFuture<'a, NetResult<Page>>;

    /// Posts a pairing message; its position in the mailbox.
    fn post_mailbox<'a>(
        &'a self,
        mailbox: &'a [u8; 16],
        bytes: &'a [u8],
    ) -> BoxFuture<'a, NetResult<u64>>;

    fn read_mailbox<'a>(
        &'a self,
        mailbox: &'a [u8; 16],
        after: u64,
    ) -> BoxFuture<'a, NetResult<Page>>;

    /// Deletes a pairing mailbox's messages (the id is the capability); one the relay does not
    /// hold is already gone.
    fn delete_mailbox<'a>(&'a self, mailbox: &'a [u8; 16]) -> BoxFuture<'a, NetResult<()>>;

    /// Opens a live follow: records are pushed as they are stored.
    fn follow(&self) -> BoxFuture<'_, NetResult<Box<dyn FollowConnection>>>;

    /// Creates or replaces push registration `id` (its capability `token`) with `body`, the
    /// relay's JSON (relay/README.md). A transport without wake-ups has nothing to register.
    fn put_push<'a>(
        &'a self,
        _id: &'a [u8; 16],
        _token: &'a [u8; 32],
        _body: &'a [u8],
    ) -> BoxFuture<'a, NetResult<()>> {
        Box::pin(async {
            Err(NetProblem::Protocol {
                what: "this transport has no push wake-ups",
            })
        })
    }

    /// Claims the owner right over `stream` (ADR 0023) with its append token: the relay keeps
    /// `owner_hash`, the owner token's hash. Another claim already held is refused as
    /// not found. A transport without retention refuses it for good.
    fn claim_owner<'a>(
        &'a self,
        _stream: &'a StreamId,
        _append: &'a CapabilityToken,
        _owner_hash: &'a [u8; 32],
    ) -> BoxFuture<'a, NetResult<()>> {
        Box::pin(async { Err(NO_RETENTION) })
    }

    /// Drops `stream`'s records through `through`, with the owner token.
    fn trim_stream<'a>(
        &'a self,
        _stream: &'a StreamId,
        _owner: &'a CapabilityToken,
        _through: u64,
    ) -> BoxFuture<'a, NetResult<()>> {
        Box::pin(async { Err(NO_RETENTION) })
    }

    /// Deletes `stream` and everything in it, with the owner token.
    fn delete_stream<'a>(
        &'a self,
        _stream: &'a StreamId,
        _owner: &'a CapabilityToken,
    ) -> BoxFuture<'a, NetResult<()>> {
        Box::pin(async { Err(NO_RETENTION) })
    }

    /// Deletes push registration `id`; one the relay does not know is already gone.
    fn delete_push<'a>(
        &'a self,
        _id: &'a [u8; 16],
        _token: &'a [u8; 32],
    ) -> BoxFuture<'a, NetResult<()>> {
        Box::pin(async { Ok(()) })
    }
}

/// A transport that keeps streams as they are (a simulation, a direct link).
const NO_RETENTION: NetProblem = NetProblem::Protocol {
    what: "this transport keeps streams whole",
};

/// What a live follow is asked to deliver, or to stop delivering.
#[derive(Clone)]
pub enum FollowCommand {
    Stream {
        stream: StreamId,
        token: CapabilityToken,
        after: u64,
    },
    Unstream(StreamId),
    Mailbox {
        mailbox: [u8; 16],
        after: u64,
    },
    Unmailbox([u8; 16]),
    /// This connection speaks for push registration `registration`: the relay sends it no
    /// wake-ups while the connection is open.
    PushLive {
        registration: [u8; 16],
        token: [u8; 32],
    },
}

/// Tokens stay out of logs.
impl std::fmt::Debug for FollowCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FollowCommand::Stream { stream, after, .. } => f
                .debug_struct("Stream")
                .field("stream", &hex::encode(stream.0))
                .field("after", after)
                .finish_non_exhaustive(),
            FollowCommand::Unstream(stream) => f
                .debug_tuple("Unstream")
                .field(&hex::encode(stream.0))
                .finish(),
            FollowCommand::Mailbox { mailbox, after } => f
                .debug_struct("Mailbox")
                .field("mailbox", &hex::encode(mailbox))
                .field("after", after)
                .finish(),
            FollowCommand::Unmailbox(mailbox) => f
                .debug_tuple("Unmailbox")
                .field(&hex::encode(mailbox))
                .finish(),
            FollowCommand::PushLive { .. } => f.debug_struct("PushLive").finish_non_exhaustive(),
        }
    }
}

/// What a live follow delivered.
#[derive(Debug)]
pub enum FollowEvent {
    /// A record of a followed stream or mailbox.
    Frame(Frame),
    /// The relay refused to follow this stream or mailbox (unknown under that token, or a
    /// quota): try again later, not at once.
    Refused { id: [u8; 16] },
    /// The connection ended; open a new one after a delay.
    Ended(NetProblem),
}

/// One open live follow.
pub trait FollowConnection: Send {
    fn send(&mut self, commands: Vec<FollowCommand>) -> BoxFuture<'_, NetResult<()>>;

    /// The next event. Cancel-safe: dropping the future before it is ready loses nothing
    /// (the live loop waits on it beside commits and timers).
    fn next(&mut self) -> BoxFuture<'_, FollowEvent>;

    /// Closes the connection politely.
    fn close(&mut self) -> BoxFuture<'_, ()>;
}
