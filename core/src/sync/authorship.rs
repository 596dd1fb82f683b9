//! Changes no peer may bring, whoever sends them and whatever they may write (issue 20, item 3):
//! one under this device's own actor that this device does not have — it would put words in
//! the person's mouth ("you wrote this"), or take an (actor, sequence) this device will use
//! next so that its own real change fails as a duplicate and the copies part for good — and
//! one under the genesis or an upgrade actor that is not exactly one of the kind's own
//! deterministic changes.
//!
//!
//! And one passed on by a device that is not its author and not the document's owner without
//! its author's signature (ADR 0024): a writer may pass on another device's changes only as
//! their author signed them, so no writer can put words under the person's actor, a revoked
//! writer's or another writer's, or take another author's next (actor, sequence) first. The
//! owner decides what its document holds (an import brings changes of actors that are no
//! device at all), so its batches need no signature for what it passes on.

use automerge::{ActorId, AutoCommit, Change};

use crate::crypto::change_signature::{sign_change, verify_change, CHANGE_SIGNATURE_LEN};
use crate::crypto::{DeviceIdentity, DevicePublicKeys, KeyId};
use crate::docs::genesis;
use crate::docs::kind::DocKind;
use crate::error::Result;
use crate::sync::payload::ChangeBatch;
use crate::sync::RejectReason;

/// Stands for "no signature" in a batch: a change its sender could not sign (the owner
/// passing on an imported change). Strict verification refuses it under any key.
pub(crate) const NO_SIGNATURE: [u8; CHANGE_SIGNATURE_LEN] = [0; CHANGE_SIGNATURE_LEN];

/// A change hash and its author's signature, verified, for the store to keep.
pub(crate) type Signed = ([u8; 32], [u8; CHANGE_SIGNATURE_LEN]);

/// Whether a change needs a signature at all: the schema actors' changes are checked
/// byte for byte against the kind's own instead ([`impersonates`]).
fn signable(change: &Change) -> bool {
    !genesis::is_schema_actor(change.actor_id())
}

fn author_of(change: &Change) -> Option<KeyId> {
    let bytes: [u8; 16] = change.actor_id().to_bytes().try_into().ok()?;
    Some(KeyId(bytes))
}

/// The signatures a batch of `changes` of `doc_id` goes out with: this device's own changes
/// signed now, another author's with the signature kept for it (`kept`), and none for the
/// schema actors'. A change of another author with no kept signature is left out when
/// `owner` is false (receivers would refuse the whole batch for it) and sent unsigned when
/// this device owns the document.
pub(crate) fn sign_batch(
    identity: &DeviceIdentity,
    doc_id: &str,
    owner: bool,
    changes: Vec<Change>,
    mut kept: impl FnMut(&[u8; 32]) -> Result<Option<[u8; CHANGE_SIGNATURE_LEN]>>,
) -> Result<(Vec<Change>, Vec<[u8; CHANGE_SIGNATURE_LEN]>)> {
    let me = identity.key_id();
    let mut out = Vec::with_capacity(changes.len());
    let mut signatures = Vec::with_capacity(changes.len());
    for change in changes {
        if !signable(&change) {
            out.push(change);
            continue;
        }
        let hash = change.hash().0;
        let signature = if author_of(&change) == Some(me) {
            Some(sign_change(identity, doc_id, &hash))
        } else {
            kept(&hash)?
        };
        match signature {
            Some(s) => signatures.push(s),
            None if owner => signatures.push(NO_SIGNATURE),
            None => {
                tracing::warn!("a change of another author is not passed on: no signature kept");
                continue;
            }
        }
        out.push(change);
    }
    Ok((out, signatures))
}

