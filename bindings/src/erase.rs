//! `TwofoldStore`'s "delete everything from this phone": the person's copies on paired
//! devices are asked back, then every file of the store is removed. The app deletes the store
//! key from the Android Keystore / iOS Keychain as well.

use std::path::PathBuf;

use crate::convert::count;
use crate::error::{guard, Result, TwofoldError};
use crate::runtime::blocking;
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// Ends every share this device gave, each with a notice asking the paired device to
    /// delete its copy; returns how many ended. The notices leave with the next sync: run
    /// `sync_now` (best effort; the phone may be offline), then `erase_everything`.
    pub async fn prepare_erase(&self) -> Result<u64> {
        self.write(|core| Ok(count::from_core(core.prepare_erase()?)))
            .await
    }

    /// Closes the store and removes the database, its WAL and side files, and any damaged
    /// copies moved aside; returns how many files there were. Afterwards every call fails
    /// with `Closed`. Stop sync sessions on this store first: a session still holding it
    /// keeps writing to files that no longer have a name.
    pub async fn erase_everything(&self) -> Result<u64> {
        let core = self.take_core().ok_or(TwofoldError::Closed)?;
        blocking(move || {
            let path = core.path().to_path_buf();
            let removed = match std::sync::Arc::try_unwrap(core) {
                Ok(core) => core.erase()?,
                Err(shared) => {
                    drop(shared);
                    twofold_core::erase_store_at(&path)?
                }
            };
            Ok(count::from_core(removed))
        })
        .await
    }
}

/// Removes every file of the store at `path` without opening it: for a store whose key is
/// lost (the Keystore key is gone) or a restore left half-done. The store must not be open.
#[uniffi::export]
pub fn erase_store_at(path: String) -> Result<u64> {
    guard(|| {
        if path.trim().is_empty() {
            return Err(TwofoldError::invalid("path", "must not be empty"));
        }
        Ok(count::from_core(twofold_core::erase_store_at(
            &PathBuf::from(path),
        )?))
    })
}

/// Moves the store at `path` aside (to `<path>.unreadable-<time>`, nothing deleted) without
/// opening it, and returns where; `None` when there was no store. For a store whose key is
/// lost: `path` is then free for `restore_backup` or a new store, and the store set aside
/// opens at its new path if the key comes back. The store must not be open.
#[uniffi::export]
pub fn set_aside_store_at(path: String) -> Result<Option<String>> {
    guard(|| {
        if path.trim().is_empty() {
            return Err(TwofoldError::invalid("path", "must not be empty"));
        }
        Ok(twofold_core::set_aside_store_at(&PathBuf::from(path))?
            .map(|p| p.to_string_lossy().into_owned()))
    })
}
