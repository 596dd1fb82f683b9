//! Numbered migrations and `PRAGMA user_version`.
//!
//! A new database runs every migration in order inside one transaction; an old one runs the
//! ones it lacks. A database newer than this code is refused and left untouched: downgrading
//! would silently lose what the newer version wrote.

use rusqlite::{Connection, TransactionBehavior};

use crate::bundled;
use crate::error::{Error, Result};

/// Migration `i` (0-based) takes the schema from version `i` to `i + 1`: the files in
/// `migrations/`, in the order of their numbers, compressed by `core/build.rs` (their comments
/// are most of their bytes, and a phone runs each at most once).
const MIGRATIONS: &[&[u8]] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Migration `i`'s SQL (0-based, as [`MIGRATIONS`]).
fn migration(i: usize) -> Result<String> {
    MIGRATIONS
        .get(i)
        .and_then(|packed| bundled::text(packed))
        // Only a broken build gets here: the tests run every migration.
        .ok_or(Error::Contained {
            context: "the schema's migrations",
        })
}

pub fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Fails with [`Error::SchemaTooNew`] without writing anything.
pub fn refuse_newer(conn: &Connection) -> Result<i64> {
    let found = user_version(conn)?;
    if found > CURRENT_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: CURRENT_VERSION,
        });
    }
    Ok(found)
}

