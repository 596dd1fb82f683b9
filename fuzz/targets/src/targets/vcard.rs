//! A vCard file (`core/src/formats/vcard.rs`): parsed, planned as the import plans it, and
//! every planned contact validated and written into a contacts document.

use automerge::ActorId;
use twofold_core::docs::genesis::genesis;
use twofold_core::docs::items;
use twofold_core::formats::vcard;
use twofold_core::model::validate::Validate;
use twofold_core::sections::CONTACTS;
use twofold_core::DocKind;

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Ok(cards) = vcard::parse(data) else {
        return;
    };
    let (_report, contacts) = vcard::plan(&cards, &[]);
    if contacts.is_empty() {
        return;
    }
    let mut doc = genesis(DocKind::Contacts, &ActorId::from(&[9u8; 16][..])).expect("genesis");
    for contact in &contacts {
        let _ = contact.validate();
        let _ = items::put(&mut doc, CONTACTS, contact);
    }
}
