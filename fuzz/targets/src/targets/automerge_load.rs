//! Automerge bytes from outside — an imported file, a peer's snapshot in a grant, a backup's
//! documents — through the guarded load (`core/src/docs/guarded_load.rs`), then what an import
//! does next: the document's kind, and every item read back and validated.

use twofold_core::docs::{genesis, guarded_load};
use twofold_core::{DocumentSnapshot, LoadLimits};

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Ok(doc) = guarded_load::load_untrusted(data, LoadLimits::default()) else {
        return;
    };
    if let Some(kind) = genesis::kind_of(&doc) {
        if let Ok(snapshot) = DocumentSnapshot::read(kind, &doc) {
            let _ = snapshot.validate();
        }
    }
}
