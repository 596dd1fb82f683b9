//! The files a store keeps beside its database: SQLite's WAL and shared memory, the key
//! check, the app lock (its wrapped store key, ADR 0015), a restore being built, and damaged
//! copies moved aside. Restore replaces them and "delete everything from this phone" removes
//! them, so both need the one list.

use std::path::{Path, PathBuf};

use crate::error::Result;

/// `path` with `suffix` appended to its file name (`s.twofold` → `s.twofold-wal`).
pub fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Suffix of the app lock file (`core/src/lock/file.rs`).
pub const APP_LOCK_SUFFIX: &str = ".applock";

/// The app lock file of the store at `path`.
pub fn app_lock_path(path: &Path) -> PathBuf {
    side(path, APP_LOCK_SUFFIX)
}

/// The database file and the files SQLite and the store keep beside it.
pub fn store_files(path: &Path) -> [PathBuf; 5] {
    [
        path.to_path_buf(),
        side(path, "-wal"),
        side(path, "-shm"),
        side(path, ".keycheck"),
        app_lock_path(path),
    ]
}

/// Writes `contents` to `path` so that a crash leaves either the old file or the new one:
/// a temporary file, synced, renamed over `path`, the directory synced.
pub fn write_durably(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let tmp = side(path, ".tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir_of(path);
    Ok(())
}

/// Removes `path`; a file already gone is not an error.
pub fn remove_if_present(path: &Path) -> Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Every file that holds any of this store's data: [`store_files`], a lock file a crash left
/// half-written, the same for a restore left half-built (`.restoring`) and for each damaged
/// copy moved aside (`.damaged-<time>`, which still holds the person's data under the same
/// key).
pub fn all_store_files(path: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = store_files(path).into();
    files.push(side(&app_lock_path(path), ".tmp"));
    files.extend(store_files(&side(path, ".restoring")));
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(files);
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut damaged = name.to_owned();
    damaged.push(".damaged-");
    let damaged = damaged.to_string_lossy().into_owned();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(&damaged) {
            files.push(entry.path());
        }
    }
    Ok(files)
}

/// Removes every file of the store at `path` ([`all_store_files`]) and makes the removal
/// durable; returns how many there were. The store must be closed.
pub fn erase_store_files(path: &Path) -> Result<usize> {
    let mut removed = 0;
    for file in all_store_files(path)? {
        if remove_if_present(&file)? {
            removed += 1;
        }
    }
    sync_dir_of(path);
    Ok(removed)
}

/// Makes renames and removals in `path`'s directory durable.
pub fn sync_dir_of(path: &Path) {
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            // Not every platform allows syncing a directory; the files' own state is
            // already durable, so this is best effort.
            let _ = d.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erasing_removes_the_database_its_side_files_and_damaged_copies_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("s.twofold");
        let ours = [
            "s.twofold",
            "s.twofold-wal",
            "s.twofold-shm",
            "s.twofold.keycheck",
            "s.twofold.applock",
            "s.twofold.applock.tmp",
            "s.twofold.restoring",
            "s.twofold.restoring.applock",
            "s.twofold.restoring-wal",
            "s.twofold.damaged-20261203T101010",
            "s.twofold.damaged-20261203T101010-wal",
        ];
        let others = ["other.twofold", "s.twofoldish", "notes.txt"];
        for name in ours.iter().chain(&others) {
            std::fs::write(dir.path().join(name), b"x").expect("write");
        }
        assert_eq!(erase_store_files(&db).expect("erase"), ours.len());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected: Vec<String> = others.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(left, expected);
        assert_eq!(
            erase_store_files(&db).expect("again"),
            0,
            "erasing twice is fine"
        );
    }
}
