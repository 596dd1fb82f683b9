//! The sync engine. Its vocabulary (`types`, `payload`, `control`, `mailbox`) says what goes
//! out (envelopes for relay streams, pairing messages for relay mailboxes), what the transport
//! should follow, what came in and what became of it; its steps live beside it:
//!
//! - `outgoing`: seal pending changes into envelopes, acknowledge, what to follow.
//! - `receive`: one envelope — verified, then checked and applied in one write transaction.
//! - `apply_control`: grants, writer lists and revocations from a paired device's channel.
//! - `receive_mailbox`: join requests and pairing decisions.
//! - `apply_sos`: requests for help and their answers from a paired device's channel.
//! - `retention`: owner claims, trims and deletes on the relay, and members' read positions.
//!
//! No sockets, clocks or sleeps: the engine's state is the store's (SQLite, in the same
//! transactions as the documents), so it is reached from the store as [`crate::Twofold::sync`]
//! ([`SyncEngine`]), and transports (`net/`) move the bytes. Protocol: `docs/protocol.md`;
//! reasons: `docs/adr/0004-sync-engine.md`.

mod apply_control;
mod apply_introductions;
mod apply_prekey;
mod apply_sos;
mod apply_succession;
mod applying;
pub(crate) mod authorship;
pub mod control;
mod engine;
pub mod mailbox;
mod outgoing;
pub mod payload;
mod preload;
mod receive;
mod receive_mailbox;
mod retention;
pub mod sos_control;
pub mod types;

pub use engine::SyncEngine;
pub use receive::{StreamRecord, RECEIVE_BATCH};
pub use types::*;
