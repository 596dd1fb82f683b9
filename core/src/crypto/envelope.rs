//! The envelope: one batch of Automerge changes (or a snapshot) of one document, encrypted with
//! the document key and signed by the device that wrote it.
//!
//! Version 2 hides who wrote it and how often from the relay (issue 20, item 5; ADR 0023): the
//! sender's `KeyId`, its sequence number and its signature travel in a *sender data* block
//! encrypted under a key of its own derived from the document key (MLS's `PrivateMessage`
//! sender data is the model), and the payload is padded inside its encryption to a size bucket
//! (`padding`). The relay sees the stream, the epoch, a random nonce and a bucketed length.
//!
//! Receiving is split into typed steps so the sync engine can put its own checks in between, in
//! the order issue 6 demands:
//!
//! ```text
//! DecodedEnvelope::decode      size bound, version, length               (no crypto yet)
//!   .open_sender(doc_key)      epoch, sender data AEAD                    → SenderOpened
//!   .verify(lookup)            sender known, Ed25519 signature            → VerifiedEnvelope
//! engine:                      sender may write this stream/epoch, sequence (replay, gap)
//! VerifiedEnvelope::decrypt    payload AEAD, padding
//! ```
//!
//! The AEAD keys are shared by every device of a share, so they prove only "someone in the
//! share"; the signature is what says which device wrote it, and it covers the clear header,
//! the sender data's plaintext and the payload's ciphertext, so it is checked before the payload
//! is opened. Layout: `docs/protocol.md`.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::identity::{verify, DeviceIdentity, DevicePublicKeys, KeyId};
use super::keys::DocKey;
use super::{label, padding, random_bytes, RngUnavailable};

pub const VERSION: u8 = 2;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const SIGNATURE_LEN: usize = 64;
/// version ‖ stream ‖ epoch ‖ nonce: all the relay can read.
pub const HEADER_LEN: usize = 1 + 16 + 4 + NONCE_LEN;
/// sender ‖ seq ‖ signature, before its AEAD tag.
const SENDER_DATA_PLAIN_LEN: usize = 16 + 8 + SIGNATURE_LEN;
const SENDER_DATA_LEN: usize = SENDER_DATA_PLAIN_LEN + TAG_LEN;
/// Bytes an envelope adds to its payload before padding: header, sender data, the payload's
/// AEAD tag and the padding marker (166).
pub const ENVELOPE_OVERHEAD: usize = HEADER_LEN + SENDER_DATA_LEN + TAG_LEN + 1;
/// The largest envelope sealed or accepted: room for a snapshot of years of data, and a bound
/// on what a hostile peer or relay can make a device allocate. A bucket boundary, so the
/// largest payload pads to exactly this.
pub const MAX_ENVELOPE_LEN: usize = 8 * 1024 * 1024;

/// An opaque stream name on the relay: random, one per document per epoch, so the relay cannot
/// link a document across a key rotation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(pub [u8; 16]);

impl StreamId {
    pub fn random() -> Result<Self, RngUnavailable> {
        Ok(StreamId(random_bytes()?))
    }
}

impl fmt::Debug for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StreamId({})", hex::encode(self.0))
    }
}

/// What the relay can read of an envelope. Before [`SenderOpened::verify`] it is only a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClearHeader {
    pub version: u8,
    pub stream: StreamId,
    pub epoch: u32,
}

/// The clear header with the sender data. Before [`SenderOpened::verify`] it is only a claim
/// by someone holding the document key; use it then only to look up the sender's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeHeader {
    pub version: u8,
    pub stream: StreamId,
    pub epoch: u32,
    pub sender: KeyId,
    /// Per sender and stream, starting at 1; the engine detects replays and gaps with it.
    pub seq: u64,
}

