//! What can end a direct session early, by what the caller can do about it. Texts are fixed:
//! never an address, a key, a document id or a byte of what the peer sent.

use std::fmt;

/// Why a direct session stopped before both sides said they were done. Every batch applied
/// before it is durable; a new session sends only what is still missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectProblem {
    /// The peer could not be reached (no route, connection refused, connect timeout).
    Unreachable,
    /// The device is not a paired peer of this one (connecting to it is refused locally).
    NotPaired,
    /// The handshake failed: the other side does not hold the paired static key (an
    /// impostor, a man in the middle, or a peer that was unpaired), or it hung up during it.
    /// Nothing was sent and nothing was learned.
    HandshakeFailed,
    /// The peer stopped answering for longer than the idle timeout, or the whole session ran
    /// past its limit.
    TimedOut,
    /// The connection closed or broke after the handshake.
    ConnectionLost,
    /// A frame did not decrypt: bytes were changed, lost, repeated or reordered on the way.
    Corrupt,
    /// The peer's message broke the protocol (undecodable, too large, out of order).
    Protocol { what: &'static str },
}

impl DirectProblem {
    /// Worth trying again soon (the network); the others need something to change.
    pub fn transient(&self) -> bool {
        matches!(
            self,
            DirectProblem::Unreachable
                | DirectProblem::TimedOut
                | DirectProblem::ConnectionLost
                | DirectProblem::Corrupt
        )
    }
}

impl fmt::Display for DirectProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DirectProblem::Unreachable => f.write_str("the paired device could not be reached"),
            DirectProblem::NotPaired => f.write_str("that device is not paired with this one"),
            DirectProblem::HandshakeFailed => {
                f.write_str("the other device did not prove it is the paired one")
            }
            DirectProblem::TimedOut => f.write_str("the direct session timed out"),
            DirectProblem::ConnectionLost => f.write_str("the direct connection was lost"),
            DirectProblem::Corrupt => f.write_str("a message was damaged on the way"),
            DirectProblem::Protocol { what } => write!(f, "protocol error: {what}"),
        }
    }
}
