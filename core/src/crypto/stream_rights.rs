//! Who may append to a stream on the relay, and the stream's self-certifying id (ADR 0022).
//!
//! A stream made since ADR 0022 has an append token of its own: random per document per epoch,
//! given in their grants only to the devices that may write (a channel's comes from its key:
//! both of its devices write it). Readers get its hash only, which is all they need to register
//! the stream and to check its id. The id is a hash of both token hashes, so the relay can
//! check that whoever registers an id registers it with the tokens it was made from: learning
//! an id no longer lets anyone take it first.

use sha2::{Digest, Sha256};

use super::envelope::StreamId;
use super::keys::{CapabilityToken, DocKey};
use super::{label, random_secret, RngUnavailable};

/// This device's right to append to one stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendRight {
    /// A stream made before ADR 0022: its id is random and both tokens come from the key and
    /// the id, so every holder of the key can append.
    Legacy,
    /// This device writes the stream: it holds the append token.
    Writer(CapabilityToken),
    /// This device only reads the stream: it knows the append token's hash, not the token.
    Reader([u8; 32]),
}

impl AppendRight {
    /// A fresh append token for a new document stream (one per document per epoch).
    pub fn generate() -> Result<AppendRight, RngUnavailable> {
        let secret = random_secret::<32>()?;
        Ok(AppendRight::Writer(CapabilityToken(*secret)))
    }

    /// A channel's right: both of its devices hold its key, and both write it.
    pub fn channel(key: &DocKey) -> AppendRight {
        AppendRight::Writer(key.channel_append_token())
    }

    /// What a device holds of this right once it only reads the stream.
    pub fn reader(&self, key: &DocKey, stream: &StreamId) -> AppendRight {
        match self {
            AppendRight::Legacy => AppendRight::Legacy,
            other => AppendRight::Reader(other.append_hash(key, stream)),
        }
    }

    /// The token that reads `stream`, whose key is `key`.
    pub fn read_token(&self, key: &DocKey, stream: &StreamId) -> CapabilityToken {
        match self {
            AppendRight::Legacy => key.legacy_read_token(stream),
            AppendRight::Writer(_) | AppendRight::Reader(_) => key.read_token(),
        }
    }

    /// The token that appends to `stream`, if this device may.
    pub fn append_token(&self, key: &DocKey, stream: &StreamId) -> Option<CapabilityToken> {
        match self {
            AppendRight::Legacy => Some(key.legacy_append_token(stream)),
            AppendRight::Writer(token) => Some(token.clone()),
            AppendRight::Reader(_) => None,
        }
    }

    /// The append token's hash, which the relay keeps and readers register the stream with.
    pub fn append_hash(&self, key: &DocKey, stream: &StreamId) -> [u8; 32] {
        match self {
            AppendRight::Legacy => key.legacy_append_token(stream).hash(),
            AppendRight::Writer(token) => token.hash(),
            AppendRight::Reader(hash) => *hash,
        }
    }

    /// The id of the stream this right and `key` make, or `None` for a legacy stream (whose
    /// id was random).
    pub fn stream_id(&self, key: &DocKey) -> Option<StreamId> {
        match self {
            AppendRight::Legacy => None,
            AppendRight::Writer(token) => {
                Some(stream_id_for(&key.read_token().hash(), &token.hash()))
            }
            AppendRight::Reader(hash) => Some(stream_id_for(&key.read_token().hash(), hash)),
        }
    }

    /// The token itself, to store in the encrypted database (`None` when not held).
    pub fn token_bytes(&self) -> Option<&[u8; 32]> {
        match self {
            AppendRight::Writer(token) => Some(token.as_bytes()),
            AppendRight::Legacy | AppendRight::Reader(_) => None,
        }
    }
}

