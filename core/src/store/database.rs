//! The encrypted database file: opening it with the app's key, telling a wrong key from a
//! damaged file, and the one-writer-plus-reader connection discipline.
//!
//! The key is 32 random bytes that the app keeps in the Android Keystore / iOS Keychain. It is
//! passed to SQLCipher as a raw key, so no password KDF runs at open. SQLCipher answers a wrong
//! key and a damaged first page with the same "file is not a database"; to tell them apart a
//! small `<db>.keycheck` file holds SHA-256 of a fixed label and the key (a one-way function of
//! a 256-bit random key reveals nothing usable). When the check matches, the file is damaged
//! and is moved aside; when it does not, or is missing, the answer is "wrong key" and nothing
//! is touched — we never risk a person's data on a guess.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, OnceLock};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::hooks::Action;
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};
// SQLCipher is compiled to call this crate's setup function for its crypto (ADR 0018); naming
// the crate links it into everything that links the core.
use twofold_sqlcipher_provider as _;

use crate::error::{Error, Result};
use crate::store::files::{remove_if_present, sync_dir_of, write_durably};
use crate::store::migrations;

pub const KEY_LEN: usize = 32;
const KEYCHECK_LABEL: &[u8] = b"twofold keycheck v1";

/// The store's database: one writer connection (opened first; it migrates) and one reader.
#[derive(Debug)]
pub struct Database {
    path: PathBuf,
    // Declared before the writer so it closes first: the writer, closing last, checkpoints
    // the WAL into the main file (a read-only connection cannot).
    reader: Mutex<Connection>,
    writer: Mutex<Connection>,
    outgoing: OutgoingHook,
}

/// Tables whose new rows are something for the relay: pending changes, sealed envelopes and
/// pairing messages.
const OUTGOING_TABLES: [&str; 3] = ["outbox_changes", "outbox", "mailbox_out"];

type OutgoingCallback = Box<dyn Fn() + Send + Sync>;

/// Tells the transport that a committed write left something to send, whatever wrote it (a
/// local edit, a share, a pairing step, a catch-up): SQLite's update hook marks inserts into
/// the outgoing tables, and the mark is acted on only after the commit.
#[derive(Default)]
struct OutgoingHook {
    inserted: Arc<AtomicBool>,
    callback: OnceLock<OutgoingCallback>,
}

impl std::fmt::Debug for OutgoingHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingHook").finish_non_exhaustive()
    }
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock dropped its transaction, which rolled back: the
    // connection is still consistent.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn keycheck_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".keycheck");
    PathBuf::from(p)
}

fn keycheck_of(key: &[u8; KEY_LEN]) -> String {
    let mut h = Sha256::new();
    h.update(KEYCHECK_LABEL);
    h.update(key);
    hex::encode(h.finalize())
}

fn apply_key(conn: &Connection, key: &[u8; KEY_LEN]) -> Result<()> {
    // SQLCipher logs a failed page check to stderr (logcat on Android); a wrong key is our
    // own typed error, so the log line adds only noise.
    let _ = conn.pragma_update(None, "cipher_log_level", "NONE");
    // SQLCipher's raw-key syntax: x'<64 hex digits>'.
    conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key)))?;
    Ok(())
}

/// SQLite marks itself initialised a moment before SQLCipher's own start-up (its provider and
/// memory shield) has finished, and a connection keyed on another thread in that window is
/// refused with "sqlcipher not initialized": two stores opened at once in a fresh process
/// could see one of them fail. The first open in the process finishes that start-up here, on
/// a throwaway in-memory connection, while every other open waits; the retries cover a
/// start-up begun outside this module (another SQLite user in the same process).
fn finish_sqlcipher_start_up() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        let probe = || -> rusqlite::Result<()> {
            let conn = Connection::open_in_memory()?;
            conn.pragma_update(None, "cipher_log_level", "NONE")?;
            conn.pragma_update(None, "key", format!("x'{}'", hex::encode([0u8; KEY_LEN])))
        };
        for _ in 0..100 {
            if probe().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Nothing more to do here: the real open below reports the failure as it is.
    });
}

fn is_not_a_database(e: &Error) -> bool {
    matches!(
        e.sqlite_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// Moves a damaged database (and its WAL and shared-memory files) aside; never deletes.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let mut target = path.as_os_str().to_owned();
    target.push(format!(".damaged-{stamp}"));
    let target = PathBuf::from(target);
    std::fs::rename(path, &target)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            let mut side_target = target.as_os_str().to_owned();
            side_target.push(suffix);
            std::fs::rename(&side, PathBuf::from(side_target))?;
        }
    }
    tracing::warn!("a damaged store file was moved aside");
    Ok(target)
}

/// See [`Database::write_stamp`]. A statement that changed rows and was then rolled back
/// still moves it: the stamp may say "written" when nothing was, never the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteStamp {
    own: u64,
    others: i64,
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

fn open_reader(path: &Path, key: &[u8; KEY_LEN]) -> Result<Connection> {
    let reader = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&reader, key)?;
    configure(&reader)?;
    Ok(reader)
}

