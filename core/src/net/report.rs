//! What a sync did, and the status a UI shows.

use std::time::Duration;

use super::problem::NetProblem;
use crate::sync::{Received, RejectReason};

/// What one `sync_now` (or one live exchange) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Envelopes the relay acknowledged, and their bytes.
    pub sent: u64,
    pub sent_bytes: u64,
    /// Pairing messages the relay acknowledged.
    pub mailbox_sent: u64,
    /// Envelopes and mailbox messages read from the relay.
    pub received: u64,
    /// Of those, applied changes or pairing/sharing messages.
    pub applied: u64,
    /// Already had them (a retry or a replay): ignored.
    pub duplicates: u64,
    /// Held back because an earlier envelope of the same sender is missing; read again later.
    pub waiting: u64,
    /// Refused, by reason (sorted by reason name).
    pub rejected: Vec<(RejectReason, u64)>,
    /// Envelopes and pairing messages still waiting to go out.
    pub pending: u64,
    /// Why the sync stopped early, if it did. Everything before it is durable.
    pub interrupted: Option<NetProblem>,
}

impl SyncReport {
    pub(crate) fn count(&mut self, outcome: &Received) {
        self.received += 1;
        match outcome {
            Received::Applied { .. } | Received::Control => self.applied += 1,
            Received::Duplicate => self.duplicates += 1,
            Received::Gap { .. } => self.waiting += 1,
            Received::Rejected(reason) => {
                match self.rejected.iter_mut().find(|(r, _)| r == reason) {
                    Some((_, n)) => *n += 1,
                    None => {
                        self.rejected.push((*reason, 1));
                        crate::sorting::sort_by_key(&mut self.rejected, |(r, _)| r.as_str());
                    }
                }
            }
        }
    }

    pub fn rejected_total(&self) -> u64 {
        self.rejected.iter().map(|(_, n)| n).sum()
    }
}

/// How far a long exchange (a new device's first sync) has got. `to_receive` grows as each
/// stream's size becomes known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub sent: u64,
    pub to_send: u64,
    pub received: u64,
    pub to_receive: u64,
}

/// What the UI shows about sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    /// No sync has run yet in this process.
    Idle,
    /// Exchanging with the relay.
    Syncing { progress: Progress },
    /// Everything sent, everything readable read, at this time (ms since the epoch).
    UpToDate { at_ms: i64 },
    /// The relay cannot be reached or cannot serve now; live sync retries after `retry_in`.
    Offline {
        problem: NetProblem,
        retry_in: Option<Duration>,
    },
    /// The relay refused something for good, or answered outside the protocol.
    Error { problem: NetProblem },
    /// The device's own storage failed during sync (disk full, I/O); retried later.
    StorageFailed,
}

impl SyncStatus {
    pub(crate) fn after(problem: NetProblem, retry_in: Option<Duration>) -> SyncStatus {
        if problem.transient() {
            SyncStatus::Offline { problem, retry_in }
        } else {
            SyncStatus::Error { problem }
        }
    }
}
