//! A device's long-term identity: an Ed25519 key that signs what the device writes and an X25519
//! key that document keys and join requests are sealed to. Made once, at first open, from the
//! OS random generator, and kept only inside the encrypted database.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::{label, random_secret, RngUnavailable};

/// Version byte of [`DeviceIdentity::to_secret_bytes`], so a later format can be told apart.
const SECRET_FORMAT_V1: u8 = 1;
/// Length of the stored secret: version ‖ Ed25519 seed ‖ X25519 secret.
pub const SECRET_LEN: usize = 1 + 32 + 32;

/// Why key material was refused. No key bytes are carried in the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("key material has the wrong length")]
    WrongLength,
    #[error("key material has unsupported format version {0}")]
    UnsupportedVersion(u8),
    #[error("the public signing key is not a valid Ed25519 point or is weak")]
    InvalidSigningKey,
    #[error("the public agreement key is a low-order X25519 point")]
    WeakAgreementKey,
    #[error("the wrapped key's sender is not a known device")]
    UnknownSender,
    #[error("the wrapped key's signature does not verify")]
    BadSignature,
    #[error("the wrapped key does not open with this identity and context")]
    UnwrapFailed,
    #[error("the wrapped key names a prekey this device does not hold")]
    UnknownPrekey,
    #[error(transparent)]
    Rng(#[from] RngUnavailable),
}

impl KeyError {
    /// A stable name for counting rejections by reason.
    pub fn reason(&self) -> &'static str {
        match self {
            KeyError::WrongLength => "wrong_length",
            KeyError::UnsupportedVersion(_) => "unsupported_version",
            KeyError::InvalidSigningKey => "invalid_signing_key",
            KeyError::WeakAgreementKey => "weak_agreement_key",
            KeyError::UnknownSender => "unknown_sender",
            KeyError::BadSignature => "bad_signature",
            KeyError::UnwrapFailed => "unwrap_failed",
            KeyError::UnknownPrekey => "unknown_prekey",
            KeyError::Rng(_) => "rng_unavailable",
        }
    }
}

/// A short, stable name for a device: the first 16 bytes of a domain-separated SHA-256 over both
/// public keys. 128 bits keep accidental collisions out of reach; impersonation would still
/// need the signing key, since every use of a `KeyId` is followed by a signature check.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 16]);

impl KeyId {
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// The public half of a device identity, as exchanged at pairing and stored per paired peer.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DevicePublicKeys {
    /// Ed25519 verifying key.
    pub signing: [u8; 32],
    /// X25519 public key.
    pub agreement: [u8; 32],
}

impl DevicePublicKeys {
    pub const LEN: usize = 64;

    pub fn key_id(&self) -> KeyId {
        let digest = Sha256::new()
            .chain_update(label::KEY_ID)
            .chain_update(self.signing)
            .chain_update(self.agreement)
            .finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        KeyId(id)
    }

    /// `signing ‖ agreement`.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.signing);
        out[32..].copy_from_slice(&self.agreement);
        out
    }

    /// Parses and validates keys received from a peer: the signing key must be a valid,
    /// non-weak Ed25519 point and the agreement key must not be of low order.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let keys = Self::from_stored(bytes)?;
        keys.validate()?;
        Ok(keys)
    }

    /// Keys this device's store wrote, read back: only their length is checked. The store
    /// validates keys as it writes them (`store::peers`, `store::recovery`), and its pages are
    /// authenticated (SQLCipher's HMAC), so nothing else can have put them there. Checking the
    /// agreement key again costs an X25519 multiplication per key per read, and the peers'
    /// table is read several times by each sync pass (issue 19: a third of an idle
    /// `sync_now`'s CPU, one multiplication per peer per read for a mentor with many).
    pub(crate) fn from_stored(bytes: &[u8]) -> Result<Self, KeyError> {
        let bytes: &[u8; 64] = bytes.try_into().map_err(|_| KeyError::WrongLength)?;
        let mut keys = DevicePublicKeys {
            signing: [0; 32],
            agreement: [0; 32],
        };
        keys.signing.copy_from_slice(&bytes[..32]);
        keys.agreement.copy_from_slice(&bytes[32..]);
        Ok(keys)
    }

    /// Checks what [`DevicePublicKeys::from_bytes`] checks, for keys built field by field.
    pub fn validate(&self) -> Result<(), KeyError> {
        self.verifying_key()?;
        if is_low_order_x25519(&self.agreement) {
            return Err(KeyError::WeakAgreementKey);
        }
        Ok(())
    }

    pub(crate) fn verifying_key(&self) -> Result<VerifyingKey, KeyError> {
        let key =
            VerifyingKey::from_bytes(&self.signing).map_err(|_| KeyError::InvalidSigningKey)?;
        if key.is_weak() {
            return Err(KeyError::InvalidSigningKey);
        }
        Ok(key)
    }
}

impl fmt::Debug for DevicePublicKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevicePublicKeys")
            .field("key_id", &self.key_id())
            .finish()
    }
}

/// A low-order point makes every Diffie-Hellman result predictable. Agreeing with a fixed secret
/// shows it: the result is all zeros exactly for the low-order points (and their twists).
pub(crate) fn is_low_order_x25519(public: &[u8; 32]) -> bool {
    let probe = StaticSecret::from([0x55; 32]);
    !probe
        .diffie_hellman(&PublicKey::from(*public))
        .was_contributory()
}

