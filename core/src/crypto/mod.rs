//! End-to-end encryption for sync: device identities, document keys, signed and encrypted
//! envelopes, and the pairing invite. The relay only ever sees what this module produces.
//!
//! Everything here is pure computation on bytes — no clock, no I/O — so the sans-IO sync engine
//! can call it from its event handlers and tests can drive it deterministically (except for the
//! randomness, which always comes from the operating system).
//!
//! The pieces, in the order a pairing and a sync use them:
//! - [`identity`]: a device's Ed25519 + X25519 keys and its short [`KeyId`];
//! - [`invite`], [`join`], [`verification`]: the owner's invite string, the mentor's sealed join
//!   request, the short code both screens show;
//! - [`keys`]: a document's random key per epoch, wrapped for each allowed device, and the relay
//!   capability tokens derived from it;
//! - [`change_signature`]: an author's signature over one of its Automerge changes, which
//!   travels with the change when another writer passes it on;
//! - [`envelope`]: one batch of changes, encrypted with the document key and signed by the
//!   sender, its sender hidden from the relay, opened in the checked order
//!   `decode → open_sender → verify → (engine checks) → decrypt`.
//!
//! Wire formats are specified byte by byte in `docs/protocol.md`; the choices are argued in
//! `docs/adr/0003-envelopes-keys-and-pairing.md`. Only audited RustCrypto and dalek crates
//! provide primitives; this module only composes them.

pub mod change_signature;
pub mod envelope;
pub mod identity;
pub mod invite;
pub mod join;
pub mod keys;
mod padding;
pub mod pairing_reply;
pub mod prekey;
mod seal;
pub mod stream_owner;
pub mod stream_rights;
pub mod successor_channel;
pub mod verification;

pub use envelope::{
    padded_envelope_len, seal, ClearHeader, DecodedEnvelope, EnvelopeError, EnvelopeHeader,
    SealError, SenderOpened, StreamId, VerifiedEnvelope, ENVELOPE_OVERHEAD, MAX_ENVELOPE_LEN,
    MAX_PAYLOAD_LEN,
};
pub use identity::{DeviceIdentity, DevicePublicKeys, KeyError, KeyId};
pub use invite::{Invite, InviteError, InviteMark, InviteSecret, MAX_INVITE_LEN};
pub use join::{JoinRequest, MAX_JOIN_REQUEST_LEN};
pub use keys::{
    token_hash, unwrap_doc_key, unwrap_doc_key_with, wrap_doc_key, wrap_doc_key_to_prekey,
    CapabilityToken, DocKey, WrapContext, WRAPPED_KEY_LEN, WRAPPED_KEY_V2_LEN,
};
pub use pairing_reply::{
    open_reply, seal_reply, OpenedReply, PairingDecision, MAX_PAIRING_REPLY_LEN,
};
pub use prekey::{next_channel_key, PrekeyError, PrekeySecret, SignedPrekey};
pub use stream_owner::owner_token;
pub use stream_rights::{certifies, stream_id_for, AppendRight};
pub use verification::{
    code_commitment, verification_code, CodeInputs, CodeNonce, VerificationCode,
};

/// The operating system's random number generator failed. On a booted Android or iOS device
/// this does not happen in practice, but it is reported rather than panicking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("the system random number generator is unavailable")]
pub struct RngUnavailable;

/// Fresh random bytes from the OS. The dalek 2.x crates want a rand_core 0.6 RNG while the
/// workspace is on rand 0.9, so keys are built from these bytes instead of from an RNG object.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], RngUnavailable> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| RngUnavailable)?;
    Ok(out)
}

/// Fresh random key material from the OS, generated in place inside a buffer that is zeroed
/// when dropped, so no copy of the secret outlives its use on the stack.
pub(crate) fn random_secret<const N: usize>() -> Result<zeroize::Zeroizing<[u8; N]>, RngUnavailable>
{
    let mut out = zeroize::Zeroizing::new([0u8; N]);
    getrandom::fill(&mut out[..]).map_err(|_| RngUnavailable)?;
    Ok(out)
}

/// Domain-separation labels. Each use of a key or hash gets its own, so no output of one step
/// can be replayed as the input of another.
pub(crate) mod label {
    pub const KEY_ID: &[u8] = b"twofold/v1/key-id";
    /// Envelope version 1, still read during the move to version 2.
    pub const ENVELOPE_SIG: &[u8] = b"twofold/v1/envelope-signature";
    /// v2: the signature covers the sender data's plaintext and travels inside it (ADR 0023).
    pub const ENVELOPE_SIG_V2: &[u8] = b"twofold/v2/envelope-signature";
    pub const SENDER_DATA_KEY: &[u8] = b"twofold/v2/envelope-sender-data-key";
    pub const DOC_KEY_SALT: &[u8] = b"twofold/v1/doc-key";
    pub const ENVELOPE_KEY: &[u8] = b"twofold/v1/envelope-key";
    pub const READ_TOKEN: &[u8] = b"twofold/v1/read-token";
    pub const APPEND_TOKEN: &[u8] = b"twofold/v1/append-token";
    pub const TOKEN_HASH: &[u8] = b"twofold/v1/token-hash";
    pub const WRAP_KEY: &[u8] = b"twofold/v1/wrap-doc-key";
    pub const WRAP_SIG: &[u8] = b"twofold/v1/wrap-signature";
    pub const JOIN_KEY: &[u8] = b"twofold/v1/join-request";
    pub const JOIN_SIG: &[u8] = b"twofold/v1/join-signature";
    /// v2: the code covers both nonces of the commit-then-reveal as well as both keys.
    pub const VERIFICATION_CODE: &[u8] = b"twofold/v2/verification-code";
    pub const CODE_COMMITMENT: &[u8] = b"twofold/v1/code-commitment";
    pub const PAIRING_REPLY_KEY: &[u8] = b"twofold/v1/pairing-reply";
    pub const PAIRING_REPLY_SIG: &[u8] = b"twofold/v1/pairing-reply-signature";
    pub const SUCCESSOR_CHANNEL: &[u8] = b"twofold/v1/successor-channel";
    pub const CHANGE_SIG: &[u8] = b"twofold/v1/change-signature";
    /// v2 (ADR 0022): the read token no longer covers the stream id, which is now derived
    /// from both token hashes.
    pub const READ_TOKEN_V2: &[u8] = b"twofold/v2/read-token";
    /// A channel's append token: both of its devices write it, so it comes from the key.
    pub const CHANNEL_APPEND_TOKEN: &[u8] = b"twofold/v2/channel-append-token";
    pub const STREAM_ID: &[u8] = b"twofold/v2/stream-id";
    /// The owner right over a stream on the relay (ADR 0023), from the device's own secret.
    pub const DEVICE_SECRET_SALT: &[u8] = b"twofold/v2/device-secret";
    pub const STREAM_OWNER: &[u8] = b"twofold/v2/stream-owner";
    /// A prekey's signature by its device's identity key (ADR 0026).
    pub const PREKEY_SIG: &[u8] = b"twofold/v1/prekey-signature";
    /// A document key wrapped to a prekey rather than to the identity key (ADR 0026).
    pub const WRAP_KEY_V2: &[u8] = b"twofold/v2/wrap-doc-key";
    pub const WRAP_SIG_V2: &[u8] = b"twofold/v2/wrap-signature";
    /// A pairing channel's next key from the previous one and a prekey agreement (ADR 0026).
    pub const CHANNEL_HEAL: &[u8] = b"twofold/v1/channel-heal";
}
