//! Turning the app lock on and off, changing the PIN, and the duress PIN, on an open store
//! (ADR 0015). The order of the steps is what keeps a crash safe: the key check never names a
//! key the database does not open with (it is removed before a re-key and written after), and
//! while a lock file exists the store opens only through it.

use std::sync::{Mutex, MutexGuard};

use zeroize::Zeroizing;

use super::unlock::{check_pin, Verdict};
use super::Twofold;
use crate::error::{Error, Result};
use crate::lock::derive::random;
use crate::lock::{derive, validate_pin, LockFile};
use crate::store::database::KEY_LEN;
use crate::store::files::{app_lock_path, remove_if_present, sync_dir_of};

/// The platform key the store was opened with, and the lock that orders the app lock's calls.
pub(crate) struct AppLockSlot {
    platform_key: Zeroizing<[u8; KEY_LEN]>,
    ops: Mutex<()>,
}

impl std::fmt::Debug for AppLockSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppLockSlot").finish_non_exhaustive()
    }
}

impl AppLockSlot {
    pub fn new(platform_key: &[u8; KEY_LEN]) -> Self {
        AppLockSlot {
            platform_key: Zeroizing::new(*platform_key),
            ops: Mutex::new(()),
        }
    }
}

/// For a settings screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppLockStatus {
    pub on: bool,
    pub duress_pin: bool,
}

fn is_off() -> Error {
    Error::invalid("app_lock", "is off")
}

impl Twofold {
    fn lock_ops(&self) -> (MutexGuard<'_, ()>, &[u8; KEY_LEN]) {
        let guard = self.app_lock.ops.lock().unwrap_or_else(|p| p.into_inner());
        (guard, &self.app_lock.platform_key)
    }

    fn lock_file(&self, platform_key: &[u8; KEY_LEN]) -> Result<LockFile> {
        LockFile::read(self.path(), platform_key)?.ok_or_else(is_off)
    }

    /// One counted try of `pin` on the open store; the duress PIN counts as a wrong one here
    /// (it erases only at the lock screen).
    fn check_open_pin(
        &self,
        platform_key: &[u8; KEY_LEN],
        file: &mut LockFile,
        pin: &str,
    ) -> Result<Zeroizing<[u8; KEY_LEN]>> {
        match check_pin(self.path(), platform_key, file, pin, self.now_ms())? {
            Verdict::Pin(store_key) => Ok(store_key),
            Verdict::Duress(_) => Err(Error::WrongPin {
                wait_ms: crate::lock::delay_ms(file.failures),
            }),
        }
    }

    /// Whether the store has an app lock, and a duress PIN.
    pub fn app_lock_status(&self) -> Result<AppLockStatus> {
        let (_ops, platform_key) = self.lock_ops();
        Ok(match LockFile::read(self.path(), platform_key)? {
            Some(file) => AppLockStatus {
                on: true,
                duress_pin: file.duress,
            },
            None => AppLockStatus {
                on: false,
                duress_pin: false,
            },
        })
    }

    /// Turns the app lock on: the database is re-keyed to a new random store key, kept only
    /// wrapped under the platform key and `pin` together. From then on [`Twofold::open`]
    /// refuses the store ([`Error::Locked`]).
    pub fn enable_app_lock(&self, pin: &str) -> Result<()> {
        validate_pin("pin", pin)?;
        let (_ops, platform_key) = self.lock_ops();
        if crate::lock::file::exists(self.path()) {
            return Err(Error::invalid("app_lock", "is already on"));
        }
        let store_key = Zeroizing::new(random::<KEY_LEN>()?);
        let salt = random()?;
        let keys = derive(pin, platform_key, &salt, self.options.lock_kdf)?;
        let file = LockFile::new(self.options.lock_kdf, salt, keys.wrap(&store_key)?)?;
        self.db.drop_keycheck()?;
        // From this write on, only the PIN opens the store (an interrupted re-key is finished
        // by the next open with the PIN).
        file.write(self.path(), platform_key)?;
        if let Err(e) = self.db.rekey(&store_key) {
            // The re-key is one transaction: the file is still under the platform key.
            let _ = remove_if_present(&app_lock_path(self.path()));
            sync_dir_of(self.path());
            let _ = self.db.write_keycheck(platform_key);
            return Err(e);
        }
        self.db.write_keycheck(&store_key)
    }

    /// Turns the app lock off: the database is re-keyed back to the platform key and the lock
    /// file removed. A wrong `pin` is [`Error::WrongPin`], counted as at the lock screen.
    pub fn disable_app_lock(&self, pin: &str) -> Result<()> {
        let (_ops, platform_key) = self.lock_ops();
        let mut file = self.lock_file(platform_key)?;
        self.check_open_pin(platform_key, &mut file, pin)?;
        self.db.drop_keycheck()?;
        self.db.rekey(platform_key)?;
        // Until this removal a crash leaves the lock on (the PIN re-keys it back at open).
        remove_if_present(&app_lock_path(self.path()))?;
        sync_dir_of(self.path());
        self.db.write_keycheck(platform_key)
    }

    /// Changes the PIN: the same store key is wrapped again, under `new_pin`; the database is
    /// not re-keyed. The salt and parameters stay, so a duress PIN stays valid.
    pub fn change_pin(&self, old_pin: &str, new_pin: &str) -> Result<()> {
        validate_pin("new_pin", new_pin)?;
        let (_ops, platform_key) = self.lock_ops();
        let mut file = self.lock_file(platform_key)?;
        let store_key = self.check_open_pin(platform_key, &mut file, old_pin)?;
        let keys = derive(new_pin, platform_key, &file.salt, file.kdf)?;
        if file.duress && keys.matches_duress(&file.duress_check) {
            return Err(Error::invalid("new_pin", "must differ from the duress PIN"));
        }
        file.wrapped_key = keys.wrap(&store_key)?;
        file.write(self.path(), platform_key)
    }

    /// Sets (or replaces) the duress PIN: entered at the lock screen, it erases the store and
    /// opens an empty one. It must differ from the PIN.
    pub fn set_duress_pin(&self, duress_pin: &str) -> Result<()> {
        validate_pin("duress_pin", duress_pin)?;
        let (_ops, platform_key) = self.lock_ops();
        let mut file = self.lock_file(platform_key)?;
        let keys = derive(duress_pin, platform_key, &file.salt, file.kdf)?;
        if keys.unwrap(&file.wrapped_key).is_some() {
            return Err(Error::invalid("duress_pin", "must differ from the PIN"));
        }
        file.duress_check = keys.duress_check();
        file.duress = true;
        file.write(self.path(), platform_key)
    }

    /// Removes the duress PIN (its check value becomes random bytes).
    pub fn clear_duress_pin(&self) -> Result<()> {
        let (_ops, platform_key) = self.lock_ops();
        let mut file = self.lock_file(platform_key)?;
        file.duress_check = random()?;
        file.duress = false;
        file.write(self.path(), platform_key)
    }
}
