//! The home screen's read model as stored (ADR 0021): each part's encoded inputs and, per
//! source document kind, which document and which last chunk they were derived from. This
//! module only reads and writes rows; what goes in them is `twofold::home_model`'s.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::docs::kind::DocKind;
use crate::error::Result;
use crate::store::chunks::{self, DocumentRow};
use crate::store::pending_check_ins::{self, Pending};

/// A source document as the read model last saw it, or as the store holds it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceStamp {
    pub doc_id: String,
    pub seq: i64,
}

/// Everything stored for the read model, read in one snapshot with the stamps of the
/// documents as they stand.
#[derive(Debug, Default)]
pub struct Stored {
    pub parts: BTreeMap<String, Vec<u8>>,
    /// Kind → (stamp, version) as written with the parts.
    pub stamps: BTreeMap<DocKind, (SourceStamp, i64)>,
    /// Kind → the person's own document of that kind and its last chunk, now.
    pub current: BTreeMap<DocKind, SourceStamp>,
    /// Check-ins acknowledged and not yet in the journal (ADR 0025, the intent log): the
    /// journal part reflects the journal, and these come on top of it.
    pub pending: Vec<Pending>,
}

/// The person's own document of a kind: made here, or adopted from the linked device. The
/// same rule, in the same order, as the documents' map at load (`Docs::put_back`: the last
/// row of a kind wins).
fn is_own(row: &DocumentRow) -> bool {
    row.adopted || (row.owner.is_none() && row.peer.is_none() && row.kind != DocKind::Circle)
}

/// The person's own documents of `kinds` and their last chunk's seq, as the store holds them.
pub fn current_sources(
    conn: &Connection,
    kinds: &[DocKind],
) -> Result<BTreeMap<DocKind, SourceStamp>> {
    let mut own = BTreeMap::new();
    for row in chunks::documents(conn)? {
        if is_own(&row) && kinds.contains(&row.kind) {
            own.insert(row.kind, row.doc_id);
        }
    }
    let mut out = BTreeMap::new();
    for (kind, doc_id) in own {
        if let Some(seq) = chunks::last_seq(conn, &doc_id)? {
            out.insert(kind, SourceStamp { doc_id, seq });
        }
    }
    Ok(out)
}

/// Reads the parts, their stamps and the current sources in one read transaction, so that
/// a write committing meanwhile is seen whole or not at all.
pub fn read(conn: &Connection, kinds: &[DocKind]) -> Result<Stored> {
    let tx = conn.unchecked_transaction()?;
    let mut out = Stored::default();
    {
        let mut stmt = tx.prepare_cached("SELECT part, body FROM home_model")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            out.parts.insert(r.get(0)?, r.get(1)?);
        }
        let mut stmt =
            tx.prepare_cached("SELECT kind, doc_id, seq, version FROM home_model_sources")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            let kind = DocKind::parse("home_model_sources.kind", &kind)?;
            let stamp = SourceStamp {
                doc_id: r.get(1)?,
                seq: r.get(2)?,
            };
            out.stamps.insert(kind, (stamp, r.get(3)?));
        }
    }
    out.current = current_sources(&tx, kinds)?;
    out.pending = pending_check_ins::all(&tx)?;
    tx.finish()?;
    Ok(out)
}

pub fn write_part(tx: &Transaction<'_>, part: &str, body: &[u8]) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO home_model (part, body) VALUES (?1, ?2) \
         ON CONFLICT (part) DO UPDATE SET body = excluded.body",
    )?
    .execute(params![part, body])?;
    Ok(())
}

pub fn stamp(
    tx: &Transaction<'_>,
    kind: DocKind,
    source: &SourceStamp,
    version: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO home_model_sources (kind, doc_id, seq, version) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (kind) DO UPDATE SET doc_id = excluded.doc_id, seq = excluded.seq, \
         version = excluded.version",
    )?
    .execute(params![kind.as_str(), source.doc_id, source.seq, version])?;
    Ok(())
}

/// After a compaction: the document's content is what it was at `old_seq`, now stored at
/// `new_seq`. A stamp that was in step stays in step; any other is left as it is.
pub fn restamp(tx: &Transaction<'_>, doc_id: &str, old_seq: i64, new_seq: i64) -> Result<()> {
    tx.prepare_cached("UPDATE home_model_sources SET seq = ?3 WHERE doc_id = ?1 AND seq = ?2")?
        .execute(params![doc_id, old_seq, new_seq])?;
    Ok(())
}

/// The last chunk's seq of a document, in the writer's transaction.
pub fn last_seq_in(tx: &Transaction<'_>, doc_id: &str) -> Result<Option<i64>> {
    chunks::last_seq(tx, doc_id)
}

/// Marks the parts fed by `kind` out of step.
pub fn unstamp(tx: &Transaction<'_>, kind: DocKind) -> Result<()> {
    tx.prepare_cached("DELETE FROM home_model_sources WHERE kind = ?1")?
        .execute([kind.as_str()])?;
    Ok(())
}

/// One part's body and the stamp and version written with `kind`, in the writer's
/// transaction: what a change's incremental update starts from.
pub fn part_and_stamp(
    tx: &Transaction<'_>,
    part: &str,
    kind: DocKind,
) -> Result<Option<(Vec<u8>, SourceStamp, i64)>> {
    let body: Option<Vec<u8>> = tx
        .prepare_cached("SELECT body FROM home_model WHERE part = ?1")?
        .query_row([part], |r| r.get(0))
        .optional()?;
    let stamp = tx
        .prepare_cached("SELECT doc_id, seq, version FROM home_model_sources WHERE kind = ?1")?
        .query_row([kind.as_str()], |r| {
            Ok((
                SourceStamp {
                    doc_id: r.get(0)?,
                    seq: r.get(1)?,
                },
                r.get::<_, i64>(2)?,
            ))
        })
        .optional()?;
    Ok(body.zip(stamp).map(|(b, (s, v))| (b, s, v)))
}
