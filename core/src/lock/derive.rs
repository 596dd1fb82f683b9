//! PIN + platform key → the key that wraps the store key, and the duress PIN's check value.
//!
//! Argon2id stretches the PIN (the backups' parameters, ADR 0010: a guess costs the same for
//! anyone holding the platform key); HKDF-SHA256 then takes the platform key *and* the
//! stretched PIN as its input key material, so the result needs both. One derivation gives
//! both outputs: a try costs the same work whichever PIN it is and whether or not a duress PIN
//! exists.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::backup::KdfParams;
use crate::error::{Error, Result};
use crate::store::database::KEY_LEN;

const KEK_INFO: &[u8] = b"twofold/v1/app-lock/wrap-key";
const DURESS_INFO: &[u8] = b"twofold/v1/app-lock/duress-check";
const WRAP_AAD: &[u8] = b"twofold/v1/app-lock/store-key";
const NONCE_LEN: usize = 24;
/// A wrapped store key: nonce, the key encrypted, the AEAD tag.
pub const WRAPPED_LEN: usize = NONCE_LEN + KEY_LEN + 16;
pub const DURESS_CHECK_LEN: usize = 32;
/// Shortest PIN accepted: four digits, as a phone's own.
pub const MIN_PIN_CHARS: usize = 4;
/// Longest: a passphrase, not a document.
pub const MAX_PIN_CHARS: usize = 128;

/// Refuses a PIN (or passphrase) too short or too long; the error names `field`, never the PIN.
pub fn validate_pin(field: &str, pin: &str) -> Result<()> {
    let chars = pin.chars().count();
    if chars < MIN_PIN_CHARS {
        return Err(Error::invalid(field, "is shorter than 4 characters"));
    }
    if chars > MAX_PIN_CHARS {
        return Err(Error::invalid(field, "is longer than 128 characters"));
    }
    Ok(())
}

/// What one PIN derives to under one lock file's salt and parameters.
pub struct PinKeys {
    kek: Zeroizing<[u8; KEY_LEN]>,
    duress_check: [u8; DURESS_CHECK_LEN],
}

impl std::fmt::Debug for PinKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinKeys").finish_non_exhaustive()
    }
}

fn damaged() -> Error {
    Error::LockDamaged {
        reason: "its key derivation parameters are invalid",
    }
}

/// Argon2id(`pin`, `salt`), then HKDF-SHA256 over the platform key and that.
pub fn derive(
    pin: &str,
    platform_key: &[u8; KEY_LEN],
    salt: &[u8],
    params: KdfParams,
) -> Result<PinKeys> {
    // The caps of a backup file apply (a lock file is authenticated, but its parameters
    // still decide how much memory this call takes).
    params.checked().map_err(|_| damaged())?;
    let argon_params = Params::new(
        params.memory_kib,
        params.iterations,
        params.lanes,
        Some(KEY_LEN),
    )
    .map_err(|_| damaged())?;
    let mut ikm = Zeroizing::new([0u8; 2 * KEY_LEN]);
    ikm[..KEY_LEN].copy_from_slice(platform_key);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params)
        .hash_password_into(pin.as_bytes(), salt, &mut ikm[KEY_LEN..])
        .map_err(|_| damaged())?;
    let hkdf = Hkdf::<Sha256>::new(Some(salt), &ikm[..]);
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    let mut duress_check = [0u8; DURESS_CHECK_LEN];
    // 32 bytes are far below HKDF-SHA256's 8160-byte limit: these cannot fail.
    hkdf.expand(KEK_INFO, &mut kek[..]).map_err(|_| damaged())?;
    hkdf.expand(DURESS_INFO, &mut duress_check)
        .map_err(|_| damaged())?;
    Ok(PinKeys { kek, duress_check })
}

impl PinKeys {
    /// The store key sealed under this PIN's wrapping key, with a fresh nonce.
    pub fn wrap(&self, store_key: &[u8; KEY_LEN]) -> Result<[u8; WRAPPED_LEN]> {
        let nonce: [u8; NONCE_LEN] = random()?;
        let sealed = XChaCha20Poly1305::new((&*self.kek).into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: store_key,
                    aad: WRAP_AAD,
                },
            )
            .map_err(|_| Error::invalid("app_lock", "the store key could not be wrapped"))?;
        let mut out = [0u8; WRAPPED_LEN];
        out[..NONCE_LEN].copy_from_slice(&nonce);
        out[NONCE_LEN..].copy_from_slice(&sealed);
        Ok(out)
    }

    /// The store key, when this PIN is the one it was wrapped under.
    pub fn unwrap(&self, wrapped: &[u8; WRAPPED_LEN]) -> Option<Zeroizing<[u8; KEY_LEN]>> {
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new((&*self.kek).into())
                .decrypt(
                    XNonce::from_slice(&wrapped[..NONCE_LEN]),
                    Payload {
                        msg: &wrapped[NONCE_LEN..],
                        aad: WRAP_AAD,
                    },
                )
                .ok()?,
        );
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(plain.get(..KEY_LEN)?);
        Some(key)
    }

    /// The value a lock file keeps to recognise this PIN as its duress PIN.
    pub fn duress_check(&self) -> [u8; DURESS_CHECK_LEN] {
        self.duress_check
    }

    /// Whether this PIN is the one `check` was made from, in constant time.
    pub fn matches_duress(&self, check: &[u8; DURESS_CHECK_LEN]) -> bool {
        bool::from(self.duress_check.ct_eq(check))
    }
}

/// Random bytes from the operating system.
pub fn random<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out)
        .map_err(|_| Error::invalid("app_lock", "the system random generator failed"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: KdfParams = KdfParams::CHEAP_FOR_TESTS;

    #[test]
    fn the_store_key_unwraps_only_with_the_same_pin_and_the_same_platform_key() {
        let salt = [7u8; 16];
        let store_key = [9u8; KEY_LEN];
        let keys = derive("2468", &[1; KEY_LEN], &salt, P).expect("derive");
        let wrapped = keys.wrap(&store_key).expect("wrap");
        let again = derive("2468", &[1; KEY_LEN], &salt, P).expect("derive");
        assert_eq!(*again.unwrap(&wrapped).expect("unwraps"), store_key);
        let other_pin = derive("2469", &[1; KEY_LEN], &salt, P).expect("derive");
        assert!(
            other_pin.unwrap(&wrapped).is_none(),
            "the PIN alone matters"
        );
        let other_platform = derive("2468", &[2; KEY_LEN], &salt, P).expect("derive");
        assert!(
            other_platform.unwrap(&wrapped).is_none(),
            "the platform key alone matters"
        );
        assert!(again.matches_duress(&keys.duress_check()));
        assert!(!other_pin.matches_duress(&keys.duress_check()));
    }

    #[test]
    fn pins_outside_the_bounds_are_refused_by_field_without_the_pin() {
        for pin in ["", "123", &"9".repeat(129)] {
            match validate_pin("new_pin", pin) {
                Err(Error::Invalid(inv)) => {
                    assert_eq!(inv.field, "new_pin");
                    assert!(pin.is_empty() || !inv.reason.contains(pin));
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(validate_pin("pin", "1234").is_ok());
    }
}
