//! `twofold-relay`: the store-and-forward server. It keeps opaque envelope bytes per stream and
//! per pairing mailbox, authorises by capability-token hashes, and fans appends out to live
//! WebSocket followers. It never sees plaintext and knows nothing of documents or people.

mod access;
mod config;
mod error;
pub mod framing;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod http;
mod hub;
mod ids;
mod limits;
mod metrics;
pub mod push;
mod server;
mod store;
mod ws;

pub use config::Config;
pub use error::StartError;
pub use ids::{stream_id_for_hashes, token_hash};
pub use server::{serve, RelayHandle};
