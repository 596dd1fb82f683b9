//! The envelope: one batch of Automerge changes (or a snapshot) of one document, encrypted with
//! the document key and signed by the device that wrote it.
//!
//! Receiving is split into typed steps so the sync engine can put its own checks in between, in
//! the order issue 6 demands:
//!
//! ```text
//! DecodedEnvelope::decode   size bound, version, length         (no crypto yet)
//!   .verify(lookup)         sender known, Ed25519 signature      → VerifiedEnvelope
//! engine:                   sender may write this stream/epoch, sequence (replay, gap)
//! VerifiedEnvelope::decrypt XChaCha20-Poly1305 with the header as associated data
//! ```
//!
//! The AEAD key is shared by every device of a share, so it proves only "someone in the share";
//! the signature is what says which device wrote it. Layout: `docs/protocol.md`.

use std::fmt;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::XNonce;

use super::identity::{verify, DeviceIdentity, DevicePublicKeys, KeyId};
use super::keys::DocKey;
use super::{label, random_bytes, RngUnavailable};

pub const VERSION: u8 = 1;
/// version ‖ stream ‖ epoch ‖ sender ‖ seq ‖ nonce.
pub const HEADER_LEN: usize = 1 + 16 + 4 + 16 + 8 + 24;
const TAG_LEN: usize = 16;
const SIGNATURE_LEN: usize = 64;
/// Bytes an envelope adds to its payload: header, AEAD tag and signature (149).
pub const ENVELOPE_OVERHEAD: usize = HEADER_LEN + TAG_LEN + SIGNATURE_LEN;
/// The largest envelope sealed or accepted: room for a snapshot of years of data, and a bound
/// on what a hostile peer or relay can make a device allocate.
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

/// The authenticated, unencrypted part of an envelope. Before [`DecodedEnvelope::verify`] it is
/// only a claim; use it then only to look up the sender's keys.
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
    #[error("envelope sender is not a known device")]
    UnknownSender,
    #[error("envelope signature does not verify")]
    BadSignature,
    #[error("envelope epoch does not match the document key's epoch")]
    EpochMismatch,
    #[error("envelope does not decrypt with the document key")]
    DecryptFailed,
}

impl EnvelopeError {
    /// A stable name for "rejected by reason" counters.
    pub fn reason(&self) -> &'static str {
        match self {
            EnvelopeError::TooLarge => "too_large",
            EnvelopeError::Truncated => "truncated",
            EnvelopeError::UnsupportedVersion(_) => "unsupported_version",
            EnvelopeError::UnknownSender => "unknown_sender",
            EnvelopeError::BadSignature => "bad_signature",
            EnvelopeError::EpochMismatch => "epoch_mismatch",
            EnvelopeError::DecryptFailed => "decrypt_failed",
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

/// Encrypts `payload` with `doc_key` (its epoch goes in the header), signs the result as
/// `identity`, and returns the encoded envelope. `seq` is the sender's next sequence number on
/// `stream`; the caller persists it with the outbox row.
pub fn seal(
    doc_key: &DocKey,
    identity: &DeviceIdentity,
    stream: StreamId,
    seq: u64,
    payload: &[u8],
) -> Result<Vec<u8>, SealError> {
    if payload.len() > MAX_ENVELOPE_LEN - ENVELOPE_OVERHEAD {
        return Err(SealError::PayloadTooLarge);
    }
    let header = EnvelopeHeader {
        version: VERSION,
        stream,
        epoch: doc_key.epoch(),
        sender: identity.key_id(),
        seq,
    };
    let nonce: [u8; 24] = random_bytes()?;
    let mut out = Vec::with_capacity(payload.len() + ENVELOPE_OVERHEAD);
    encode_header(&header, &nonce, &mut out);
    let ciphertext = doc_key
        .envelope_cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: payload,
                aad: &out,
            },
        )
        .map_err(|_| SealError::PayloadTooLarge)?;
    out.extend_from_slice(&ciphertext);
    let signature = identity.sign(&[label::ENVELOPE_SIG, &out[..]]);
    out.extend_from_slice(&signature);
    Ok(out)
}

fn encode_header(header: &EnvelopeHeader, nonce: &[u8; 24], out: &mut Vec<u8>) {
    out.push(header.version);
    out.extend_from_slice(&header.stream.0);
    out.extend_from_slice(&header.epoch.to_be_bytes());
    out.extend_from_slice(header.sender.as_bytes());
    out.extend_from_slice(&header.seq.to_be_bytes());
    out.extend_from_slice(nonce);
}

/// An envelope whose layout has been checked but whose signature has not.
pub struct DecodedEnvelope<'a> {
    header: EnvelopeHeader,
    /// The whole envelope, borrowed: the signature covers everything but its own 64 bytes.
    bytes: &'a [u8],
}