/// A stream's id: `H("twofold/v2/stream-id" ‖ read token hash ‖ append token hash)[0..16]`.
/// The relay computes the same from what a `PUT` registers (`relay/src/ids.rs`).
pub fn stream_id_for(read_hash: &[u8; 32], append_hash: &[u8; 32]) -> StreamId {
    let digest = Sha256::new()
        .chain_update(label::STREAM_ID)
        .chain_update(read_hash)
        .chain_update(append_hash)
        .finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    StreamId(id)
}

/// Whether `stream` is the id that `key` and an append token hashing to `append_hash` make.
pub fn certifies(stream: &StreamId, key: &DocKey, append_hash: &[u8; 32]) -> bool {
    stream_id_for(&key.read_token().hash(), append_hash) == *stream
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::token_hash;

    #[test]
    fn a_writer_and_its_readers_name_the_same_certified_stream() {
        let key = DocKey::generate(3).expect("rng");
        let writer = AppendRight::generate().expect("rng");
        let stream = writer.stream_id(&key).expect("version 2");
        let reader = writer.reader(&key, &stream);
        assert_eq!(reader.stream_id(&key), Some(stream));
        assert_eq!(
            reader.append_hash(&key, &stream),
            writer.append_hash(&key, &stream)
        );
        assert_eq!(
            reader.read_token(&key, &stream),
            writer.read_token(&key, &stream)
        );
        assert!(reader.append_token(&key, &stream).is_none());
        assert!(certifies(&stream, &key, &reader.append_hash(&key, &stream)));
        let token = writer
            .append_token(&key, &stream)
            .expect("a writer appends");
        assert_eq!(
            token_hash(token.as_bytes()),
            writer.append_hash(&key, &stream)
        );
    }

    #[test]
    fn the_id_covers_both_tokens() {
        let key = DocKey::generate(0).expect("rng");
        let other_key = DocKey::generate(0).expect("rng");
        let writer = AppendRight::generate().expect("rng");
        let other_writer = AppendRight::generate().expect("rng");
        let stream = writer.stream_id(&key).expect("version 2");
        assert_ne!(other_writer.stream_id(&key), Some(stream));
        assert_ne!(writer.stream_id(&other_key), Some(stream));
        assert!(!certifies(
            &stream,
            &other_key,
            &writer.append_hash(&key, &stream)
        ));
        assert!(!certifies(
            &stream,
            &key,
            &other_writer.append_hash(&key, &stream)
        ));
        assert!(!certifies(
            &StreamId([0; 16]),
            &key,
            &writer.append_hash(&key, &stream)
        ));
    }

    #[test]
    fn a_channel_right_is_the_same_on_both_ends_and_appends() {
        let key = DocKey::generate(0).expect("rng");
        let (a, b) = (
            AppendRight::channel(&key),
            AppendRight::channel(&key.clone()),
        );
        assert_eq!(a, b);
        let stream = a.stream_id(&key).expect("version 2");
        assert!(a.append_token(&key, &stream).is_some());
        assert_ne!(
            a.stream_id(&DocKey::generate(0).expect("rng")),
            Some(stream)
        );
    }

    #[test]
    fn a_legacy_right_keeps_the_version_one_tokens() {
        let key = DocKey::generate(0).expect("rng");
        let stream = StreamId([5; 16]);
        let legacy = AppendRight::Legacy;
        assert_eq!(legacy.stream_id(&key), None);
        assert_eq!(
            legacy.read_token(&key, &stream),
            key.legacy_read_token(&stream)
        );
        assert_eq!(
            legacy.append_token(&key, &stream),
            Some(key.legacy_append_token(&stream))
        );
        assert_eq!(legacy.reader(&key, &stream), AppendRight::Legacy);
    }

    #[test]
    fn debug_output_hides_the_append_token() {
        let right = AppendRight::generate().expect("rng");
        let shown = format!("{right:?}");
        let token = right.token_bytes().expect("a writer holds it");
        assert!(!shown.contains(&hex::encode(token)));
    }
}