/// `PRAGMA wal_checkpoint(TRUNCATE)`, failing unless the WAL ended empty.
fn checkpoint_truncate(conn: &Connection) -> Result<()> {
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("the WAL could not be emptied".into()),
        )
        .into());
    }
    Ok(())
}

impl Database {
    /// Opens (or creates) the database at `path` with `key`, and migrates it.
    pub fn open(path: &Path, key: &[u8; KEY_LEN]) -> Result<Self> {
        finish_sqlcipher_start_up();
        let existed = path.exists() && std::fs::metadata(path)?.len() > 0;
        let keycheck = keycheck_path(path);
        let mut writer = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        apply_key(&writer, key)?;
        // Until the key is known to be right, closing this connection must not checkpoint a
        // WAL left by an earlier run into the main file: a wrong key touches nothing.
        writer.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        // The first read decrypts page 1: this is where a wrong key or a damaged file shows.
        let probe = writer
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(Error::from);
        if let Err(e) = probe {
            if existed && is_not_a_database(&e) {
                drop(writer);
                let key_matches = std::fs::read_to_string(&keycheck)
                    .map(|stored| stored.trim() == keycheck_of(key))
                    .unwrap_or(false);
                if key_matches {
                    return Err(Error::Corrupt {
                        moved_to: move_aside(path)?,
                    });
                }
                return Err(Error::WrongKey);
            }
            return Err(e);
        }
        migrations::refuse_newer(&writer)?;
        writer.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
        if !keycheck.exists() {
            write_durably(&keycheck, keycheck_of(key).as_bytes())?;
        }
        configure(&writer)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "WAL mode unavailable");
        }
        // Every acknowledged write is on disk before the call returns.
        writer.pragma_update(None, "synchronous", "FULL")?;
        // A deleted row's bytes are overwritten, not left in a free page: what `forget` or
        // an erased share removed is gone from the file (and, after a checkpoint, the WAL).
        // SQLCipher forces this on keyed databases; it is stated here so it holds whatever
        // the build, and the erasure tests show the checkpoint is the step that matters.
        writer.pragma_update(None, "secure_delete", "ON")?;
        migrations::migrate(&mut writer)?;
        let outgoing = OutgoingHook::default();
        let inserted = outgoing.inserted.clone();
        writer.update_hook(Some(move |action: Action, _: &str, table: &str, _: i64| {
            if action == Action::SQLITE_INSERT && OUTGOING_TABLES.contains(&table) {
                inserted.store(true, Ordering::Relaxed);
            }
        }))?;
        let reader = open_reader(path, key)?;
        Ok(Database {
            path: path.to_path_buf(),
            reader: Mutex::new(reader),
            writer: Mutex::new(writer),
            outgoing,
        })
    }

    /// Sets the one function called after a commit that added outgoing rows (the first call
    /// wins). It runs on the writing thread, after the writer lock is released.
    pub fn on_outgoing(&self, callback: impl Fn() + Send + Sync + 'static) {
        let _ = self.outgoing.callback.set(Box::new(callback));
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction on the writer and commits it.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        // Marks left by a rolled-back transaction are dropped here, under the writer lock.
        self.outgoing.inserted.store(false, Ordering::Relaxed);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        let outgoing = self.outgoing.inserted.swap(false, Ordering::Relaxed);
        drop(conn);
        if outgoing {
            if let Some(callback) = self.outgoing.callback.get() {
                callback();
            }
        }
        Ok(out)
    }

    /// Where the store's committed writes stand: equal stamps mean nothing was written in
    /// between, by this store's writer (its rows changed) or by another connection to the
    /// same file (`PRAGMA data_version`).
    pub fn write_stamp(&self) -> Result<WriteStamp> {
        let conn = lock(&self.writer);
        let others: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok(WriteStamp {
            own: conn.total_changes(),
            others,
        })
    }

    /// Runs `f` on the reader connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&lock(&self.reader))
    }

    /// Moves everything in the WAL into the main file and empties the WAL, so that the main
    /// file alone holds the data (before it is moved) and no old page lingers in the WAL.
    pub fn checkpoint(&self) -> Result<()> {
        let conn = lock(&self.writer);
        // Held so that no read snapshot pins old frames: the WAL must end empty. (The writer
        // lock comes first, the order a write that reads inside its transaction takes.)
        let _reader = lock(&self.reader);
        checkpoint_truncate(&conn)
    }

    /// Re-encrypts every page under `new_key` (SQLCipher's `rekey`: one write transaction
    /// that rewrites every page), then checkpoints and empties the WAL, so that neither the
    /// file nor the WAL keeps a page under the old key. The reader is reopened with the new
    /// key. Call [`Database::drop_keycheck`] first and [`Database::write_keycheck`] after: a
    /// key check that names a key the file no longer opens with would make a later open with
    /// that key move the file aside as damaged.
    pub fn rekey(&self, new_key: &[u8; KEY_LEN]) -> Result<()> {
        let conn = lock(&self.writer);
        let mut reader = lock(&self.reader);
        // Old-key frames would otherwise outlive the rekey in the WAL.
        checkpoint_truncate(&conn)?;
        conn.pragma_update(None, "rekey", format!("x'{}'", hex::encode(new_key)))?;
        // The rekey wrote every page, under the new key, into the WAL: move them all into
        // the file (overwriting each old-key page) and empty the WAL.
        checkpoint_truncate(&conn)?;
        *reader = open_reader(&self.path, new_key)?;
        Ok(())
    }

    /// Removes the key check (durably): until [`Database::write_keycheck`], a failed open is
    /// reported as a wrong key and never moves the file aside.
    pub fn drop_keycheck(&self) -> Result<()> {
        remove_if_present(&keycheck_path(&self.path))?;
        sync_dir_of(&self.path);
        Ok(())
    }

    /// Writes the key check for `key`, the key the file is now encrypted with.
    pub fn write_keycheck(&self, key: &[u8; KEY_LEN]) -> Result<()> {
        write_durably(&keycheck_path(&self.path), keycheck_of(key).as_bytes())
    }

    /// `PRAGMA integrity_check`, for tests and for a support screen.
    pub fn integrity_check(&self) -> Result<bool> {
        let conn = lock(&self.writer);
        let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(result == "ok")
    }

    /// Treats a "corrupt" error met after open like one met at open: closes and moves aside.
    pub fn into_corrupt(self) -> Error {
        let path = self.path.clone();
        drop(self);
        match move_aside(&path) {
            Ok(moved_to) => Error::Corrupt { moved_to },
            Err(e) => e,
        }
    }
}

