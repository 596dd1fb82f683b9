//! Documents as chunks: a snapshot followed by incremental changes. Each local commit appends
//! its change in the caller's transaction (the same one that will later hold its outbox row),
//! and past a threshold the chunks are compacted into one snapshot.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::docs::kind::DocKind;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub doc_id: String,
    pub kind: DocKind,
    pub actor: Vec<u8>,
}

/// A document's stored bytes, ready for `Automerge::load`, and how many chunks they came from.
#[derive(Debug, Default)]
pub struct StoredDoc {
    pub bytes: Vec<u8>,
    pub chunks: usize,
}

pub fn insert_document(tx: &Transaction<'_>, row: &DocumentRow, created_at_ms: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO documents (doc_id, kind, actor, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![row.doc_id, row.kind.as_str(), row.actor, created_at_ms],
    )?;
    Ok(())
}

pub fn documents(conn: &Connection) -> Result<Vec<DocumentRow>> {
    let mut stmt = conn
        .prepare_cached("SELECT doc_id, kind, actor FROM documents ORDER BY created_at, doc_id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (doc_id, kind, actor) = row?;
        out.push(DocumentRow {
            doc_id,
            kind: DocKind::parse("documents.kind", &kind)?,
            actor,
        });
    }
    Ok(out)
}

pub fn append(tx: &Transaction<'_>, doc_id: &str, bytes: &[u8], is_snapshot: bool) -> Result<()> {
    tx.prepare_cached("INSERT INTO doc_chunks (doc_id, is_snapshot, bytes) VALUES (?1, ?2, ?3)")?
        .execute(params![doc_id, is_snapshot, bytes])?;
    Ok(())
}

pub fn load(conn: &Connection, doc_id: &str) -> Result<StoredDoc> {
    let mut stmt =
        conn.prepare_cached("SELECT bytes FROM doc_chunks WHERE doc_id = ?1 ORDER BY chunk_id")?;
    let mut rows = stmt.query([doc_id])?;
    let mut out = StoredDoc::default();
    while let Some(row) = rows.next()? {
        let bytes = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
        out.bytes.extend_from_slice(bytes);
        out.chunks += 1;
    }
    Ok(out)
}

pub fn chunk_count(conn: &Connection, doc_id: &str) -> Result<usize> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM doc_chunks WHERE doc_id = ?1")?
        .query_row([doc_id], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Replaces every chunk of the document with one snapshot of the same state.
pub fn compact(tx: &Transaction<'_>, doc_id: &str, snapshot: &[u8]) -> Result<()> {
    let last: Option<i64> = tx
        .query_row(
            "SELECT max(chunk_id) FROM doc_chunks WHERE doc_id = ?1",
            [doc_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let Some(last) = last else {
        return Err(Error::not_found("document", doc_id));
    };
    append(tx, doc_id, snapshot, true)?;
    tx.execute(
        "DELETE FROM doc_chunks WHERE doc_id = ?1 AND chunk_id <= ?2",
        params![doc_id, last],
    )?;
    Ok(())
}
