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

/// Replaces every chunk of the document before `seq` with one snapshot of the same state,
/// stored at `seq`.
pub fn compact(tx: &Transaction<'_>, doc_id: &str, seq: i64, snapshot: &[u8]) -> Result<()> {
    let last: Option<i64> = tx
        .query_row(
            "SELECT max(seq) FROM doc_chunks WHERE doc_id = ?1",
            [doc_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if last.is_none_or(|l| l >= seq) {
        return Err(Error::not_found("document chunks before", seq.to_string()));
    }
    append(tx, doc_id, seq, snapshot, true)?;
    tx.execute(
        "DELETE FROM doc_chunks WHERE doc_id = ?1 AND seq < ?2",
        params![doc_id, seq],
    )?;
    Ok(())
}
