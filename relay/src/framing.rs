//! The record framing of read responses: `position (u64 BE) ‖ length (u32 BE) ‖ bytes`,
//! repeated. Public so that tests and tools decode exactly what the server encodes.

const HEADER_LEN: usize = 8 + 4;

/// Appends one record to `out`.
///
/// # Panics
/// If `bytes` is longer than `u32::MAX`; the relay's size limits keep envelopes far below it.
pub fn encode_record(out: &mut Vec<u8>, position: u64, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("envelope sizes are capped far below 4 GiB");
    out.reserve(HEADER_LEN + bytes.len());
    out.extend_from_slice(&position.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// The encoded size of a record holding `len` bytes.
pub fn record_len(len: usize) -> usize {
    HEADER_LEN + len
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    #[error("truncated record header at byte {0}")]
    TruncatedHeader(usize),
    #[error("record at byte {at} declares {declared} bytes but only {available} remain")]
    TruncatedBody {
        at: usize,
        declared: usize,
        available: usize,
    },
}

/// Decodes a whole response body into `(position, bytes)` records.
pub fn decode_records(mut buf: &[u8]) -> Result<Vec<(u64, Vec<u8>)>, FramingError> {
    let mut records = Vec::new();
    let mut offset = 0;
    while !buf.is_empty() {
        let (header, rest) = buf
            .split_first_chunk::<HEADER_LEN>()
            .ok_or(FramingError::TruncatedHeader(offset))?;
        let (position, len) = header.split_at(8);
        let position = u64::from_be_bytes(position.try_into().expect("8 of 12 header bytes"));
        let len = u32::from_be_bytes(len.try_into().expect("4 of 12 header bytes")) as usize;
        if rest.len() < len {
            return Err(FramingError::TruncatedBody {
                at: offset,
                declared: len,
                available: rest.len(),
            });
        }
        let (body, rest) = rest.split_at(len);
        records.push((position, body.to_vec()));
        offset += HEADER_LEN + len;
        buf = rest;
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trips(records in prop::collection::vec(
            (any::<u64>(), prop::collection::vec(any::<u8>(), 0..300)), 0..20)
        ) {
            let mut buf = Vec::new();
            for (position, bytes) in &records {
                encode_record(&mut buf, *position, bytes);
            }
            prop_assert_eq!(buf.len(), records.iter().map(|(_, b)| record_len(b.len())).sum::<usize>());
            prop_assert_eq!(decode_records(&buf).expect("well formed"), records);
        }

        #[test]
        fn truncation_is_an_error_never_a_panic(
            records in prop::collection::vec(
                (any::<u64>(), prop::collection::vec(any::<u8>(), 0..64)), 1..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut buf = Vec::new();
            for (position, bytes) in &records {
                encode_record(&mut buf, *position, bytes);
            }
            let cut = cut.index(buf.len());
            let decoded = decode_records(&buf[..cut]);
            // A cut on a record boundary is a shorter valid body; anywhere else is an error.
            if let Ok(prefix) = decoded {
                prop_assert_eq!(&prefix[..], &records[..prefix.len()]);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(buf in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_records(&buf);
        }
    }
}
