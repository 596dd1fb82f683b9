//! What an envelope carries once decrypted: a type byte, then either Automerge change chunks
//! (concatenated, exactly as Automerge writes them) or a control message (a length-prefixed
//! JSON part and a binary tail).

use std::panic::{catch_unwind, AssertUnwindSafe};

use automerge::Change;

use crate::docs::guarded_load::{chunk_spans, ChunkKind, LoadLimits};
use crate::sync::control::{ControlMessage, MAX_CONTROL_JSON};
use crate::sync::types::RejectReason;

const CHANGES: u8 = 1;
const CONTROL: u8 = 2;

#[derive(Debug)]
pub enum Payload<'a> {
    Changes(&'a [u8]),
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
        CHANGES if !rest.is_empty() => Ok(Payload::Changes(rest)),
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
            let message = serde_json::from_slice(json).map_err(|_| RejectReason::BadControl)?;
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
                let _ = parse_changes(c, LoadLimits::default());
            }
        }
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
