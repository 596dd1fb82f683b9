//! The core's one rich error type.
//!
//! Messages name a field, a reason or an id, never a person's words: errors end up in logs and
//! crash reports, and a plan or a check-in must never travel there.

use std::path::PathBuf;

/// Why an input was refused. The reason is fixed text chosen by the core, not user data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid {}: {}", .0.field, .0.reason)]
    Invalid(Invalid),

    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },

    /// The key does not open this database. Nothing was changed or deleted.
    #[error("the key does not open this store")]
    WrongKey,

    /// The database file is damaged; it was moved aside (not deleted) to `moved_to`.
    #[error("the store file is damaged and was moved aside to {}", .moved_to.display())]
    Corrupt { moved_to: PathBuf },

    /// The database was written by a newer version of Twofold; it is left untouched.
    #[error("the store has schema version {found}, newer than the supported {supported}")]
    SchemaTooNew { found: i64, supported: i64 },

    /// Bytes from outside (an import) were refused before anything was written.
    #[error("import refused: {reason}")]
    ImportRefused { reason: String },

    /// Saving a meeting list for the finder would pass a bound (`limit` names it); nothing
    /// was written.
    #[error("the finder's saved meeting lists would pass {limit}")]
    FinderFull { limit: &'static str },

    /// The passphrase does not open this backup. Nothing was changed.
    #[error("the passphrase does not open this backup")]
    WrongPassphrase,

    /// A backup file was refused (damaged, truncated, not a backup, from a newer app, or past
    /// a limit) before anything was written. The reason is fixed text, never file contents.
    #[error("backup refused: {reason}")]
    BackupRefused { reason: &'static str },

    /// A restore must go to a new store; this one already holds the person's data.
    #[error("the store already holds data; a backup is restored only into a new store")]
    RestoreTargetInUse,

    /// The store has an app lock: open it with `Twofold::open_with_pin`. Nothing was touched.
    #[error("the store has an app lock; open it with the PIN")]
    Locked,

    /// The PIN is not this store's. The try was counted; `wait_ms` is how long the next try
    /// will be refused (0 while tries are still free).
    #[error("the PIN does not open this store")]
    WrongPin { wait_ms: u64 },

    /// Too many wrong PINs: this try was refused unchecked (and not counted) until `until_ms`
    /// on the store's clock, `wait_ms` from now.
    #[error("too many wrong PINs; the next try is possible later")]
    LockedOut { until_ms: i64, wait_ms: u64 },

    /// The app lock file opened under the platform key but is not one this app can read (or
    /// has the wrong length). Nothing was touched. The reason is fixed text.
    #[error("the app lock file is damaged: {reason}")]
    LockDamaged { reason: &'static str },

    #[error("the store is closed")]
    Closed,

    /// The document is shared with this device read-only (or its share ended).
    #[error("the {document} document is read-only on this device")]
    ReadOnly { document: &'static str },

    /// The peer is not paired with this device (or the pairing is not finished).
    #[error("that device is not paired")]
    NotPaired,

    // The wrapped library errors below can carry document values in their text, so their
    // Display is generic; the source is kept for debugging on the device only. They are boxed
    // so that every `Result` of the core stays small.
    #[error("storage error ({})", sqlite_code(.0))]
    Sqlite(#[source] Box<rusqlite::Error>),

    #[error("document error")]
    Automerge(#[source] Box<automerge::AutomergeError>),

    #[error("document shape error")]
    Hydrate(#[source] Box<autosurgeon::HydrateError>),

    #[error("document write error")]
    Reconcile(#[source] Box<autosurgeon::ReconcileError>),

    #[error("file system error ({})", .0.kind())]
    Io(#[from] std::io::Error),

    /// A panic inside a library (Automerge's loader is known to have some) was contained.
    #[error("internal failure contained in {context}")]
    Contained { context: &'static str },
}

fn sqlite_code(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => format!("{:?}", f.code),
        other => {
            // Variant names only: some variants carry column values.
            let debug = format!("{other:?}");
            debug
                .split(['(', ' ', '{'])
                .next()
                .unwrap_or("unknown")
                .to_string()
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(Box::new(e))
    }
}

impl From<automerge::AutomergeError> for Error {
    fn from(e: automerge::AutomergeError) -> Self {
        Error::Automerge(Box::new(e))
    }
}

impl From<autosurgeon::HydrateError> for Error {
    fn from(e: autosurgeon::HydrateError) -> Self {
        Error::Hydrate(Box::new(e))
    }
}

impl From<autosurgeon::ReconcileError> for Error {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        Error::Reconcile(Box::new(e))
    }
}

impl Error {
    /// The SQLite result code, when this is a storage error that has one.
    pub fn sqlite_code(&self) -> Option<rusqlite::ErrorCode> {
        match self {
            Error::Sqlite(e) => match e.as_ref() {
                rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
                _ => None,
            },
            _ => None,
        }
    }
}

impl Error {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid(Invalid {
            field: field.into(),
            reason: reason.into(),
        })
    }

    pub fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            id: id.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
