//! `Twofold`: the one public entry point. Open a store with a path and the app's key; every
//! read and write of the person's documents goes through it.
//!
//! Writes follow one path: validate (nothing touched on failure) → change the in-memory
//! Automerge document → append the change bytes to SQLite in one `BEGIN IMMEDIATE`
//! transaction with `synchronous=FULL` → tell the listeners. A write the call acknowledged is
//! on disk.

mod formats;
mod home;
mod insights;
mod items;
mod journal;
pub mod listeners;
mod portability;
mod schedule;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit};

use crate::docs::genesis;
use crate::docs::guarded_load::LoadLimits;
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::store::chunks::{self, DocumentRow};
use crate::store::database::{self, Database, KEY_LEN};
use crate::store::settings;

pub use home::{HomeScreen, LadderRung, Streak};
pub use journal::{LapseRecorded, NewCheckIn};
pub use listeners::{ChangeOrigin, DocChanged, Subscription};

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Past this many chunks a document is compacted into one snapshot.
    pub compact_after_chunks: usize,
    /// Bounds for imported Automerge bytes.
    pub import_limits: LoadLimits,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            compact_after_chunks: 256,
            import_limits: LoadLimits::default(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct LoadedDoc {
    pub doc_id: String,
    pub am: AutoCommit,
    pub chunks: usize,
    pub last_seq: i64,
}

#[derive(Debug, Default)]
pub(crate) struct Docs {
    pub owner: BTreeMap<DocKind, LoadedDoc>,
}

impl Docs {
    pub fn get(&self, kind: DocKind) -> Result<&AutoCommit> {
        self.owner
            .get(&kind)
            .map(|d| &d.am)
            .ok_or_else(|| Error::not_found("document", kind.as_str()))
    }
}

#[derive(Debug)]
pub struct Twofold {
    db: Database,
    docs: RwLock<Docs>,
    listeners: Arc<listeners::Listeners>,
    options: OpenOptions,
}

const DEVICE_ACTOR: &str = "device_actor";

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn load_trusted(bytes: &[u8]) -> Result<AutoCommit> {
    // Our own encrypted file, but a panic in the loader must still not take the app down.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| AutoCommit::load(bytes)))
        .map_err(|_| Error::Contained {
            context: "loading a stored document",
        })?
        .map_err(Error::from)
}

impl Twofold {
    pub fn open(path: impl AsRef<Path>, key: &[u8; KEY_LEN]) -> Result<Self> {
        Self::open_with(path, key, OpenOptions::default())
    }

    pub fn open_with(
        path: impl AsRef<Path>,
        key: &[u8; KEY_LEN],
        options: OpenOptions,
    ) -> Result<Self> {
        let db = Database::open(path.as_ref(), key)?;
        let docs = match Self::load_docs(&db) {
            Ok(docs) => docs,
            Err(e) if database::is_corruption(&e) => return Err(db.into_corrupt()),
            Err(e) => return Err(e),
        };
        Ok(Twofold {
            db,
            docs: RwLock::new(docs),
            listeners: Arc::default(),
            options,
        })
    }

    fn device_actor(db: &Database) -> Result<ActorId> {
        db.write(|tx| {
            if let Some(hex_actor) = settings::get(tx, DEVICE_ACTOR)? {
                if let Ok(bytes) = hex::decode(hex_actor) {
                    return Ok(ActorId::from(bytes));
                }
            }
            let actor = ActorId::random();
            settings::set(tx, DEVICE_ACTOR, &hex::encode(actor.to_bytes()))?;
            Ok(actor)
        })
    }

    fn load_docs(db: &Database) -> Result<Docs> {
        let rows = db.read(chunks::documents)?;
        let mut docs = Docs::default();
        for row in rows {
            let stored = db.read(|c| chunks::load(c, &row.doc_id))?;
            let mut am = load_trusted(&stored.bytes)?;
            am.set_actor(ActorId::from(row.actor.clone()));
            docs.owner.insert(
                row.kind,
                LoadedDoc {
                    doc_id: row.doc_id,
                    am,
                    chunks: stored.chunks,
                    last_seq: stored.last_seq,
                },
            );
        }
        let missing: Vec<DocKind> = DocKind::ALL
            .into_iter()
            .filter(|k| !docs.owner.contains_key(k))
            .collect();
        if !missing.is_empty() {
            let actor = Self::device_actor(db)?;
            for kind in missing {
                let mut am = genesis::genesis(kind, &actor)?;
                let row = DocumentRow {
                    doc_id: uuid::Uuid::new_v4().simple().to_string(),
                    kind,
                    actor: actor.to_bytes().to_vec(),
                };
                let bytes = am.save();
                db.write(|tx| {
                    chunks::insert_document(tx, &row, now_ms())?;
                    chunks::append(tx, &row.doc_id, 1, &bytes, true)
                })?;
                docs.owner.insert(
                    kind,
                    LoadedDoc {
                        doc_id: row.doc_id,
                        am,
                        chunks: 1,
                        last_seq: 1,
                    },
                );
            }
        }
        Ok(docs)
    }

    /// Closes the store. Everything acknowledged is already on disk; this only releases the
    /// file.
    pub fn close(self) {}

    pub fn path(&self) -> &Path {
        self.db.path()
    }

    /// Subscribes to changes of one document; dropping the subscription unsubscribes.
    pub fn subscribe(
        &self,
        kind: DocKind,
        listener: impl Fn(&DocChanged) + Send + Sync + 'static,
    ) -> Subscription {
        self.listeners.subscribe(kind, Arc::new(listener))
    }

    /// `PRAGMA integrity_check` of the database file.
    pub fn integrity_check(&self) -> Result<bool> {
        self.db.integrity_check()
    }

    fn docs_read(&self) -> RwLockReadGuard<'_, Docs> {
        self.docs.read().unwrap_or_else(|p| p.into_inner())
    }

    fn docs_write(&self) -> RwLockWriteGuard<'_, Docs> {
        self.docs.write().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn read<R>(&self, f: impl FnOnce(&Docs) -> Result<R>) -> Result<R> {
        f(&self.docs_read())
    }

    /// The one write path: `f` may read every document but changes only `kind`'s. If `f`
    /// fails, its partial edits are rolled back and nothing is written.
    pub(crate) fn change<R>(
        &self,
        kind: DocKind,
        origin: ChangeOrigin,
        f: impl FnOnce(&Docs, &mut AutoCommit) -> Result<R>,
    ) -> Result<R> {
        let mut docs = self.docs_write();
        let mut target = docs
            .owner
            .remove(&kind)
            .ok_or_else(|| Error::not_found("document", kind.as_str()))?;
        // A panic inside Automerge or autosurgeon must not leave the document out of the map
        // or half-changed in memory: contain it and go back to what the disk holds.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.change_loaded(&docs, &mut target, origin, f)
        }))
        .unwrap_or_else(|_| {
            if let Err(e) = self.reload(&mut target) {
                tracing::error!(error = %e, "reloading a document after a contained panic failed");
            }
            Err(Error::Contained {
                context: "a document change",
            })
        });
        docs.owner.insert(kind, target);
        drop(docs);
        let (out, changed) = result?;
        if changed {
            self.listeners.notify(DocChanged { kind, origin });
        }
        Ok(out)
    }

    /// Replaces the in-memory document with what the database holds.
    fn reload(&self, target: &mut LoadedDoc) -> Result<()> {
        let stored = self.db.read(|c| chunks::load(c, &target.doc_id))?;
        let actor = target.am.get_actor().clone();
        target.am = load_trusted(&stored.bytes)?;
        target.am.set_actor(actor);
        target.chunks = stored.chunks;
        target.last_seq = stored.last_seq;
        Ok(())
    }

    fn change_loaded<R>(
        &self,
        docs: &Docs,
        target: &mut LoadedDoc,
        origin: ChangeOrigin,
        f: impl FnOnce(&Docs, &mut AutoCommit) -> Result<R>,
    ) -> Result<(R, bool)> {
        let heads_before = target.am.get_heads();
        let out = match f(docs, &mut target.am) {
            Ok(out) => out,
            Err(e) => {
                target.am.rollback();
                return Err(e);
            }
        };
        target
            .am
            .commit_with(CommitOptions::default().with_time(chrono::Utc::now().timestamp()));
        if target.am.get_heads() == heads_before {
            return Ok((out, false));
        }
        let bytes = match origin {
            // A local edit is exactly one new change: take its bytes directly rather than
            // asking the change graph what came after `heads_before`.
            ChangeOrigin::Local => target
                .am
                .get_last_local_change()
                .map(|c| c.raw_bytes().to_vec())
                .unwrap_or_else(|| target.am.save_after(&heads_before)),
            ChangeOrigin::Import => target.am.save_after(&heads_before),
        };
        let doc_id = target.doc_id.clone();
        let seq = target.last_seq + 1;
        if let Err(e) = self
            .db
            .write(|tx| chunks::append(tx, &doc_id, seq, &bytes, false))
        {
            // The change is in memory but not on disk: go back to what the disk holds.
            let stored = self.db.read(|c| chunks::load(c, &doc_id))?;
            let actor = target.am.get_actor().clone();
            target.am = load_trusted(&stored.bytes)?;
            target.am.set_actor(actor);
            target.chunks = stored.chunks;
            target.last_seq = stored.last_seq;
            return Err(e);
        }
        target.chunks += 1;
        target.last_seq = seq;
        if target.chunks > self.options.compact_after_chunks {
            // Compaction is housekeeping: the change above is already durable, so a failure
            // here is logged and retried after the next write.
            let snapshot = target.am.save();
            let seq = target.last_seq + 1;
            match self
                .db
                .write(|tx| chunks::compact(tx, &doc_id, seq, &snapshot))
            {
                Ok(()) => {
                    target.chunks = 1;
                    target.last_seq = seq;
                }
                Err(e) => tracing::warn!(error = %e, "compaction failed"),
            }
        }
        Ok((out, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;

    #[test]
    fn a_panic_inside_a_change_is_contained_and_the_document_stays_usable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Twofold::open(dir.path().join("s"), &[7u8; KEY_LEN]).expect("open");
        store.set_when_well("steady").expect("write");
        let result: Result<()> = store.change(DocKind::Plan, ChangeOrigin::Local, |_, am| {
            am.put(automerge::ROOT, "half_done", 1)?;
            panic!("a bug in a library");
        });
        assert!(matches!(result, Err(Error::Contained { .. })), "{result:?}");
        assert_eq!(store.when_well().expect("read"), "steady");
        store
            .read(|docs| {
                assert!(docs
                    .get(DocKind::Plan)?
                    .get(automerge::ROOT, "half_done")?
                    .is_none());
                Ok(())
            })
            .expect("read");
        store
            .set_when_well("still writable")
            .expect("write after the panic");
        drop(store);
        let store = Twofold::open(dir.path().join("s"), &[7u8; KEY_LEN]).expect("reopen");
        assert_eq!(store.when_well().expect("read"), "still writable");
    }
}