/// Checks a batch's signatures against its changes, sent by `sender`.
///
/// Every change of an author other than `sender` (schema actors aside) must carry that
/// author's valid signature, unless `sender_owns` the document. The signatures of other
/// devices' changes are returned for the store to keep when `keep` (this device may write the
/// document and so may have to pass them on); the sender's own are then verified too. A batch
/// whose signature count does not match its changes is malformed.
pub(crate) fn check_signatures(
    doc_id: &str,
    sender: &KeyId,
    sender_owns: bool,
    keep: bool,
    changes: &[Change],
    batch: &ChangeBatch<'_>,
    mut keys_of: impl FnMut(&KeyId) -> Result<Option<DevicePublicKeys>>,
) -> Result<std::result::Result<Vec<Signed>, RejectReason>> {
    let needing = changes.iter().filter(|c| signable(c)).count();
    let mut signatures = batch.signatures();
    let signed = batch.signature_count() > 0;
    if signed && batch.signature_count() != needing {
        return Ok(Err(RejectReason::MalformedPayload));
    }
    let mut verified = Vec::new();
    for change in changes.iter().filter(|c| signable(c)) {
        let signature = if signed { signatures.next() } else { None };
        let signature = signature.filter(|s| *s != NO_SIGNATURE);
        let author = author_of(change);
        let by_sender = author == Some(*sender);
        if by_sender && !keep {
            continue;
        }
        let good = match (author, signature) {
            (Some(author), Some(signature)) => match keys_of(&author)? {
                Some(keys) => verify_change(&keys, doc_id, &change.hash().0, &signature)
                    .then_some((change.hash().0, signature)),
                None => None,
            },
            _ => None,
        };
        match good {
            Some(pair) => verified.push(pair),
            // The sender's own change is proven by the envelope's signature: one it did not
            // sign (an older device) is accepted and simply not kept. A bad signature is not.
            None if by_sender && signature.is_none() => {}
            None if sender_owns && !by_sender && signature.is_none() => {}
            None => return Ok(Err(RejectReason::WrongAuthor)),
        }
    }
    Ok(Ok(verified))
}

