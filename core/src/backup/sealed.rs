//! Sealing a backup's contents under a passphrase, and opening them again.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::header::{BackupHeader, HEADER_LEN, MAX_BACKUP_LEN, NONCE_LEN, SALT_LEN, TAG_LEN};
use super::kdf::{self, KdfParams};
use crate::error::{Error, Result};

/// Shortest passphrase accepted for a new backup. Argon2id slows guessing; it cannot make a
/// four-letter word safe in a cloud drive.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out)
        .map_err(|_| Error::invalid("backup", "the system random generator failed"))?;
    Ok(out)
}

/// The whole backup file for `plain` (already encoded contents).
pub fn seal(plain: &[u8], passphrase: &str, params: KdfParams) -> Result<Vec<u8>> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::invalid("passphrase", "is shorter than 8 characters"));
    }
    if plain.len() + HEADER_LEN + TAG_LEN > MAX_BACKUP_LEN {
        return Err(Error::invalid(
            "backup",
            "is larger than the backup size limit",
        ));
    }
    let salt: [u8; SALT_LEN] = random()?;
    let nonce: [u8; NONCE_LEN] = random()?;
    let keys = kdf::derive(passphrase, &salt, params)?;
    let header = BackupHeader {
        kdf: params,
        salt,
        key_check: keys.key_check,
        nonce,
        sealed_len: (plain.len() + TAG_LEN) as u64,
    };
    let aad = header.encode();
    let cipher = XChaCha20Poly1305::new((&*keys.aead_key).into());
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: &aad,
            },
        )
        .map_err(|_| Error::invalid("backup", "could not be encrypted"))?;
    let mut file = Vec::with_capacity(HEADER_LEN + sealed.len());
    file.extend_from_slice(&aad);
    file.extend_from_slice(&sealed);
    Ok(file)
}

/// The contents of a backup file. A wrong passphrase is [`Error::WrongPassphrase`]; anything
/// else wrong with the file is [`Error::BackupRefused`].
pub fn open(file: &[u8], passphrase: &str) -> Result<Vec<u8>> {
    let header = BackupHeader::decode(file)?;
    let keys = kdf::derive(passphrase, &header.salt, header.kdf)?;
    // Not secret-dependent timing that matters: the check value is public in the file.
    if keys.key_check != header.key_check {
        return Err(Error::WrongPassphrase);
    }
    let cipher = XChaCha20Poly1305::new((&*keys.aead_key).into());
    cipher
        .decrypt(
            XNonce::from_slice(&header.nonce),
            Payload {
                msg: &file[HEADER_LEN..],
                aad: &file[..HEADER_LEN],
            },
        )
        .map_err(|_| Error::BackupRefused {
            reason: "it is damaged",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const P: KdfParams = KdfParams::CHEAP_FOR_TESTS;

    #[test]
    fn a_sealed_backup_opens_with_its_passphrase_and_says_wrong_passphrase_otherwise() {
        let file = seal(b"the contents", "a long passphrase", P).expect("seal");
        assert_eq!(
            open(&file, "a long passphrase").expect("open"),
            b"the contents"
        );
        assert!(matches!(
            open(&file, "another passphrase"),
            Err(Error::WrongPassphrase)
        ));
    }

    #[test]
    fn a_short_passphrase_is_refused_by_name() {
        match seal(b"x", "short", P) {
            Err(Error::Invalid(inv)) => assert_eq!(inv.field, "passphrase"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_truncation_is_refused_as_damaged_or_truncated() {
        let file = seal(b"some contents here", "a long passphrase", P).expect("seal");
        for len in 0..file.len() {
            assert!(
                matches!(
                    open(&file[..len], "a long passphrase"),
                    Err(Error::BackupRefused { .. })
                ),
                "{len}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn any_single_byte_change_is_refused_never_accepted(at in 0usize..512, flip in 1u8..=255) {
            let file = seal(b"some contents here", "a long passphrase", P).expect("seal");
            let mut bad = file.clone();
            let at = at % bad.len();
            bad[at] ^= flip;
            let result = open(&bad, "a long passphrase");
            // The key check field itself damaged reads as a wrong passphrase; anything else
            // is a refusal. Never the contents.
            let refused = matches!(result, Err(Error::BackupRefused { .. }) | Err(Error::WrongPassphrase));
            prop_assert!(refused, "accepted or mistyped: {:?}", result.map(|_| ()));
        }

        #[test]
        fn arbitrary_bytes_are_refused_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), magic in any::<bool>()) {
            let mut file = bytes;
            if magic && file.len() >= 8 {
                file[..8].copy_from_slice(crate::backup::MAGIC);
            }
            prop_assert!(open(&file, "a long passphrase").is_err());
        }
    }
}
