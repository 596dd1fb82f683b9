//! The app lock (ADR 0015): a PIN, separate from the phone's lock screen, that the store key is
//! wrapped under together with the platform key, so that neither alone opens the store.
//!
//! `derive` turns the PIN and the platform key into the key that wraps the store key (and the
//! duress PIN's check value); `file` is the lock file beside the database, sealed whole under
//! the platform key; `delay` is how long wrong tries make the next one wait. Opening, enabling,
//! changing and the duress PIN's erase are `Twofold`'s (`twofold/app_lock.rs`).

pub mod delay;
pub mod derive;
pub mod file;

pub use delay::{delay_ms, FREE_TRIES, MAX_DELAY_MS};
pub use derive::{derive, validate_pin, PinKeys};
pub use file::{LockFile, FILE_LEN};
