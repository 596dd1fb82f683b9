//! Envelope size buckets, so the relay sees a handful of lengths instead of each payload's own.
//!
//! An envelope's length is rounded up to a bucket: at least [`FLOOR`] bytes, and above that
//! Padmé's (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
//! with PURBs", PETS 2019): a length `L` keeps only its top `⌊log2 ⌊log2 L⌋⌋ + 1` bits, so it
//! costs at most about 12 % and leaks `O(log log L)` bits where a plain length leaks `O(log L)`.
//! The floor puts every small edit (a check-in, a plan item) in the same bucket. ADR 0023 has
//! the measured costs against powers of two.
//!
//! The padding goes inside the encryption: the plaintext is `payload ‖ 0x80 ‖ 0x00…`
//! (ISO/IEC 7816-4), so it needs no length field and the receiver strips it only after the AEAD
//! has authenticated it.

/// The smallest envelope on the wire. Measured on the sync benchmark: a plan item edit seals to
/// 325 bytes unpadded and a check-in to 556, so 512 takes the common small edits without
/// doubling them.
pub const FLOOR: usize = 512;

const MARKER: u8 = 0x80;

/// The bucket an envelope of `len` bytes (unpadded, marker included) is rounded up to.
pub fn bucket(len: usize) -> usize {
    if len <= FLOOR {
        return FLOOR;
    }
    padme(len)
}

/// Padmé: clears the low `⌊log2 L⌋ − ⌊log2 ⌊log2 L⌋⌋ − 1` bits of `len`, rounding up.
fn padme(len: usize) -> usize {
    // `len > FLOOR` here, so both logarithms are at least 3.
    let e = len.ilog2();
    let s = e.ilog2() + 1;
    let last_bits = e - s;
    let mask = (1usize << last_bits) - 1;
    (len + mask) & !mask
}

/// `payload ‖ 0x80 ‖ 0x00…`, `target` bytes long. The caller picked `target` from [`bucket`], so
/// it leaves room for the marker.
pub fn pad(payload: &[u8], target: usize) -> Vec<u8> {
    debug_assert!(
        target > payload.len(),
        "the bucket leaves room for the marker"
    );
    let mut out = Vec::with_capacity(target);
    out.extend_from_slice(payload);
    out.push(MARKER);
    out.resize(target.max(out.len()), 0);
    out
}

/// The payload inside `padded`, or `None` if the padding is not `0x80 ‖ 0x00…`.
pub fn unpad(mut padded: Vec<u8>) -> Option<Vec<u8>> {
    let marker_at = padded.iter().rposition(|&b| b != 0)?;
    if padded[marker_at] != MARKER {
        return None;
    }
    padded.truncate(marker_at);
    Some(padded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_padme_above_the_floor() {
        assert_eq!(bucket(1), FLOOR);
        assert_eq!(bucket(FLOOR), FLOOR);
        // 556: e = 9, s = 4, five low bits cleared.
        assert_eq!(bucket(556), 576);
        assert_eq!(bucket(92_379 + 17), 94_208);
        assert_eq!(bucket(8 * 1024 * 1024), 8 * 1024 * 1024);
    }

    #[test]
    fn buckets_cost_at_most_an_eighth_above_the_floor() {
        for len in (FLOOR + 1..200_000).step_by(7) {
            let b = bucket(len);
            assert!(b >= len && (b - len) * 8 <= len, "{len} → {b}");
        }
    }

    #[test]
    fn padding_round_trips_and_refuses_a_missing_marker() {
        for payload in [&b""[..], b"\x80", b"abc\x00", b"\x00\x00"] {
            let padded = pad(payload, 64);
            assert_eq!(padded.len(), 64);
            assert_eq!(unpad(padded).as_deref(), Some(payload));
        }
        assert_eq!(unpad(vec![0; 10]), None);
        assert_eq!(unpad(vec![1, 2, 0, 0]), None);
        assert_eq!(unpad(Vec::new()), None);
    }
}
