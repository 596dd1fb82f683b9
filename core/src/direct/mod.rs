//! Direct device-to-device sync (ADR 0011): two paired devices in one room sync with nothing
//! in between — a Noise `KK` session between the X25519 keys they exchanged at pairing, and
//! inside it the changes the shares allow, checked and applied under the relay path's rules.
//!
//! - [`DirectSync`] (`session`): connect, accept, listen; a [`DirectReport`] per session.
//! - `channel`: the handshake and the encrypted, framed messages over any async stream.
//! - `message`: the session's messages and their decoder (property-tested).
//! - `exchange`: the store's side — which documents, what each side holds, applying.
//! - [`AddressHint`] (`hints`): where a device listens, as a short code or QR payload.
//! - `discovery`: the names under which paired devices find each other on the local network.
//! - [`Advertisement`] (`mdns`, the `mdns` feature): advertising and finding by mDNS.
//! - [`DirectProblem`] (`problem`): what can end a session, by what the caller can do.

mod channel;
mod discovery;
mod exchange;
mod hints;
#[cfg(feature = "mdns")]
mod mdns;
pub(crate) mod message;
mod problem;
mod session;

pub use discovery::{SERVICE_TYPE as DISCOVERY_SERVICE_TYPE, WINDOW_MS as DISCOVERY_WINDOW_MS};
pub use hints::{AddressHint, HintError, MAX_ADDRESSES};
#[cfg(feature = "mdns")]
pub use mdns::Advertisement;
pub use problem::DirectProblem;
pub use session::{DirectListener, DirectOptions, DirectReport, DirectSync};
