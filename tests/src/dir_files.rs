//! What a store's directory holds, byte for byte: the tests that promise "nothing created,
//! moved or removed" compare two of these.

use std::collections::BTreeMap;
use std::path::Path;

/// Every file directly in `dir`, by name, with its bytes.
pub fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("list the directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("read"),
            )
        })
        .collect()
}
