//! Rotating prekeys (ADR 0026): each device keeps a short-lived X25519 key pair besides its
//! long-term identity, signs its public half with its Ed25519 identity key and announces it to
//! every paired device. Document keys are wrapped to the recipient's newest prekey, so a copy
//! of a device's database opens only the wraps made to prekeys it held at the time of the copy.

use std::fmt;

use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::identity::{is_low_order_x25519, verify, DeviceIdentity, DevicePublicKeys};
use super::{label, random_secret, RngUnavailable};

/// A prekey's secret half, as the device keeps it. Zeroed on drop; `Debug` shows nothing.
pub struct PrekeySecret {
    secret: StaticSecret,
    public: [u8; 32],
}

impl PrekeySecret {
    pub fn generate() -> Result<Self, RngUnavailable> {
        let bytes = random_secret::<32>()?;
        Ok(Self::from_secret_bytes(&bytes))
    }

    pub fn from_secret_bytes(bytes: &[u8; 32]) -> Self {
        let secret = StaticSecret::from(*bytes);
        let public = PublicKey::from(&secret).to_bytes();
        PrekeySecret { secret, public }
    }

    /// The raw secret, to store inside the encrypted database only.
    pub fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.secret.to_bytes())
    }

    pub fn public(&self) -> [u8; 32] {
        self.public
    }

    pub(crate) fn agreement_secret(&self) -> &StaticSecret {
        &self.secret
    }

    /// The announcement of this prekey, signed by `identity`.
    pub fn sign(&self, identity: &DeviceIdentity) -> SignedPrekey {
        SignedPrekey {
            public: self.public,
            signature: identity.sign(&[label::PREKEY_SIG, &self.public[..]]),
        }
    }
}

impl fmt::Debug for PrekeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrekeySecret(..)")
    }
}

/// A prekey's public half with its owner's signature over it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SignedPrekey {
    pub public: [u8; 32],
    pub signature: [u8; 64],
}

/// Why an announced prekey is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PrekeyError {
    #[error("the prekey is a low-order X25519 point")]
    WeakKey,
    #[error("the prekey's signature does not verify with its owner's identity key")]
    BadSignature,
}

impl SignedPrekey {
    /// Checks the signature against the announcing device's keys and refuses a low-order
    /// point (every wrap to it would be predictable).
    pub fn verify(&self, owner: &DevicePublicKeys) -> Result<(), PrekeyError> {
        if is_low_order_x25519(&self.public) {
            return Err(PrekeyError::WeakKey);
        }
        if !verify(
            owner,
            &[label::PREKEY_SIG, &self.public[..]],
            &self.signature,
        ) {
            return Err(PrekeyError::BadSignature);
        }
        Ok(())
    }
}

impl fmt::Debug for SignedPrekey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignedPrekey({})", hex::encode(&self.public[..4]))
    }
}

/// The next key of a pairing's channel once both ends hold the prekey pair `mine`/`theirs`
/// (ADR 0026): `HKDF(salt = old channel key, ikm = X25519(mine, theirs) ‖ lower public ‖ higher
/// public, info = label)`. Both ends compute the same; a copy of either device's database made
/// before the newer of the two prekeys existed holds neither secret of the agreement.
/// `None` if `theirs` is a low-order point.
pub fn next_channel_key(
    old: &[u8; 32],
    mine: &PrekeySecret,
    theirs: &[u8; 32],
) -> Option<Zeroizing<[u8; 32]>> {
    let shared = mine.secret.diffie_hellman(&PublicKey::from(*theirs));
    if !shared.was_contributory() {
        return None;
    }
    let (lo, hi) = if mine.public <= *theirs {
        (mine.public, *theirs)
    } else {
        (*theirs, mine.public)
    };
    let mut ikm = Zeroizing::new([0u8; 96]);
    ikm[..32].copy_from_slice(shared.as_bytes());
    ikm[32..64].copy_from_slice(&lo);
    ikm[64..].copy_from_slice(&hi);
    let mut out = Zeroizing::new([0u8; 32]);
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&old[..]), &ikm[..])
        .expand(label::CHANNEL_HEAL, &mut out[..])
        .expect("32 bytes is far below HKDF-SHA256's 8160-byte output limit");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_prekey_verifies_only_with_its_owner_and_unaltered() {
        let owner = DeviceIdentity::generate().expect("rng");
        let other = DeviceIdentity::generate().expect("rng");
        let prekey = PrekeySecret::generate().expect("rng");
        let signed = prekey.sign(&owner);
        assert_eq!(signed.verify(&owner.public_keys()), Ok(()));
        assert_eq!(
            signed.verify(&other.public_keys()),
            Err(PrekeyError::BadSignature)
        );
        let mut altered = signed;
        altered.public[0] ^= 1;
        assert!(altered.verify(&owner.public_keys()).is_err());
        let weak = SignedPrekey {
            public: [0; 32],
            signature: signed.signature,
        };
        assert_eq!(weak.verify(&owner.public_keys()), Err(PrekeyError::WeakKey));
        let back = PrekeySecret::from_secret_bytes(&prekey.secret_bytes());
        assert_eq!(back.public(), prekey.public());
    }

    #[test]
    fn both_ends_derive_the_same_next_channel_key_and_nobody_else_does() {
        let (a, b, c) = (
            PrekeySecret::generate().expect("rng"),
            PrekeySecret::generate().expect("rng"),
            PrekeySecret::generate().expect("rng"),
        );
        let old = [7u8; 32];
        let at_a = next_channel_key(&old, &a, &b.public()).expect("derives");
        let at_b = next_channel_key(&old, &b, &a.public()).expect("derives");
        assert_eq!(*at_a, *at_b);
        assert_ne!(*at_a, old);
        assert_ne!(
            *next_channel_key(&old, &c, &a.public()).expect("derives"),
            *at_a
        );
        assert_ne!(
            *next_channel_key(&[8; 32], &a, &b.public()).expect("derives"),
            *at_a
        );
        assert!(next_channel_key(&old, &a, &[0; 32]).is_none());
    }
}
