//! What an envelope carries once decrypted: a type byte, then either Automerge change chunks
//! (concatenated, exactly as Automerge writes them), with or before them their authors'
//! signatures (type 3, `docs/protocol.md` "Payload"), or a control message (a length-prefixed
//! JSON part and a binary tail).

use std::panic::{catch_unwind, AssertUnwindSafe};

use automerge::Change;

use crate::crypto::change_signature::CHANGE_SIGNATURE_LEN;
use crate::docs::guarded_load::{chunk_spans, ChunkKind, LoadLimits};
use crate::json_bytes;
use crate::sync::control::{ControlMessage, MAX_CONTROL_JSON};
use crate::sync::types::RejectReason;

const CHANGES: u8 = 1;
const CONTROL: u8 = 2;
const SIGNED_CHANGES: u8 = 3;

/// Change chunks and the signatures that came with them: one per change whose author is not
/// a schema actor, in the order of the changes (none at all in a type 1 payload).
#[derive(Debug, Clone, Copy)]
pub struct ChangeBatch<'a> {
    pub chunks: &'a [u8],
    signatures: &'a [u8],
}

impl<'a> ChangeBatch<'a> {
    pub fn signatures(&self) -> impl Iterator<Item = [u8; CHANGE_SIGNATURE_LEN]> + 'a {
        self.signatures
            .chunks_exact(CHANGE_SIGNATURE_LEN)
            .filter_map(|s| s.try_into().ok())
    }

    pub fn signature_count(&self) -> usize {
        self.signatures.len() / CHANGE_SIGNATURE_LEN
    }
}

#[derive(Debug)]
pub enum Payload<'a> {
    Changes(ChangeBatch<'a>),
    Control {
        message: ControlMessage,
        tail: &'a [u8],
    },
}

pub fn encode_changes<'a>(changes: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = vec![CHANGES];
    for change in changes {
        out.extend_from_slice(change);
    }
    out
}

/// Change chunks with their authors' signatures (`signatures` in the order of the changes
/// that need one: every change not by a schema actor).
pub fn encode_signed_changes<'a>(
    changes: impl IntoIterator<Item = &'a [u8]>,
    signatures: &[[u8; CHANGE_SIGNATURE_LEN]],
) -> Vec<u8> {
    let n = u32::try_from(signatures.len()).expect("far fewer signatures than 4 billion");
    let mut out = vec![SIGNED_CHANGES];
    out.extend_from_slice(&n.to_be_bytes());
    for signature in signatures {
        out.extend_from_slice(signature);
    }
    for change in changes {
        out.extend_from_slice(change);
    }
    out
}

pub fn encode_control(message: &ControlMessage, tail: &[u8]) -> Vec<u8> {
    let json = serde_json::to_vec(message).expect("control messages are plain data");
    let len = u32::try_from(json.len()).expect("control JSON is far below 4 GiB");
    let mut out = Vec::with_capacity(1 + 4 + json.len() + tail.len());
    out.push(CONTROL);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(tail);
    out
}

pub fn decode(bytes: &[u8]) -> Result<Payload<'_>, RejectReason> {
    let (&kind, rest) = bytes.split_first().ok_or(RejectReason::MalformedPayload)?;
    match kind {
        CHANGES if !rest.is_empty() => Ok(Payload::Changes(ChangeBatch {
            chunks: rest,
            signatures: &[],
        })),
        SIGNED_CHANGES => {
            let (n, rest) = rest
                .split_first_chunk::<4>()
                .ok_or(RejectReason::MalformedPayload)?;
            let n = usize::try_from(u32::from_be_bytes(*n))
                .map_err(|_| RejectReason::MalformedPayload)?;
            let len = n
                .checked_mul(CHANGE_SIGNATURE_LEN)
                .filter(|len| *len < rest.len())
                .ok_or(RejectReason::MalformedPayload)?;
            let (signatures, chunks) = rest.split_at(len);
            Ok(Payload::Changes(ChangeBatch { chunks, signatures }))
        }
        CONTROL => {
            if rest.len() < 4 {
                return Err(RejectReason::BadControl);
            }
            let (len, rest) = rest.split_at(4);
            let len = u32::from_be_bytes(len.try_into().map_err(|_| RejectReason::BadControl)?);
            let len = usize::try_from(len).map_err(|_| RejectReason::BadControl)?;
            if len > MAX_CONTROL_JSON || len > rest.len() {
                return Err(RejectReason::BadControl);
            }
            let (json, tail) = rest.split_at(len);
            let message = json_bytes::from_bytes(json).ok_or(RejectReason::BadControl)?;
            Ok(Payload::Control { message, tail })
        }
        _ => Err(RejectReason::MalformedPayload),
    }
}

