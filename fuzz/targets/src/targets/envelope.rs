//! Envelopes from a relay stream (`core/src/crypto/envelope.rs`), opened in the engine's order:
//! decode → verify → decrypt → payload. An odd first byte seals the rest as the owner would, so
//! the fuzzer also reaches past the signature and the AEAD, and the round trip is checked.

use crate::fixtures::{self, OWNER};
use twofold_core::crypto::{seal, DecodedEnvelope, MAX_ENVELOPE_LEN};
use twofold_core::sync::payload::{self, Payload};
use twofold_core::LoadLimits;

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let ours = mode & 1 == 1;
    let sealed;
    let envelope = if ours {
        match seal(
            &fixtures::doc_key(),
            &OWNER,
            fixtures::STREAM,
            u64::from(mode),
            rest,
        ) {
            Ok(bytes) => {
                sealed = bytes;
                &sealed[..]
            }
            Err(_) => return,
        }
    } else {
        rest
    };
    let decoded = match DecodedEnvelope::decode(envelope, MAX_ENVELOPE_LEN) {
        Ok(decoded) => decoded,
        Err(e) => {
            assert!(!ours, "a sealed envelope must decode: {}", e.reason());
            return;
        }
    };
    let owner = fixtures::owner_keys();
    let Ok(verified) = decoded.verify(|id| (*id == owner.key_id()).then_some(owner)) else {
        assert!(!ours, "an envelope the owner sealed must verify");
        return;
    };
    let Ok(plain) = verified.decrypt(&fixtures::doc_key()) else {
        assert!(!ours, "an envelope sealed with the key must open");
        return;
    };
    if ours {
        assert_eq!(plain, rest, "the payload comes back as sealed");
    }
    if let Ok(Payload::Changes(batch)) = payload::decode(&plain) {
        let _ = payload::parse_changes(batch.chunks, LoadLimits::default());
    }
}
