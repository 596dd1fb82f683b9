//! What a sync did and the status a UI shows: mirrors of `twofold_core::net`.

use twofold_core as tc;

use crate::model::sync::RejectionCount;

/// Why a sync could not finish. Everything done before it is kept; the rest is retried.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SyncProblem {
    /// The relay could not be reached (no network, connection refused, timeout).
    Offline,
    /// The relay cannot serve now (5xx, shutting down): retry later.
    Unavailable,
    /// Too many requests; retry after this many seconds if the relay said.
    RateLimited { retry_after_seconds: Option<u64> },
    /// Refused for good (`too_large`, `quota_exceeded`, `not_found`, `bad_request`): retrying
    /// the same request will not help; an app update or a new pairing may.
    Refused { code: String },
    /// The relay answered outside the protocol.
    Protocol { what: String },
}

impl From<tc::NetProblem> for SyncProblem {
    fn from(p: tc::NetProblem) -> Self {
        match p {
            tc::NetProblem::Offline => SyncProblem::Offline,
            tc::NetProblem::Unavailable => SyncProblem::Unavailable,
            tc::NetProblem::RateLimited { retry_after } => SyncProblem::RateLimited {
                retry_after_seconds: retry_after.map(|d| d.as_secs()),
            },
            tc::NetProblem::Refused { code } => SyncProblem::Refused {
                code: code.as_str().to_string(),
            },
            tc::NetProblem::Protocol { what } => SyncProblem::Protocol {
                what: what.to_string(),
            },
        }
    }
}

/// What one `sync_now` did: for a background scheduler's log and its retry decision
/// (`interrupted` set → retry later).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    /// Envelopes the relay acknowledged, and their bytes.
    pub sent: u64,
    pub sent_bytes: u64,
    /// Pairing messages the relay acknowledged.
    pub mailbox_sent: u64,
    /// Envelopes and pairing messages read.
    pub received: u64,
    /// Of those, applied.
    pub applied: u64,
    /// Already had them: ignored.
    pub duplicates: u64,
    /// Held back until an earlier envelope of the same sender arrives.
    pub waiting: u64,
    /// Refused, by reason.
    pub rejected: Vec<RejectionCount>,
    /// Still waiting to go out.
    pub pending: u64,
    /// Why it stopped early, if it did.
    pub interrupted: Option<SyncProblem>,
}

impl From<tc::SyncReport> for SyncReport {
    fn from(r: tc::SyncReport) -> Self {
        SyncReport {
            sent: r.sent,
            sent_bytes: r.sent_bytes,
            mailbox_sent: r.mailbox_sent,
            received: r.received,
            applied: r.applied,
            duplicates: r.duplicates,
            waiting: r.waiting,
            rejected: r
                .rejected
                .into_iter()
                .map(|(reason, count)| RejectionCount {
                    reason: reason.as_str().to_string(),
                    count,
                })
                .collect(),
            pending: r.pending,
            interrupted: r.interrupted.map(Into::into),
        }
    }
}

/// How far a long exchange (a new phone's first sync) has got. `to_receive` grows as each
/// stream's size becomes known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct SyncProgress {
    pub sent: u64,
    pub to_send: u64,
    pub received: u64,
    pub to_receive: u64,
}

impl From<tc::Progress> for SyncProgress {
    fn from(p: tc::Progress) -> Self {
        SyncProgress {
            sent: p.sent,
            to_send: p.to_send,
            received: p.received,
            to_receive: p.to_receive,
        }
    }
}

/// What the UI shows about sync.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SyncStatus {
    /// No sync has run yet.
    Idle,
    Syncing {
        progress: SyncProgress,
    },
    /// Everything sent and read at this time (ms since the epoch).
    UpToDate {
        at_ms: i64,
    },
    /// Cannot reach the relay; live sync retries in `retry_in_ms`.
    Offline {
        problem: SyncProblem,
        retry_in_ms: Option<u64>,
    },
    /// The relay refused something for good, or answered outside the protocol.
    Error {
        problem: SyncProblem,
    },
    /// The phone's own storage failed during sync (disk full); retried later.
    StorageFailed,
}

impl From<tc::SyncStatus> for SyncStatus {
    fn from(s: tc::SyncStatus) -> Self {
        match s {
            tc::SyncStatus::Idle => SyncStatus::Idle,
            tc::SyncStatus::Syncing { progress } => SyncStatus::Syncing {
                progress: progress.into(),
            },
            tc::SyncStatus::UpToDate { at_ms } => SyncStatus::UpToDate { at_ms },
            tc::SyncStatus::Offline { problem, retry_in } => SyncStatus::Offline {
                problem: problem.into(),
                retry_in_ms: retry_in.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            },
            tc::SyncStatus::Error { problem } => SyncStatus::Error {
                problem: problem.into(),
            },
            tc::SyncStatus::StorageFailed => SyncStatus::StorageFailed,
        }
    }
}
