//! The network side of sync: tokio transports that drive the sans-IO engine (`sync/`, the
//! `Twofold::sync_*` entry points) over a relay (relay/README.md).
//!
//! - [`SyncClient::sync_now`] (`client`): one exchange for a background scheduler, with a
//!   [`SyncReport`].
//! - [`SyncClient::start_live`] (`live`): follow live, push on commit, reconnect with backoff.
//! - `relay_api`, `records`: the relay's HTTP protocol and its framing; `problem`: what can
//!   go wrong, by what the caller can do; `report`: reports, progress and status.

mod client;
mod live;
mod problem;
mod records;
mod relay_api;
mod report;

pub use client::{NetOptions, SyncClient};
pub use live::LiveSync;
pub use problem::{NetProblem, RelayCode};
pub use records::{decode_frame, decode_page, Frame, Record};
pub use report::{Progress, SyncReport, SyncStatus};
