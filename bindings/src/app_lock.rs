//! The app lock (ADR 0015): a PIN, separate from the phone's lock screen, that wraps the store
//! key together with the platform key (the Keystore/Keychain key the app opens the store with),
//! a growing wait after wrong tries, and an optional duress PIN that erases everything and
//! opens an empty store.
//!
//! At start the app calls `lock_state(path, platform_key)`: `NoLock` → `TwofoldStore.open`;
//! `Locked` → ask for the PIN and call `TwofoldStore.open_with_pin`; `LockedOut` → show the
//! wait. Errors: `Locked` (a plain open of a locked store), `WrongPin{wait_ms}`,
//! `LockedOut{until_ms, wait_ms}`, `WrongKey` (the platform key does not open the lock file).
//! No error or log names a PIN.

use std::path::PathBuf;
use std::sync::Arc;

use twofold_core::{Clock, Twofold};

use crate::convert::ToCore;
use crate::error::{guard, install_panic_hook, Result, TwofoldError};
use crate::model::app_lock::{AppLockStatus, LockState};
use crate::runtime::blocking;
use crate::store::{StoreOptions, TwofoldStore};

fn checked_path(path: &str) -> Result<PathBuf> {
    if path.trim().is_empty() {
        return Err(TwofoldError::invalid("path", "must not be empty"));
    }
    Ok(PathBuf::from(path))
}

/// The app lock's state of the store at `path`, read with the platform key (nothing is
/// written). Call it before opening, to know which screen to show.
#[uniffi::export]
pub fn lock_state(path: String, platform_key: Vec<u8>) -> Result<LockState> {
    guard(|| {
        let key = TwofoldStore::key_array(&platform_key)?;
        let path = checked_path(&path)?;
        Ok(twofold_core::lock_state(&path, &key, &Clock::system())?)
    })
}

#[uniffi::export]
impl TwofoldStore {
    /// Opens a store that has an app lock, with the platform key and the PIN. Each try is
    /// counted before it is checked; after five wrong ones in a row the next waits 30 s, then
    /// twice as long each time, up to an hour (`WrongPin{wait_ms}`, then `LockedOut`). The
    /// duress PIN opens an empty store in place of an erased one, and looks the same.
    #[uniffi::constructor]
    pub async fn open_with_pin(
        path: String,
        platform_key: Vec<u8>,
        pin: String,
    ) -> Result<Arc<Self>> {
        install_panic_hook();
        let key = guard(|| TwofoldStore::key_array(&platform_key))?;
        let path = checked_path(&path)?;
        let core = blocking(move || {
            let options = StoreOptions::default().to_core("options")?;
            Ok(Twofold::open_with_pin(path, &key, &pin, options)?)
        })
        .await?;
        Ok(TwofoldStore::from_core(core))
    }

    /// Whether the store has an app lock, and a duress PIN.
    pub fn app_lock_status(&self) -> Result<AppLockStatus> {
        self.read(|core| Ok(core.app_lock_status()?))
    }

    /// Turns the app lock on with `pin` (4 to 128 characters): the store is re-encrypted under
    /// a new key that only the platform key and the PIN together unwrap. About 0.2 s (more on
    /// a cheap phone), plus the re-encryption (milliseconds for five years of use).
    pub async fn enable_app_lock(&self, pin: String) -> Result<()> {
        self.write(move |core| Ok(core.enable_app_lock(&pin)?))
            .await
    }

    /// Changes the PIN (a wrong `old_pin` is `WrongPin`, counted).
    pub async fn change_pin(&self, old_pin: String, new_pin: String) -> Result<()> {
        self.write(move |core| Ok(core.change_pin(&old_pin, &new_pin)?))
            .await
    }

    /// Turns the app lock off: the store is re-encrypted under the platform key again.
    pub async fn disable_app_lock(&self, pin: String) -> Result<()> {
        self.write(move |core| Ok(core.disable_app_lock(&pin)?))
            .await
    }

    /// Sets the duress PIN (it must differ from the PIN). Entered at the lock screen, it
    /// erases everything on this phone — paired devices are not told — and opens an empty
    /// store that the duress PIN then unlocks.
    pub async fn set_duress_pin(&self, duress_pin: String) -> Result<()> {
        self.write(move |core| Ok(core.set_duress_pin(&duress_pin)?))
            .await
    }

    pub async fn clear_duress_pin(&self) -> Result<()> {
        self.write(|core| Ok(core.clear_duress_pin()?)).await
    }
}
