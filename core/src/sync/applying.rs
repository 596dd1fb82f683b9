//! The record being applied, in a small file beside the database while a peer's bytes are
//! parsed and merged. An allocation that aborts the process cannot be caught, and the same
//! record would be read again after every restart; with the marker, the next start applies
//! that batch's records one at a time, and refuses the one that was being applied when the
//! process died, its sender's number used up, instead of dying on it again.
//!
//! The file is written without fsync: it has to outlive the process, not the phone's power.
//! Its format is 32 bytes: the stream id, then the first and last positions (little-endian).
//! It names a random stream id and positions, nothing of the person's.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::crypto::StreamId;

/// Markers this process failed to clear after an error: it is still running, so it did not
/// die applying them, and its own later receives must not refuse the record they name.
static LEFT_BY_AN_ERROR: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn left_by_an_error() -> MutexGuard<'static, BTreeSet<PathBuf>> {
    LEFT_BY_AN_ERROR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where the marker of the store at `db` lives.
pub(crate) fn marker_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".applying");
    PathBuf::from(name)
}

/// Records `from..=to` of `stream` are being applied.
pub(crate) fn set(db: &Path, stream: &StreamId, from: u64, to: u64) {
    let mut bytes = Vec::with_capacity(32);
    bytes.extend_from_slice(&stream.0);
    bytes.extend_from_slice(&from.to_le_bytes());
    bytes.extend_from_slice(&to.to_le_bytes());
    if std::fs::write(marker_path(db), bytes).is_err() {
        tracing::warn!("could not write the applying marker");
    }
}

/// Nothing is being applied.
///
/// A marker left behind after an error (not a death) would have the next start refuse a good
/// record, its sender's number used up: when the file cannot be removed (a failing disk), it
/// is emptied instead, and an empty marker names nothing. Only a file system that refuses
/// both (read-only) keeps it; that is left to the next start (ADR 0017).
pub(crate) fn clear(db: &Path) {
    let path = marker_path(db);
    if !path.exists() || std::fs::remove_file(&path).is_ok() {
        return;
    }
    if std::fs::write(&path, []).is_err() {
        tracing::warn!("could not remove the applying marker");
        left_by_an_error().insert(path);
    }
}

/// The records of `stream` that were being applied when a process ended, if any.
pub(crate) fn suspect(db: &Path, stream: &StreamId) -> Option<(u64, u64)> {
    let path = marker_path(db);
    if left_by_an_error().contains(&path) {
        if std::fs::remove_file(&path).is_ok() || !path.exists() {
            left_by_an_error().remove(&path);
        }
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let (id, rest) = bytes.split_first_chunk::<16>()?;
    let (from, rest) = rest.split_first_chunk::<8>()?;
    let to = rest.first_chunk::<8>()?;
    let (from, to) = (u64::from_le_bytes(*from), u64::from_le_bytes(*to));
    (id == &stream.0 && from <= to).then_some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_names_its_stream_and_range_and_is_gone_when_cleared() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("store.db");
        let stream = StreamId([7; 16]);
        assert_eq!(suspect(&db, &stream), None);
        set(&db, &stream, 3, 9);
        assert_eq!(suspect(&db, &stream), Some((3, 9)));
        assert_eq!(suspect(&db, &StreamId([8; 16])), None, "another stream");
        clear(&db);
        assert_eq!(suspect(&db, &stream), None);
        std::fs::write(marker_path(&db), b"short").expect("write");
        assert_eq!(
            suspect(&db, &stream),
            None,
            "a damaged marker names nothing"
        );
    }
}