/// Why an envelope was rejected. Carries no payload bytes; [`EnvelopeError::reason`] names it
/// for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum EnvelopeError {
    #[error("envelope larger than the bound")]
    TooLarge,
    #[error("envelope shorter than its fixed parts")]
    Truncated,
    #[error("envelope version {0} is not supported")]
    UnsupportedVersion(u8),
    #[error("envelope epoch does not match the document key's epoch")]
    EpochMismatch,
    #[error("envelope sender data does not decrypt with the document key")]
    BadSenderData,
    #[error("envelope sender is not a known device")]
    UnknownSender,
    #[error("envelope signature does not verify")]
    BadSignature,
    #[error("envelope does not decrypt with the document key")]
    DecryptFailed,
    #[error("envelope payload padding is malformed")]
    BadPadding,
}

impl EnvelopeError {
    /// A stable name for "rejected by reason" counters.
    pub fn reason(&self) -> &'static str {
        match self {
            EnvelopeError::TooLarge => "too_large",
            EnvelopeError::Truncated => "truncated",
            EnvelopeError::UnsupportedVersion(_) => "unsupported_version",
            EnvelopeError::EpochMismatch => "epoch_mismatch",
            EnvelopeError::BadSenderData => "bad_sender_data",
            EnvelopeError::UnknownSender => "unknown_sender",
            EnvelopeError::BadSignature => "bad_signature",
            EnvelopeError::DecryptFailed => "decrypt_failed",
            EnvelopeError::BadPadding => "bad_padding",
        }
    }
}

/// Why sealing failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("payload too large for one envelope")]
    PayloadTooLarge,
    #[error(transparent)]
    Rng(#[from] RngUnavailable),
}

/// The largest payload one envelope carries.
pub const MAX_PAYLOAD_LEN: usize = MAX_ENVELOPE_LEN - ENVELOPE_OVERHEAD;

/// The length of the envelope that carries `payload_len` bytes: the fixed parts, rounded up to
/// a size bucket.
pub fn padded_envelope_len(payload_len: usize) -> usize {
    padding::bucket(payload_len + ENVELOPE_OVERHEAD)
}

/// Encrypts `payload` with `doc_key` (its epoch goes in the header), signs it as `identity`,
/// hides the sender data, and returns the encoded envelope, padded to its bucket. `seq` is the
/// sender's next sequence number on `stream`; the caller persists it with the outbox row.
pub fn seal(
    doc_key: &DocKey,
    identity: &DeviceIdentity,
    stream: StreamId,
    seq: u64,
    payload: &[u8],
) -> Result<Vec<u8>, SealError> {
    if payload.len() > MAX_PAYLOAD_LEN {
        return Err(SealError::PayloadTooLarge);
    }
    let total = padded_envelope_len(payload.len());
    let padded = Zeroizing::new(padding::pad(payload, total - (ENVELOPE_OVERHEAD - 1)));
    let clear = ClearHeader {
        version: VERSION,
        stream,
        epoch: doc_key.epoch(),
    };
    // One random nonce for both AEADs: their keys differ (own HKDF labels), so no key ever sees
    // a nonce twice.
    let nonce: [u8; NONCE_LEN] = random_bytes()?;
    let mut head = Vec::with_capacity(HEADER_LEN);
    encode_clear(&clear, &nonce, &mut head);
    let sender = SenderData {
        sender: identity.key_id(),
        seq,
    };
    let payload_aad = sender.bound_to(&head);
    let ciphertext = doc_key
        .envelope_cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &padded,
                aad: &payload_aad,
            },
        )
        .map_err(|_| SealError::PayloadTooLarge)?;
    let signature = identity.sign(&[label::ENVELOPE_SIG_V2, &payload_aad, &ciphertext]);
    let mut sender_plain = Zeroizing::new(Vec::with_capacity(SENDER_DATA_PLAIN_LEN));
    sender.encode(&mut sender_plain);
    sender_plain.extend_from_slice(&signature);
    let sender_data = sender_data_cipher(doc_key)
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &sender_plain,
                aad: &head,
            },
        )
        .map_err(|_| SealError::PayloadTooLarge)?;
    let mut out = head;
    out.reserve_exact(total - HEADER_LEN);
    out.extend_from_slice(&sender_data);
    out.extend_from_slice(&ciphertext);
    debug_assert_eq!(out.len(), total, "the envelope lands on its bucket");
    Ok(out)
}

