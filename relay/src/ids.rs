//! Stream and mailbox ids, capability tokens and their hashes, in their wire spellings.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::RelayError;

/// Must equal `twofold_core::crypto::label::TOKEN_HASH`, or no client could ever authenticate.
const TOKEN_HASH_LABEL: &[u8] = b"twofold/v1/token-hash";

/// Must equal `twofold_core::crypto::label::STREAM_ID`: the ids the relay checks are the ones
/// clients derive.
const STREAM_ID_LABEL: &[u8] = b"twofold/v2/stream-id";

/// The id a stream registered with these token hashes must have (ADR 0022): a hash of both,
/// so nobody who learns an id can register it first with tokens of their own.
pub fn certified_stream_id(read: &TokenHash, append: &TokenHash) -> Id {
    Id(stream_id_for_hashes(&read.0, &append.0))
}

/// [`certified_stream_id`] on the raw hashes, for clients of the relay (its tests, benches).
pub fn stream_id_for_hashes(read: &[u8; 32], append: &[u8; 32]) -> [u8; 16] {
    let digest = Sha256::new()
        .chain_update(STREAM_ID_LABEL)
        .chain_update(read)
        .chain_update(append)
        .finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    id
}

/// A 16-byte stream or mailbox id, spelled as 32 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub [u8; 16]);

impl Id {
    pub fn parse(text: &str) -> Result<Self, RelayError> {
        parse_lower_hex(text).map(Id).ok_or(RelayError::BadRequest(
            "ids are 32 lowercase hex characters",
        ))
    }

    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.hex())
    }
}

/// What the relay keeps of a capability token.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn parse_hex(text: &str) -> Result<Self, RelayError> {
        parse_lower_hex(text)
            .map(TokenHash)
            .ok_or(RelayError::BadRequest(
                "token hashes are 64 lowercase hex characters",
            ))
    }

    /// Constant time, so response timing does not reveal how much of a guess was right.
    pub fn matches(&self, other: &TokenHash) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(..)")
    }
}

/// The domain-separated SHA-256 of a presented token, as the core computes it.
pub fn token_hash(token: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update(TOKEN_HASH_LABEL)
        .chain_update(token)
        .finalize()
        .into()
}

/// Decodes a presented token (32 bytes, base64url without padding) straight into its hash, so
/// the token itself is never kept. Anything malformed is `None`, and callers answer exactly as
/// for a wrong token.
pub fn presented_token_hash(text: &str) -> Option<TokenHash> {
    let bytes = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
    (bytes.len() == 32).then(|| TokenHash(token_hash(&bytes)))
}

fn parse_lower_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

/// SHA-256 of an envelope, the key of duplicate detection.
pub fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_hex_only() {
        assert!(Id::parse("00112233445566778899aabbccddeeff").is_ok());
        assert!(Id::parse("00112233445566778899AABBCCDDEEFF").is_err());
        assert!(Id::parse("0011").is_err());
        assert!(Id::parse("zz112233445566778899aabbccddeeff").is_err());
    }

    #[test]
    fn a_certified_id_covers_both_hashes_in_order() {
        let (a, b) = (TokenHash([1; 32]), TokenHash([2; 32]));
        let id = certified_stream_id(&a, &b);
        assert_ne!(id, certified_stream_id(&b, &a));
        assert_ne!(id, certified_stream_id(&a, &a));
        assert_eq!(id, certified_stream_id(&a, &b));
    }

    #[test]
    fn malformed_tokens_have_no_hash() {
        assert!(presented_token_hash("").is_none());
        assert!(presented_token_hash("not base64!").is_none());
        assert!(presented_token_hash(&URL_SAFE_NO_PAD.encode([1u8; 31])).is_none());
        let hash = presented_token_hash(&URL_SAFE_NO_PAD.encode([1u8; 32])).expect("valid token");
        assert!(hash.matches(&TokenHash(token_hash(&[1u8; 32]))));
    }
}
