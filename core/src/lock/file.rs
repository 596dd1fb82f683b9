//! The lock file beside the database (`<db>.applock`): the Argon2id parameters and salt, the
//! wrong-try counter and the time of the last one, the store key wrapped under the PIN, and
//! the duress PIN's check value — all of it sealed under the platform key with
//! XChaCha20-Poly1305, a fresh nonce at every write. Someone holding the files without the
//! platform key learns that a lock exists, and nothing else: every lock file has the same
//! length, and two writes of it share no bytes but by chance.
//!
//! Layout: `nonce (24) ‖ AEAD(platform key, plain (146)) ‖ tag (16)`, where plain is
//! `version 1 ‖ flags 1 ‖ memory_kib 4 ‖ iterations 4 ‖ lanes 4 ‖ salt 16 ‖ failures 4 ‖
//! last_failure_ms 8 ‖ wrapped key 72 ‖ duress check 32`, integers big-endian.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::delay::delay_ms;
use super::derive::{random, DURESS_CHECK_LEN, WRAPPED_LEN};
use crate::backup::KdfParams;
use crate::error::{Error, Result};
use crate::store::database::KEY_LEN;
use crate::store::files::{app_lock_path, write_durably};

const VERSION: u8 = 1;
const FLAG_DURESS: u8 = 1;
pub const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const PLAIN_LEN: usize = 1 + 1 + 12 + SALT_LEN + 4 + 8 + WRAPPED_LEN + DURESS_CHECK_LEN;
/// Every lock file's length.
pub const FILE_LEN: usize = NONCE_LEN + PLAIN_LEN + TAG_LEN;
const FILE_AAD: &[u8] = b"twofold/v1/app-lock-file";

/// What the lock file holds, opened.
#[derive(Clone, PartialEq, Eq)]
pub struct LockFile {
    pub kdf: KdfParams,
    pub salt: [u8; SALT_LEN],
    /// Wrong tries in a row, counted before each try is checked.
    pub failures: u32,
    /// When the last try was counted, on the store's clock.
    pub last_failure_ms: i64,
    pub wrapped_key: [u8; WRAPPED_LEN],
    /// The duress PIN's check value, or random bytes when there is none (so a try does the
    /// same work either way).
    pub duress_check: [u8; DURESS_CHECK_LEN],
    pub duress: bool,
}

impl std::fmt::Debug for LockFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockFile")
            .field("kdf", &self.kdf)
            .field("failures", &self.failures)
            .field("last_failure_ms", &self.last_failure_ms)
            .field("duress", &self.duress)
            .finish_non_exhaustive()
    }
}

fn damaged(reason: &'static str) -> Error {
    Error::LockDamaged { reason }
}

impl LockFile {
    /// A new lock with no wrong tries and no duress PIN.
    pub fn new(
        kdf: KdfParams,
        salt: [u8; SALT_LEN],
        wrapped_key: [u8; WRAPPED_LEN],
    ) -> Result<Self> {
        Ok(LockFile {
            kdf,
            salt,
            failures: 0,
            last_failure_ms: 0,
            wrapped_key,
            duress_check: random()?,
            duress: false,
        })
    }

    /// When the next try may be checked, if wrong tries make it wait.
    pub fn waiting_until(&self) -> Option<i64> {
        match delay_ms(self.failures) {
            0 => None,
            wait => Some(
                self.last_failure_ms
                    .saturating_add(i64::try_from(wait).unwrap_or(i64::MAX)),
            ),
        }
    }

