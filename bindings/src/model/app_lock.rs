//! The app lock's state and status (ADR 0015): the core's own types, crossing as they are.

pub use twofold_core::{AppLockStatus, LockState};

/// What the lock screen shows before any PIN is typed.
#[uniffi::remote(Enum)]
pub enum LockState {
    /// No app lock: open the store with its key (`TwofoldStore.open`).
    NoLock,
    /// Ask for the PIN (`TwofoldStore.open_with_pin`).
    Locked,
    /// Too many wrong PINs: the next try is refused until `until_ms` (ms since the epoch),
    /// `wait_ms` from now.
    LockedOut { until_ms: i64, wait_ms: u64 },
}

/// Whether the store has an app lock, and a duress PIN, for a settings screen.
#[uniffi::remote(Record)]
pub struct AppLockStatus {
    pub on: bool,
    pub duress_pin: bool,
}
