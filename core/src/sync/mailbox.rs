//! Relay mailbox ids for one pairing, derived from the invite secret: only the owner and the
//! person who scanned the invite can name them, and the relay cannot link them to the invite id.

use sha2::{Digest, Sha256};

use crate::crypto::InviteSecret;

fn derive(role: &[u8], secret: &InviteSecret) -> [u8; 16] {
    let digest = Sha256::new()
        .chain_update(b"twofold/v1/mailbox")
        .chain_update(role)
        .chain_update(secret.0)
        .finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    id
}

/// Where the mentor's device posts its join request.
pub fn join_mailbox(secret: &InviteSecret) -> [u8; 16] {
    derive(b"join", secret)
}

/// Where the owner's device posts its decision.
pub fn reply_mailbox(secret: &InviteSecret) -> [u8; 16] {
    derive(b"reply", secret)
}
