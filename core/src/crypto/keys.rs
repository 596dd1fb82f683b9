//! Document keys: one random 32-byte key per shared document per epoch, wrapped for each device
//! allowed to read it, and the relay capability tokens derived from it.
//!
//! Nothing uses the raw key directly: HKDF-SHA256 derives the envelope key and each token under
//! its own label, so knowing a token (which the relay sees) says nothing about the envelope key.

use std::fmt;

use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::XChaCha20Poly1305;
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::envelope::StreamId;
use super::identity::{verify, DeviceIdentity, DevicePublicKeys, KeyError, KeyId};
use super::prekey::PrekeySecret;
use super::seal::{open_from, seal_to, SealContext, SealToError, SEAL_OVERHEAD};
use super::{label, random_secret, RngUnavailable};

const WRAP_VERSION: u8 = 1;
/// Sealed to a prekey the header names (ADR 0026).
const WRAP_VERSION_V2: u8 = 2;
/// version ‖ epoch ‖ sender.
const WRAP_HEADER_LEN: usize = 1 + 4 + 16;
/// version ‖ epoch ‖ sender ‖ the recipient's prekey.
const WRAP_HEADER_V2_LEN: usize = WRAP_HEADER_LEN + 32;
/// A wrapped key's length on the wire: header, sealed box of the 32-byte key, signature (165).
pub const WRAPPED_KEY_LEN: usize = WRAP_HEADER_LEN + SEAL_OVERHEAD + 32 + 64;
/// A version 2 wrapped key's length (197).
pub const WRAPPED_KEY_V2_LEN: usize = WRAP_HEADER_V2_LEN + SEAL_OVERHEAD + 32 + 64;

/// A document's symmetric key for one epoch. Zeroed on drop; `Debug` shows only the epoch.
#[derive(Clone)]
pub struct DocKey {
    epoch: u32,
    secret: Zeroizing<[u8; 32]>,
    // Derived once: every seal and open needs it. The cipher zeroizes its key on drop.
    envelope: XChaCha20Poly1305,
}

impl DocKey {
    /// A fresh random key for `epoch` (0 for a new share; each revocation increments it).
    pub fn generate(epoch: u32) -> Result<Self, RngUnavailable> {
        let secret = random_secret::<32>()?;
        Ok(Self::from_secret_bytes(epoch, &secret))
    }

    /// Rebuilds a key stored in the encrypted database.
    pub fn from_secret_bytes(epoch: u32, secret: &[u8; 32]) -> Self {
        let envelope_key = expand(secret, &[label::ENVELOPE_KEY]);
        let envelope = XChaCha20Poly1305::new_from_slice(envelope_key.as_ref())
            .expect("the derived key is exactly 32 bytes, XChaCha20-Poly1305's key length");
        DocKey {
            epoch,
            secret: Zeroizing::new(*secret),
            envelope,
        }
    }

    /// The raw key, to store inside the encrypted database. Never send it anywhere unwrapped.
    pub fn secret_bytes(&self) -> &[u8; 32] {
        &self.secret
    }

    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The token that lets a device read this key's stream from the relay (ADR 0022). It does
    /// not cover the stream id: the id is derived from this token's hash and the append
    /// token's ([`super::stream_id_for`]), and one key has one stream.
    pub fn read_token(&self) -> CapabilityToken {
        CapabilityToken(*expand(&self.secret, &[label::READ_TOKEN_V2]))
    }

    /// The read token of a stream made before ADR 0022, whose id was random.
    pub fn legacy_read_token(&self, stream: &StreamId) -> CapabilityToken {
        CapabilityToken(*expand(&self.secret, &[label::READ_TOKEN, &stream.0[..]]))
    }

    /// The append token of a stream made before ADR 0022. Every holder of the document key
    /// can derive it, read-only peers included; streams made since carry their own append
    /// token, given only to writers ([`super::AppendRight`]).
    pub fn legacy_append_token(&self, stream: &StreamId) -> CapabilityToken {
        CapabilityToken(*expand(&self.secret, &[label::APPEND_TOKEN, &stream.0[..]]))
    }

    /// A channel's append token: both of its devices write it, and both hold its key.
    pub fn channel_append_token(&self) -> CapabilityToken {
        CapabilityToken(*expand(&self.secret, &[label::CHANNEL_APPEND_TOKEN]))
    }

    pub(crate) fn envelope_cipher(&self) -> &XChaCha20Poly1305 {
        &self.envelope
    }
}