fn encode_clear(header: &ClearHeader, nonce: &[u8; NONCE_LEN], out: &mut Vec<u8>) {
    out.push(header.version);
    out.extend_from_slice(&header.stream.0);
    out.extend_from_slice(&header.epoch.to_be_bytes());
    out.extend_from_slice(nonce);
}

/// The sender's id and sequence number, hidden from the relay.
#[derive(Clone, Copy)]
struct SenderData {
    sender: KeyId,
    seq: u64,
}

impl SenderData {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.sender.as_bytes());
        out.extend_from_slice(&self.seq.to_be_bytes());
    }

    /// `clear header ‖ sender ‖ seq`: the payload's associated data and the start of what the
    /// signature covers.
    fn bound_to(&self, head: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(head.len() + 24);
        out.extend_from_slice(head);
        self.encode(&mut out);
        out
    }
}

/// The sender data's own key, so nothing sealed under the envelope key can be replayed as
/// sender data or the other way round. Derived per envelope: two HMACs, next to an Ed25519
/// verification.
fn sender_data_cipher(doc_key: &DocKey) -> XChaCha20Poly1305 {
    let mut key = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(label::DOC_KEY_SALT), doc_key.secret_bytes())
        .expand(label::SENDER_DATA_KEY, &mut key[..])
        .expect("32 bytes is far below HKDF-SHA256's 8160-byte output limit");
    XChaCha20Poly1305::new_from_slice(&key[..])
        .expect("the derived key is exactly 32 bytes, XChaCha20-Poly1305's key length")
}

/// An envelope whose layout has been checked; nothing in it is authenticated yet.
pub struct DecodedEnvelope<'a> {
    clear: ClearHeader,
    bytes: &'a [u8],
}

impl<'a> DecodedEnvelope<'a> {
    /// Checks the size bound (`max_len`, itself capped at [`MAX_ENVELOPE_LEN`]), the version and
    /// the fixed-length parts, in that order, without any cryptography. Version 1 (sender in
    /// clear) is still read, so a device does not lose what a peer sent before updating; only
    /// version 2 is sealed.
    pub fn decode(bytes: &'a [u8], max_len: usize) -> Result<Self, EnvelopeError> {
        if bytes.len() > max_len.min(MAX_ENVELOPE_LEN) {
            return Err(EnvelopeError::TooLarge);
        }
        let version = *bytes.first().ok_or(EnvelopeError::Truncated)?;
        let min_len = match version {
            VERSION => ENVELOPE_OVERHEAD,
            v1::VERSION => v1::OVERHEAD,
            other => return Err(EnvelopeError::UnsupportedVersion(other)),
        };
        if bytes.len() < min_len {
            return Err(EnvelopeError::Truncated);
        }
        let mut r = Fixed(&bytes[1..21]);
        let clear = ClearHeader {
            version,
            stream: StreamId(r.take()),
            epoch: u32::from_be_bytes(r.take()),
        };
        Ok(DecodedEnvelope { clear, bytes })
    }

    /// What the relay sees too, not yet authenticated.
    pub fn clear_header(&self) -> &ClearHeader {
        &self.clear
    }

