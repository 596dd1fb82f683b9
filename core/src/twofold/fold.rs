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
use super::{DocChanged, Docs, Twofold};
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

/// How many times a read of check-ins looks for the readers' journal and the disk in step
/// before it folds instead, and how long it lets the writer run in between: they are out of
/// step only from a write's commit to its publish, work in memory (a change applied to the
/// readers' journal: about 1 ms here on five years, its wait for the lock included) that
/// waits for no disk. 200 × 100 µs is 20 ms at most; measured, the second look finds them in
/// step.
const BESIDE_TRIES: usize = 200;
const BESIDE_PAUSE: std::time::Duration = std::time::Duration::from_micros(100);

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

    /// Runs the read `f` on the readers' documents with the check-ins still in the intent
    /// log beside them, oldest first, instead of folding them: a read of check-ins never
    /// waits at the writers' gate, where a fold or a write may be waiting for its fsync
    /// (ADR 0025, "A read of check-ins"). `f` puts the two together as the fold would
    /// (`insights::compute::with_pending`). `f` may run more than once; only its last answer
    /// counts.
    pub(crate) fn read_journal<R>(
        &self,
        mut f: impl FnMut(&Docs, &[CheckIn]) -> Result<R>,
    ) -> Result<R> {
        self.ensure_docs()?;
        for _ in 0..BESIDE_TRIES {
            if !self.pending_check_ins.load(Ordering::Acquire) {
                // Nothing pending when the read began: every acknowledged check-in is in the
                // readers' document (a check-in says so before it answers). Read below.
                break;
            }
            let docs = self.docs.read().unwrap_or_else(|p| p.into_inner());
            let journal = docs
                .owner
                .get(&DocKind::Journal)
                .ok_or_else(|| Error::not_found("document", DocKind::Journal.as_str()))?;
            // Held, the documents' lock keeps the readers' journal as it is; the snapshot
            // holds every row acknowledged before this read that no fold has deleted. A row a
            // fold deleted is in the readers' journal once the fold has published, which the
            // same chunk seq in memory and on disk shows; a fold (or any write of the journal)
            // that has committed and not yet published shows a later seq on disk: let it
            // publish, and look again.
            let (rows, stored) = self
                .db
                .read(|c| pending::all_beside_chunks(c, &journal.doc_id))?;
            if stored == Some(journal.last_seq) {
                let pending: Vec<CheckIn> = rows.into_iter().map(|p| p.check_in).collect();
                return f(&docs, &pending);
            }
            drop(docs);
            std::thread::sleep(BESIDE_PAUSE);
        }
        // Nothing pending, or a journal committed ahead of its readers' copy each time it
        // was looked at: read as every other read of the journal does (it folds first if a
        // check-in came in meanwhile). One call, so one copy of `read` per caller.
        self.read(|docs| f(docs, &[]))
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
        // The readers' copy of several changes is made before the commit, not between it and
        // the publish: a read of check-ins beside the log finds the disk ahead of the readers'
        // journal for that long (`read_journal`); a copy of five years took 0.3–1.5 ms here.
        let copy = (changes.len() > 1).then(|| draft.clone());
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
        let compact = match copy {
            Some(copy) => self.publish_copy(&doc_id, copy, &before, &changes, last_seq),
            None if changes.is_empty() => false,
            None => self.publish(&doc_id, &changes, last_seq),
        };
        // Under the gate no check-in came in meanwhile: the log is empty, and the readers'
        // document holds every row it had. Said before compacting, so that a read of the
        // journal does not wait at the gate for a snapshot and its fsync.
        self.pending_check_ins.store(false, Ordering::Release);
        if compact {
            self.compact_draft(&mut draft, &doc_id, last_seq);
        }
        drafts.insert(doc_id, draft);
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

    fn check_in_at(store: &Twofold, note: &str, at_ms: i64) -> CheckIn {
        check_in_with_mood(store, note, at_ms, 5)
    }

    fn check_in_with_mood(store: &Twofold, note: &str, at_ms: i64, mood: u8) -> CheckIn {
        let new = NewCheckIn {
            mood,
            ..new_check_in(note)
        };
        store.record_check_in(new, at_ms).expect("check-in")
    }

    /// A read of check-ins while a fold waits to commit (another transaction holds the
    /// database's writer, as an fsync would) answers at once, with the check-in being folded
    /// and one recorded before it; it does not wait at the writers' gate the fold holds.
    #[test]
    fn a_read_of_check_ins_does_not_wait_for_a_fold_waiting_to_commit() {
        use crate::twofold::held_writer::{hold_the_writer, wait_for_the_gate};
        use std::sync::mpsc;
        use std::time::Duration;
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Twofold::open(dir.path().join("s"), &[7u8; KEY_LEN]).expect("open");
        let folded = check_in_at(&store, "folded", 1_778_000_000_000);
        store.fold_check_ins().expect("fold");
        let day = folded.day;
        let patterns_before = store.patterns(day).expect("patterns");
        let waiting = check_in_with_mood(&store, "waiting", 1_778_000_060_000, 9);
        std::thread::scope(|scope| {
            let store = &store;
            let hold_tx = hold_the_writer(scope, store);
            let fold = scope.spawn(move || store.fold_check_ins());
            // The fold has the gate and waits for the database.
            wait_for_the_gate(store);
            let (answer_tx, answer_rx) = mpsc::channel();
            scope.spawn(move || {
                let _ = answer_tx.send((store.check_ins_between(day, day), store.patterns(day)));
            });
            let answered = answer_rx.recv_timeout(Duration::from_secs(5));
            let _ = hold_tx.send(());
            let want = vec![folded.clone(), waiting.clone()];
            let Ok((Ok(list), Ok(patterns))) = answered else {
                panic!("the read waited for the fold, or failed: {answered:?}");
            };
            assert_eq!(list, want, "a check-in missing");
            assert_eq!(fold.join().expect("fold").expect("the fold"), 1);
            assert_eq!(store.pending_check_in_count().expect("count"), 0);
            assert_eq!(patterns, store.patterns(day).expect("patterns after"));
            assert_ne!(
                patterns, patterns_before,
                "the insights missed the check-in"
            );
        });
        assert_eq!(
            store.check_ins_between(day, day).expect("read"),
            vec![folded, waiting]
        );
    }

    /// While check-ins are recorded and folded (and the journal compacted) on one thread,
    /// every read of check-ins on another holds each check-in acknowledged before it began,
    /// once; the race between a fold's commit and its publish is where one could go missing.
    #[test]
    fn reads_beside_the_log_never_miss_an_acknowledged_check_in() {
        use std::sync::atomic::{AtomicBool, AtomicUsize};
        let dir = tempfile::tempdir().expect("tempdir");
        let options = super::super::OpenOptions {
            compact_after_chunks: 4,
            ..Default::default()
        };
        let store =
            Twofold::open_with(dir.path().join("s"), &[7u8; KEY_LEN], options).expect("open");
        let day = Day::from_ymd("day", 2026, 5, 6).expect("day");
        let acknowledged = AtomicUsize::new(0);
        let done = AtomicBool::new(false);
        let mut reads = 0;
        let mut beside = 0;
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for i in 0..120 {
                    check_in_at(&store, &format!("{i}"), 1_778_000_000_000 + i * 1_000);
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                    if i % 3 != 0 {
                        store.fold_check_ins().expect("fold");
                    }
                }
                done.store(true, Ordering::SeqCst);
            });
            while !done.load(Ordering::SeqCst) {
                let before = acknowledged.load(Ordering::SeqCst);
                let pending = store.pending_check_ins.load(Ordering::SeqCst);
                let read = store.check_ins_between(day, day).expect("read");
                let mut ids: Vec<&str> = read.iter().map(|c| c.id.as_str()).collect();
                ids.dedup();
                assert_eq!(ids.len(), read.len(), "a check-in read twice");
                assert!(
                    read.len() >= before,
                    "{} read, {before} acknowledged",
                    read.len()
                );
                reads += 1;
                beside += usize::from(pending);
            }
        });
        assert!(
            reads > 0 && beside > 0,
            "{reads} reads, {beside} beside the log"
        );
        assert_eq!(store.check_ins_between(day, day).expect("read").len(), 120);
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
