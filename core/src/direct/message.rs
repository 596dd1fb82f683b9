//! The messages of a direct session, inside the Noise channel, and their binary form.
//!
//! ```text
//! offer   = 0x01 version(u8) n(u16) { doc_id(str8) m(u8) { actor(bytes8) seq(u64) }* }*
//! changes = 0x02 doc_id(str8) n(u32) { len(u32) change }*
//! done    = 0x03
//! ```
//! Integers are big-endian; `str8`/`bytes8` are a one-byte length and that many bytes. The
//! decoder reads bytes from the other device: it never panics and names what was wrong.

use thiserror::Error;

/// The protocol version this build speaks; an offer with another one is refused.
pub const VERSION: u8 = 1;

const OFFER: u8 = 1;
const CHANGES: u8 = 2;
const DONE: u8 = 3;

/// Documents in one offer, at most (a person has five; a mentor a few per mentee).
pub const MAX_DOCS: usize = 1024;
/// Authors of one document in an offer, at most.
pub const MAX_ACTORS: usize = 255;
/// Changes in one message, at most.
pub const MAX_CHANGES: usize = 1 << 20;

/// A document one side is willing to sync with this peer, and what it holds of it: the
/// highest sequence number of every author (Automerge numbers each author's changes 1, 2, 3…
/// and applies one only after its predecessor, so this says exactly which changes it has).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocOffer {
    pub doc_id: String,
    pub clock: Vec<(Vec<u8>, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Offer {
        version: u8,
        docs: Vec<DocOffer>,
    },
    Changes {
        doc_id: String,
        changes: Vec<Vec<u8>>,
    },
    Done,
}