impl fmt::Debug for DocKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocKey")
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

fn expand(doc_key: &[u8; 32], info: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(label::DOC_KEY_SALT), doc_key)
        .expand_multi_info(info, &mut out[..])
        .expect("32 bytes is far below HKDF-SHA256's 8160-byte output limit");
    out
}

/// A bearer token presented to the relay. The relay stores only [`token_hash`] of it.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct CapabilityToken(pub [u8; 32]);

impl CapabilityToken {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn hash(&self) -> [u8; 32] {
        token_hash(&self.0)
    }
}

impl fmt::Debug for CapabilityToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CapabilityToken(..)")
    }
}

/// What the relay stores and compares: a domain-separated SHA-256 of the presented token. A
/// stolen relay database then holds nothing that can be presented back to it. Tokens are 256
/// random-looking bits, so a fast hash is enough (no password hashing needed).
pub fn token_hash(token: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update(label::TOKEN_HASH)
        .chain_update(token)
        .finalize()
        .into()
}

/// What a wrapped key is for, bound into it so it cannot be replayed for another document or
/// stream. The epoch travels in the wrapped bytes and is bound too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrapContext {
    /// The document's id (the store's UUID as 16 bytes).
    pub doc_id: [u8; 16],
    pub stream: StreamId,
}

/// Wraps `doc_key` for `recipient`: sealed to its X25519 identity key (ephemeral-static
/// X25519, HKDF, XChaCha20-Poly1305) and signed by `sender`, so the recipient knows who handed
/// it the key. Version 1: for a device that has announced no prekey (ADR 0026).
pub fn wrap_doc_key(
    doc_key: &DocKey,
    ctx: &WrapContext,
    sender: &DeviceIdentity,
    recipient: &DevicePublicKeys,
) -> Result<Vec<u8>, KeyError> {
    wrap(doc_key, ctx, sender, recipient, None)
}

/// Wraps `doc_key` for `recipient` sealed to its announced `prekey` (version 2, ADR 0026): the
/// wrap names the prekey, and only that prekey's secret opens it — not the identity key a
/// copy of the recipient's database would hold once the prekey is gone.
pub fn wrap_doc_key_to_prekey(
    doc_key: &DocKey,
    ctx: &WrapContext,
    sender: &DeviceIdentity,
    recipient: &DevicePublicKeys,
    prekey: &[u8; 32],
) -> Result<Vec<u8>, KeyError> {
    wrap(doc_key, ctx, sender, recipient, Some(prekey))
}

fn wrap(
    doc_key: &DocKey,
    ctx: &WrapContext,
    sender: &DeviceIdentity,
    recipient: &DevicePublicKeys,
    prekey: Option<&[u8; 32]>,
) -> Result<Vec<u8>, KeyError> {
    let mut out = Vec::with_capacity(WRAPPED_KEY_V2_LEN);
    out.push(if prekey.is_some() {
        WRAP_VERSION_V2
    } else {
        WRAP_VERSION
    });
    out.extend_from_slice(&doc_key.epoch().to_be_bytes());
    out.extend_from_slice(sender.key_id().as_bytes());
    if let Some(prekey) = prekey {
        out.extend_from_slice(prekey);
    }
    let (seal_label, sig_label) = labels(prekey.is_some());
    let aad = wrap_aad(&out, ctx, &recipient.key_id());
    let sealed = seal_to(
        prekey.unwrap_or(&recipient.agreement),
        &SealContext {
            salt: &[],
            label: seal_label,
            aad: &aad,
        },
        doc_key.secret_bytes(),
    )
    .map_err(|e| match e {
        SealToError::Rng => KeyError::Rng(RngUnavailable),
        SealToError::WeakRecipientKey | SealToError::TooLarge => KeyError::WeakAgreementKey,
    })?;
    out.extend_from_slice(&sealed);
    let signature = sender.sign(&[sig_label, &aad[..], &sealed[..]]);
    out.extend_from_slice(&signature);
    Ok(out)
}

fn labels(to_prekey: bool) -> (&'static [u8], &'static [u8]) {
    if to_prekey {
        (label::WRAP_KEY_V2, label::WRAP_SIG_V2)
    } else {
        (label::WRAP_KEY, label::WRAP_SIG)
    }
}

