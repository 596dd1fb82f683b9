//! Invite strings, scanned or pasted (`core/src/crypto/invite.rs`): decoded, and a decoded one
//! must encode to a string that decodes to the same invite.

use crate::fixtures::NOW_SECS;
use twofold_core::crypto::Invite;

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(invite) = Invite::decode(text, NOW_SECS) {
        let again = Invite::decode(&invite.encode(), NOW_SECS);
        assert_eq!(
            again.as_ref(),
            Ok(&invite),
            "an encoded invite decodes to itself"
        );
    }
}
