//! The one error foreign callers see, and the guard that keeps panics from crossing the FFI.
//!
//! Variants are chosen by what the caller can *do* (fix the input, ask for the key again, tell
//! the person the file was moved aside, update the app, retry later…), not by where the
//! failure happened. Every text in here is fixed text or a field / item id chosen by the code:
//! never a plan, a note or a name, because errors end up in logs and crash reports.
//!
//! No field is called `message`: Kotlin exceptions already have one, and the generated Kotlin
//! would not compile.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

/// What went wrong, by what the caller can do about it.
// Not a flat error (uniffi's default for variants with fields): the fields cross the FFI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TwofoldError {
    /// An argument or a field of a record was refused; nothing was written. `field` names it
    /// the way the record does (`triggers.description`, `meetings.rrule`, `key`).
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },

    /// No item (or document) with this id. `what` is `item`, `document`, …
    #[error("{what} {id} was not found")]
    NotFound { what: String, id: String },

    /// The key does not open this store. Nothing was changed or deleted: ask for the right key.
    #[error("the key does not open this store")]
    WrongKey,

    /// The store file was damaged and was moved aside (not deleted) to `moved_to`; opening
    /// again starts an empty store, and the damaged file can be sent for recovery.
    #[error("the store file was damaged and moved aside")]
    Corrupt { moved_to: String },

    /// The passphrase does not open this backup. Nothing was changed: ask for it again.
    #[error("the passphrase does not open this backup")]
    WrongPassphrase,

    /// The store was written by a newer version of the app; it was left untouched.
    #[error("the store was written by a newer version of the app")]
    NewerVersion,

    /// An import (JSON or Automerge bytes) was refused before anything was written.
    #[error("import refused: {reason}")]
    ImportRefused { reason: String },

    /// The device's storage failed (disk full, I/O error, database busy). Retrying later may
    /// help; what was acknowledged before is safe.
    #[error("storage failure: {reason}")]
    Storage { reason: String },

    /// The call is not allowed for this device, whatever the input: the document is shared
    /// with it read-only (or its share ended), or the other device is not paired (or pairing
    /// is not finished). Nothing was written. Show it; retrying will not help until the owner
    /// shares again or the pairing completes.
    #[error("not allowed: {reason}")]
    NotAllowed { reason: String },

    /// The store has an app lock: ask for the PIN and open it with `open_with_pin`. Nothing
    /// was touched.
    #[error("the store has an app lock")]
    Locked,

    /// The PIN does not open this store. The try was counted; the next one waits `wait_ms`
    /// (0 while tries are still free).
    #[error("the PIN does not open this store")]
    WrongPin { wait_ms: u64 },

    /// Too many wrong PINs: this try was refused unchecked. Try again at `until_ms` (ms since
    /// the epoch), `wait_ms` from now.
    #[error("too many wrong PINs; try again later")]
    LockedOut { until_ms: i64, wait_ms: u64 },

    /// The store was closed; open it again.
    #[error("the store is closed")]
    Closed,

    /// A bug: a contained panic or a document that does not have the expected shape.
    #[error("internal failure: {reason}")]
    Internal { reason: String },
}

pub type Result<T, E = TwofoldError> = std::result::Result<T, E>;

