//! The anonymous sealed box shared by key wrapping and join requests: a fresh ephemeral X25519
//! key agrees with the recipient's static key, HKDF-SHA256 turns the shared secret into an
//! XChaCha20-Poly1305 key and nonce, and the caller's associated data is authenticated.
//!
//! This is the shape of libsodium's `crypto_box_seal` and of HPKE's base mode, built from the
//! RustCrypto and dalek crates. Because the ephemeral key is never reused, the key and nonce can
//! both come from HKDF and no nonce travels on the wire.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::{random_secret, RngUnavailable};

/// Bytes a sealed box adds to its plaintext: the ephemeral public key and the AEAD tag.
pub(crate) const SEAL_OVERHEAD: usize = 32 + 16;

#[derive(Debug)]
pub(crate) enum SealToError {
    Rng,
    /// The recipient's X25519 key is a low-order point: any shared secret would be predictable.
    WeakRecipientKey,
    /// Only past XChaCha20-Poly1305's 256 GiB message limit, which callers bound far below.
    TooLarge,
}

impl From<RngUnavailable> for SealToError {
    fn from(_: RngUnavailable) -> Self {
        SealToError::Rng
    }
}

/// What binds a sealed box to its use: a salt (a shared secret such as the invite secret, or
/// empty), a domain label, and the associated data checked by the AEAD.
pub(crate) struct SealContext<'a> {
    pub salt: &'a [u8],
    pub label: &'a [u8],
    pub aad: &'a [u8],
}

/// Seals `plaintext` to `recipient`; returns `ephemeral public key ‖ ciphertext ‖ tag`.
pub(crate) fn seal_to(
    recipient: &[u8; 32],
    ctx: &SealContext<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealToError> {
    let ephemeral = StaticSecret::from(*random_secret::<32>()?);
    let ephemeral_public = PublicKey::from(&ephemeral);
    let shared = ephemeral.diffie_hellman(&PublicKey::from(*recipient));
    if !shared.was_contributory() {
        return Err(SealToError::WeakRecipientKey);
    }
    let cipher = derive_cipher(
        shared.as_bytes(),
        ephemeral_public.as_bytes(),
        recipient,
        ctx,
    );
    let ciphertext = cipher
        .0
        .encrypt(
            &cipher.1,
            Payload {
                msg: plaintext,
                aad: ctx.aad,
            },
        )
        .map_err(|_| SealToError::TooLarge)?;
    let mut out = Vec::with_capacity(32 + ciphertext.len());
    out.extend_from_slice(ephemeral_public.as_bytes());
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// Opens a box made by [`seal_to`]. `None` for every failure: a wrong recipient, a wrong salt,
/// wrong associated data and tampering are indistinguishable by design.
pub(crate) fn open_from(
    recipient: &StaticSecret,
    ctx: &SealContext<'_>,
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if sealed.len() < SEAL_OVERHEAD {
        return None;
    }
    let (ephemeral_public, ciphertext) = sealed.split_at(32);
    let ephemeral_public: [u8; 32] = ephemeral_public.try_into().ok()?;
    let shared = recipient.diffie_hellman(&PublicKey::from(ephemeral_public));
    if !shared.was_contributory() {
        return None;
    }
    let recipient_public = PublicKey::from(recipient);
    let cipher = derive_cipher(
        shared.as_bytes(),
        &ephemeral_public,
        recipient_public.as_bytes(),
        ctx,
    );
    cipher
        .0
        .decrypt(
            &cipher.1,
            Payload {
                msg: ciphertext,
                aad: ctx.aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

fn derive_cipher(
    shared: &[u8; 32],
    ephemeral_public: &[u8; 32],
    recipient_public: &[u8; 32],
    ctx: &SealContext<'_>,
) -> (XChaCha20Poly1305, XNonce) {
    // Both public keys go into the info, as in crypto_box_seal and HPKE's kem_context: the key
    // is bound to this exact exchange, not only to the shared point.
    let hkdf = Hkdf::<Sha256>::new(Some(ctx.salt), shared);
    let mut okm = Zeroizing::new([0u8; 32 + 24]);
    hkdf.expand_multi_info(
        &[ctx.label, &ephemeral_public[..], &recipient_public[..]],
        &mut okm[..],
    )
    .expect("56 bytes is far below HKDF-SHA256's 8160-byte output limit");
    let cipher = XChaCha20Poly1305::new_from_slice(&okm[..32])
        .expect("the slice is exactly 32 bytes, XChaCha20-Poly1305's key length");
    let nonce = *XNonce::from_slice(&okm[32..]);
    (cipher, nonce)
}
