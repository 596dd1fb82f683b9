//! The check-in's intent log (ADR 0025, amended): check-ins acknowledged and not yet folded
//! into the journal's Automerge document. Rows only; when they are folded, and how, is
//! `twofold::fold`'s. The rows hold health data: they live in the encrypted store, and no
//! error here carries their content.

use rusqlite::{params, Connection, Transaction};

use crate::error::{Error, Result};
use crate::json_bytes;
use crate::model::journal::CheckIn;
use crate::store::chunks;

/// One pending check-in, in recording order.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub seq: i64,
    /// When the store acknowledged it: the time of the Automerge change made from it.
    pub recorded_ms: i64,
    pub check_in: CheckIn,
}

/// Appends `check_in`; returns how many check-ins are pending now, this one included.
pub fn insert(tx: &Transaction<'_>, check_in: &CheckIn, recorded_ms: i64) -> Result<usize> {
    let body = serde_json::to_vec(check_in)
        .map_err(|_| Error::invalid("pending_check_ins.body", "cannot be encoded"))?;
    // The bits, because serde_json parses some f64s one unit off (without its
    // `float_roundtrip`); the fold must write exactly what was entered.
    let sleep_bits = check_in.sleep_hours.map(|h| h.to_bits() as i64);
    tx.prepare_cached(
        "INSERT INTO pending_check_ins (recorded_ms, body, sleep_bits) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![recorded_ms, body, sleep_bits])?;
    let count: i64 = tx
        .prepare_cached("SELECT count(*) FROM pending_check_ins")?
        .query_row([], |r| r.get(0))?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// Every pending check-in, oldest first. A row that does not decode is an error (naming the
/// column, never the content): skipping it would lose a check-in the person was told is kept.
pub fn all(conn: &Connection) -> Result<Vec<Pending>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, recorded_ms, body, sleep_bits FROM pending_check_ins ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Vec<u8>>(2)?,
            r.get::<_, Option<i64>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, recorded_ms, body, sleep_bits) = row?;
        let mut check_in: CheckIn = json_bytes::from_bytes(&body)
            .ok_or_else(|| Error::invalid("pending_check_ins.body", "does not decode"))?;
        check_in.sleep_hours = sleep_bits.map(|b| f64::from_bits(b as u64));
        out.push(Pending {
            seq,
            recorded_ms,
            check_in,
        });
    }
    Ok(out)
}

/// Every pending check-in, with the seq of `doc_id`'s last chunk, from one read snapshot: what
/// a reader that does not fold puts beside the document it holds in memory (the seq tells it
/// whether that document is the one the snapshot's chunks make, `twofold::fold`).
pub fn all_beside_chunks(conn: &Connection, doc_id: &str) -> Result<(Vec<Pending>, Option<i64>)> {
    // Rolled back when dropped: it only reads.
    let snapshot = conn.unchecked_transaction()?;
    let rows = all(&snapshot)?;
    let last_seq = chunks::last_seq(&snapshot, doc_id)?;
    Ok((rows, last_seq))
}

/// Whether any check-in is pending.
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM pending_check_ins)")?
        .query_row([], |r| r.get(0))?)
}

/// Deletes the pending check-ins up to and including `seq`: those a fold applied, in the
/// fold's transaction.
pub fn delete_through(tx: &Transaction<'_>, seq: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM pending_check_ins WHERE seq <= ?1")?
        .execute([seq])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::ids::ItemId;
    use crate::model::time::Day;
    use crate::store::database::{Database, KEY_LEN};

    fn check_in(sleep: Option<f64>, note: &str) -> CheckIn {
        let day = Day::from_ymd("day", 2026, 3, 4).expect("day");
        CheckIn {
            id: CheckIn::new_id(day, 1_772_600_000_123),
            day,
            at_ms: 1_772_600_000_123,
            mood: 4,
            craving: 9,
            sleep_hours: sleep,
            medication_taken: Some(false),
            doses: Vec::new(),
            used_substance: true,
            triggers_met: vec![ItemId::parse("id", "t1").expect("id")],
            coping_used: Vec::new(),
            warning_signs: Vec::new(),
            note: note.to_string(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// What is read back is exactly what was written, every f64 of the sleep hours
        /// included, in order; deleting through a row leaves only the later ones.
        #[test]
        fn rows_read_back_exactly_and_in_order(
            sleeps in proptest::collection::vec(proptest::option::of(0.0f64..=24.0), 1..6),
            note in "\\PC{0,40}",
            cut in 0usize..6,
        ) {
            let dir = tempfile::tempdir().expect("tempdir");
            let db = Database::open(&dir.path().join("s"), &[3u8; KEY_LEN]).expect("open");
            let written: Vec<CheckIn> = sleeps.iter().map(|s| check_in(*s, &note)).collect();
            for (i, c) in written.iter().enumerate() {
                let count = db.write(|tx| insert(tx, c, 1_000 + i as i64)).expect("insert");
                prop_assert_eq!(count, i + 1);
            }
            let read = db.read(all).expect("all");
            prop_assert_eq!(read.iter().map(|p| &p.check_in).collect::<Vec<_>>(), written.iter().collect::<Vec<_>>());
            prop_assert!(read.iter().enumerate().all(|(i, p)| p.recorded_ms == 1_000 + i as i64));
            let cut = cut.min(read.len());
            if cut > 0 {
                db.write(|tx| delete_through(tx, read[cut - 1].seq)).expect("delete");
            }
            let left = db.read(all).expect("all");
            prop_assert_eq!(left.len(), read.len() - cut);
            prop_assert_eq!(db.read(super::any).expect("any"), cut < read.len());
        }
    }
}