impl<'a> DecodedEnvelope<'a> {
    /// Checks the size bound (`max_len`, itself capped at [`MAX_ENVELOPE_LEN`]), the version and
    /// the fixed-length parts, in that order, without any cryptography.
    pub fn decode(bytes: &'a [u8], max_len: usize) -> Result<Self, EnvelopeError> {
        if bytes.len() > max_len.min(MAX_ENVELOPE_LEN) {
            return Err(EnvelopeError::TooLarge);
        }
        let version = *bytes.first().ok_or(EnvelopeError::Truncated)?;
        if version != VERSION {
            return Err(EnvelopeError::UnsupportedVersion(version));
        }
        if bytes.len() < ENVELOPE_OVERHEAD {
            return Err(EnvelopeError::Truncated);
        }
        let mut r = Fixed(&bytes[1..HEADER_LEN]);
        let header = EnvelopeHeader {
            version,
            stream: StreamId(r.take()),
            epoch: u32::from_be_bytes(r.take()),
            sender: KeyId(r.take()),
            seq: u64::from_be_bytes(r.take()),
        };
        Ok(DecodedEnvelope { header, bytes })
    }

    /// The header as claimed by the bytes, not yet authenticated.
    pub fn header(&self) -> &EnvelopeHeader {
        &self.header
    }

    /// Checks the signature with the sender's keys from `lookup` (which returns `None` for a
    /// device the engine does not know). The keys must hash to the header's sender id, so a
    /// lookup that returned the wrong device's keys fails closed.
    pub fn verify(
        self,
        lookup: impl FnOnce(&KeyId) -> Option<DevicePublicKeys>,
    ) -> Result<VerifiedEnvelope<'a>, EnvelopeError> {
        let keys = lookup(&self.header.sender).ok_or(EnvelopeError::UnknownSender)?;
        if keys.key_id() != self.header.sender {
            return Err(EnvelopeError::UnknownSender);
        }
        let (signed, signature) = self.bytes.split_at(self.bytes.len() - SIGNATURE_LEN);
        let signature: &[u8; 64] = signature.try_into().map_err(|_| EnvelopeError::Truncated)?;
        if !verify(&keys, &[label::ENVELOPE_SIG, signed], signature) {
            return Err(EnvelopeError::BadSignature);
        }
        Ok(VerifiedEnvelope {
            header: self.header,
            bytes: self.bytes,
        })
    }
}

impl fmt::Debug for DecodedEnvelope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodedEnvelope")
            .field("header", &self.header)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// An envelope whose sender signed exactly these bytes. Its header can now be trusted for the
/// engine's permission, epoch and sequence checks; the payload is still encrypted.
pub struct VerifiedEnvelope<'a> {
    header: EnvelopeHeader,
    bytes: &'a [u8],
}

impl VerifiedEnvelope<'_> {
    pub fn header(&self) -> &EnvelopeHeader {
        &self.header
    }

    /// Decrypts the payload with the document key for the header's epoch.
    pub fn decrypt(&self, doc_key: &DocKey) -> Result<Vec<u8>, EnvelopeError> {
        if doc_key.epoch() != self.header.epoch {
            return Err(EnvelopeError::EpochMismatch);
        }
        let (aad, rest) = self.bytes.split_at(HEADER_LEN);
        let ciphertext = &rest[..rest.len() - SIGNATURE_LEN];
        let nonce = XNonce::from_slice(&aad[HEADER_LEN - 24..]);
        doc_key
            .envelope_cipher()
            .decrypt(
                nonce,
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map_err(|_| EnvelopeError::DecryptFailed)
    }
}

impl fmt::Debug for VerifiedEnvelope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedEnvelope")
            .field("header", &self.header)
            .field("len", &self.bytes.len())
            .finish()
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
    use super::*;

    fn setup() -> (DocKey, DeviceIdentity, StreamId) {
        (
            DocKey::generate(3).expect("rng"),
            DeviceIdentity::generate().expect("rng"),
            StreamId([7; 16]),
        )
    }

    #[test]
    fn overhead_is_149_bytes() {
        let (key, id, stream) = setup();
        let sealed = seal(&key, &id, stream, 1, &[0u8; 100]).expect("seal");
        assert_eq!(sealed.len(), 100 + 149);
        assert_eq!(ENVELOPE_OVERHEAD, 149);
    }

    #[test]
    fn the_header_is_bound_as_associated_data_even_under_a_valid_signature() {
        // A device in the share re-signs an envelope with a different epoch (and a key whose
        // bytes are the same but whose epoch matches): the AEAD still refuses it.
        let (key, id, stream) = setup();
        let mut sealed = seal(&key, &id, stream, 1, b"changes").expect("seal");
        sealed[17..21].copy_from_slice(&4u32.to_be_bytes());
        let body = sealed.len() - SIGNATURE_LEN;
        let signature = id.sign(&[label::ENVELOPE_SIG, &sealed[..body]]);
        sealed[body..].copy_from_slice(&signature);
        let same_bytes_next_epoch = DocKey::from_secret_bytes(4, key.secret_bytes());
        let verified = DecodedEnvelope::decode(&sealed, MAX_ENVELOPE_LEN)
            .expect("decodes")
            .verify(|_| Some(id.public_keys()))
            .expect("signature is valid");
        assert_eq!(
            verified.decrypt(&same_bytes_next_epoch),
            Err(EnvelopeError::DecryptFailed)
        );
    }

    #[test]
    fn the_payload_is_not_visible_in_the_bytes() {
        let (key, id, stream) = setup();
        let canary = b"CANARY-relapse-plan-CANARY";
        let sealed = seal(&key, &id, stream, 1, canary).expect("seal");
        assert!(!sealed.windows(canary.len()).any(|w| w == canary));
    }
}
