//! A Twofold JSON export being imported (`Twofold::import_json`): parsed, then validated item
//! by item, as the import does before it writes anything.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twofold_core::JsonExport;

fuzz_target!(|data: &[u8]| {
    let Ok(export) = serde_json::from_slice::<JsonExport>(data) else {
        return;
    };
    let _ = export.document.validate();
});
