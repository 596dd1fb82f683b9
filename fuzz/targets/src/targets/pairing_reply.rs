//! The owner's pairing reply, opened by the mentor (`core/src/crypto/pairing_reply.rs`). An odd
//! first byte seals the rest as a reply's plaintext, so the parser behind the AEAD is reached
//! (past the commitment check when the plaintext's bytes 1..33 are the fixture's owner nonce).

use crate::fixtures::{mentor_keys, INVITE, MENTOR};
use twofold_core::crypto::{open_reply, PairingDecision};
use twofold_core::fuzzing::seal_pairing_reply_plaintext;

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let sealed;
    let bytes = if mode & 1 == 1 {
        match seal_pairing_reply_plaintext(&INVITE, &mentor_keys(), rest) {
            Some(bytes) => {
                sealed = bytes;
                &sealed[..]
            }
            None => return,
        }
    } else {
        rest
    };
    let Ok(opened) = open_reply(bytes, &INVITE, &MENTOR) else {
        return;
    };
    // What the mentor's device checks next: the nonce against the invite's commitment.
    let _ = INVITE.commits_to(&opened.owner_nonce);
    if let Some(PairingDecision::Approved { owner_name, .. }) = opened.decision {
        assert!(!owner_name.trim().is_empty());
    }
}