    /// Opens the sender data with `doc_key`, which must be the key of the header's epoch. Only
    /// a holder of the document key can make sender data that opens; a block changed on the way
    /// fails here, before any lookup. (Version 1 has its sender in clear: nothing to open.)
    pub fn open_sender(self, doc_key: &DocKey) -> Result<SenderOpened<'a>, EnvelopeError> {
        if doc_key.epoch() != self.clear.epoch {
            return Err(EnvelopeError::EpochMismatch);
        }
        if self.clear.version == v1::VERSION {
            return Ok(v1::split(self.clear, self.bytes));
        }
        let (head, rest) = self.bytes.split_at(HEADER_LEN);
        let (sealed, ciphertext) = rest.split_at(SENDER_DATA_LEN);
        let nonce: [u8; NONCE_LEN] = Fixed(&head[HEADER_LEN - NONCE_LEN..]).take();
        let plain = Zeroizing::new(
            sender_data_cipher(doc_key)
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: sealed,
                        aad: head,
                    },
                )
                .map_err(|_| EnvelopeError::BadSenderData)?,
        );
        let mut r = Fixed(&plain);
        let sender = SenderData {
            sender: KeyId(r.take()),
            seq: u64::from_be_bytes(r.take()),
        };
        let signature: [u8; SIGNATURE_LEN] = r.take();
        Ok(SenderOpened {
            header: self.clear.with(&sender),
            signature,
            sealed: Sealed {
                aad: sender.bound_to(head),
                nonce,
                ciphertext,
                label: label::ENVELOPE_SIG_V2,
                padded: true,
            },
        })
    }
}

impl fmt::Debug for DecodedEnvelope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodedEnvelope")
            .field("clear", &self.clear)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl ClearHeader {
    fn with(&self, sender: &SenderData) -> EnvelopeHeader {
        EnvelopeHeader {
            version: self.version,
            stream: self.stream,
            epoch: self.epoch,
            sender: sender.sender,
            seq: sender.seq,
        }
    }
}

/// The signed and encrypted parts of an envelope, the same for both versions: the signature
/// covers `label ‖ aad ‖ ciphertext` and the payload's AEAD takes `aad`.
struct Sealed<'a> {
    aad: Vec<u8>,
    nonce: [u8; NONCE_LEN],
    ciphertext: &'a [u8],
    label: &'static [u8],
    /// Version 2 pads the plaintext to its bucket; version 1 did not.
    padded: bool,
}

/// An envelope whose sender data opened: it names a sender and a sequence number, not yet
/// proven by a signature.
pub struct SenderOpened<'a> {
    header: EnvelopeHeader,
    signature: [u8; SIGNATURE_LEN],
    sealed: Sealed<'a>,
}

impl<'a> SenderOpened<'a> {
    /// The header as claimed by the sender data, not yet authenticated.
    pub fn header(&self) -> &EnvelopeHeader {
        &self.header
    }

    /// Checks the signature with the sender's keys from `lookup` (which returns `None` for a
    /// device the engine does not know). The keys must hash to the claimed sender id, so a
    /// lookup that returned the wrong device's keys fails closed.
    pub fn verify(
        self,
        lookup: impl FnOnce(&KeyId) -> Option<DevicePublicKeys>,
    ) -> Result<VerifiedEnvelope<'a>, EnvelopeError> {
        let keys = lookup(&self.header.sender).ok_or(EnvelopeError::UnknownSender)?;
        if keys.key_id() != self.header.sender {
            return Err(EnvelopeError::UnknownSender);
        }
        let s = &self.sealed;
        if !verify(&keys, &[s.label, &s.aad, s.ciphertext], &self.signature) {
            return Err(EnvelopeError::BadSignature);
        }
        Ok(VerifiedEnvelope {
            header: self.header,
            sealed: self.sealed,
        })
    }
}

impl fmt::Debug for SenderOpened<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SenderOpened")
            .field("header", &self.header)
            .field("ciphertext_len", &self.sealed.ciphertext.len())
            .finish()
    }
}

/// An envelope whose sender signed exactly these bytes. Its header can now be trusted for the
/// engine's permission, epoch and sequence checks; the payload is still encrypted.
pub struct VerifiedEnvelope<'a> {
    header: EnvelopeHeader,
    sealed: Sealed<'a>,
}

