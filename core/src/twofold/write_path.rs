//! The one local write path (ADR 0021, amended by ADR 0025): a change is made on the writer's
//! own copy of the document, committed durably, and only then applied to the document that
//! readers see. A writer holds the documents' lock shared while it changes its copy and
//! commits (it reads the other documents), and exclusively only for the moment it takes to
//! apply the one committed change. So no read waits for a write's fsync, and no read sees a
//! change that is not yet on disk.
//!
//! Every other writer (a peer's changes, a grant, a restore) takes [`DocsWrite`]: the
//! writers' gate and the documents' lock exclusively, commit included, as before.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::{MutexGuard, RwLockWriteGuard};

use automerge::transaction::CommitOptions;
use automerge::AutoCommit;

use super::home_model::{self, Written};
use super::{ChangeOrigin, DocAccess, DocChanged, DocSel, Docs, SharedChanged, Twofold};
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::store::home_model as store_home_model;
use crate::store::{chunks, outbox};

/// The writers' copies of documents, by document id: each is its document as committed, or
/// is dropped. Guarded by the writers' gate.
pub(crate) type Drafts = BTreeMap<String, AutoCommit>;

/// The documents, exclusively, with the writers' gate.
pub(crate) struct DocsWrite<'a> {
    docs: RwLockWriteGuard<'a, Docs>,
    drafts: MutexGuard<'a, Drafts>,
}

impl Deref for DocsWrite<'_> {
    type Target = Docs;
    fn deref(&self) -> &Docs {
        &self.docs
    }
}

impl DerefMut for DocsWrite<'_> {
    fn deref_mut(&mut self) -> &mut Docs {
        &mut self.docs
    }
}

impl Drop for DocsWrite<'_> {
    /// Whoever held the documents exclusively may have changed any of them in place: a copy
    /// that no longer has its document's heads (and actor) is dropped, to be copied again.
    fn drop(&mut self) {
        let docs = &mut *self.docs;
        self.drafts.retain(|doc_id, draft| {
            docs.by_id_mut(doc_id).is_some_and(|doc| {
                doc.am.get_actor() == draft.get_actor() && doc.am.get_heads() == draft.get_heads()
            })
        });
    }
}

/// What changing the writer's copy produced: the closure's answer, and the new change's
/// bytes unless nothing changed.
type Made<R> = (R, Option<Vec<u8>>);

