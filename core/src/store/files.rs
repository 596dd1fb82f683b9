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
    let name = name.to_string_lossy();
    // Damaged copies and stores set aside hold the person's data too (under the same key).
    let copies = [format!("{name}.damaged-"), format!("{name}{UNREADABLE}")];
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let file = entry.file_name().to_string_lossy().into_owned();
        if copies.iter().any(|c| file.starts_with(c.as_str())) {
            files.push(entry.path());
        }
    }
    Ok(files)
}

/// What a store set aside is called: `<name>.unreadable-<time>` (and its side files).
const UNREADABLE: &str = ".unreadable-";

/// The side files of a store, by suffix. They are moved before the database: a move cut
/// short leaves the database where it was and some side files at the target, and the next
/// call finishes it into that target (see [`set_aside_store_files`]).
const SIDE_SUFFIXES: [&str; 4] = ["-wal", "-shm", ".keycheck", APP_LOCK_SUFFIX];

/// Moves the store at `path` — the database and every side file — to
/// `<path>.unreadable-<time>`, a complete store under the same key, and returns where; `None`
/// when there was nothing to move. For a store whose key is lost: the path is free for a
/// restore or a new store, and nothing is deleted, so the store opens again at its new path
/// if the key comes back. A move a crash cut short is finished into the same place.
pub fn set_aside_store_files(path: &Path) -> Result<Option<PathBuf>> {
    let present: Vec<&str> = SIDE_SUFFIXES
        .iter()
        .copied()
        .filter(|s| side(path, s).exists())
        .collect();
    if present.is_empty() && !path.exists() {
        return Ok(None);
    }
    let target = match unfinished_set_aside(path)? {
        Some(target) => target,
        None => new_set_aside_target(path),
    };
    // Side files first, the database last: a new store is never made beside a WAL that is
    // not its own, and a cut-short move is recognised by a target with no database yet.
    for suffix in present {
        std::fs::rename(side(path, suffix), side(&target, suffix))?;
    }
    if path.exists() {
        std::fs::rename(path, &target)?;
    }
    sync_dir_of(path);
    tracing::warn!("a store that could not be opened was set aside");
    Ok(Some(target))
}

/// A set-aside a crash cut short: side files already at a target the database never
/// reached. The next call moves the rest there, so a store's files stay together.
fn unfinished_set_aside(path: &Path) -> Result<Option<PathBuf>> {
    if !path.exists() {
        return Ok(None);
    }
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(None);
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!("{}{UNREADABLE}", name.to_string_lossy());
    let mut newest: Option<PathBuf> = None;
    for entry in std::fs::read_dir(dir)? {
        let file = entry?.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        for suffix in SIDE_SUFFIXES {
            let Some(stamp) = rest.strip_suffix(suffix) else {
                continue;
            };
            let target = side(path, &format!("{UNREADABLE}{stamp}"));
            if stamp.bytes().all(|b| b.is_ascii_alphanumeric())
                && !target.exists()
                && newest.as_ref().is_none_or(|n| target > *n)
            {
                newest = Some(target);
            }
        }
    }
    Ok(newest)
}

/// `<path>.unreadable-<UTC time>`, with a count after it if that name is taken.
fn new_set_aside_target(path: &Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S").to_string();
    let mut target = side(path, &format!("{UNREADABLE}{stamp}"));
    let mut n = 1;
    while target.exists() || SIDE_SUFFIXES.iter().any(|s| side(&target, s).exists()) {
        n += 1;
        target = side(path, &format!("{UNREADABLE}{stamp}n{n}"));
    }
    target
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

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn setting_aside_moves_the_whole_store_and_finishes_a_move_cut_short() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("s.twofold");
        assert_eq!(set_aside_store_files(&db).expect("nothing"), None);
        for name in ["s.twofold", "s.twofold-wal", "s.twofold.keycheck", "other"] {
            std::fs::write(dir.path().join(name), name).expect("write");
        }
        let target = set_aside_store_files(&db)
            .expect("set aside")
            .expect("moved");
        let t = target
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(t.starts_with("s.twofold.unreadable-"), "{t}");
        assert_eq!(
            names(dir.path()),
            vec![
                "other".to_string(),
                t.clone(),
                format!("{t}-wal"),
                format!("{t}.keycheck")
            ]
        );
        assert_eq!(std::fs::read(&target).expect("db"), b"s.twofold");

        // A crash after the WAL moved: the database and its key check are still here.
        for name in ["s.twofold", "s.twofold.keycheck"] {
            std::fs::write(dir.path().join(name), "second").expect("write");
        }
        std::fs::write(
            dir.path().join("s.twofold.unreadable-20270101T000000-wal"),
            "second",
        )
        .expect("write");
        let finished = set_aside_store_files(&db).expect("again").expect("moved");
        assert!(finished.ends_with("s.twofold.unreadable-20270101T000000"));
        assert_eq!(std::fs::read(&finished).expect("db"), b"second");
        assert!(side(&finished, ".keycheck").exists() && !db.exists());

        // Erasing the store removes what was set aside too: it is the person's data.
        erase_store_files(&db).expect("erase");
        assert_eq!(names(dir.path()), vec!["other".to_string()]);
    }

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