impl VerifiedEnvelope<'_> {
    pub fn header(&self) -> &EnvelopeHeader {
        &self.header
    }

    /// Decrypts the payload with the document key for the header's epoch and strips its
    /// padding.
    pub fn decrypt(&self, doc_key: &DocKey) -> Result<Vec<u8>, EnvelopeError> {
        if doc_key.epoch() != self.header.epoch {
            return Err(EnvelopeError::EpochMismatch);
        }
        let s = &self.sealed;
        let plain = doc_key
            .envelope_cipher()
            .decrypt(
                XNonce::from_slice(&s.nonce),
                Payload {
                    msg: s.ciphertext,
                    aad: &s.aad,
                },
            )
            .map_err(|_| EnvelopeError::DecryptFailed)?;
        if !s.padded {
            return Ok(plain);
        }
        padding::unpad(plain).ok_or(EnvelopeError::BadPadding)
    }
}

impl fmt::Debug for VerifiedEnvelope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedEnvelope")
            .field("header", &self.header)
            .field("ciphertext_len", &self.sealed.ciphertext.len())
            .finish()
    }
}

/// Version 1, read only: `version ‖ stream ‖ epoch ‖ sender ‖ seq ‖ nonce` in clear (69
/// bytes, all of it the payload's associated data), the payload's ciphertext, then the
/// signature over everything before it.
mod v1 {
    use super::*;

    pub const VERSION: u8 = 1;
    const HEADER_LEN: usize = 1 + 16 + 4 + 16 + 8 + NONCE_LEN;
    pub const OVERHEAD: usize = HEADER_LEN + TAG_LEN + SIGNATURE_LEN;

    /// `bytes` is at least [`OVERHEAD`] long (checked by `decode`).
    pub fn split<'a>(clear: ClearHeader, bytes: &'a [u8]) -> SenderOpened<'a> {
        let (signed, signature) = bytes.split_at(bytes.len() - SIGNATURE_LEN);
        let (head, ciphertext) = signed.split_at(HEADER_LEN);
        let mut r = Fixed(&head[21..]);
        let sender = SenderData {
            sender: KeyId(r.take()),
            seq: u64::from_be_bytes(r.take()),
        };
        SenderOpened {
            header: clear.with(&sender),
            signature: Fixed(signature).take(),
            sealed: Sealed {
                aad: head.to_vec(),
                nonce: r.take(),
                ciphertext,
                label: label::ENVELOPE_SIG,
                padded: false,
            },
        }
    }
}

/// Reads fixed-size fields from a slice whose length was checked beforehand.
struct Fixed<'a>(&'a [u8]);