/// Parses concatenated change chunks, with the guarded walk first (size, framing, bounded
/// inflation) and Automerge's parser's panics contained. Document chunks are refused here:
/// snapshots only come inside grants.
pub fn parse_changes(bytes: &[u8], limits: LoadLimits) -> Result<Vec<Change>, RejectReason> {
    let spans = chunk_spans(bytes, limits).map_err(|_| RejectReason::MalformedPayload)?;
    let mut changes = Vec::with_capacity(spans.len());
    for (kind, range) in spans {
        if kind != ChunkKind::Change {
            return Err(RejectReason::MalformedPayload);
        }
        let chunk = &bytes[range];
        let change = catch_unwind(AssertUnwindSafe(|| Change::try_from(chunk)))
            .map_err(|_| RejectReason::MalformedPayload)?
            .map_err(|_| RejectReason::MalformedPayload)?;
        changes.push(change);
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(Payload::Changes(c)) = decode(&bytes) {
                prop_assert_eq!(c.signatures().count(), c.signature_count());
                prop_assert!(!c.chunks.is_empty());
                let _ = parse_changes(c.chunks, LoadLimits::default());
            }
        }

        #[test]
        fn signed_changes_round_trip(
            chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..40), 1..5),
            n in 0usize..6,
        ) {
            let signatures: Vec<[u8; 64]> = (0..n).map(|i| [i as u8; 64]).collect();
            let bytes = encode_signed_changes(chunks.iter().map(Vec::as_slice), &signatures);
            let Ok(Payload::Changes(batch)) = decode(&bytes) else {
                panic!("a signed batch decodes");
            };
            let joined = chunks.concat();
            prop_assert_eq!(batch.chunks, joined.as_slice());
            prop_assert_eq!(batch.signatures().collect::<Vec<_>>(), signatures);
        }
    }

    #[test]
    fn a_signature_count_past_the_bytes_is_refused() {
        let mut bytes = encode_signed_changes([&b"chunk"[..]], &[[1; 64]]);
        bytes[1..5].copy_from_slice(&2u32.to_be_bytes());
        assert_eq!(decode(&bytes).err(), Some(RejectReason::MalformedPayload));
        bytes[1..5].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(decode(&bytes).err(), Some(RejectReason::MalformedPayload));
        // Signatures and no change at all.
        let only = encode_signed_changes(std::iter::empty(), &[[1; 64]]);
        assert_eq!(decode(&only).err(), Some(RejectReason::MalformedPayload));
    }

    #[test]
    fn control_messages_round_trip_with_their_tail() {
        let message = ControlMessage::Revoked {
            doc_id: "0".repeat(32),
            reason: "revoked".into(),
        };
        let bytes = encode_control(&message, b"tail");
        match decode(&bytes).expect("decode") {
            Payload::Control { message: m, tail } => {
                assert_eq!(m, message);
                assert_eq!(tail, b"tail");
            }
            other => panic!("{other:?}"),
        }
        let mut long = bytes.clone();
        long[1..5].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(decode(&long).err(), Some(RejectReason::BadControl));
    }
}
