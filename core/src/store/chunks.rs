//! Documents as chunks: a snapshot followed by incremental changes. Each local commit appends
//! its change in the caller's transaction (the same one that will later hold its outbox row),
//! and past a threshold the chunks are compacted into one snapshot.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::KeyId;
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub doc_id: String,
    pub kind: DocKind,
    pub actor: Vec<u8>,
    /// The owner's key id; `None` for this device's own documents.
    pub owner: Option<KeyId>,
    /// `owner`, `read`, `write` or `ended`.
    pub access: String,
    /// For a mentor's notes document: the person it is for.
    pub peer: Option<KeyId>,
    /// The person's own document of its kind, received from the linked device that made it
    /// (ADR 0012): it stands where this device's own document of that kind stood.
    pub adopted: bool,
}

/// A document's stored bytes, ready for `Automerge::load`, how many chunks they came from,
/// and the last chunk's sequence number.
#[derive(Debug, Default)]
pub struct StoredDoc {
    pub bytes: Vec<u8>,
    pub chunks: usize,
    pub last_seq: i64,
}

pub fn insert_document(tx: &Transaction<'_>, row: &DocumentRow, created_at_ms: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO documents (doc_id, kind, actor, created_at, owner, access, peer, adopted) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            row.doc_id,
            row.kind.as_str(),
            row.actor,
            created_at_ms,
            row.owner.as_ref().map(|o| &o.0[..]),
            row.access,
            row.peer.as_ref().map(|p| &p.0[..]),
            row.adopted,
        ],
    )?;
    Ok(())
}

pub fn documents(conn: &Connection) -> Result<Vec<DocumentRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT doc_id, kind, actor, owner, access, peer, adopted FROM documents \
         ORDER BY created_at, doc_id",
    )?;
    let mut rows = stmt.query([])?;
    let key_id = |raw: Option<Vec<u8>>, field: &str| -> Result<Option<KeyId>> {
        raw.map(|b| {
            b.try_into()
                .map(KeyId)
                .map_err(|_| Error::invalid(field, "has the wrong length"))
        })
        .transpose()
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(1)?;
        out.push(DocumentRow {
            doc_id: r.get(0)?,
            kind: DocKind::parse("documents.kind", &kind)?,
            actor: r.get(2)?,
            owner: key_id(r.get(3)?, "documents.owner")?,
            access: r.get(4)?,
            peer: key_id(r.get(5)?, "documents.peer")?,
            adopted: r.get(6)?,
        });
    }
    Ok(out)
}

pub fn append(
    tx: &Transaction<'_>,
    doc_id: &str,
    seq: i64,
    bytes: &[u8],
    is_snapshot: bool,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO doc_chunks (doc_id, seq, is_snapshot, bytes) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![doc_id, seq, is_snapshot, bytes])?;
    Ok(())
}

pub fn load(conn: &Connection, doc_id: &str) -> Result<StoredDoc> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, bytes FROM doc_chunks WHERE doc_id = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([doc_id])?;
    let mut out = StoredDoc::default();
    while let Some(row) = rows.next()? {
        out.last_seq = row.get(0)?;
        let bytes = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        out.bytes.extend_from_slice(bytes);
        out.chunks += 1;
    }
    Ok(out)
}

