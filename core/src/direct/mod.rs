//! Direct device-to-device sync (ADR 0011): two paired devices in one room sync with nothing
//! in between — a Noise `KK` session between the X25519 keys they exchanged at pairing, and
//! inside it the changes the shares allow, checked and applied under the relay path's rules.
//!
//! - [`DirectSync`] (`session`): connect, accept, listen; a [`DirectReport`] per session.
//! - `channel`: the handshake and the encrypted, framed messages over any async stream.
//! - `message`: the session's messages and their decoder (property-tested).
//! - `exchange`: the store's side — which documents, what each side holds, applying.
//! - [`AddressHint`] (`hints`): where a device listens, as a short code or QR payload.
//! - [`DirectProblem`] (`problem`): what can end a session, by what the caller can do.

mod channel;
mod exchange;
mod hints;
mod message;
mod problem;
mod session;

pub use hints::{AddressHint, HintError, MAX_ADDRESSES};
pub use problem::DirectProblem;
pub use session::{DirectListener, DirectOptions, DirectReport, DirectSync};
