//! A Twofold JSON export being imported (`Twofold::import_json`): parsed, then validated item
//! by item, as the import does before it writes anything.

use twofold_core::JsonExport;

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Ok(export) = serde_json::from_slice::<JsonExport>(data) else {
        return;
    };
    let _ = export.document.validate();
}