/// A device's secret keys. Zeroed on drop (both dalek types zeroize themselves); `Debug` shows
/// only the [`KeyId`].
pub struct DeviceIdentity {
    signing: SigningKey,
    agreement: StaticSecret,
    public: DevicePublicKeys,
}

impl DeviceIdentity {
    /// Makes a new identity from 64 bytes of OS randomness.
    pub fn generate() -> Result<Self, RngUnavailable> {
        let seed = random_secret::<32>()?;
        let agreement = random_secret::<32>()?;
        Ok(Self::from_parts(&seed, &agreement))
    }

    fn from_parts(seed: &[u8; 32], agreement: &[u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(seed);
        let agreement = StaticSecret::from(*agreement);
        let public = DevicePublicKeys {
            signing: signing.verifying_key().to_bytes(),
            agreement: PublicKey::from(&agreement).to_bytes(),
        };
        DeviceIdentity {
            signing,
            agreement,
            public,
        }
    }

    /// The secret keys for storage inside the encrypted database:
    /// `version (1) ‖ Ed25519 seed (32) ‖ X25519 secret (32)`, zeroed when dropped.
    pub fn to_secret_bytes(&self) -> Zeroizing<[u8; SECRET_LEN]> {
        let mut out = Zeroizing::new([0u8; SECRET_LEN]);
        out[0] = SECRET_FORMAT_V1;
        out[1..33].copy_from_slice(self.signing.as_bytes());
        out[33..].copy_from_slice(self.agreement.as_bytes());
        out
    }

    pub fn from_secret_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() != SECRET_LEN {
            return Err(KeyError::WrongLength);
        }
        if bytes[0] != SECRET_FORMAT_V1 {
            return Err(KeyError::UnsupportedVersion(bytes[0]));
        }
        let mut seed = Zeroizing::new([0u8; 32]);
        let mut agreement = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&bytes[1..33]);
        agreement.copy_from_slice(&bytes[33..]);
        Ok(Self::from_parts(&seed, &agreement))
    }

    pub fn public_keys(&self) -> DevicePublicKeys {
        self.public
    }

    pub fn key_id(&self) -> KeyId {
        self.public.key_id()
    }

    pub(crate) fn sign(&self, parts: &[&[u8]]) -> [u8; 64] {
        let message = parts.concat();
        self.signing.sign(&message).to_bytes()
    }

    pub(crate) fn agreement_secret(&self) -> &StaticSecret {
        &self.agreement
    }
}

impl fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

/// Verifies a signature made by [`DeviceIdentity::sign`] over the same parts. Strict
/// verification: non-canonical signatures and weak keys are refused, so a valid signature cannot
/// be altered into another valid one.
pub(crate) fn verify(keys: &DevicePublicKeys, parts: &[&[u8]], signature: &[u8; 64]) -> bool {
    let Ok(key) = keys.verifying_key() else {
        return false;
    };
    let message = parts.concat();
    key.verify_strict(&message, &Signature::from_bytes(signature))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_bytes_round_trip_to_the_same_keys() {
        let id = DeviceIdentity::generate().expect("rng");
        let back = DeviceIdentity::from_secret_bytes(&id.to_secret_bytes()[..]).expect("ok");
        assert_eq!(back.public_keys(), id.public_keys());
        assert_eq!(back.key_id(), id.key_id());
    }

    #[test]
    fn secret_bytes_are_length_and_version_checked() {
        let id = DeviceIdentity::generate().expect("rng");
        let bytes = id.to_secret_bytes();
        assert_eq!(
            DeviceIdentity::from_secret_bytes(&bytes[..64]).expect_err("must be refused"),
            KeyError::WrongLength
        );
        let mut v2 = *bytes;
        v2[0] = 2;
        assert_eq!(
            DeviceIdentity::from_secret_bytes(&v2).expect_err("must be refused"),
            KeyError::UnsupportedVersion(2)
        );
    }

    #[test]
    fn debug_never_shows_secret_bytes() {
        let id = DeviceIdentity::generate().expect("rng");
        let shown = format!("{id:?}");
        let seed_hex = hex::encode(&id.to_secret_bytes()[1..33]);
        assert!(!shown.contains(&seed_hex));
        assert!(shown.contains(&id.key_id().to_string()));
    }

    #[test]
    fn key_ids_differ_and_public_keys_validate() {
        let a = DeviceIdentity::generate().expect("rng");
        let b = DeviceIdentity::generate().expect("rng");
        assert_ne!(a.key_id(), b.key_id());
        let keys = DevicePublicKeys::from_bytes(&a.public_keys().to_bytes()).expect("valid");
        assert_eq!(keys, a.public_keys());
    }

    #[test]
    fn low_order_agreement_keys_are_refused() {
        let a = DeviceIdentity::generate().expect("rng");
        let mut keys = a.public_keys();
        keys.agreement = [0; 32];
        assert_eq!(keys.validate(), Err(KeyError::WeakAgreementKey));
        keys.agreement = [0; 32];
        keys.agreement[0] = 1;
        assert_eq!(keys.validate(), Err(KeyError::WeakAgreementKey));
    }

    #[test]
    fn signatures_verify_only_for_the_signer_and_message() {
        let a = DeviceIdentity::generate().expect("rng");
        let b = DeviceIdentity::generate().expect("rng");
        let sig = a.sign(&[b"one", b"two"]);
        assert!(verify(&a.public_keys(), &[b"onetwo"], &sig));
        assert!(!verify(&b.public_keys(), &[b"one", b"two"], &sig));
        assert!(!verify(&a.public_keys(), &[b"one", b"twO"], &sig));
    }
}
