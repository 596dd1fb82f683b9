//! The short code both screens show while pairing, so the owner can confirm that the device
//! asking to join is the one in front of them (or on the phone with them).
//!
//! Six decimal digits are ~19.9 bits: too few to stop someone who can try keys until two codes
//! match (about 2^20 key generations: seconds). So the code is not a function of keys alone
//! that either side can try offline. It is commit-then-reveal (as ZRTP and Bluetooth's numeric
//! comparison do): the invite carries a commitment to the owner's random nonce; the join
//! request carries the joiner's nonce; only then does the owner reveal its nonce, which the
//! joiner checks against the commitment. The code covers both keys, both nonces and the
//! invite. Whoever sits in the middle has to fix each of its choices before it learns what the
//! other side's code will be, so it gets one guess in a million per invite, and an invite
//! answers one join request only. ADR 0003 has the argument.

use std::fmt;

use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::identity::DevicePublicKeys;
use super::{label, random_bytes, RngUnavailable};

const MODULUS: u64 = 1_000_000;

/// One side's random contribution to the code. The owner's stays secret until a join request
/// has arrived; the joiner's goes out in its (sealed) join request.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct CodeNonce(pub [u8; 32]);

impl CodeNonce {
    pub fn random() -> Result<Self, RngUnavailable> {
        Ok(CodeNonce(random_bytes()?))
    }
}

impl fmt::Debug for CodeNonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeNonce(..)")
    }
}

/// What the invite carries in place of the owner's nonce: binds the owner to one nonce for
/// this invite and these keys before anyone has answered.
pub fn code_commitment(
    invite_id: &[u8; 16],
    owner: &DevicePublicKeys,
    owner_nonce: &CodeNonce,
) -> [u8; 32] {
    Sha256::new()
        .chain_update(label::CODE_COMMITMENT)
        .chain_update(invite_id)
        .chain_update(owner.to_bytes())
        .chain_update(owner_nonce.0)
        .finalize()
        .into()
}

/// Everything the code covers, each side in its role.
#[derive(Debug)]
pub struct CodeInputs<'a> {
    pub invite_id: &'a [u8; 16],
    pub owner: &'a DevicePublicKeys,
    pub joiner: &'a DevicePublicKeys,
    pub owner_nonce: &'a CodeNonce,
    pub joiner_nonce: &'a CodeNonce,
}

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

/// The code both screens show once the owner's nonce is revealed.
pub fn verification_code(inputs: &CodeInputs<'_>) -> VerificationCode {
    let digest = Sha256::new()
        .chain_update(label::VERIFICATION_CODE)
        .chain_update(inputs.invite_id)
        .chain_update(inputs.owner.to_bytes())
        .chain_update(inputs.joiner.to_bytes())
        .chain_update(inputs.owner_nonce.0)
        .chain_update(inputs.joiner_nonce.0)
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
    fn every_input_changes_the_code() {
        let owner = DeviceIdentity::generate().expect("rng").public_keys();
        let joiner = DeviceIdentity::generate().expect("rng").public_keys();
        let (n1, n2) = (CodeNonce([1; 32]), CodeNonce([2; 32]));
        let code = |id: &[u8; 16], o, j, a, b| {
            verification_code(&CodeInputs {
                invite_id: id,
                owner: o,
                joiner: j,
                owner_nonce: a,
                joiner_nonce: b,
            })
        };
        let base = code(&[0; 16], &owner, &joiner, &n1, &n2);
        assert!(base.value() < 1_000_000);
        // Roles are not interchangeable, and each field counts (a collision of six digits
        // between these fixed inputs would be a one-in-a-million coincidence, checked once).
        for other in [
            code(&[1; 16], &owner, &joiner, &n1, &n2),
            code(&[0; 16], &joiner, &owner, &n1, &n2),
            code(&[0; 16], &owner, &joiner, &n2, &n1),
            code(&[0; 16], &owner, &joiner, &n1, &n1),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn the_commitment_binds_the_nonce_the_invite_and_the_owner() {
        let owner = DeviceIdentity::generate().expect("rng").public_keys();
        let other = DeviceIdentity::generate().expect("rng").public_keys();
        let nonce = CodeNonce([3; 32]);
        let c = code_commitment(&[0; 16], &owner, &nonce);
        assert_ne!(c, code_commitment(&[0; 16], &owner, &CodeNonce([4; 32])));
        assert_ne!(c, code_commitment(&[1; 16], &owner, &nonce));
        assert_ne!(c, code_commitment(&[0; 16], &other, &nonce));
        assert!(!format!("{nonce:?}").contains('3'));
    }
}
