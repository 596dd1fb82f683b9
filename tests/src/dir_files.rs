//! What a directory holds: its files byte for byte (the tests that promise "nothing created,
//! moved or removed" compare two of these), and whether any file under it holds some words.

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

/// Whether any file under `dir`, at any depth, holds `needle` (a relay's or a phone's files
/// searched for words that must never be there in clear).
pub fn any_file_holds(dir: &Path, needle: &[u8]) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("list the directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if crate::mem_devices::contains(&std::fs::read(&path).expect("read"), needle) {
                return true;
            }
        }
    }
    false
}
