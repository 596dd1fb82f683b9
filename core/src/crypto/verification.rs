//! The short code both screens show while pairing, so the owner can confirm that the device
//! asking to join is the one in front of them (or on the phone with them).
//!
//! Six decimal digits from a domain-separated SHA-256 over both devices' public keys, sorted so
//! that each side gets the same code whichever key it calls its own. That is ~19.9 bits: enough
//! to catch a mistake or a passive substitution, not enough against an attacker who intercepted
//! a *link* invite and can grind keys (about 2^20 key generations, seconds). ADR 0003 covers the
//! limit and the commit-then-reveal fix the sync engine can add.

use std::fmt;

use sha2::{Digest, Sha256};

use super::identity::DevicePublicKeys;
use super::label;

const MODULUS: u64 = 1_000_000;

/// A six-digit code; `Display` shows it as `"042 917"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerificationCode(u32);

impl VerificationCode {
    /// The code as a number below one million.
    pub fn value(&self) -> u32 {
        self.0
    }

    /// The six digits without a separator, e.g. for accessibility readers.
    pub fn digits(&self) -> String {
        format!("{:06}", self.0)
    }
}

impl fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03} {:03}", self.0 / 1000, self.0 % 1000)
    }
}

impl fmt::Debug for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerificationCode({self})")
    }
}

/// The same value for `(a, b)` and `(b, a)`.
pub fn verification_code(a: &DevicePublicKeys, b: &DevicePublicKeys) -> VerificationCode {
    let (a, b) = (a.to_bytes(), b.to_bytes());
    let (low, high) = if a <= b { (a, b) } else { (b, a) };
    let digest = Sha256::new()
        .chain_update(label::VERIFICATION_CODE)
        .chain_update(low)
        .chain_update(high)
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // 2^64 mod 10^6 is tiny next to 2^64, so the modulo bias is below 2^-44.
    let code = u64::from_be_bytes(first) % MODULUS;
    VerificationCode(u32::try_from(code).expect("a value below one million fits in u32"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::DeviceIdentity;

    #[test]
    fn display_pads_and_groups_digits() {
        assert_eq!(VerificationCode(42_017).to_string(), "042 017");
        assert_eq!(VerificationCode(7).digits(), "000007");
    }

    #[test]
    fn order_does_not_matter() {
        let a = DeviceIdentity::generate().expect("rng").public_keys();
        let b = DeviceIdentity::generate().expect("rng").public_keys();
        assert_eq!(verification_code(&a, &b), verification_code(&b, &a));
        assert!(verification_code(&a, &b).value() < 1_000_000);
    }
}
