//! A decrypted envelope's payload (`core/src/sync/payload.rs`): change chunks through the
//! guarded walk and Automerge's change parser, then applied to a document as the engine applies
//! them (`sync/receive.rs`, inside `with_doc_in`, which contains a panic).

use automerge::AutoCommit;
use twofold_core::sync::payload::{self, Payload};
use twofold_core::LoadLimits;

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Ok(Payload::Changes(batch)) = payload::decode(data) else {
        return;
    };
    // The signatures are checked by the engine before anything is applied; here every batch
    // goes on to Automerge, as one whose signatures all verified would.
    let _ = batch.signatures().count();
    let Ok(changes) = payload::parse_changes(batch.chunks, LoadLimits::default()) else {
        return;
    };
    let mut doc = AutoCommit::new();
    // The engine applies a peer's changes inside `with_doc_in`, which contains a panic in
    // Automerge (ADR 0016, the finding); this target does as the engine does and looks for
    // what gets past that: a hang or unbounded memory.
    let applied = crate::contain(|| doc.apply_changes(changes));
    if applied.is_err() {
        return;
    }
    let _ = twofold_core::docs::genesis::kind_of(&doc);
}
