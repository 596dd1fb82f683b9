//! The provider in its real place: SQLCipher (bundled by libsqlite3-sys, built with
//! `SQLCIPHER_CRYPTO_CUSTOM`) reading and writing real encrypted files through it.

use std::sync::Once;

use rusqlite::Connection;
// The test binary links SQLCipher; this links the provider it calls.
use twofold_sqlcipher_provider::PROVIDER_NAME;

/// Every connection of these tests. SQLite marks itself ready a moment before SQLCipher's own
/// start-up has finished (core's `store::database::finish_sqlcipher_start_up` has the detail),
/// and the tests start in parallel: a connection keyed on another thread in that window is
/// refused ("An error occurred with PRAGMA key", seen in CI). So the process's first SQLite use
/// is made alone, and every other test waits for it to return.
fn open(path: Option<&std::path::Path>) -> Connection {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| drop(Connection::open_in_memory().expect("SQLite's first use")));
    match path {
        Some(path) => Connection::open(path).expect("open"),
        None => Connection::open_in_memory().expect("open"),
    }
}

fn keyed(path: &std::path::Path, key: &str) -> Connection {
    let conn = open(Some(path));
    conn.pragma_update(None, "key", key).expect("key");
    conn
}

fn pragma(conn: &Connection, name: &str) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("PRAGMA {name}")).expect("prepare");
    stmt.query_map([], |r| r.get::<_, String>(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

const RAW_KEY: &str = "x'2dd29ca851e7b56e4697b0e1f08507293d761a05ce4d1b628663f411a8086d99'";

fn write_rows(conn: &Connection, n: usize) {
    conn.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)")
        .expect("create");
    for i in 0..n {
        conn.execute(
            "INSERT INTO t(body) VALUES (?1)",
            [format!("row {i} ").repeat(200)],
        )
        .expect("insert");
    }
}

fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
}

#[test]
fn sqlcipher_reports_this_provider() {
    let conn = open(None);
    conn.pragma_update(None, "key", RAW_KEY).expect("key");
    assert_eq!(pragma(&conn, "cipher_provider"), [PROVIDER_NAME]);
    assert!(pragma(&conn, "cipher_provider_version")[0].starts_with(PROVIDER_NAME));
}

/// SQLite is built without what nothing here uses (`LIBSQLITE3_FLAGS`, ADR 0018: ~0.3 MB of the
/// phones' library): the compile options say so, and each feature's SQL is refused with
/// SQLite's own error rather than quietly doing something else. What the store
/// and the relay use (triggers, RETURNING, upserts, `randomblob`) is untouched.
#[test]
fn sqlite_is_built_without_the_features_nothing_uses() {
    let conn = open(None);
    let used = |option: &str| -> bool {
        conn.query_row("SELECT sqlite_compileoption_used(?1)", [option], |r| {
            r.get(0)
        })
        .expect("compile option")
    };
    for gone in [
        "ENABLE_FTS3",
        "ENABLE_FTS5",
        "ENABLE_RTREE",
        "ENABLE_DBSTAT_VTAB",
        "ENABLE_STAT4",
        "SOUNDEX",
        "ENABLE_COLUMN_METADATA",
    ] {
        assert!(!used(gone), "SQLite still built with {gone}");
    }
    for omitted in [
        "OMIT_LOAD_EXTENSION",
        "OMIT_JSON",
        "OMIT_DEPRECATED",
        "OMIT_SHARED_CACHE",
    ] {
        assert!(used(omitted), "SQLite built without {omitted}");
    }
    for (sql, refusal) in [
        ("CREATE VIRTUAL TABLE f USING fts5(body)", "no such module"),
        ("CREATE VIRTUAL TABLE f USING fts4(body)", "no such module"),
        (
            "CREATE VIRTUAL TABLE r USING rtree(id, x0, x1)",
            "no such module",
        ),
        ("SELECT count(*) FROM dbstat", "no such table"),
        ("SELECT json('[1]')", "no such function"),
        ("SELECT soundex('twofold')", "no such function"),
        ("SELECT load_extension('x')", "no such function"),
    ] {
        let refused = conn.execute_batch(sql).err().map(|e| e.to_string());
        assert!(
            refused.as_deref().is_some_and(|e| e.contains(refusal)),
            "{sql}: {refused:?}"
        );
    }
    conn.execute_batch(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
         CREATE TABLE log(n INTEGER);
         CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.n); END;
         INSERT INTO t VALUES (1, length(randomblob(7)))
             ON CONFLICT(id) DO UPDATE SET n = n + 1;",
    )
    .expect("triggers and upserts");
    let n: i64 = conn
        .query_row("UPDATE t SET n = n + 1 WHERE id = 1 RETURNING n", [], |r| {
            r.get(0)
        })
        .expect("returning");
    assert_eq!(n, 8);
    assert_eq!(count_log(&conn), 1);
}

fn count_log(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM log", [], |r| r.get(0))
        .expect("log")
}

