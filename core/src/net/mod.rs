//! The network side of sync: the tokio client that drives the sans-IO engine (`sync/`,
//! [`crate::Twofold::sync`]) over a relay (relay/README.md).
//!
//! - [`SyncClient::sync_now`] (`client`): one exchange for a background scheduler, with a
//!   [`SyncReport`].
//! - [`SyncClient::start_live`] (`live`): follow live, push on commit, reconnect with backoff.
//! - [`RelayTransport`] (`transport`): the one seam between the client and whatever moves
//!   the bytes; `relay_api` (HTTP) and `websocket` (the live follow) are the real relay's,
//!   the simulations' faulty in-memory relay is another.
//! - `records`: the relay's framing; `problem`: what can go wrong, by what the caller can
//!   do; `report`: reports, progress and status; `push`: telling the relay where to send
//!   wake-ups.

mod client;
mod live;
mod problem;
mod push;
mod records;
mod relay_api;
mod report;
mod transport;
mod websocket;

pub use client::{NetOptions, SyncClient};
pub use live::LiveSync;
pub use problem::{NetProblem, RelayCode};
pub use records::{decode_frame, decode_page, Frame, Record};
pub use report::{Progress, SyncReport, SyncStatus};
pub use transport::{
    FollowCommand, FollowConnection, FollowEvent, NetResult, Page, RelayTransport,
};
