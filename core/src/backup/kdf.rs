//! Argon2id: the person's passphrase → the backup's encryption key and a key check.
//!
//! The parameters travel in the file, so a backup made today opens on a future app that uses
//! stronger ones. They are checked against caps *before* deriving: a hostile file must not be
//! able to ask a phone for gigabytes of memory or minutes of CPU.

use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Bytes of Argon2 output: the first half is the AEAD key, the second feeds the key check.
const OUTPUT_LEN: usize = 64;
pub const KEY_CHECK_LEN: usize = 16;
const KEY_CHECK_LABEL: &[u8] = b"twofold backup v1 key check";

/// Largest memory a file may ask for, in KiB (256 MiB: twice the default, and what a 2 GB phone
/// can still give a foreground app).
pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
pub const MAX_ITERATIONS: u32 = 10;
pub const MAX_LANES: u32 = 4;

/// Argon2id cost parameters, as recorded in a backup's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

impl KdfParams {
    /// What new backups use: 64 MiB, 3 passes, 1 lane (RFC 9106's memory-constrained choice
    /// scaled to a cheap phone; measured in `tests/benches/store.rs`, reasons in ADR 0010).
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        lanes: 1,
    };

    /// For tests only: derives in about a millisecond. Never for a person's backup.
    pub const CHEAP_FOR_TESTS: KdfParams = KdfParams {
        memory_kib: 64,
        iterations: 1,
        lanes: 1,
    };

    /// Refuses parameters past the caps (a hostile file) or that Argon2 itself refuses.
    pub fn checked(self) -> Result<Params> {
        if self.memory_kib > MAX_MEMORY_KIB
            || self.iterations > MAX_ITERATIONS
            || self.lanes == 0
            || self.lanes > MAX_LANES
        {
            return Err(Error::BackupRefused {
                reason: "its key derivation asks for more than this device allows",
            });
        }
        Params::new(
            self.memory_kib,
            self.iterations,
            self.lanes,
            Some(OUTPUT_LEN),
        )
        .map_err(|_| Error::BackupRefused {
            reason: "its key derivation parameters are invalid",
        })
    }
}

/// The AEAD key and the check value that tells a wrong passphrase from a damaged file.
pub struct DerivedKeys {
    pub aead_key: Zeroizing<[u8; 32]>,
    pub key_check: [u8; KEY_CHECK_LEN],
}

impl std::fmt::Debug for DerivedKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DerivedKeys").finish_non_exhaustive()
    }
}

pub fn derive(passphrase: &str, salt: &[u8], params: KdfParams) -> Result<DerivedKeys> {
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.checked()?);
    let mut out = Zeroizing::new([0u8; OUTPUT_LEN]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, &mut out[..])
        .map_err(|_| Error::BackupRefused {
            reason: "its key derivation parameters are invalid",
        })?;
    let mut aead_key = Zeroizing::new([0u8; 32]);
    aead_key.copy_from_slice(&out[..32]);
    // A one-way function of the other half: it confirms the passphrase without revealing the
    // AEAD key, and an offline guesser learns nothing the AEAD tag would not tell them.
    let digest = Sha256::new()
        .chain_update(KEY_CHECK_LABEL)
        .chain_update(&out[32..])
        .finalize();
    let mut key_check = [0u8; KEY_CHECK_LEN];
    key_check.copy_from_slice(&digest[..KEY_CHECK_LEN]);
    Ok(DerivedKeys {
        aead_key,
        key_check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_past_the_caps_are_refused_before_deriving() {
        for p in [
            KdfParams {
                memory_kib: MAX_MEMORY_KIB + 1,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                iterations: MAX_ITERATIONS + 1,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                lanes: 0,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                iterations: 0,
                ..KdfParams::CHEAP_FOR_TESTS
            },
        ] {
            assert!(
                matches!(
                    derive("pass", &[0; 16], p),
                    Err(Error::BackupRefused { .. })
                ),
                "{p:?}"
            );
        }
    }

    #[test]
    fn the_same_passphrase_and_salt_give_the_same_keys_and_another_passphrase_does_not() {
        let p = KdfParams::CHEAP_FOR_TESTS;
        let a = derive("correct horse", &[1; 16], p).expect("derive");
        let b = derive("correct horse", &[1; 16], p).expect("derive");
        let c = derive("correct horsf", &[1; 16], p).expect("derive");
        assert_eq!(*a.aead_key, *b.aead_key);
        assert_eq!(a.key_check, b.key_check);
        assert_ne!(a.key_check, c.key_check);
        assert_ne!(&a.key_check[..], &a.aead_key[..KEY_CHECK_LEN]);
    }
}