/// The seq of the document's last chunk; `None` when it has none. A seek in the (doc_id, seq)
/// index: it reads no chunk's bytes, however large the document has grown (migration 18).
pub fn last_seq(conn: &Connection, doc_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT max(seq) FROM doc_chunks WHERE doc_id = ?1")?
        .query_row([doc_id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Replaces every chunk of the document before `seq` with one snapshot of the same state,
/// stored at `seq`.
pub fn compact(tx: &Transaction<'_>, doc_id: &str, seq: i64, snapshot: &[u8]) -> Result<()> {
    if last_seq(tx, doc_id)?.is_none_or(|l| l >= seq) {
        return Err(Error::not_found("document chunks before", seq.to_string()));
    }
    append(tx, doc_id, seq, snapshot, true)?;
    tx.execute(
        "DELETE FROM doc_chunks WHERE doc_id = ?1 AND seq < ?2",
        params![doc_id, seq],
    )?;
    Ok(())
}

pub fn set_access(tx: &Transaction<'_>, doc_id: &str, access: &str) -> Result<()> {
    tx.execute(
        "UPDATE documents SET access = ?2 WHERE doc_id = ?1",
        params![doc_id, access],
    )?;
    Ok(())
}

/// Deletes a document and everything stored for it on this device.
pub fn delete_document(tx: &Transaction<'_>, doc_id: &str) -> Result<()> {
    tx.execute("DELETE FROM doc_chunks WHERE doc_id = ?1", [doc_id])?;
    tx.execute("DELETE FROM outbox_changes WHERE doc_id = ?1", [doc_id])?;
    tx.execute("DELETE FROM outbox WHERE doc_id = ?1", [doc_id])?;
    tx.execute("DELETE FROM doc_writers WHERE doc_id = ?1", [doc_id])?;
    tx.execute("DELETE FROM change_signatures WHERE doc_id = ?1", [doc_id])?;
    tx.execute("DELETE FROM documents WHERE doc_id = ?1", [doc_id])?;
    Ok(())
}

/// Replaces every chunk of a document with one snapshot at `seq` (after a peer's snapshot
/// was merged in, or to store a document received whole).
pub fn replace_with_snapshot(
    tx: &Transaction<'_>,
    doc_id: &str,
    seq: i64,
    snapshot: &[u8],
) -> Result<()> {
    tx.execute("DELETE FROM doc_chunks WHERE doc_id = ?1", [doc_id])?;
    append(tx, doc_id, seq, snapshot, true)
}

/// A document adopted from the device this one was linked to becomes this device's own, as
/// the one that takes that device's place (ADR 0012).
pub fn make_own(tx: &Transaction<'_>, doc_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE documents SET owner = NULL, access = 'owner', adopted = 0 WHERE doc_id = ?1",
        [doc_id],
    )?;
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::store::database::{Database, KEY_LEN};

    const CHILD: &str = "TWOFOLD_CHUNKS_TEST_CHILD";

    /// Read system calls this process has made so far (Linux's `/proc/self/io`).
    fn reads_so_far() -> u64 {
        std::fs::read_to_string("/proc/self/io")
            .expect("/proc/self/io")
            .lines()
            .find_map(|l| l.strip_prefix("syscr: "))
            .and_then(|n| n.trim().parse().ok())
            .expect("syscr")
    }

    fn row(doc_id: &str) -> DocumentRow {
        DocumentRow {
            doc_id: doc_id.to_string(),
            kind: DocKind::Journal,
            actor: vec![1],
            owner: None,
            access: "owner".to_string(),
            peer: None,
            adopted: false,
        }
    }

    /// A grown journal: a 256 KiB snapshot (the years of history) and the changes after it.
    /// In a fresh process, so that this process's read calls are the query's alone, finding
    /// its last chunk reads a handful of pages, never the snapshot (64 pages): with the
    /// chunks in a WITHOUT ROWID table (before migration 18) it read 50–70.
    #[test]
    fn finding_a_documents_last_chunk_reads_none_of_its_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("chunks.db");
        let key = [7u8; KEY_LEN];
        {
            let db = Database::open(&path, &key).expect("open");
            db.write(|tx| {
                for doc in ["a-plan", "journal", "z-schedule"] {
                    insert_document(tx, &row(doc), 1)?;
                    let snapshot: Vec<u8> =
                        (0..256 * 1024u32).map(|i| (i * 31 % 251) as u8).collect();
                    append(tx, doc, 1, &snapshot, true)?;
                    for seq in 2..=60 {
                        append(tx, doc, seq, &[seq as u8; 300], false)?;
                    }
                }
                Ok(())
            })
            .expect("chunks");
            db.checkpoint().expect("checkpoint");
        }
        if std::env::var_os(CHILD).is_none() {
            let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
                .args([
                    "--exact",
                    "store::chunks::tests::finding_a_documents_last_chunk_reads_none_of_its_bytes",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD, &path)
                .output()
                .expect("child test");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "child failed: {text}");
            let reads: u64 = text
                .lines()
                .find_map(|l| l.strip_prefix("reads: "))
                .and_then(|n| n.trim().parse().ok())
                .expect("the child's count");
            assert!(reads <= 8, "finding the last chunk took {reads} reads");
            return;
        }
        let child_path = std::env::var_os(CHILD).expect("child");
        let db = Database::open(std::path::Path::new(&child_path), &key).expect("reopen");
        // The schema and the first pages are read first, so the count below is the seek alone.
        db.read(documents).expect("documents");
        let before = reads_so_far();
        let last = db.read(|c| last_seq(c, "journal")).expect("last seq");
        let reads = reads_so_far() - before;
        assert_eq!(last, Some(60));
        // On a line of its own: the harness prints the test's name before it without one.
        #[allow(clippy::print_stdout)] // The parent reads it.
        {
            println!("\nreads: {reads}");
        }
    }
}