/// Why bytes from the peer are not a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("empty message")]
    Empty,
    #[error("unknown message type")]
    UnknownType,
    #[error("{field} is cut short")]
    Truncated { field: &'static str },
    #[error("{field} has too many entries")]
    TooMany { field: &'static str },
    #[error("{field} is not valid UTF-8")]
    NotUtf8 { field: &'static str },
    #[error("{field} is empty")]
    EmptyField { field: &'static str },
    #[error("bytes after the end of the message")]
    TrailingBytes,
}

impl DecodeError {
    /// A fixed text for the session's problem.
    pub fn what(self) -> &'static str {
        match self {
            DecodeError::Empty => "empty message",
            DecodeError::UnknownType => "unknown message type",
            DecodeError::Truncated { .. } => "truncated message",
            DecodeError::TooMany { .. } => "too many entries",
            DecodeError::NotUtf8 { .. } => "a document id is not UTF-8",
            DecodeError::EmptyField { .. } => "an empty field",
            DecodeError::TrailingBytes => "bytes after the end of a message",
        }
    }
}

impl Message {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Message::Offer { version, docs } => {
                out.push(OFFER);
                out.push(*version);
                let n = u16::try_from(docs.len().min(MAX_DOCS)).unwrap_or(u16::MAX);
                out.extend_from_slice(&n.to_be_bytes());
                for doc in docs.iter().take(usize::from(n)) {
                    put_str8(&mut out, doc.doc_id.as_bytes());
                    let m = u8::try_from(doc.clock.len().min(MAX_ACTORS)).unwrap_or(u8::MAX);
                    out.push(m);
                    for (actor, seq) in doc.clock.iter().take(usize::from(m)) {
                        put_str8(&mut out, actor);
                        out.extend_from_slice(&seq.to_be_bytes());
                    }
                }
            }
            Message::Changes { doc_id, changes } => {
                out.push(CHANGES);
                put_str8(&mut out, doc_id.as_bytes());
                let n = u32::try_from(changes.len()).unwrap_or(u32::MAX);
                out.extend_from_slice(&n.to_be_bytes());
                for change in changes {
                    let len = u32::try_from(change.len()).unwrap_or(u32::MAX);
                    out.extend_from_slice(&len.to_be_bytes());
                    out.extend_from_slice(change);
                }
            }
            Message::Done => out.push(DONE),
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
        let mut r = Reader { rest: bytes };
        let message = match r.u8("type").map_err(|_| DecodeError::Empty)? {
            OFFER => {
                let version = r.u8("version")?;
                let n = usize::from(r.u16("documents")?);
                if n > MAX_DOCS {
                    return Err(DecodeError::TooMany { field: "documents" });
                }
                let mut docs = Vec::with_capacity(n);
                for _ in 0..n {
                    let doc_id = r.str8("doc_id")?;
                    let m = usize::from(r.u8("actors")?);
                    let mut clock = Vec::with_capacity(m);
                    for _ in 0..m {
                        let actor = r.bytes8("actor")?.to_vec();
                        clock.push((actor, r.u64("seq")?));
                    }
                    docs.push(DocOffer { doc_id, clock });
                }
                Message::Offer { version, docs }
            }
            CHANGES => {
                let doc_id = r.str8("doc_id")?;
                let n = r.u32("changes")? as usize;
                if n > MAX_CHANGES {
                    return Err(DecodeError::TooMany { field: "changes" });
                }
                // Each change takes at least its 4-byte length: cap the allocation by what
                // the bytes can hold, not by what the count claims.
                let mut changes = Vec::with_capacity(n.min(r.rest.len() / 4));
                for _ in 0..n {
                    let len = r.u32("change length")? as usize;
                    let change = r.take(len, "change")?;
                    if change.is_empty() {
                        return Err(DecodeError::EmptyField { field: "change" });
                    }
                    changes.push(change.to_vec());
                }
                Message::Changes { doc_id, changes }
            }
            DONE => Message::Done,
            _ => return Err(DecodeError::UnknownType),
        };
        if !r.rest.is_empty() {
            return Err(DecodeError::TrailingBytes);
        }
        Ok(message)
    }
}

fn put_str8(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = bytes.len().min(usize::from(u8::MAX));
    out.push(len as u8);
    out.extend_from_slice(&bytes[..len]);
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.rest.len() < n {
            return Err(DecodeError::Truncated { field });
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(self.array::<1>(field)?[0])
    }

    fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }

    fn u64(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array(field)?))
    }

    fn bytes8(&mut self, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = usize::from(self.u8(field)?);
        if len == 0 {
            return Err(DecodeError::EmptyField { field });
        }
        self.take(len, field)
    }

    fn str8(&mut self, field: &'static str) -> Result<String, DecodeError> {
        let bytes = self.bytes8(field)?;
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| DecodeError::NotUtf8 { field })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn doc_offer() -> impl Strategy<Value = DocOffer> {
        (
            "[a-z0-9-]{1,40}",
            prop::collection::vec(
                (prop::collection::vec(any::<u8>(), 1..33), any::<u64>()),
                0..6,
            ),
        )
            .prop_map(|(doc_id, clock)| DocOffer { doc_id, clock })
    }

    fn message() -> impl Strategy<Value = Message> {
        prop_oneof![
            (any::<u8>(), prop::collection::vec(doc_offer(), 0..5))
                .prop_map(|(version, docs)| Message::Offer { version, docs }),
            (
                "[a-z0-9-]{1,40}",
                prop::collection::vec(prop::collection::vec(any::<u8>(), 1..64), 0..5)
            )
                .prop_map(|(doc_id, changes)| Message::Changes { doc_id, changes }),
            Just(Message::Done),
        ]
    }

    proptest! {
        #[test]
        fn every_message_decodes_to_itself(m in message()) {
            prop_assert_eq!(Message::decode(&m.encode()), Ok(m));
        }

        #[test]
        fn arbitrary_bytes_decode_or_fail_typed(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            // Never a panic; an error names a field or a reason, never the bytes.
            if let Err(e) = Message::decode(&bytes) {
                prop_assert!(!e.what().is_empty());
            }
        }

        #[test]
        fn a_cut_or_extended_message_is_refused(m in message(), cut in any::<prop::sample::Index>(), extra in 1u8..) {
            let bytes = m.encode();
            let at = cut.index(bytes.len());
            prop_assert!(Message::decode(&bytes[..at]).is_err());
            let mut longer = bytes.clone();
            longer.push(extra);
            prop_assert_eq!(Message::decode(&longer), Err(DecodeError::TrailingBytes));
        }
    }

    #[test]
    fn a_huge_claimed_count_does_not_allocate_it() {
        let mut bytes = vec![CHANGES, 1, b'd'];
        bytes.extend_from_slice(&(MAX_CHANGES as u32).to_be_bytes());
        assert_eq!(
            Message::decode(&bytes),
            Err(DecodeError::Truncated {
                field: "change length"
            })
        );
    }
}
