//! Join requests from a pairing mailbox (`core/src/crypto/join.rs`), opened by the owner of the
//! fixed invite. An odd first byte seals the rest as a request's plaintext, so the parser behind
//! the AEAD (keys, name, signature) is reached too.

use crate::fixtures::{owner_keys, INVITE, NOW_SECS, OWNER, OWNER_NONCE};
use twofold_core::crypto::{verification_code, CodeInputs, CodeNonce, JoinRequest};
use twofold_core::fuzzing::seal_join_plaintext;

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let sealed;
    let bytes = if mode & 1 == 1 {
        match seal_join_plaintext(&INVITE, rest) {
            Some(bytes) => {
                sealed = bytes;
                &sealed[..]
            }
            None => return,
        }
    } else {
        rest
    };
    if let Ok(request) = JoinRequest::open(bytes, &INVITE, &OWNER, NOW_SECS) {
        assert_eq!(request.invite_id, INVITE.invite_id);
        assert!(!request.display_name.trim().is_empty());
        // What the owner's screen shows next.
        let _ = verification_code(&CodeInputs {
            invite_id: &INVITE.invite_id,
            owner: &owner_keys(),
            joiner: &request.mentor,
            owner_nonce: &CodeNonce(OWNER_NONCE),
            joiner_nonce: &request.nonce,
        });
    }
}
