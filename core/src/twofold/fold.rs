//! The check-in's intent log (ADR 0025, amended; issue 19): a check-in is acknowledged once
//! it is a row in `pending_check_ins`, committed durably; the Automerge change that puts it
//! into the journal is made later, by a fold. A fold applies the pending rows to the
//! journal in order (one change each, as a direct check-in made), and in one transaction
//! stores the changes (and their outbox rows, when the journal is shared), updates the home
//! screen's read model and deletes the rows. So a kill at any point loses nothing and applies
//! nothing twice.
//!
//! Every access to the documents folds first (`docs_read`, `docs_write`, the write path),
//! under the writers' gate; a check-in takes the gate too, so a fold and a check-in never
//! interleave. The home screen needs no fold: its read model puts pending check-ins on top of
//! the journal part (`home_model::inputs`).

use std::sync::atomic::Ordering;

use automerge::transaction::CommitOptions;
use automerge::AutoCommit;

use super::home_model::{self, Written};
use super::items::check_references;
use super::write_path::Drafts;
use super::{DocChanged, Twofold};
use crate::docs::check_ins;
use crate::docs::kind::DocKind;
use crate::docs::sections::{self as s, Item};
use crate::error::{Error, Result};
use crate::model::journal::CheckIn;
use crate::store::pending_check_ins::{self as pending, Pending};
use crate::store::{chunks, outbox};
use crate::twofold::listeners::ChangeOrigin;

/// A check-in that finds this many waiting folds them on the caller's path: the log stays
/// short (a fold's cost and the home screen's overlay grow with it) even when nothing reads
/// the documents for a long while.
pub(crate) const FOLD_AT: usize = 32;

impl Twofold {
    /// Folds every pending check-in into the journal now; returns how many were pending.
    /// Every access to the documents does this first; an app may call it when idle (after a
    /// check-in, off the caller's path) so that the next read finds nothing to fold.
    pub fn fold_check_ins(&self) -> Result<usize> {
        self.ensure_docs()?;
        let mut drafts = self.gate();
        self.fold_in(&mut drafts)
    }

    /// How many check-ins wait in the intent log (for tests and benchmarks).
    #[doc(hidden)]
    pub fn pending_check_in_count(&self) -> Result<usize> {
        Ok(self.db.read(pending::all)?.len())
    }

    /// [`Twofold::fold_check_ins`] when any may be pending: for the readers' path, and for a
    /// sync pass before it collects what to send.
    pub(crate) fn fold_pending(&self) -> Result<()> {
        if self.pending_check_ins.load(Ordering::Acquire) {
            self.fold_check_ins()?;
        }
        Ok(())
    }

    /// Records a validated check-in in the intent log (its references checked against the
    /// documents as they stand) and tells the listeners. Durable when it returns.
    pub(super) fn record_pending(&self, check_in: &CheckIn) -> Result<()> {
        let refs = check_in.references();
        self.ensure_docs()?;
        // The gate orders this row after every change already made and before any fold.
        let mut drafts = self.gate();
        let shared = {
            let docs = self.docs.read().unwrap_or_else(|p| p.into_inner());
            let journal = docs
                .owner
                .get(&DocKind::Journal)
                .ok_or_else(|| Error::not_found("document", DocKind::Journal.as_str()))?;
            check_references(&docs, DocKind::Journal, &journal.am, s::CHECK_INS.id, &refs)?;
            journal.outbox
        };
        let recorded_ms = self.now_ms();
        let waiting = self
            .db
            .write(|tx| pending::insert(tx, check_in, recorded_ms))?;
        self.pending_check_ins.store(true, Ordering::Release);
        if waiting >= FOLD_AT {
            // The check-in is durable already: a failed fold is retried by the next access.
            if let Err(e) = self.fold_in(&mut drafts) {
                tracing::warn!(error = %e, "folding the pending check-ins failed");
            }
        }
        drop(drafts);
        self.listeners.notify(DocChanged {
            kind: DocKind::Journal,
            origin: ChangeOrigin::Local,
        });
        if shared {
            // Live sync wakes and its pass folds (off this call's path) and sends the change.
            self.listeners.notify_outgoing();
        }
        Ok(())
    }