/// Whether an error means the file's contents are damaged.
pub fn is_corruption(e: &Error) -> bool {
    e.sqlite_code() == Some(ErrorCode::DatabaseCorrupt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma_rows(conn: &Connection, name: &str) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("PRAGMA {name}")).expect("prepare");
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .expect("query")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("rows");
        rows
    }

    /// A stamp moves with every committed write, this store's or another connection's, and
    /// with nothing else: the sync's report leans on it to skip working out the pending
    /// count again.
    #[test]
    fn the_write_stamp_moves_with_each_committed_write_and_only_then() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.db");
        let key = [0x5a; KEY_LEN];
        let db = Database::open(&path, &key).expect("open");
        db.write(|tx| Ok(tx.execute_batch("CREATE TABLE probe(x INTEGER)")?))
            .expect("create");
        let stamp = db.write_stamp().expect("stamp");
        db.read(|c| Ok(c.query_row("SELECT count(*) FROM probe", [], |r| r.get::<_, i64>(0))?))
            .expect("read");
        db.write(|_| Ok(()))
            .expect("a write transaction that writes nothing");
        assert_eq!(db.write_stamp().expect("stamp"), stamp, "nothing written");

        db.write(|tx| Ok(tx.execute("INSERT INTO probe VALUES (1)", [])?))
            .expect("insert");
        let after_own = db.write_stamp().expect("stamp");
        assert_ne!(after_own, stamp, "this store wrote");
        assert_eq!(db.write_stamp().expect("stamp"), after_own);

        let other = Database::open(&path, &key).expect("a second connection to the file");
        other
            .write(|tx| Ok(tx.execute("UPDATE probe SET x = 2", [])?))
            .expect("update");
        assert_ne!(
            db.write_stamp().expect("stamp"),
            after_own,
            "another connection wrote"
        );
    }

    /// The store's SQLCipher does its crypto through our RustCrypto provider, not OpenSSL
    /// (ADR 0018): the build's `LIBSQLITE3_FLAGS` reached SQLCipher and the provider is linked.
    /// Both connections report it, and a store written through it checks clean.
    #[test]
    fn sqlcipher_uses_the_rustcrypto_provider_and_checks_clean() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.db");
        let db = Database::open(&path, &[0x5a; KEY_LEN]).expect("open");
        db.write(|tx| {
            tx.execute_batch("CREATE TABLE provider_probe(x BLOB)")?;
            for _ in 0..200 {
                tx.execute("INSERT INTO provider_probe VALUES (randomblob(1000))", [])?;
            }
            Ok(())
        })
        .expect("write");
        let expected = [twofold_sqlcipher_provider::PROVIDER_NAME];
        db.write(|tx| {
            assert_eq!(pragma_rows(tx, "cipher_provider"), expected);
            assert_eq!(pragma_rows(tx, "cipher"), ["aes-256-cbc"]);
            Ok(())
        })
        .expect("writer");
        db.read(|conn| {
            assert_eq!(pragma_rows(conn, "cipher_provider"), expected);
            Ok(())
        })
        .expect("reader");
        drop(db);
        let db = Database::open(&path, &[0x5a; KEY_LEN]).expect("reopen");
        db.write(|tx| {
            assert_eq!(
                pragma_rows(tx, "cipher_integrity_check"),
                Vec::<String>::new()
            );
            Ok(())
        })
        .expect("check");
        assert!(db.integrity_check().expect("integrity"));
    }
}
