//! What the core's relay client reads from a relay it does not trust (`core/src/net/records.rs`):
//! pages of records from a read and live-follow frames; and the relay's own record decoder
//! (`relay/src/framing.rs`), used by tools. The first byte picks the decoder.

use twofold_core::crypto::MAX_ENVELOPE_LEN;
use twofold_core::net::{decode_frame, decode_page};

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            if let Ok(records) = decode_page(rest, u64::from(mode), MAX_ENVELOPE_LEN) {
                assert!(records.windows(2).all(|w| w[0].position < w[1].position));
            }
        }
        1 => {
            let _ = decode_frame(rest, MAX_ENVELOPE_LEN);
        }
        _ => {
            if let Ok(records) = twofold_relay::framing::decode_records(rest) {
                let mut again = Vec::new();
                for (position, bytes) in &records {
                    twofold_relay::framing::encode_record(&mut again, *position, bytes);
                }
                assert_eq!(again, rest, "records re-encode to the bytes they came from");
            }
        }
    }
}