/// The one conversion from the core's rich error. The core's texts for the wrapped library
/// errors are generic on purpose (variant and code names only), so they can be passed on.
impl From<twofold_core::Error> for TwofoldError {
    fn from(e: twofold_core::Error) -> Self {
        use twofold_core::Error as E;
        let out = match &e {
            E::Invalid(inv) => TwofoldError::InvalidInput {
                field: inv.field.clone(),
                reason: inv.reason.clone(),
            },
            E::NotFound { what, id } => TwofoldError::NotFound {
                what: (*what).to_string(),
                id: id.clone(),
            },
            E::WrongKey => TwofoldError::WrongKey,
            E::Corrupt { moved_to } => TwofoldError::Corrupt {
                moved_to: moved_to.display().to_string(),
            },
            E::SchemaTooNew { .. } => TwofoldError::NewerVersion,
            E::ImportRefused { reason } => TwofoldError::ImportRefused {
                reason: reason.clone(),
            },
            // Nothing was written, as with a refused import: the person removes a saved region
            // or saves a smaller one.
            E::FinderFull { .. } => TwofoldError::ImportRefused {
                reason: e.to_string(),
            },
            E::WrongPassphrase => TwofoldError::WrongPassphrase,
            // A backup file is outside bytes refused before anything was written, like an
            // import: the caller tells the person this file cannot be used.
            E::BackupRefused { reason } => TwofoldError::ImportRefused {
                reason: format!("backup refused: {reason}"),
            },
            E::RestoreTargetInUse => TwofoldError::NotAllowed {
                reason: "the store already holds data; restore into a new store".to_string(),
            },
            E::Locked => TwofoldError::Locked,
            E::WrongPin { wait_ms } => TwofoldError::WrongPin { wait_ms: *wait_ms },
            E::LockedOut { until_ms, wait_ms } => TwofoldError::LockedOut {
                until_ms: *until_ms,
                wait_ms: *wait_ms,
            },
            // The lock file (and so the store) cannot be read; nothing was touched. Only a
            // backup brings the data back. The reason is fixed text.
            E::LockDamaged { .. } => TwofoldError::Storage {
                reason: e.to_string(),
            },
            E::Closed => TwofoldError::Closed,
            // The document's kind (`plan`, `schedule`…), never its content.
            E::ReadOnly { document } => TwofoldError::NotAllowed {
                reason: format!("the {document} document is read-only on this device"),
            },
            E::NotPaired => TwofoldError::NotAllowed {
                reason: "that device is not paired".to_string(),
            },
            E::Sqlite(_) | E::Io(_) => TwofoldError::Storage {
                reason: e.to_string(),
            },
            E::Automerge(_) | E::Hydrate(_) | E::Reconcile(_) | E::Contained { .. } => {
                TwofoldError::Internal {
                    reason: e.to_string(),
                }
            }
        };
        if matches!(
            out,
            TwofoldError::Storage { .. } | TwofoldError::Internal { .. }
        ) {
            // Display texts only: they name codes and variants, never document values.
            tracing::warn!(error = %e, "twofold call failed");
        }
        out
    }
}

impl TwofoldError {
    pub(crate) fn invalid(field: &str, reason: &str) -> Self {
        TwofoldError::InvalidInput {
            field: field.to_string(),
            reason: reason.to_string(),
        }
    }

    /// What a contained panic becomes. The payload is dropped: it could quote data.
    pub(crate) fn internal_failure() -> Self {
        TwofoldError::Internal {
            reason: "internal failure".to_string(),
        }
    }
}

static PANIC_HOOK: Once = Once::new();

/// Replaces the default panic hook (which prints the payload, possibly data) with one that
/// prints only where the panic happened. Idempotent; affects only this library's copy of std.
pub(crate) fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_else(|| "an unknown place".to_string());
            eprintln!("twofold: internal failure contained (panic at {at})");
        }));
    });
}

/// Runs one FFI call body; a panic inside becomes `Internal { reason: "internal failure" }`
/// instead of crossing the FFI (where uniffi would pass its message on).
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    install_panic_hook();
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(TwofoldError::internal_failure()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error_without_its_payload() {
        let r: Result<()> = guard(|| panic!("secret note text"));
        assert_eq!(r, Err(TwofoldError::internal_failure()));
    }

    #[test]
    fn core_errors_map_by_what_the_caller_can_do() {
        let e: TwofoldError = twofold_core::Error::invalid("triggers.description", "empty").into();
        assert_eq!(e, TwofoldError::invalid("triggers.description", "empty"));
        let e: TwofoldError = twofold_core::Error::SchemaTooNew {
            found: 9,
            supported: 2,
        }
        .into();
        assert_eq!(e, TwofoldError::NewerVersion);
        let e: TwofoldError = twofold_core::Error::Contained { context: "x" }.into();
        assert!(matches!(e, TwofoldError::Internal { .. }));
        let e: TwofoldError = twofold_core::Error::ReadOnly { document: "plan" }.into();
        assert_eq!(
            e,
            TwofoldError::NotAllowed {
                reason: "the plan document is read-only on this device".to_string()
            }
        );
        let e: TwofoldError = twofold_core::Error::NotPaired.into();
        assert!(matches!(e, TwofoldError::NotAllowed { .. }));
        let e: TwofoldError = twofold_core::Error::WrongPin { wait_ms: 30_000 }.into();
        assert_eq!(e, TwofoldError::WrongPin { wait_ms: 30_000 });
        let e: TwofoldError = twofold_core::Error::LockDamaged {
            reason: "its length is wrong",
        }
        .into();
        assert!(matches!(e, TwofoldError::Storage { reason } if reason.contains("length")));
    }
}
