//! "Delete everything from this phone": the person's copies on their paired devices are asked
//! back, then the database, its side files and any damaged copies are removed. The store key
//! is in the platform keystore; the app deletes it as well, and without it whatever the flash
//! still holds of the encrypted files is unreadable.

use std::collections::BTreeSet;
use std::path::Path;

use super::{DocSel, Twofold};
use crate::error::Result;
use crate::store::files::{erase_store_files, set_aside_store_files};
use crate::store::shares;
use crate::sync::control::ERASED;

impl Twofold {
    /// Ends every share this device gave, each with a notice that asks the paired device to
    /// delete its copy; returns how many shares ended. The notices leave with the next sync:
    /// run one (best effort, the phone may be offline) before [`Twofold::erase`].
    pub fn prepare_erase(&self) -> Result<usize> {
        let active = self.db.read(shares::active)?;
        let docs: BTreeSet<&str> = crate::sorting::set(active.iter().map(|s| s.doc_id.as_str()));
        for doc_id in docs {
            self.end_shares(DocSel::Id(doc_id), |_| true, ERASED)?;
        }
        // Whatever a backup holds, the relay's copies go with the notices.
        self.db
            .write(|tx| crate::store::retention::delete_retired(tx, None))?;
        Ok(active.len())
    }

    /// Closes the store and removes every file of it; returns how many files there were.
    pub fn erase(self) -> Result<usize> {
        let path = self.path().to_path_buf();
        drop(self);
        erase_store_files(&path)
    }
}

/// Removes every file of the store at `path` without opening it: for a store whose key is
/// lost, or one left half-restored. The store must not be open.
pub fn erase_store_at(path: &Path) -> Result<usize> {
    erase_store_files(path)
}

/// Moves the store at `path` — the database and every side file — aside to
/// `<path>.unreadable-<time>` without opening it, and returns where (`None`: there was no
/// store). For a store whose key is lost (the platform key gone after a biometric change):
/// nothing is deleted, the store opens at its new path if the key comes back, and `path` is
/// free for [`Twofold::restore_backup`] or a new store to pair and sync again. "Delete
/// everything" removes what was set aside too.
pub fn set_aside_store_at(path: &Path) -> Result<Option<std::path::PathBuf>> {
    set_aside_store_files(path)
}
