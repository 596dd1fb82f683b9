//! The sans-IO sync engine's vocabulary: what goes out (envelopes for relay streams, pairing
//! messages for relay mailboxes), what the transport should follow, what came in and what
//! became of it. No sockets, clocks or sleeps live here: the caller passes the time and moves
//! the bytes, so every path can be driven deterministically by tests.
//!
//! The engine's state is the store's (SQLite, in the same transactions as the documents), so
//! its entry points are methods of [`crate::Twofold`]: `sync_outgoing`, `sync_acked`,
//! `sync_follows`, `sync_receive`, `sync_receive_mailbox`. Protocol: `docs/protocol.md`;
//! reasons: `docs/adr/0004-sync-engine.md`.

pub mod control;
pub mod mailbox;
pub mod payload;
pub mod types;

pub use types::*;
