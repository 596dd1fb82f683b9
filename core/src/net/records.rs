//! Decoding what the relay sends: read responses (`position u64 BE ‖ length u32 BE ‖ bytes`,
//! repeated) and live-follow frames (`kind ‖ id (16) ‖ position u64 BE ‖ bytes`). The relay is
//! not trusted to be well behaved: lengths are bounded, positions must rise above the cursor,
//! and anything else is a protocol problem, never a panic or a huge allocation.

use super::problem::NetProblem;

const HEADER_LEN: usize = 8 + 4;

/// One stored envelope or mailbox message at its relay position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub position: u64,
    pub bytes: Vec<u8>,
}

/// Decodes a read response holding records after `after`, each at most `max_len` bytes.
pub fn decode_page(mut buf: &[u8], after: u64, max_len: usize) -> Result<Vec<Record>, NetProblem> {
    let bad = |what| NetProblem::Protocol { what };
    let mut records = Vec::new();
    let mut last = after;
    while !buf.is_empty() {
        let (header, rest) = buf
            .split_first_chunk::<HEADER_LEN>()
            .ok_or(bad("truncated record header"))?;
        let (position, len) = header.split_at(8);
        let position = u64::from_be_bytes(position.try_into().expect("8 of 12 header bytes"));
        let len = u32::from_be_bytes(len.try_into().expect("4 of 12 header bytes")) as usize;
        if position <= last {
            return Err(bad("record positions out of order"));
        }
        if len > max_len {
            return Err(bad("record longer than an envelope may be"));
        }
        let (body, rest) = rest
            .split_at_checked(len)
            .ok_or(bad("truncated record body"))?;
        records.push(Record {
            position,
            bytes: body.to_vec(),
        });
        last = position;
        buf = rest;
    }
    Ok(records)
}

/// What a live-follow binary frame carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Stream { id: [u8; 16], record: Record },
    Mailbox { id: [u8; 16], record: Record },
}

pub fn decode_frame(buf: &[u8], max_len: usize) -> Result<Frame, NetProblem> {
    let bad = |what| NetProblem::Protocol { what };
    let (&kind, rest) = buf.split_first().ok_or(bad("empty frame"))?;
    let (id, rest) = rest
        .split_first_chunk::<16>()
        .ok_or(bad("truncated frame"))?;
    let (position, bytes) = rest
        .split_first_chunk::<8>()
        .ok_or(bad("truncated frame"))?;
    if bytes.len() > max_len {
        return Err(bad("frame longer than an envelope may be"));
    }
    let record = Record {
        position: u64::from_be_bytes(*position),
        bytes: bytes.to_vec(),
    };
    if record.position == 0 {
        return Err(bad("frame at position 0"));
    }
    match kind {
        0x01 => Ok(Frame::Stream { id: *id, record }),
        0x02 => Ok(Frame::Mailbox { id: *id, record }),
        _ => Err(bad("unknown frame kind")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn encode(records: &[(u64, Vec<u8>)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (p, b) in records {
            out.extend_from_slice(&p.to_be_bytes());
            out.extend_from_slice(&(b.len() as u32).to_be_bytes());
            out.extend_from_slice(b);
        }
        out
    }

    proptest! {
        #[test]
        fn pages_round_trip(gaps in prop::collection::vec((1u64..5, prop::collection::vec(any::<u8>(), 0..64)), 0..20), after in 0u64..1000) {
            let mut pos = after;
            let records: Vec<(u64, Vec<u8>)> = gaps.into_iter().map(|(g, b)| { pos += g; (pos, b) }).collect();
            let decoded = decode_page(&encode(&records), after, 64).expect("well formed");
            prop_assert_eq!(decoded.into_iter().map(|r| (r.position, r.bytes)).collect::<Vec<_>>(), records);
        }

        #[test]
        fn garbage_is_an_error_or_bounded(bytes in prop::collection::vec(any::<u8>(), 0..256), after in any::<u64>()) {
            if let Ok(records) = decode_page(&bytes, after, 100) {
                let mut last = after;
                for r in records {
                    prop_assert!(r.position > last && r.bytes.len() <= 100);
                    last = r.position;
                }
            }
            let _ = decode_frame(&bytes, 100);
        }
    }

    #[test]
    fn refuses_what_the_relay_must_not_send() {
        let ok = encode(&[(3, b"abc".to_vec())]);
        assert!(decode_page(&ok, 2, 8).is_ok());
        assert!(decode_page(&ok, 3, 8).is_err(), "not above the cursor");
        assert!(decode_page(&ok, 0, 2).is_err(), "longer than allowed");
        assert!(decode_page(&ok[..ok.len() - 1], 0, 8).is_err(), "truncated");
        assert!(
            decode_page(&encode(&[(5, vec![]), (4, vec![])]), 0, 8).is_err(),
            "descending"
        );
        let mut frame = vec![0x01];
        frame.extend_from_slice(&[7; 16]);
        frame.extend_from_slice(&9u64.to_be_bytes());
        frame.extend_from_slice(b"xy");
        assert_eq!(
            decode_frame(&frame, 8),
            Ok(Frame::Stream {
                id: [7; 16],
                record: Record {
                    position: 9,
                    bytes: b"xy".to_vec()
                }
            })
        );
        frame[0] = 0x03;
        assert!(decode_frame(&frame, 8).is_err());
        assert!(decode_frame(&frame[..20], 8).is_err());
    }
}