/// A file written and read back through the provider, many pages of it, with SQLCipher 4's
/// defaults (HMAC-SHA512, PBKDF2-HMAC-SHA512), a raw key as the store uses and a passphrase
/// (the full 256,000 PBKDF2 rounds); every page's HMAC checks, and a wrong key is refused.
#[test]
fn files_round_trip_and_check_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, key) in [
        ("raw.db", RAW_KEY),
        ("pass.db", "correct horse battery staple"),
    ] {
        let path = dir.path().join(name);
        {
            let conn = keyed(&path, key);
            write_rows(&conn, 300);
        }
        let bytes = std::fs::read(&path).expect("read file");
        assert!(bytes.len() > 100 * 4096, "{name}: many pages");
        assert!(!bytes.starts_with(b"SQLite format 3"), "{name}: encrypted");
        assert!(
            !bytes.windows(6).any(|w| w == b"row 1 "),
            "{name}: no plaintext in the file"
        );
        let conn = keyed(&path, key);
        assert_eq!(count(&conn).expect("count"), 300);
        assert_eq!(
            pragma(&conn, "cipher_integrity_check"),
            Vec::<String>::new()
        );
        assert_eq!(pragma(&conn, "integrity_check"), ["ok"]);
        drop(conn);
        let wrong = keyed(
            &path,
            "x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'",
        );
        assert!(count(&wrong).is_err(), "{name}: a wrong key reads nothing");
    }
}

/// A flipped byte inside a page is caught by the page's HMAC (computed by this provider).
#[test]
fn a_tampered_page_fails_the_integrity_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.db");
    write_rows(&keyed(&path, RAW_KEY), 50);
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[3 * 4096 + 100] ^= 0x01;
    std::fs::write(&path, &bytes).expect("write");
    let conn = keyed(&path, RAW_KEY);
    conn.pragma_update(None, "cipher_log_level", "NONE")
        .expect("log level");
    let problems = pragma(&conn, "cipher_integrity_check");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("page 4"), "{problems:?}");
}

/// SQLCipher 3's settings (HMAC-SHA1, PBKDF2-HMAC-SHA1, 1 KiB pages) work too, and re-keying
/// rewrites every page through the provider.
#[test]
fn legacy_settings_and_rekey() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v3.db");
    {
        let conn = open(Some(&path));
        conn.pragma_update(None, "key", "legacy").expect("key");
        conn.pragma_update(None, "cipher_compatibility", 3)
            .expect("compat");
        write_rows(&conn, 40);
        conn.pragma_update(None, "rekey", "newer").expect("rekey");
    }
    let conn = open(Some(&path));
    conn.pragma_update(None, "key", "newer").expect("key");
    conn.pragma_update(None, "cipher_compatibility", 3)
        .expect("compat");
    assert_eq!(count(&conn).expect("count"), 40);
    assert_eq!(
        pragma(&conn, "cipher_integrity_check"),
        Vec::<String>::new()
    );
}

/// Files written by SQLCipher with OpenSSL (tests/fixtures/README.md) read through this
/// provider: OpenSSL's AES-CBC, HMAC-SHA512 / HMAC-SHA1 and PBKDF2 (256,000 and 64,000 rounds
/// from a passphrase) agree with ours on every page, or the reads fail their HMAC check.
#[test]
fn files_written_by_openssl_open_and_check_clean() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (name, compat) in [
        ("openssl-v4-passphrase.db", 4),
        ("openssl-v3-passphrase.db", 3),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(name);
        std::fs::copy(fixtures.join(name), &path).expect("copy the fixture");
        let conn = open(Some(&path));
        conn.pragma_update(None, "key", "written by OpenSSL")
            .expect("key");
        conn.pragma_update(None, "cipher_compatibility", compat)
            .expect("compat");
        assert_eq!(count(&conn).expect("count"), 20, "{name}");
        let first: String = conn
            .query_row("SELECT body FROM t WHERE id = 1", [], |r| r.get(0))
            .expect("row");
        assert!(first.starts_with("row 0 row 0"), "{name}");
        assert_eq!(
            pragma(&conn, "cipher_integrity_check"),
            Vec::<String>::new(),
            "{name}"
        );
        drop(conn);
        let wrong = open(Some(&path));
        wrong
            .pragma_update(None, "key", "written by someone else")
            .expect("key");
        wrong
            .pragma_update(None, "cipher_compatibility", compat)
            .expect("compat");
        assert!(
            count(&wrong).is_err(),
            "{name}: a wrong passphrase reads nothing"
        );
    }
}

/// For the check the other way round, by hand (ADR 0018): writes a store-like file with a raw
/// key and SQLCipher 4's defaults to `TWOFOLD_PROVIDER_OUT`, for SQLCipher with OpenSSL to open.
#[test]
#[ignore = "writes a file for a check by hand with another SQLCipher build"]
fn write_a_file_for_an_outside_check() {
    let out = std::env::var("TWOFOLD_PROVIDER_OUT").expect("TWOFOLD_PROVIDER_OUT");
    let conn = keyed(std::path::Path::new(&out), RAW_KEY);
    write_rows(&conn, 300);
}
