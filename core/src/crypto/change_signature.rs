//! An author's signature over one of its own Automerge changes (issue 20, item 3).
//!
//! An Automerge change names its author only by an actor id, which anyone can write into a
//! change. The envelope's signature proves who *sent* a batch, which settles the sender's own
//! changes; a change passed on by another writer (after a new epoch, the changes the owner's
//! snapshot lacked) carries its author's signature instead, made when the author first sent
//! it. The change hash commits to the actor, the sequence number, the dependencies and the
//! operations, so a signature over it binds all of them to the device whose key id is the
//! actor.

use super::identity::{verify, DeviceIdentity, DevicePublicKeys};
use super::label;

pub const CHANGE_SIGNATURE_LEN: usize = 64;

/// The document id goes in with its length: two documents never share a signed message.
fn doc_id_part(doc_id: &str) -> [u8; 2] {
    u16::try_from(doc_id.len())
        .unwrap_or(u16::MAX)
        .to_be_bytes()
}

/// `identity`'s signature over the change with `hash` in document `doc_id`.
pub fn sign_change(identity: &DeviceIdentity, doc_id: &str, hash: &[u8; 32]) -> [u8; 64] {
    identity.sign(&[
        label::CHANGE_SIG,
        &doc_id_part(doc_id),
        doc_id.as_bytes(),
        hash,
    ])
}

/// Whether `signature` is `author`'s over the change with `hash` in document `doc_id`.
pub fn verify_change(
    author: &DevicePublicKeys,
    doc_id: &str,
    hash: &[u8; 32],
    signature: &[u8; 64],
) -> bool {
    verify(
        author,
        &[
            label::CHANGE_SIG,
            &doc_id_part(doc_id),
            doc_id.as_bytes(),
            hash,
        ],
        signature,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_binds_its_author_document_and_change() {
        let alex = DeviceIdentity::generate().expect("rng");
        let sam = DeviceIdentity::generate().expect("rng");
        let hash = [7u8; 32];
        let sig = sign_change(&alex, "plan", &hash);
        assert!(verify_change(&alex.public_keys(), "plan", &hash, &sig));
        assert!(
            !verify_change(&sam.public_keys(), "plan", &hash, &sig),
            "author"
        );
        assert!(
            !verify_change(&alex.public_keys(), "journal", &hash, &sig),
            "document"
        );
        assert!(
            !verify_change(&alex.public_keys(), "plan", &[8; 32], &sig),
            "change"
        );
        let mut bent = sig;
        bent[5] ^= 1;
        assert!(
            !verify_change(&alex.public_keys(), "plan", &hash, &bent),
            "bytes"
        );
    }

    #[test]
    fn an_envelope_signature_is_not_a_change_signature() {
        // Distinct labels: a signature made for another purpose over the same bytes fails.
        let alex = DeviceIdentity::generate().expect("rng");
        let hash = [1u8; 32];
        let other = alex.sign(&[label::ENVELOPE_SIG, &doc_id_part("d"), b"d", &hash]);
        assert!(!verify_change(&alex.public_keys(), "d", &hash, &other));
    }
}
