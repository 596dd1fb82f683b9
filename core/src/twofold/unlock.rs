//! Opening a store that has an app lock: the lock's state for the lock screen, one try of a
//! PIN (counted durably before it is checked), and what each PIN opens — the store, or, for the
//! duress PIN, an empty new store in place of an erased one (ADR 0015).

use std::path::Path;
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::{Clock, OpenOptions, Twofold};
use crate::error::{Error, Result};
use crate::lock::derive::{random, MAX_PIN_CHARS};
use crate::lock::{delay_ms, derive, LockFile, PinKeys};
use crate::store::database::KEY_LEN;
use crate::store::files::{all_store_files, app_lock_path, remove_if_present, sync_dir_of};

static TRIES: Mutex<()> = Mutex::new(());

/// What the lock screen shows before any PIN is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    /// No app lock: open the store with its key ([`Twofold::open`]).
    NoLock,
    /// Ask for the PIN ([`Twofold::open_with_pin`]).
    Locked,
    /// Too many wrong PINs: the next try is refused until `until_ms` (the store's clock),
    /// `wait_ms` from now.
    LockedOut { until_ms: i64, wait_ms: u64 },
}

/// The app lock's state of the store at `path`, read with the platform key. A platform key
/// that does not open the lock file is [`Error::WrongKey`]; nothing is written.
pub fn lock_state(path: &Path, platform_key: &[u8; KEY_LEN], clock: &Clock) -> Result<LockState> {
    let Some(file) = LockFile::read(path, platform_key)? else {
        return Ok(LockState::NoLock);
    };
    let now = clock.now_ms();
    Ok(match wait(&file, now) {
        Some((until_ms, wait_ms)) => LockState::LockedOut { until_ms, wait_ms },
        None => LockState::Locked,
    })
}

/// When and how long the next try must wait, if it must. A clock set back before the last
/// wrong try counts as "just now" (see [`count_try`]).
fn wait(file: &LockFile, now: i64) -> Option<(i64, u64)> {
    let delay = delay_ms(file.failures);
    if delay == 0 {
        return None;
    }
    let since = u64::try_from(now.saturating_sub(file.last_failure_ms)).unwrap_or(0);
    let left = delay.checked_sub(since).filter(|&left| left > 0)?;
    Some((
        now.saturating_add(i64::try_from(left).unwrap_or(i64::MAX)),
        left,
    ))
}

/// What a PIN that passed opened.
pub(crate) enum Verdict {
    /// The PIN: the store key.
    Pin(Zeroizing<[u8; KEY_LEN]>),
    /// The duress PIN, with its derived keys (they wrap the new store's key).
    Duress(PinKeys),
}

/// Refuses a try while wrong ones make it wait; otherwise counts it durably *before* the
/// derivation, so killing the app mid-check cannot undo the count.
fn count_try(
    path: &Path,
    platform_key: &[u8; KEY_LEN],
    file: &mut LockFile,
    now: i64,
) -> Result<()> {
    if file.waiting_until().is_some() && now < file.last_failure_ms {
        // The clock went back: the wait restarts from now instead of lasting until the old
        // time comes round again (setting the clock back must not shorten it, nor lock the
        // person out for as long as the clock was wrong).
        file.last_failure_ms = now;
        file.write(path, platform_key)?;
    }
    if let Some((until_ms, wait_ms)) = wait(file, now) {
        return Err(Error::LockedOut { until_ms, wait_ms });
    }
    file.failures = file.failures.saturating_add(1);
    file.last_failure_ms = now;
    file.write(path, platform_key)
}