    fn plain(&self) -> [u8; PLAIN_LEN] {
        let mut out = [0u8; PLAIN_LEN];
        let mut at = 0;
        let mut put = |bytes: &[u8]| {
            out[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        };
        put(&[VERSION, if self.duress { FLAG_DURESS } else { 0 }]);
        put(&self.kdf.memory_kib.to_be_bytes());
        put(&self.kdf.iterations.to_be_bytes());
        put(&self.kdf.lanes.to_be_bytes());
        put(&self.salt);
        put(&self.failures.to_be_bytes());
        put(&self.last_failure_ms.to_be_bytes());
        put(&self.wrapped_key);
        put(&self.duress_check);
        out
    }

    fn from_plain(plain: &[u8]) -> Result<Self> {
        let mut fields = Fields { bytes: plain };
        let [version, flags] = fields.take::<2>()?;
        if version != VERSION {
            return Err(damaged("it was written by a newer version of the app"));
        }
        if flags & !FLAG_DURESS != 0 {
            return Err(damaged("it has unknown flags"));
        }
        let kdf = KdfParams {
            memory_kib: u32::from_be_bytes(fields.take()?),
            iterations: u32::from_be_bytes(fields.take()?),
            lanes: u32::from_be_bytes(fields.take()?),
        };
        kdf.checked()
            .map_err(|_| damaged("its key derivation parameters are invalid"))?;
        Ok(LockFile {
            kdf,
            salt: fields.take()?,
            failures: u32::from_be_bytes(fields.take()?),
            last_failure_ms: i64::from_be_bytes(fields.take()?),
            wrapped_key: fields.take()?,
            duress_check: fields.take()?,
            duress: flags & FLAG_DURESS != 0,
        })
    }

    /// The file's bytes: sealed whole under the platform key, a fresh nonce each time.
    pub fn seal(&self, platform_key: &[u8; KEY_LEN]) -> Result<Vec<u8>> {
        let nonce: [u8; NONCE_LEN] = random()?;
        let sealed = XChaCha20Poly1305::new(platform_key.into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &self.plain(),
                    aad: FILE_AAD,
                },
            )
            .map_err(|_| Error::invalid("app_lock", "the lock file could not be sealed"))?;
        let mut out = Vec::with_capacity(FILE_LEN);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens a lock file's bytes. A file that does not open under `platform_key` is
    /// [`Error::WrongKey`] (a wrong platform key and a changed byte look the same to an AEAD);
    /// one of the wrong length, or that opens but is not readable, is [`Error::LockDamaged`].
    pub fn open(bytes: &[u8], platform_key: &[u8; KEY_LEN]) -> Result<Self> {
        if bytes.len() != FILE_LEN {
            return Err(damaged("its length is wrong"));
        }
        let plain = XChaCha20Poly1305::new(platform_key.into())
            .decrypt(
                XNonce::from_slice(&bytes[..NONCE_LEN]),
                Payload {
                    msg: &bytes[NONCE_LEN..],
                    aad: FILE_AAD,
                },
            )
            .map_err(|_| Error::WrongKey)?;
        let plain = zeroize::Zeroizing::new(plain);
        Self::from_plain(&plain)
    }

    /// Seals any 146-or-other-length `plain` as a lock file's bytes, so a fuzz target reaches
    /// [`LockFile::open`]'s parser behind the AEAD (`fuzzing` feature only).
    #[cfg(feature = "fuzzing")]
    pub(crate) fn seal_plain(plain: &[u8], platform_key: &[u8; KEY_LEN]) -> Option<Vec<u8>> {
        let nonce = [7u8; NONCE_LEN];
        let sealed = XChaCha20Poly1305::new(platform_key.into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: FILE_AAD,
                },
            )
            .ok()?;
        Some([&nonce[..], &sealed[..]].concat())
    }

    /// The lock file of the store at `db`, or `None` when the store has no app lock.
    pub fn read(db: &Path, platform_key: &[u8; KEY_LEN]) -> Result<Option<Self>> {
        let bytes = match std::fs::read(app_lock_path(db)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Self::open(&bytes, platform_key).map(Some)
    }

    /// Writes the lock file of the store at `db` durably (a crash leaves the old or the new).
    pub fn write(&self, db: &Path, platform_key: &[u8; KEY_LEN]) -> Result<()> {
        write_durably(&app_lock_path(db), &self.seal(platform_key)?)
    }
}

/// Whether the store at `db` has an app lock (its lock file exists).
pub fn exists(db: &Path) -> bool {
    app_lock_path(db).exists()
}

/// Fixed-width fields in order.
struct Fields<'a> {
    bytes: &'a [u8],
}

impl Fields<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        let (head, rest) = self
            .bytes
            .split_first_chunk::<N>()
            .ok_or(damaged("its length is wrong"))?;
        self.bytes = rest;
        Ok(*head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> LockFile {
        let mut file =
            LockFile::new(KdfParams::DEFAULT, [3; SALT_LEN], [4; WRAPPED_LEN]).expect("new");
        file.failures = 7;
        file.last_failure_ms = 1_900_000_000_000;
        file.duress = true;
        file
    }

    #[test]
    fn a_lock_file_round_trips_under_its_platform_key_only() {
        let file = sample();
        let bytes = file.seal(&[1; KEY_LEN]).expect("seal");
        assert_eq!(bytes.len(), FILE_LEN);
        assert_eq!(LockFile::open(&bytes, &[1; KEY_LEN]).expect("open"), file);
        assert!(matches!(
            LockFile::open(&bytes, &[2; KEY_LEN]),
            Err(Error::WrongKey)
        ));
    }

    #[test]
    fn an_authentic_but_unreadable_plaintext_is_damaged_not_a_panic() {
        let mut plain = sample().plain();
        plain[0] = 2;
        assert!(matches!(
            LockFile::from_plain(&plain),
            Err(Error::LockDamaged { .. })
        ));
        let mut plain = sample().plain();
        plain[1] = 0x80;
        assert!(matches!(
            LockFile::from_plain(&plain),
            Err(Error::LockDamaged { .. })
        ));
        let mut plain = sample().plain();
        plain[2..6].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            LockFile::from_plain(&plain),
            Err(Error::LockDamaged { .. })
        ));
        assert!(matches!(
            LockFile::from_plain(&plain[..10]),
            Err(Error::LockDamaged { .. })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_bytes_or_any_changed_byte_are_a_typed_refusal(
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
            at in any::<usize>(),
            flip in 1u8..=255,
        ) {
            let key = [1; KEY_LEN];
            let refused = |r: Result<LockFile>| {
                matches!(r, Err(Error::WrongKey | Error::LockDamaged { .. }))
            };
            prop_assert!(refused(LockFile::open(&bytes, &key)));
            let mut good = sample().seal(&key).expect("seal");
            good[at % FILE_LEN] ^= flip;
            prop_assert!(refused(LockFile::open(&good, &key)));
        }
    }
}
