//! The app-lock file beside the database (`core/src/lock/file.rs`), opened with the platform
//! key. An odd first byte seals the rest under that key first, so the parser behind the AEAD is
//! reached; a lock file that opens must seal and open to the same fields.

use crate::fixtures::PLATFORM_KEY;
use twofold_core::fuzzing::{lock_round_trip, seal_lock_plain};

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let sealed;
    let bytes = if mode & 1 == 1 {
        match seal_lock_plain(rest, &PLATFORM_KEY) {
            Some(bytes) => {
                sealed = bytes;
                &sealed[..]
            }
            None => return,
        }
    } else {
        rest
    };
    if let Ok(same) = lock_round_trip(bytes, &PLATFORM_KEY) {
        assert!(
            same,
            "an opened lock file seals and opens to the same fields"
        );
    }
}