/// Opens a version 1 wrapped key addressed to `recipient`'s identity key; a version 2 one
/// (to a prekey) is refused with [`KeyError::UnknownPrekey`]. See [`unwrap_doc_key_with`].
pub fn unwrap_doc_key(
    wrapped: &[u8],
    ctx: &WrapContext,
    recipient: &DeviceIdentity,
    lookup: impl FnOnce(&KeyId) -> Option<DevicePublicKeys>,
) -> Result<(DocKey, KeyId), KeyError> {
    unwrap_doc_key_with(wrapped, ctx, recipient, |_| None, lookup)
}

/// Opens a wrapped key addressed to `recipient`, of either version; `prekeys` gives the secret
/// of one of this device's prekeys by its public half. Checks, in order: length and version,
/// that `lookup` knows the sender, the sender's signature, the named prekey held, then
/// decryption. Returns the key and who wrapped it, so the engine can insist that only the
/// document's owner hands out keys.
pub fn unwrap_doc_key_with(
    wrapped: &[u8],
    ctx: &WrapContext,
    recipient: &DeviceIdentity,
    prekeys: impl FnOnce(&[u8; 32]) -> Option<PrekeySecret>,
    lookup: impl FnOnce(&KeyId) -> Option<DevicePublicKeys>,
) -> Result<(DocKey, KeyId), KeyError> {
    let (header_len, to_prekey) = match wrapped.first() {
        Some(&WRAP_VERSION) => (WRAP_HEADER_LEN, false),
        Some(&WRAP_VERSION_V2) => (WRAP_HEADER_V2_LEN, true),
        Some(&other) => {
            return Err(if wrapped.len() == WRAPPED_KEY_LEN {
                KeyError::UnsupportedVersion(other)
            } else {
                KeyError::WrongLength
            })
        }
        None => return Err(KeyError::WrongLength),
    };
    if wrapped.len() != header_len + SEAL_OVERHEAD + 32 + 64 {
        return Err(KeyError::WrongLength);
    }
    let (header, rest) = wrapped.split_at(header_len);
    let (sealed, signature) = rest.split_at(rest.len() - 64);
    let epoch = u32::from_be_bytes(
        header[1..5]
            .try_into()
            .expect("the header is at least WRAP_HEADER_LEN bytes, checked above"),
    );
    let sender = KeyId(
        header[5..21]
            .try_into()
            .expect("the header is at least WRAP_HEADER_LEN bytes, checked above"),
    );
    let sender_keys = lookup(&sender).ok_or(KeyError::UnknownSender)?;
    if sender_keys.key_id() != sender {
        return Err(KeyError::UnknownSender);
    }
    let (seal_label, sig_label) = labels(to_prekey);
    let aad = wrap_aad(header, ctx, &recipient.key_id());
    let signature: &[u8; 64] = signature
        .try_into()
        .expect("the split leaves exactly 64 bytes");
    if !verify(&sender_keys, &[sig_label, &aad[..], sealed], signature) {
        return Err(KeyError::BadSignature);
    }
    let prekey = if to_prekey {
        let public: &[u8; 32] = header[WRAP_HEADER_LEN..]
            .try_into()
            .expect("a version 2 header ends with the 32-byte prekey");
        Some(prekeys(public).ok_or(KeyError::UnknownPrekey)?)
    } else {
        None
    };
    let secret = match &prekey {
        Some(p) => p.agreement_secret(),
        None => recipient.agreement_secret(),
    };
    let plain = open_from(
        secret,
        &SealContext {
            salt: &[],
            label: seal_label,
            aad: &aad,
        },
        sealed,
    )
    .ok_or(KeyError::UnwrapFailed)?;
    let secret: &[u8; 32] = plain
        .as_slice()
        .try_into()
        .map_err(|_| KeyError::UnwrapFailed)?;
    Ok((DocKey::from_secret_bytes(epoch, secret), sender))
}