impl Fixed<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        head.try_into()
            .expect("split_at(N) yields exactly N bytes; the caller checked the total length")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn setup() -> (DocKey, DeviceIdentity, StreamId) {
        (
            DocKey::generate(3).expect("rng"),
            DeviceIdentity::generate().expect("rng"),
            StreamId([7; 16]),
        )
    }

    fn open(bytes: &[u8], key: &DocKey, id: &DeviceIdentity) -> Result<Vec<u8>, EnvelopeError> {
        DecodedEnvelope::decode(bytes, MAX_ENVELOPE_LEN)?
            .open_sender(key)?
            .verify(|_| Some(id.public_keys()))?
            .decrypt(key)
    }

    /// A share member (who holds the document key) re-encrypts the sender data of an envelope
    /// with `edit` applied to its plaintext, keeping the nonce.
    fn reseal_sender_data(
        bytes: &mut [u8],
        key: &DocKey,
        edit: impl FnOnce(&mut [u8; SENDER_DATA_PLAIN_LEN]),
    ) {
        let (head, rest) = bytes.split_at_mut(HEADER_LEN);
        let nonce = XNonce::from_slice(&head[HEADER_LEN - NONCE_LEN..]).to_owned();
        let cipher = sender_data_cipher(key);
        let plain = cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: &rest[..SENDER_DATA_LEN],
                    aad: head,
                },
            )
            .expect("opens");
        let mut plain: [u8; SENDER_DATA_PLAIN_LEN] = plain.try_into().expect("fixed length");
        edit(&mut plain);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plain,
                    aad: head,
                },
            )
            .expect("seals");
        rest[..SENDER_DATA_LEN].copy_from_slice(&sealed);
    }

    #[test]
    fn a_small_payload_fills_the_floor_bucket() {
        let (key, id, stream) = setup();
        let sealed = seal(&key, &id, stream, 1, &[0u8; 100]).expect("seal");
        assert_eq!(sealed.len(), padding::FLOOR);
        assert_eq!(ENVELOPE_OVERHEAD, 166);
        assert_eq!(open(&sealed, &key, &id).expect("opens"), vec![0u8; 100]);
    }

    #[test]
    fn the_largest_payload_pads_to_the_largest_envelope() {
        let (key, id, stream) = setup();
        let sealed = seal(&key, &id, stream, 1, &vec![1u8; MAX_PAYLOAD_LEN]).expect("seal");
        assert_eq!(sealed.len(), MAX_ENVELOPE_LEN);
        assert_eq!(
            seal(&key, &id, stream, 1, &vec![1u8; MAX_PAYLOAD_LEN + 1]),
            Err(SealError::PayloadTooLarge)
        );
    }

    #[test]
    fn neither_sender_nor_sequence_number_nor_payload_is_in_the_bytes() {
        let (key, id, stream) = setup();
        let canary = b"CANARY-relapse-plan-CANARY";
        let seq: u64 = 0x0102_0304_0506_0708;
        let sealed = seal(&key, &id, stream, seq, canary).expect("seal");
        let contains = |needle: &[u8]| sealed.windows(needle.len()).any(|w| w == needle);
        assert!(!contains(canary));
        assert!(!contains(id.key_id().as_bytes()));
        assert!(!contains(&seq.to_be_bytes()));
    }

    #[test]
    fn a_flipped_bit_in_the_sender_data_is_refused_before_any_lookup() {
        let (key, id, stream) = setup();
        let sealed = seal(&key, &id, stream, 1, b"changes").expect("seal");
        for at in HEADER_LEN..HEADER_LEN + SENDER_DATA_LEN {
            let mut forged = sealed.clone();
            forged[at] ^= 0x01;
            let refused = DecodedEnvelope::decode(&forged, MAX_ENVELOPE_LEN)
                .expect("layout is fine")
                .open_sender(&key)
                .expect_err("must be refused");
            assert_eq!(refused, EnvelopeError::BadSenderData, "byte {at}");
        }
    }

    #[test]
    fn sender_data_sealed_by_another_share_member_does_not_verify() {
        // A mentor holding the document key rewrites who wrote an envelope, or its sequence
        // number: the sender data opens, the signature does not verify.
        let (key, id, stream) = setup();
        let sealed = seal(&key, &id, stream, 5, b"changes").expect("seal");
        let mut new_seq = sealed.clone();
        reseal_sender_data(&mut new_seq, &key, |p| {
            p[16..24].copy_from_slice(&6u64.to_be_bytes())
        });
        assert_eq!(open(&new_seq, &key, &id), Err(EnvelopeError::BadSignature));

        let other = DeviceIdentity::generate().expect("rng");
        let mut new_sender = sealed.clone();
        reseal_sender_data(&mut new_sender, &key, |p| {
            p[..16].copy_from_slice(other.key_id().as_bytes())
        });
        let claimed = DecodedEnvelope::decode(&new_sender, MAX_ENVELOPE_LEN)
            .expect("decodes")
            .open_sender(&key)
            .expect("a share member's sender data opens");
        assert_eq!(claimed.header().sender, other.key_id());
        assert_eq!(
            claimed.verify(|_| Some(other.public_keys())).map(|_| ()),
            Err(EnvelopeError::BadSignature)
        );
    }

    #[test]
    fn the_clear_header_is_bound_to_both_encryptions() {
        let (key, id, stream) = setup();
        let sealed = seal(&key, &id, stream, 1, b"changes").expect("seal");
        for at in 1..HEADER_LEN {
            let mut moved = sealed.clone();
            moved[at] ^= 0x80;
            let same_bytes_other_epoch = DocKey::from_secret_bytes(
                u32::from_be_bytes(moved[17..21].try_into().expect("4 bytes")),
                key.secret_bytes(),
            );
            assert!(
                matches!(
                    open(&moved, &same_bytes_other_epoch, &id),
                    Err(EnvelopeError::BadSenderData)
                ),
                "header byte {at}"
            );
        }
    }

    #[test]
    fn a_key_of_another_epoch_is_refused_before_decrypting() {
        let (key, id, stream) = setup();
        let sealed = seal(&key, &id, stream, 1, b"changes").expect("seal");
        let next = DocKey::generate(4).expect("rng");
        assert_eq!(open(&sealed, &next, &id), Err(EnvelopeError::EpochMismatch));
    }

    /// An envelope as a device that has not updated seals it (version 1, sender in clear).
    fn seal_v1(
        key: &DocKey,
        id: &DeviceIdentity,
        stream: StreamId,
        seq: u64,
        payload: &[u8],
    ) -> Vec<u8> {
        let nonce = [9u8; NONCE_LEN];
        let mut out = vec![1u8];
        out.extend_from_slice(&stream.0);
        out.extend_from_slice(&key.epoch().to_be_bytes());
        out.extend_from_slice(id.key_id().as_bytes());
        out.extend_from_slice(&seq.to_be_bytes());
        out.extend_from_slice(&nonce);
        let ciphertext = key
            .envelope_cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: payload,
                    aad: &out,
                },
            )
            .expect("seals");
        out.extend_from_slice(&ciphertext);
        let signature = id.sign(&[label::ENVELOPE_SIG, &out]);
        out.extend_from_slice(&signature);
        out
    }

    #[test]
    fn a_version_1_envelope_from_a_peer_that_has_not_updated_still_opens() {
        let (key, id, stream) = setup();
        let old = seal_v1(&key, &id, stream, 4, b"changes from before the update");
        assert_eq!(old.len(), 30 + 149);
        let opened = DecodedEnvelope::decode(&old, MAX_ENVELOPE_LEN)
            .expect("version 1 is still read")
            .open_sender(&key)
            .expect("nothing to open");
        assert_eq!(
            (opened.header().sender, opened.header().seq),
            (id.key_id(), 4)
        );
        assert_eq!(
            opened
                .verify(|_| Some(id.public_keys()))
                .expect("signed")
                .decrypt(&key)
                .expect("opens"),
            b"changes from before the update"
        );
        // Its clear sender and sequence number are still covered by the signature.
        let mut renumbered = old.clone();
        renumbered[44] ^= 1;
        assert_eq!(
            open(&renumbered, &key, &id),
            Err(EnvelopeError::BadSignature)
        );
        // A version 2 signature is not a version 1 signature: the labels differ.
        let v2 = seal(&key, &id, stream, 4, b"x").expect("seal");
        let mut relabelled = v2.clone();
        relabelled[0] = 1;
        assert!(open(&relabelled, &key, &id).is_err());
        assert_eq!(
            DecodedEnvelope::decode(&[3u8; 600], MAX_ENVELOPE_LEN).map(|_| ()),
            Err(EnvelopeError::UnsupportedVersion(3))
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn envelope_lengths_fall_on_the_buckets(len in 0usize..300_000) {
            let (key, id, stream) = setup();
            let payload = vec![0x5a; len];
            let sealed = seal(&key, &id, stream, 1, &payload).expect("seal");
            prop_assert_eq!(sealed.len(), padded_envelope_len(len));
            prop_assert_eq!(open(&sealed, &key, &id).expect("opens"), payload);
        }

        #[test]
        fn tampered_sender_data_is_refused_with_a_typed_error(
            at in 0usize..SENDER_DATA_LEN,
            flip in 1u8..=255,
            len in 0usize..2_000,
        ) {
            let (key, id, stream) = setup();
            let mut sealed = seal(&key, &id, stream, 1, &vec![3u8; len]).expect("seal");
            sealed[HEADER_LEN + at] ^= flip;
            prop_assert_eq!(open(&sealed, &key, &id), Err(EnvelopeError::BadSenderData));
        }
    }
}