/// Whether any of `changes` claims an author it cannot have (see the module's note).
pub(crate) fn impersonates(
    doc: &mut AutoCommit,
    kind: DocKind,
    own_actor: &ActorId,
    changes: &[Change],
) -> bool {
    let as_me = changes
        .iter()
        .any(|c| c.actor_id() == own_actor && doc.get_change_by_hash(&c.hash()).is_none());
    if as_me {
        return true;
    }
    let schema: Vec<&Change> = changes
        .iter()
        .filter(|c| genesis::is_schema_actor(c.actor_id()))
        .collect();
    if schema.is_empty() {
        return false;
    }
    // A kind whose schema changes cannot be built here accepts none.
    let known = genesis::schema_change_hashes(kind).unwrap_or_default();
    schema.iter().any(|c| !known.contains(&c.hash()))
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;

    use super::*;
    use crate::sync::payload::{self, Payload};

    fn change_by(author: &DeviceIdentity, text: &str) -> Change {
        let mut doc = AutoCommit::new();
        doc.set_actor(ActorId::from(&author.key_id().0[..]));
        doc.put(automerge::ROOT, "text", text).expect("put");
        doc.get_last_local_change().expect("made").clone()
    }

    /// The batch `sender` seals (keeping `kept` for others' changes), as the receiver decodes it.
    fn sealed(
        sender: &DeviceIdentity,
        owner: bool,
        changes: Vec<Change>,
        kept: &[([u8; 32], [u8; 64])],
    ) -> (Vec<Change>, Vec<u8>) {
        let (changes, signatures) = sign_batch(sender, "plan", owner, changes, |h| {
            Ok(kept.iter().find(|(k, _)| k == h).map(|(_, s)| *s))
        })
        .expect("sign");
        let bytes =
            payload::encode_signed_changes(changes.iter().map(Change::raw_bytes), &signatures);
        (changes, bytes)
    }

    fn check(
        sender: &DeviceIdentity,
        owns: bool,
        keep: bool,
        changes: &[Change],
        bytes: &[u8],
        known: &[&DeviceIdentity],
    ) -> std::result::Result<Vec<Signed>, RejectReason> {
        let Ok(Payload::Changes(batch)) = payload::decode(bytes) else {
            panic!("a changes payload");
        };
        check_signatures(
            "plan",
            &sender.key_id(),
            owns,
            keep,
            changes,
            &batch,
            |id| {
                Ok(known
                    .iter()
                    .find(|k| k.key_id() == *id)
                    .map(|k| k.public_keys()))
            },
        )
        .expect("no storage error")
    }

    #[test]
    fn a_change_passed_on_needs_its_authors_signature() {
        let (jo, alex, sam) = (
            DeviceIdentity::generate().expect("rng"),
            DeviceIdentity::generate().expect("rng"),
            DeviceIdentity::generate().expect("rng"),
        );
        let known = [&jo, &alex, &sam];
        let jos = change_by(&jo, "Jo's words");

        // Jo sends its own change: signed, and a writer receiving it keeps the signature.
        let (sent, bytes) = sealed(&jo, false, vec![jos.clone()], &[]);
        let kept = check(&jo, false, true, &sent, &bytes, &known).expect("Jo's own");
        assert_eq!(kept.len(), 1);

        // Alex passes it on with the kept signature: accepted.
        let (sent, bytes) = sealed(&alex, false, vec![jos.clone()], &kept);
        assert_eq!(sent.len(), 1);
        assert!(check(&alex, false, false, &sent, &bytes, &known).is_ok());

        // Without a kept signature Alex's device leaves the change out…
        let (sent, _) = sealed(&alex, false, vec![jos.clone()], &[]);
        assert!(sent.is_empty(), "not passed on unsigned");
        // …and a batch that carries it unsigned, or signed by Alex, is refused.
        let unsigned = payload::encode_changes([jos.raw_bytes()]);
        assert_eq!(
            check(
                &alex,
                false,
                false,
                std::slice::from_ref(&jos),
                &unsigned,
                &known
            )
            .err(),
            Some(RejectReason::WrongAuthor)
        );
        let by_alex = crate::crypto::change_signature::sign_change(&alex, "plan", &jos.hash().0);
        let bytes = payload::encode_signed_changes([jos.raw_bytes()], &[by_alex]);
        assert_eq!(
            check(
                &alex,
                false,
                false,
                std::slice::from_ref(&jos),
                &bytes,
                &known
            )
            .err(),
            Some(RejectReason::WrongAuthor)
        );
        // The owner decides what its document holds: its batch may carry it unsigned.
        let (sent, bytes) = sealed(&sam, true, vec![jos.clone()], &[]);
        assert!(check(&sam, true, false, &sent, &bytes, &known).is_ok());
    }

    #[test]
    fn a_signature_for_another_document_or_a_bent_one_is_refused() {
        let (jo, alex) = (
            DeviceIdentity::generate().expect("rng"),
            DeviceIdentity::generate().expect("rng"),
        );
        let jos = change_by(&jo, "Jo's words");
        let elsewhere = crate::crypto::change_signature::sign_change(&jo, "journal", &jos.hash().0);
        let bytes = payload::encode_signed_changes([jos.raw_bytes()], &[elsewhere]);
        assert_eq!(
            check(
                &alex,
                false,
                false,
                std::slice::from_ref(&jos),
                &bytes,
                &[&jo, &alex]
            )
            .err(),
            Some(RejectReason::WrongAuthor)
        );
        // A writer keeping signatures checks the sender's own too.
        let mut own = crate::crypto::change_signature::sign_change(&jo, "plan", &jos.hash().0);
        own[0] ^= 1;
        let bytes = payload::encode_signed_changes([jos.raw_bytes()], &[own]);
        assert_eq!(
            check(&jo, false, true, std::slice::from_ref(&jos), &bytes, &[&jo]).err(),
            Some(RejectReason::WrongAuthor)
        );
        // A count that does not match the changes is malformed.
        let bytes = payload::encode_signed_changes([jos.raw_bytes()], &[own, own]);
        assert_eq!(
            check(&jo, false, true, std::slice::from_ref(&jos), &bytes, &[&jo]).err(),
            Some(RejectReason::MalformedPayload)
        );
    }
}
