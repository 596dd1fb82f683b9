//! Messages of a direct device-to-device session (`core/src/direct/message.rs`), after the
//! Noise layer: decoded, and a decoded message must encode to bytes that decode the same.

use twofold_core::fuzzing::direct_message;

/// One fuzz input.
pub fn run(data: &[u8]) {
    if let Ok(encoded) = direct_message(data) {
        assert_eq!(
            direct_message(&encoded).as_ref(),
            Ok(&encoded),
            "a decoded message encodes to bytes that decode to it"
        );
    }
}