/// One try of `pin` against the lock file `file` of the store at `path`. The same derivation,
/// unwrap attempt and duress comparison run whichever PIN it is and whether or not a duress
/// PIN exists; the right PIN resets the count.
pub(crate) fn check_pin(
    path: &Path,
    platform_key: &[u8; KEY_LEN],
    file: &mut LockFile,
    pin: &str,
    now: i64,
) -> Result<Verdict> {
    if pin.chars().count() > MAX_PIN_CHARS {
        // Not counted: no PIN this long can be set, and it would only cost derivation time.
        return Err(Error::invalid("pin", "is longer than 128 characters"));
    }
    // One try at a time in this process: two at once would read the same count and one of
    // them would go uncounted (and tries in parallel would guess faster).
    let _one_at_a_time = TRIES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(current) = LockFile::read(path, platform_key)? {
        *file = current;
    }
    count_try(path, platform_key, file, now)?;
    let keys = derive(pin, platform_key, &file.salt, file.kdf)?;
    let store_key = keys.unwrap(&file.wrapped_key);
    let duress = keys.matches_duress(&file.duress_check) & file.duress;
    match (store_key, duress) {
        (Some(store_key), _) => {
            file.failures = 0;
            file.last_failure_ms = 0;
            file.write(path, platform_key)?;
            Ok(Verdict::Pin(store_key))
        }
        (None, true) => Ok(Verdict::Duress(keys)),
        (None, false) => Err(Error::WrongPin {
            wait_ms: delay_ms(file.failures),
        }),
    }
}

impl Twofold {
    /// Opens the store at `path` that has an app lock, with the platform key and the PIN.
    ///
    /// A wrong PIN is [`Error::WrongPin`] (counted, with the wait it causes); a try while
    /// wrong ones make it wait is [`Error::LockedOut`] (not checked, not counted); a platform
    /// key that does not open the lock file is [`Error::WrongKey`]. The duress PIN erases the
    /// store and opens an empty one that the duress PIN then locks: the call looks the same.
    pub fn open_with_pin(
        path: impl AsRef<Path>,
        platform_key: &[u8; KEY_LEN],
        pin: &str,
        options: OpenOptions,
    ) -> Result<Twofold> {
        let path = path.as_ref();
        let Some(mut file) = LockFile::read(path, platform_key)? else {
            return Err(Error::invalid(
                "app_lock",
                "is off: open the store with its key",
            ));
        };
        let now = options.clock.now_ms();
        match check_pin(path, platform_key, &mut file, pin, now)? {
            Verdict::Pin(store_key) => Self::open_unlocked(path, &store_key, platform_key, options),
            Verdict::Duress(keys) => start_over(path, platform_key, &file, &keys, options),
        }
    }

    /// Opens with the unwrapped store key. If the file is still (or again) under the platform
    /// key, an enable or a disable was interrupted: it is finished locked, under the wrapped
    /// key, so an interruption never leaves less protection than the lock file promises.
    fn open_unlocked(
        path: &Path,
        store_key: &[u8; KEY_LEN],
        platform_key: &[u8; KEY_LEN],
        options: OpenOptions,
    ) -> Result<Twofold> {
        match Self::open_keyed(path, store_key, platform_key, options.clone()) {
            Err(Error::WrongKey) => {
                let store = Self::open_keyed(path, platform_key, platform_key, options)
                    .map_err(|_| Error::WrongKey)?;
                store.db.drop_keycheck()?;
                store.db.rekey(store_key)?;
                store.db.write_keycheck(store_key)?;
                Ok(store)
            }
            other => other,
        }
    }
}

/// The duress PIN: every file of the store but the lock file is removed, a new empty store is
/// made under a new random key, and the lock file is replaced by one that wraps that key under
/// the duress PIN (same salt and parameters, so no second derivation runs). Until that last
/// rename a crash leaves the old lock file, and the duress PIN again finishes the job. Paired
/// devices are not told (ADR 0015): the notices would be erased with the outbox before any
/// sync could carry them. Nothing is logged.
fn start_over(
    path: &Path,
    platform_key: &[u8; KEY_LEN],
    old: &LockFile,
    keys: &PinKeys,
    options: OpenOptions,
) -> Result<Twofold> {
    let lock = app_lock_path(path);
    for file in all_store_files(path)? {
        if file != lock {
            remove_if_present(&file)?;
        }
    }
    sync_dir_of(path);
    let store_key = Zeroizing::new(random::<KEY_LEN>()?);
    let store = Twofold::open_keyed(path, &store_key, platform_key, options)?;
    store.checkpoint()?;
    let mut fresh = LockFile::new(old.kdf, old.salt, keys.wrap(&store_key)?)?;
    fresh.duress = false;
    fresh.write(path, platform_key)?;
    Ok(store)
}