fn wrap_aad(header: &[u8], ctx: &WrapContext, recipient: &KeyId) -> Vec<u8> {
    [
        header,
        &ctx.doc_id[..],
        &ctx.stream.0[..],
        &recipient.as_bytes()[..],
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_by_kind_stream_and_key_and_hash_stably() {
        let key = DocKey::generate(0).expect("rng");
        let other = DocKey::generate(0).expect("rng");
        let (s1, s2) = (StreamId([1; 16]), StreamId([2; 16]));
        assert_ne!(key.legacy_read_token(&s1), key.legacy_append_token(&s1));
        assert_ne!(key.legacy_read_token(&s1), key.legacy_read_token(&s2));
        assert_ne!(key.legacy_read_token(&s1), other.legacy_read_token(&s1));
        assert_eq!(
            key.legacy_read_token(&s1),
            key.clone().legacy_read_token(&s1)
        );
        let token = key.legacy_append_token(&s1);
        assert_eq!(token.hash(), token_hash(token.as_bytes()));
        assert_ne!(token.hash(), *token.as_bytes());
    }

    #[test]
    fn version_two_tokens_differ_from_each_other_and_from_version_one() {
        let key = DocKey::generate(0).expect("rng");
        let other = DocKey::generate(0).expect("rng");
        let s = StreamId([1; 16]);
        let all = [
            key.read_token(),
            key.channel_append_token(),
            key.legacy_read_token(&s),
            key.legacy_append_token(&s),
            other.read_token(),
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(key.read_token(), key.clone().read_token());
    }

    fn wrap_parties() -> (DeviceIdentity, DeviceIdentity, WrapContext, DocKey) {
        let owner = DeviceIdentity::generate().expect("rng");
        let mentor = DeviceIdentity::generate().expect("rng");
        let ctx = WrapContext {
            doc_id: [4; 16],
            stream: StreamId([5; 16]),
        };
        (owner, mentor, ctx, DocKey::generate(3).expect("rng"))
    }

    #[test]
    fn a_wrap_to_a_prekey_opens_only_with_that_prekeys_secret() {
        let (owner, mentor, ctx, key) = wrap_parties();
        let prekey = PrekeySecret::generate().expect("rng");
        let other = PrekeySecret::generate().expect("rng");
        let wrapped =
            wrap_doc_key_to_prekey(&key, &ctx, &owner, &mentor.public_keys(), &prekey.public())
                .expect("wraps");
        assert_eq!(wrapped.len(), WRAPPED_KEY_V2_LEN);
        let lookup = |id: &KeyId| (*id == owner.key_id()).then(|| owner.public_keys());
        let holding = |p: &PrekeySecret| {
            let public = p.public();
            let bytes = p.secret_bytes();
            move |asked: &[u8; 32]| {
                (*asked == public).then(|| PrekeySecret::from_secret_bytes(&bytes))
            }
        };
        let (back, sender) = unwrap_doc_key_with(&wrapped, &ctx, &mentor, holding(&prekey), lookup)
            .expect("opens with the prekey");
        assert_eq!(back.secret_bytes(), key.secret_bytes());
        assert_eq!((back.epoch(), sender), (3, owner.key_id()));
        // The identity key alone, or another prekey, does not open it: what a copy of the
        // database made before the prekey existed holds.
        assert_eq!(
            unwrap_doc_key(&wrapped, &ctx, &mentor, lookup).map(|_| ()),
            Err(KeyError::UnknownPrekey)
        );
        assert_eq!(
            unwrap_doc_key_with(&wrapped, &ctx, &mentor, holding(&other), lookup).map(|_| ()),
            Err(KeyError::UnknownPrekey)
        );
        // A wrap naming another prekey than it was sealed to fails its signature.
        let mut renamed = wrapped.clone();
        renamed[WRAP_HEADER_LEN..WRAP_HEADER_V2_LEN].copy_from_slice(&other.public());
        assert_eq!(
            unwrap_doc_key_with(&renamed, &ctx, &mentor, holding(&other), lookup).map(|_| ()),
            Err(KeyError::BadSignature)
        );
    }

    #[test]
    fn a_version_one_wrap_still_opens_with_the_identity_key() {
        let (owner, mentor, ctx, key) = wrap_parties();
        let wrapped = wrap_doc_key(&key, &ctx, &owner, &mentor.public_keys()).expect("wraps");
        assert_eq!((wrapped.len(), wrapped[0]), (WRAPPED_KEY_LEN, 1));
        let lookup = |id: &KeyId| (*id == owner.key_id()).then(|| owner.public_keys());
        let (back, _) = unwrap_doc_key_with(
            &wrapped,
            &ctx,
            &mentor,
            |_| panic!("a version 1 wrap names no prekey"),
            lookup,
        )
        .expect("opens");
        assert_eq!(back.secret_bytes(), key.secret_bytes());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let key = DocKey::generate(9).expect("rng");
        let shown = format!("{key:?} {:?}", key.read_token());
        assert!(!shown.contains(&hex::encode(key.secret_bytes())));
        assert!(shown.contains('9'));
    }
}