/// Brings the schema up to `target` (normally [`CURRENT_VERSION`]).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = refuse_newer(&tx)?;
    for i in (found as usize)..(target as usize).min(MIGRATIONS.len()) {
        tx.execute_batch(&migration(i)?)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, CURRENT_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<(String, String, String)> {
        let mut stmt = conn
            .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
            .expect("prepare");
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            ))
        })
        .expect("query")
        .collect::<std::result::Result<_, _>>()
        .expect("rows")
    }

    #[test]
    fn every_old_version_migrates_to_the_fresh_schema_and_keeps_its_rows() {
        let mut fresh = Connection::open_in_memory().expect("open");
        migrate(&mut fresh).expect("fresh");
        for start in 1..CURRENT_VERSION {
            let mut old = Connection::open_in_memory().expect("open");
            migrate_to(&mut old, start).expect("old schema");
            old.execute_batch(
                "INSERT INTO documents (doc_id, kind, actor, created_at) VALUES ('d1', 'plan', x'01', 1);
                 INSERT INTO doc_chunks (doc_id, seq, is_snapshot, bytes) VALUES ('d1', 1, 1, x'0102');",
            )
            .expect("old rows");
            migrate(&mut old).expect("upgrade");
            assert_eq!(user_version(&old).expect("v"), CURRENT_VERSION);
            assert_eq!(schema(&old), schema(&fresh), "from version {start}");
            let n: i64 = old
                .query_row(
                    "SELECT count(*) FROM doc_chunks WHERE doc_id = 'd1'",
                    [],
                    |r| r.get(0),
                )
                .expect("count");
            assert_eq!(n, 1);
        }
    }

    #[test]
    fn the_envelope_version_2_update_reads_every_stream_again() {
        let mut conn = Connection::open_in_memory().expect("open");
        let before = (0..MIGRATIONS.len())
            .position(|i| {
                migration(i)
                    .expect("inflates")
                    .starts_with("-- Envelope version 2 (ADR 0023)")
            })
            .expect("the update's migration") as i64;
        migrate_to(&mut conn, before).expect("the schema before");
        conn.execute_batch(
            "INSERT INTO streams (stream_id, doc_id, epoch, key, cursor) VALUES (x'01', 'd1', 0, x'02', 7);
             INSERT INTO streams (stream_id, peer_id, epoch, key, cursor) VALUES (x'03', x'04', 0, x'05', 3);",
        )
        .expect("streams read up to a point");
        migrate(&mut conn).expect("upgrade");
        let read: i64 = conn
            .query_row("SELECT sum(cursor) FROM streams", [], |r| r.get(0))
            .expect("cursors");
        assert_eq!(read, 0);
    }

    /// Retention (ADR 0023): a document stream this device made before the update is claimed
    /// at its next sync; someone else's, a channel and a retired stream are not.
    #[test]
    fn streams_made_here_before_retention_are_due_a_claim() {
        let mut conn = Connection::open_in_memory().expect("open");
        let before = (0..MIGRATIONS.len())
            .position(|i| {
                migration(i)
                    .expect("inflates")
                    .starts_with("-- Version 16: retention")
            })
            .expect("the retention migration") as i64;
        migrate_to(&mut conn, before).expect("the schema before");
        let (t, h) = (
            "x'".to_string() + &"03".repeat(32) + "'",
            "x'".to_string() + &"04".repeat(32) + "'",
        );
        conn.execute_batch(&format!(
            "INSERT INTO documents (doc_id, kind, actor, created_at, owner, access) \
                 VALUES ('mine', 'plan', x'01', 1, NULL, 'owner'), \
                        ('theirs', 'plan', x'01', 1, x'09', 'write');
             INSERT INTO streams (stream_id, doc_id, epoch, key, active, append_token, append_hash) \
                 VALUES (x'01', 'mine', 1, x'02', 1, {t}, {h}), \
                        (x'05', 'mine', 0, x'02', 0, {t}, {h}), \
                        (x'06', 'theirs', 0, x'02', 1, {t}, {h});
             INSERT INTO streams (stream_id, peer_id, epoch, key) VALUES (x'07', x'08', 0, x'02');",
        ))
        .expect("streams of every kind");
        migrate(&mut conn).expect("upgrade");
        let due: Vec<Vec<u8>> = conn
            .prepare("SELECT stream_id FROM streams WHERE owner_state = 0")
            .expect("query")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("ids");
        assert_eq!(due, vec![vec![1u8]]);
    }

    #[test]
    fn values_that_decide_access_cannot_be_stored_unknown() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate(&mut conn).expect("migrate");
        let refused = |sql: &str| {
            let err = conn.execute_batch(sql).expect_err(sql);
            assert!(err.to_string().contains("is not"), "{sql}: {err}");
        };
        refused(
            "INSERT INTO documents (doc_id, kind, actor, created_at, owner, access, peer) \
             VALUES ('d0', 'plan', x'01', 1, NULL, 'admin', NULL)",
        );
        conn.execute_batch(
            "INSERT INTO documents (doc_id, kind, actor, created_at, owner, access, peer) \
             VALUES ('d1', 'plan', x'01', 1, NULL, 'read', NULL)",
        )
        .expect("a known access");
        // Linked devices (ADR 0012): CHECK constraints on the columns version 7 added.
        for sql in [
            "UPDATE documents SET adopted = 2 WHERE doc_id = 'd1'",
            "INSERT INTO peers (peer_id, public_keys, display_name, state, created_at, link) \
             VALUES (x'03', x'02', 'p', 'paired', 1, 'owner')",
            "INSERT INTO invites (invite_id, secret, relay, expires_at, created_at, link) \
             VALUES (x'04', x'05', 'r', 1, 1, 3)",
        ] {
            let err = conn.execute_batch(sql).expect_err(sql);
            assert!(
                err.to_string().contains("CHECK constraint failed"),
                "{sql}: {err}"
            );
        }
        refused("UPDATE documents SET access = 'owner ' WHERE doc_id = 'd1'");
        refused(
            "INSERT INTO peers (peer_id, public_keys, display_name, state, created_at) \
             VALUES (x'01', x'02', 'p', 'trusted', 1)",
        );
        refused("INSERT INTO streams (stream_id, epoch, key, active) VALUES (x'01', 1, x'00', 2)");
        refused("INSERT INTO doc_writers (doc_id, writer, current) VALUES ('d1', x'01', 7)");
        let access: String = conn
            .query_row(
                "SELECT access FROM documents WHERE doc_id = 'd1'",
                [],
                |r| r.get(0),
            )
            .expect("row");
        assert_eq!(access, "read", "the refused update changed nothing");
    }

    #[test]
    fn a_newer_database_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
            .expect("set");
        let err = migrate(&mut conn).expect_err("refused");
        assert!(matches!(err, Error::SchemaTooNew { .. }));
        assert!(schema(&conn).is_empty());
    }
}
