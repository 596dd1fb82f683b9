//! What a direct session did, and an address hint: mirrors of `twofold_core::direct`.

use twofold_core as tc;

/// Why a direct session stopped early. Everything applied before it is kept.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DirectProblem {
    /// The other device could not be reached at that address.
    Unreachable,
    /// That device is not paired with this one.
    NotPaired,
    /// The other side did not prove it is the paired device (an impostor, a man in the
    /// middle, or it was unpaired). Nothing was sent or learned.
    HandshakeFailed,
    /// The other device stopped answering.
    TimedOut,
    /// The connection broke after the handshake; connect again.
    ConnectionLost,
    /// A message was damaged, lost or reordered on the way; connect again.
    Corrupt,
    /// The other device broke the protocol (an update may be needed).
    Protocol { what: String },
}

impl From<tc::DirectProblem> for DirectProblem {
    fn from(p: tc::DirectProblem) -> Self {
        match p {
            tc::DirectProblem::Unreachable => DirectProblem::Unreachable,
            tc::DirectProblem::NotPaired => DirectProblem::NotPaired,
            tc::DirectProblem::HandshakeFailed => DirectProblem::HandshakeFailed,
            tc::DirectProblem::TimedOut => DirectProblem::TimedOut,
            tc::DirectProblem::ConnectionLost => DirectProblem::ConnectionLost,
            tc::DirectProblem::Corrupt => DirectProblem::Corrupt,
            tc::DirectProblem::Protocol { what } => DirectProblem::Protocol {
                what: what.to_string(),
            },
        }
    }
}

/// What one direct session did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DirectReport {
    /// The paired device on the other end, once it proved who it is.
    pub peer: Option<tc::KeyId>,
    /// Documents both devices offered.
    pub documents: u32,
    /// Changes and batches sent (each batch is in the disclosure log, `what` = `direct`).
    pub sent_changes: u64,
    pub sent_batches: u64,
    /// Changes received that were new here, and those already here.
    pub applied_changes: u64,
    pub duplicate_changes: u64,
    /// Batches of the other device's that were refused (e.g. a read-only share).
    pub refused_batches: u64,
    /// Bytes on the wire, both ways.
    pub wire_sent: u64,
    pub wire_received: u64,
    /// Why it stopped early, if it did.
    pub interrupted: Option<DirectProblem>,
}

impl From<tc::DirectReport> for DirectReport {
    fn from(r: tc::DirectReport) -> Self {
        DirectReport {
            peer: r.peer,
            documents: r.documents,
            sent_changes: r.sent_changes,
            sent_batches: r.sent_batches,
            applied_changes: r.applied_changes,
            duplicate_changes: r.duplicate_changes,
            refused_batches: r.refused_batches,
            wire_sent: r.wire_sent,
            wire_received: r.wire_received,
            interrupted: r.interrupted.map(Into::into),
        }
    }
}

/// Where a paired device listens: its port and addresses (as text, `192.168.1.23`, `fe80::1`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddressHint {
    pub port: u16,
    pub addresses: Vec<String>,
}