    /// With the writers' gate held: folds the intent log into the journal, if anything is
    /// pending. Returns how many check-ins were.
    pub(super) fn fold_in(&self, drafts: &mut Drafts) -> Result<usize> {
        if !self.pending_check_ins.load(Ordering::Acquire) {
            return Ok(0);
        }
        let rows = self.db.read(pending::all)?;
        let Some(through) = rows.last().map(|p| p.seq) else {
            self.pending_check_ins.store(false, Ordering::Release);
            return Ok(0);
        };
        let docs = self.docs.read().unwrap_or_else(|p| p.into_inner());
        let target = docs
            .owner
            .get(&DocKind::Journal)
            .ok_or_else(|| Error::not_found("document", DocKind::Journal.as_str()))?;
        let doc_id = target.doc_id.clone();
        // Out of the map while it changes; on any failure it is dropped (it may hold changes
        // the disk does not), and the next write copies the readers' document again.
        let mut draft = drafts.remove(&doc_id).unwrap_or_else(|| target.am.clone());
        let before = draft.get_heads();
        let changes =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| apply(&mut draft, &rows)))
                .unwrap_or_else(|_| {
                    Err(Error::Contained {
                        context: "folding the pending check-ins",
                    })
                })?;
        let folded: Vec<CheckIn> = rows.iter().map(|p| p.check_in.clone()).collect();
        let last_seq = target.last_seq + changes.len() as i64;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.db.write(|tx| {
                for (i, bytes) in changes.iter().enumerate() {
                    chunks::append(tx, &doc_id, target.last_seq + 1 + i as i64, bytes, false)?;
                    if target.outbox {
                        outbox::add_change(tx, &doc_id, bytes)?;
                    }
                }
                pending::delete_through(tx, through)?;
                if changes.is_empty() {
                    return Ok(());
                }
                home_model::record_written(
                    tx,
                    &docs,
                    target,
                    &draft,
                    last_seq,
                    Written::CheckIns(&folded),
                )
            })
        }))
        .unwrap_or_else(|_| {
            Err(Error::Contained {
                context: "storing the folded check-ins",
            })
        })?;
        drop(docs);
        let compact = match changes.len() {
            0 => false,
            1 => self.publish(&doc_id, &changes, last_seq),
            _ => self.publish_copy(&doc_id, &draft, &before, &changes, last_seq),
        };
        if compact {
            self.compact_draft(&mut draft, &doc_id, last_seq);
        }
        drafts.insert(doc_id, draft);
        // Under the gate no check-in came in meanwhile: the log is empty.
        self.pending_check_ins.store(false, Ordering::Release);
        Ok(rows.len())
    }
}

/// Applies each pending check-in to the writer's copy as its own change, stamped with the
/// time it was acknowledged; returns the new changes' bytes. A check-in whose key the journal
/// already holds with the same values makes no change (folding a row twice is harmless).
fn apply(draft: &mut AutoCommit, rows: &[Pending]) -> Result<Vec<Vec<u8>>> {
    let mut changes = Vec::with_capacity(rows.len());
    for row in rows {
        let before = draft.get_heads();
        if let Err(e) = check_ins::put(draft, &row.check_in) {
            draft.rollback();
            return Err(e);
        }
        draft.commit_with(CommitOptions::default().with_time(row.recorded_ms.div_euclid(1000)));
        if draft.get_heads() != before {
            changes.push(
                draft
                    .get_last_local_change()
                    .map(|c| c.raw_bytes().to_vec())
                    .unwrap_or_else(|| draft.save_after(&before)),
            );
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::Day;
    use crate::store::database::KEY_LEN;
    use crate::twofold::NewCheckIn;

    fn new_check_in(note: &str) -> NewCheckIn {
        NewCheckIn {
            day: Day::from_ymd("day", 2026, 5, 6).expect("day"),
            mood: 5,
            craving: 1,
            sleep_hours: None,
            medication_taken: None,
            doses: Vec::new(),
            used_substance: false,
            triggers_met: Vec::new(),
            coping_used: Vec::new(),
            warning_signs: Vec::new(),
            note: note.to_string(),
        }
    }

    /// With nothing reading the journal, the log grows to `FOLD_AT` and no further: the check-in
    /// that finds that many folds them all, in one transaction. Fails with the bound off by one.
    #[test]
    fn the_log_is_folded_by_the_check_in_that_fills_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Twofold::open(dir.path().join("s"), &[7u8; KEY_LEN]).expect("open");
        for i in 1..FOLD_AT {
            store
                .record_check_in(new_check_in(&format!("{i}")), 1_778_000_000_000 + i as i64)
                .expect("check-in");
            assert_eq!(store.pending_check_in_count().expect("count"), i);
        }
        store
            .record_check_in(new_check_in("last"), 1_778_000_001_000)
            .expect("check-in");
        assert_eq!(store.pending_check_in_count().expect("count"), 0);
        // In the journal, and the readers' document is what the disk holds.
        assert_eq!(store.list(s::CHECK_INS).expect("check-ins").len(), FOLD_AT);
        let (doc_id, in_memory) = store
            .read(|docs| {
                let journal = docs
                    .owner
                    .get(&DocKind::Journal)
                    .ok_or_else(|| Error::not_found("document", "journal"))?;
                Ok((journal.doc_id.clone(), journal.last_seq))
            })
            .expect("journal");
        let stored = store.db.read(|c| chunks::load(c, &doc_id)).expect("chunks");
        assert_eq!(in_memory, stored.last_seq);
    }
}