impl Twofold {
    /// The documents to change in place, with the writers' gate: readers wait until the
    /// guard is dropped, commits and all. Pending check-ins are folded into the journal first,
    /// so whoever holds the guard sees (and changes) the journal with every acknowledged one.
    pub(crate) fn docs_write(&self) -> Result<DocsWrite<'_>> {
        self.ensure_docs()?;
        let mut drafts = self.gate();
        self.fold_in(&mut drafts)?;
        Ok(DocsWrite {
            docs: self.docs.write().unwrap_or_else(|p| p.into_inner()),
            drafts,
        })
    }

    /// Taken before the documents' lock by every writer, and by a check-in and a fold.
    pub(super) fn gate(&self) -> MutexGuard<'_, Drafts> {
        // A copy a panicking writer left behind is dropped before it is used again: the local
        // path takes its copy out of the map while it works, and `DocsWrite` checks the rest.
        self.drafts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The one write path: `f` may read every document but changes only `kind`'s. If `f`
    /// fails, its partial edits are rolled back and nothing is written.
    pub(crate) fn change<R>(
        &self,
        kind: DocKind,
        origin: ChangeOrigin,
        f: impl FnOnce(&Docs, &mut AutoCommit) -> Result<R>,
    ) -> Result<R> {
        self.change_doc_written(DocSel::Own(kind), origin, Written::Unknown, f)
    }

    /// [`Twofold::change`] for any document this device holds, checked against its access.
    pub(crate) fn change_doc<R>(
        &self,
        sel: DocSel<'_>,
        origin: ChangeOrigin,
        f: impl FnOnce(&Docs, &mut AutoCommit) -> Result<R>,
    ) -> Result<R> {
        self.change_doc_written(sel, origin, Written::Unknown, f)
    }

    fn change_doc_written<R>(
        &self,
        sel: DocSel<'_>,
        origin: ChangeOrigin,
        written: Written<'_>,
        f: impl FnOnce(&Docs, &mut AutoCommit) -> Result<R>,
    ) -> Result<R> {
        self.ensure_docs()?;
        let mut drafts = self.gate();
        // Every change of any document comes after the check-ins already acknowledged: an
        // edit of one finds it, and the journal's changes stay in the order they were made.
        self.fold_in(&mut drafts)?;
        let docs = self.docs.read().unwrap_or_else(|p| p.into_inner());
        let target = docs.find(&sel).ok_or_else(|| match sel {
            DocSel::Own(kind) => Error::not_found("document", kind.as_str()),
            DocSel::Id(id) => Error::not_found("document", id.to_string()),
        })?;
        if matches!(target.access, DocAccess::Read | DocAccess::Ended) {
            return Err(Error::ReadOnly {
                document: target.kind.as_str(),
            });
        }
        let doc_id = target.doc_id.clone();
        // Out of the map while it changes: a failure or a panic anywhere below leaves no copy
        // ahead of the disk behind (the next write copies the document again).
        let mut draft = drafts.remove(&doc_id).unwrap_or_else(|| target.am.clone());
        // A panic inside Automerge or autosurgeon is contained; the readers' document was
        // never touched, and the copy is dropped.
        let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.make_change(&docs, &mut draft, origin, f)
        }))
        .unwrap_or_else(|_| {
            Err(Error::Contained {
                context: "a document change",
            })
        });
        let (out, bytes) = match made {
            Ok(made) => made,
            Err(e) => {
                if !matches!(e, Error::Contained { .. }) {
                    // Rolled back: the copy is the document again.
                    drafts.insert(doc_id, draft);
                }
                return Err(e);
            }
        };
        let Some(bytes) = bytes else {
            drafts.insert(doc_id, draft);
            return Ok(out);
        };
        let seq = target.last_seq + 1;
        // The documents stay readable (shared lock) through the commit and its fsync; the
        // gate keeps every other writer out until the readers' document has the change.
        // On failure (or a contained panic) the transaction rolled back and the copy, ahead of
        // the disk, is dropped: the readers' document never had the change.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.db.write(|tx| {
                chunks::append(tx, &doc_id, seq, &bytes, false)?;
                home_model::record_written(tx, &docs, target, &draft, seq, written)?;
                // Same transaction: a change on disk is a change on its way to the peers.
                if target.outbox {
                    outbox::add_change(tx, &doc_id, &bytes)?;
                }
                Ok(())
            })
        }))
        .unwrap_or_else(|_| {
            Err(Error::Contained {
                context: "storing a document change",
            })
        })?;
        let (kind, shared) = (target.kind, !target.is_mine());
        drop(docs);
        let compact = self.publish(&doc_id, std::slice::from_ref(&bytes), seq);
        if compact {
            self.compact_draft(&mut draft, &doc_id, seq);
        }
        drafts.insert(doc_id.clone(), draft);
        drop(drafts);
        if !shared {
            self.listeners.notify(DocChanged { kind, origin });
        } else {
            self.listeners.notify_shared(&SharedChanged {
                doc_id,
                kind,
                origin,
            });
        }
        Ok(out)
    }

    /// Runs `f` on the writer's copy and commits it in memory.
    fn make_change<R>(
        &self,
        docs: &Docs,
        draft: &mut AutoCommit,
        origin: ChangeOrigin,
        f: impl FnOnce(&Docs, &mut AutoCommit) -> Result<R>,
    ) -> Result<Made<R>> {
        let heads_before = draft.get_heads();
        let out = match f(docs, draft) {
            Ok(out) => out,
            Err(e) => {
                draft.rollback();
                return Err(e);
            }
        };
        draft.commit_with(CommitOptions::default().with_time(self.now_ms().div_euclid(1000)));
        if draft.get_heads() == heads_before {
            return Ok((out, None));
        }
        let bytes = match origin {
            // A local edit is exactly one new change: take its bytes directly rather than
            // asking the change graph what came after `heads_before`.
            ChangeOrigin::Local => draft
                .get_last_local_change()
                .map(|c| c.raw_bytes().to_vec())
                .unwrap_or_else(|| draft.save_after(&heads_before)),
            ChangeOrigin::Import | ChangeOrigin::Peer => draft.save_after(&heads_before),
        };
        Ok((out, Some(bytes)))
    }

    /// After the commit: the readers' document takes the committed changes, one chunk each,
    /// the last `last_seq` (the documents' lock held exclusively for just that). Returns
    /// whether the document is due for compaction.
    pub(super) fn publish(&self, doc_id: &str, changes: &[Vec<u8>], last_seq: i64) -> bool {
        let mut docs = self.docs.write().unwrap_or_else(|p| p.into_inner());
        let Some(doc) = docs.by_id_mut(doc_id) else {
            return false;
        };
        let applied = changes
            .iter()
            .try_for_each(|bytes| doc.am.load_incremental(bytes).map(|_| ()));
        match applied {
            Ok(()) => {
                doc.chunks += changes.len();
                doc.last_seq = last_seq;
            }
            // Cannot happen for bytes the copy just made; if it does, the disk has the change.
            Err(e) => {
                tracing::error!(error = %e, "a committed change did not apply to the readers' document");
                if let Err(e) = self.reload(doc) {
                    tracing::error!(error = %e, "reloading a document after a commit failed");
                }
            }
        }
        doc.chunks > self.options.compact_after_chunks
    }

    /// [`Twofold::publish`] for a fold's several changes: the readers' document is replaced by
    /// `copy`, the writer's copy cloned before the lock is taken, so the exclusive hold is a
    /// swap however many changes there are (applied one by one, a fold of 32 check-ins held
    /// every reader up for ~10 ms). Only while the readers' document is at `before`, the heads
    /// the writer's copy had before these changes (the gate keeps it so, see [`DocsWrite`]);
    /// otherwise the changes are applied as `publish` does.
    pub(super) fn publish_copy(
        &self,
        doc_id: &str,
        copy: AutoCommit,
        before: &[automerge::ChangeHash],
        changes: &[Vec<u8>],
        last_seq: i64,
    ) -> bool {
        {
            let mut docs = self.docs.write().unwrap_or_else(|p| p.into_inner());
            let Some(doc) = docs.by_id_mut(doc_id) else {
                return false;
            };
            if doc.am.get_heads() == before && doc.am.get_actor() == copy.get_actor() {
                doc.am = copy;
                doc.chunks += changes.len();
                doc.last_seq = last_seq;
                return doc.chunks > self.options.compact_after_chunks;
            }
        }
        tracing::warn!("the readers' document moved under the gate: applying the fold's changes");
        self.publish(doc_id, changes, last_seq)
    }

    /// Compaction from the writer's copy, which is the readers' document now, under the gate:
    /// its snapshot and fsync hold no reader up. A failure is logged and retried after the
    /// next write (the changes are already durable).
    pub(super) fn compact_draft(&self, draft: &mut AutoCommit, doc_id: &str, last_seq: i64) {
        let snapshot = draft.save();
        let seq = last_seq + 1;
        let compacted = self.db.write(|tx| {
            chunks::compact(tx, doc_id, seq, &snapshot)?;
            // Same content, a new last chunk: a read model in step stays in step.
            store_home_model::restamp(tx, doc_id, last_seq, seq)
        });
        match compacted {
            Ok(()) => {
                let mut docs = self.docs.write().unwrap_or_else(|p| p.into_inner());
                if let Some(doc) = docs.by_id_mut(doc_id) {
                    doc.chunks = 1;
                    doc.last_seq = seq;
                }
            }
            Err(e) => tracing::warn!(error = %e, "compaction failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;
    use crate::docs::sections as s;
    use crate::model::ids::ItemId;
    use crate::model::plan::{CopingStrategy, Domain};
    use crate::store::database::KEY_LEN;
    use crate::twofold::held_writer::{hold_the_writer, wait_for_the_gate};

    fn strategy(id: &str) -> CopingStrategy {
        CopingStrategy {
            id: ItemId::parse("id", id).expect("id"),
            description: format!("strategy {id}"),
            domain: Domain::Both,
        }
    }

    /// A local write whose commit cannot finish (another transaction holds the database's
    /// writer) holds no reader up, and no reader sees its change until it is on disk.
    #[test]
    fn a_plan_section_is_answered_without_the_change_while_a_write_waits_to_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Twofold::open(dir.path().join("s"), &[7u8; KEY_LEN]).expect("open");
        store
            .put(s::COPING_STRATEGIES, strategy("walk"))
            .expect("write");
        let before = store.list(s::COPING_STRATEGIES).expect("list");
        std::thread::scope(|scope| {
            let store = &store;
            let hold_tx = hold_the_writer(scope, store);
            let writer = scope.spawn(move || store.put(s::COPING_STRATEGIES, strategy("call")));
            // The write has made its change and waits for the database: it holds the gate.
            wait_for_the_gate(store);
            let (answer_tx, answer_rx) = mpsc::channel();
            scope.spawn(move || {
                let _ = answer_tx.send(store.list(s::COPING_STRATEGIES));
            });
            let answered = answer_rx.recv_timeout(Duration::from_secs(5));
            let _ = hold_tx.send(());
            assert!(
                matches!(&answered, Ok(Ok(list)) if *list == before),
                "the read waited for the write, or saw it before its commit: {answered:?}"
            );
            writer.join().expect("writer").expect("the write");
        });
        assert_eq!(store.list(s::COPING_STRATEGIES).expect("list").len(), 2);
    }

    /// A commit that fails leaves the readers' document as it was and the writer's copy
    /// dropped: the next write starts from what the disk holds.
    #[test]
    fn a_failed_commit_changes_nothing_a_reader_sees_and_the_next_write_goes_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s");
        let store = Twofold::open(&path, &[7u8; KEY_LEN]).expect("open");
        store
            .put(s::COPING_STRATEGIES, strategy("walk"))
            .expect("write");
        // On the writer's connection only: every new chunk is refused.
        store
            .db
            .write(|tx| {
                tx.execute_batch(
                    "CREATE TEMP TRIGGER refuse BEFORE INSERT ON doc_chunks \
                     BEGIN SELECT RAISE(ABORT, 'refused'); END",
                )?;
                Ok(())
            })
            .expect("trigger");
        assert!(store.put(s::COPING_STRATEGIES, strategy("lost")).is_err());
        let ids = |store: &Twofold| -> Vec<String> {
            store
                .list(s::COPING_STRATEGIES)
                .expect("list")
                .into_iter()
                .map(|c| c.id.as_str().to_string())
                .collect()
        };
        assert_eq!(ids(&store), ["walk"]);
        store
            .db
            .write(|tx| {
                tx.execute_batch("DROP TRIGGER refuse")?;
                Ok(())
            })
            .expect("drop trigger");
        store
            .put(s::COPING_STRATEGIES, strategy("call"))
            .expect("write after");
        assert_eq!(ids(&store), ["walk", "call"]);
        drop(store);
        let store = Twofold::open(&path, &[7u8; KEY_LEN]).expect("reopen");
        assert_eq!(ids(&store), ["walk", "call"]);
    }
}
