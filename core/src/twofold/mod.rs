//! `Twofold`: the one public entry point. Open a store with a path and the app's key; every
//! read and write of the person's documents goes through it.
//!
//! Writes follow one path: validate (nothing touched on failure) → change the in-memory
//! Automerge document → append the change bytes to SQLite in one `BEGIN IMMEDIATE`
//! transaction with `synchronous=FULL` → tell the listeners. A write the call acknowledged is
//! on disk.

mod app_lock;
mod backup;
mod care;
mod circles;
mod clock;
mod erase;
mod finder;
mod fold;
mod formats;
#[cfg(test)]
mod held_writer;
mod home;
pub(crate) mod home_model;
mod insights;
mod introductions;
mod items;
mod journal;
mod key_rotation;
mod linked_devices;
pub mod listeners;
mod mentor_view;
mod pairing;
mod portability;
pub(crate) mod push;
mod schedule;
mod shared_docs;
mod sharing;
mod sos;
mod succession;
mod suggestions;
mod takeover;
mod unlock;
mod watch;
mod wellbeing;
mod write_path;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};

use automerge::{ActorId, AutoCommit};

use crate::backup::KdfParams;
use crate::crypto::{DeviceIdentity, KeyId};
use crate::docs::genesis;
use crate::docs::guarded_load::LoadLimits;
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::store::chunks::{self, DocumentRow};
use crate::store::database::{self, Database, KEY_LEN};
use crate::store::home_model as store_home_model;
use crate::store::{identity, outbox, pending_check_ins, streams};

pub use app_lock::AppLockStatus;
pub(crate) use backup::predecessors_in;
pub use circles::CIRCLE_PURPOSE;
pub use clock::Clock;
pub use erase::{erase_store_at, set_aside_store_at};
pub use home::{HomeScreen, LadderRung, Streak};
pub use journal::{LapseRecorded, NewCheckIn};
pub use linked_devices::LINKED_DEVICE_PURPOSE;
pub use listeners::{ChangeOrigin, DocChanged, SharedChanged, Subscription};
pub use mentor_view::{Attention, Interruption, Mentee, MentorView, QuietHours};
pub use pairing::{Peer, PeerStatus};
pub use shared_docs::{Author, Authorship, SharedDocument};
pub use sharing::{Disclosure, Share};
pub use sos::{ReceivedSos, SentSos, SosEvent, SosRung};
pub use suggestions::{ReceivedNote, ReceivedSuggestion};
pub use unlock::{lock_state, LockState};
pub use watch::{Watched, Watcher};
pub(crate) use write_path::Drafts;

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Past this many chunks a document is compacted into one snapshot.
    pub compact_after_chunks: usize,
    /// Bounds for imported Automerge bytes.
    pub import_limits: LoadLimits,
    /// Where the store reads the time.
    pub clock: Clock,
    /// Argon2id parameters for a new app lock's PIN (tests use cheap ones; ADR 0015).
    pub lock_kdf: KdfParams,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            compact_after_chunks: 256,
            import_limits: LoadLimits::default(),
            clock: Clock::system(),
            lock_kdf: KdfParams::DEFAULT,
        }
    }
}

/// What this device may do with a loaded document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocAccess {
    /// This device's own document (the person's, or a mentor's notes for someone).
    Owner,
    Read,
    Write,
    /// Shared with this device once; the share ended. What arrived is kept.
    Ended,
}

impl DocAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            DocAccess::Owner => "owner",
            DocAccess::Read => "read",
            DocAccess::Write => "write",
            DocAccess::Ended => "ended",
        }
    }

    /// Fails closed: a value this code does not know is an error, never some access.
    pub fn parse(raw: &str) -> Result<Self> {
        Ok(match raw {
            "owner" => DocAccess::Owner,
            "read" => DocAccess::Read,
            "write" => DocAccess::Write,
            "ended" => DocAccess::Ended,
            _ => return Err(Error::invalid("documents.access", "is not a known access")),
        })
    }
}

#[derive(Debug)]
pub(crate) struct LoadedDoc {
    pub doc_id: String,
    pub kind: DocKind,
    /// `None`: this device owns it.
    pub owner: Option<KeyId>,
    /// For a mentor's notes document: the person it is for.
    pub peer: Option<KeyId>,
    pub access: DocAccess,
    pub am: AutoCommit,
    pub chunks: usize,
    pub last_seq: i64,
    /// Local changes go to the outbox: the document has a live stream this device writes.
    pub outbox: bool,
    /// The person's own document of its kind, received from the device this one was linked
    /// to (ADR 0012); `owner` is that device.
    pub adopted: bool,
}

impl LoadedDoc {
    /// The person's own document of its kind: made here, or adopted from the device this one
    /// was linked to.
    pub fn is_mine(&self) -> bool {
        self.adopted
            || (self.owner.is_none() && self.peer.is_none() && self.kind != DocKind::Circle)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Docs {
    /// The person's own documents, one per kind (the four, and the wellbeing summary).
    pub owner: BTreeMap<DocKind, LoadedDoc>,
    /// Everything else, by document id: documents shared with this device, and notes
    /// documents this device keeps for the people it mentors.
    pub others: BTreeMap<String, LoadedDoc>,
}

thread_local! {
    /// Whether this thread has read the person's own journal through [`Docs`] since it last
    /// asked: how a read that ran while check-ins were pending learns that it must fold them
    /// and read again (ADR 0025, the intent log), while a read of any other document goes on
    /// without waiting for a fold.
    static JOURNAL_READ: Cell<bool> = const { Cell::new(false) };
}

fn note_read(doc: &LoadedDoc) {
    if doc.kind == DocKind::Journal && doc.is_mine() {
        JOURNAL_READ.with(|read| read.set(true));
    }
}

impl Docs {
    /// The person's own document of `kind`; every read of the journal goes through here,
    /// [`Docs::by_id`] or [`Docs::find`] (noted: see `JOURNAL_READ`).
    pub fn get(&self, kind: DocKind) -> Result<&AutoCommit> {
        self.owner
            .get(&kind)
            .inspect(|d| note_read(d))
            .map(|d| &d.am)
            .ok_or_else(|| Error::not_found("document", kind.as_str()))
    }

    pub fn by_id(&self, doc_id: &str) -> Option<&LoadedDoc> {
        self.owner
            .values()
            .find(|d| d.doc_id == doc_id)
            .or_else(|| self.others.get(doc_id))
            .inspect(|d| note_read(d))
    }

    pub(crate) fn find(&self, sel: &DocSel<'_>) -> Option<&LoadedDoc> {
        match sel {
            DocSel::Own(kind) => self.owner.get(kind).inspect(|d| note_read(d)),
            DocSel::Id(id) => self.by_id(id),
        }
    }

    pub(crate) fn by_id_mut(&mut self, doc_id: &str) -> Option<&mut LoadedDoc> {
        match self.owner.values_mut().find(|d| d.doc_id == doc_id) {
            Some(doc) => Some(doc),
            None => self.others.get_mut(doc_id),
        }
    }

    pub(crate) fn take(&mut self, sel: &DocSel<'_>) -> Option<LoadedDoc> {
        match sel {
            DocSel::Own(kind) => self.owner.remove(kind),
            DocSel::Id(id) => match self.owner.iter().find(|(_, d)| d.doc_id == *id) {
                Some((kind, _)) => {
                    let kind = *kind;
                    self.owner.remove(&kind)
                }
                None => self.others.remove(*id),
            },
        }
    }

    pub(crate) fn put_back(&mut self, doc: LoadedDoc) {
        if doc.is_mine() {
            self.owner.insert(doc.kind, doc);
        } else {
            self.others.insert(doc.doc_id.clone(), doc);
        }
    }
}

/// Which document a change is for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DocSel<'a> {
    Own(DocKind),
    Id(&'a str),
}

#[derive(Debug)]
pub struct Twofold {
    pub(crate) db: Database,
    pub(crate) identity: DeviceIdentity,
    /// Loaded on the first call that needs a document (ADR 0021): opening the store and the
    /// home screen read only the read model while it is in step.
    docs: RwLock<Docs>,
    docs_loaded: AtomicBool,
    /// The writers' gate, taken before the documents' lock by everything that writes a
    /// document, and the writers' copies it guards: the one local write path changes a copy,
    /// commits, and only then brings the readers' document up to it (`change_doc_written`).
    drafts: Mutex<Drafts>,
    /// Whether check-ins may be waiting in the intent log to be folded into the journal
    /// (ADR 0025): set by a check-in, cleared by the fold that empties the log, both under the
    /// writers' gate. Every access to the documents folds first while it is set.
    pending_check_ins: AtomicBool,
    /// One received batch at a time: its applying marker (a file beside the store, ADR 0025)
    /// names the batch's records from before their snapshots are loaded, outside the
    /// documents' lock, until its commit, and another session's batch must not overwrite or
    /// clear it meanwhile.
    pub(crate) receiving: Mutex<()>,
    pub(crate) listeners: Arc<listeners::Listeners>,
    pub(crate) options: OpenOptions,
    /// The saved finder regions, decoded, and the table version they were read at.
    finder_cache: finder::Cache,
    /// The platform key this store was opened with, for the app lock's calls.
    app_lock: app_lock::AppLockSlot,
}

fn load_trusted(bytes: &[u8]) -> Result<AutoCommit> {
    // Our own encrypted file, but a panic in the loader must still not take the app down.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| AutoCommit::load(bytes)))
        .map_err(|_| Error::Contained {
            context: "loading a stored document",
        })?
        .map_err(Error::from)
}

/// The kind a document says it is; a document without one is not ours.
pub(crate) fn genesis_kind(am: &AutoCommit) -> Result<DocKind> {
    genesis::kind_of(am).ok_or_else(|| Error::invalid("document", "has no kind"))
}

impl Twofold {
    /// Now, by the clock in the open options.
    pub fn now_ms(&self) -> i64 {
        self.options.clock.now_ms()
    }

    pub fn open(path: impl AsRef<Path>, key: &[u8; KEY_LEN]) -> Result<Self> {
        Self::open_with(path, key, OpenOptions::default())
    }

    /// Opens (or creates) the store at `path` with the app's key. A store with an app lock
    /// is refused ([`Error::Locked`]) untouched: open it with [`Twofold::open_with_pin`].
    pub fn open_with(
        path: impl AsRef<Path>,
        key: &[u8; KEY_LEN],
        options: OpenOptions,
    ) -> Result<Self> {
        if crate::lock::file::exists(path.as_ref()) {
            return Err(Error::Locked);
        }
        Self::open_keyed(path.as_ref(), key, key, options)
    }

    /// Opens the database with `store_key`; `platform_key` is kept for the app lock's calls
    /// (the two are the same key while the store has no lock).
    pub(crate) fn open_keyed(
        path: &Path,
        store_key: &[u8; KEY_LEN],
        platform_key: &[u8; KEY_LEN],
        options: OpenOptions,
    ) -> Result<Self> {
        let db = Database::open(path, store_key)?;
        let identity = match db.read(identity::load)? {
            Some(identity) => identity,
            None => db.write(|tx| identity::create(tx, options.clock.now_ms()))?,
        };
        // With the home screen's read model in step, no document is read at open. Otherwise
        // they are loaded now, as before the read model, so that a damaged chunk is still
        // met here and the file moved aside, and the read model is rebuilt below.
        let model_in_step = match db.read(home_model::read) {
            Ok(stored) => home_model::in_step(&stored),
            Err(e) if database::is_corruption(&e) => return Err(db.into_corrupt()),
            Err(e) => return Err(e),
        };
        let docs = if model_in_step {
            None
        } else {
            match Self::load_docs(&db, &identity, options.clock.now_ms()) {
                Ok(docs) => Some(docs),
                Err(e) if database::is_corruption(&e) => return Err(db.into_corrupt()),
                Err(e) => return Err(e),
            }
        };
        let listeners: Arc<listeners::Listeners> = Arc::default();
        let weak = Arc::downgrade(&listeners);
        db.on_outgoing(move || {
            if let Some(listeners) = weak.upgrade() {
                listeners.notify_outgoing();
            }
        });
        let loaded = docs.is_some();
        // Rows a killed process left are folded by the first access to the documents, not
        // here: open loads no document while the read model is in step (ADR 0021), and the
        // home screen shows them from the read model meanwhile.
        let pending = db.read(pending_check_ins::any)?;
        let store = Twofold {
            db,
            identity,
            docs: RwLock::new(docs.unwrap_or_default()),
            docs_loaded: AtomicBool::new(loaded),
            drafts: Mutex::default(),
            pending_check_ins: AtomicBool::new(pending),
            receiving: Mutex::default(),
            listeners,
            options,
            finder_cache: finder::Cache::default(),
            app_lock: app_lock::AppLockSlot::new(platform_key),
        };
        if loaded {
            store.rebuild_home_model();
        }
        Ok(store)
    }

    /// Every change this device makes carries its key id as the Automerge actor, so a
    /// receiver can check that an envelope's changes are its sender's own.
    pub(crate) fn actor_of(identity: &DeviceIdentity) -> ActorId {
        ActorId::from(&identity.key_id().0[..])
    }

    fn load_docs(db: &Database, identity: &DeviceIdentity, now_ms: i64) -> Result<Docs> {
        let actor = Self::actor_of(identity);
        let rows = db.read(chunks::documents)?;
        let mut docs = Docs::default();
        for row in rows {
            let stored = db.read(|c| chunks::load(c, &row.doc_id))?;
            let mut am = load_trusted(&stored.bytes)?;
            am.set_actor(actor.clone());
            let live = db
                .read(|c| streams::active_for_doc(c, &row.doc_id))?
                .is_some();
            let access = DocAccess::parse(&row.access)?;
            let outbox = live && matches!(access, DocAccess::Owner | DocAccess::Write);
            let (mut chunk_count, mut last_seq) = (stored.chunks, stored.last_seq);
            // Only this device's own documents are upgraded here; a peer's copy gets the
            // upgrade from its owner, and reads its missing sections as empty until then.
            if row.owner.is_none() {
                let upgrade = genesis::upgrade(&mut am, row.kind)?;
                if !upgrade.is_empty() {
                    db.write(|tx| {
                        chunks::append(tx, &row.doc_id, last_seq + 1, &upgrade, false)?;
                        if outbox {
                            outbox::add_change(tx, &row.doc_id, &upgrade)?;
                        }
                        Ok(())
                    })?;
                    chunk_count += 1;
                    last_seq += 1;
                }
            }
            docs.put_back(LoadedDoc {
                outbox,
                adopted: row.adopted,
                doc_id: row.doc_id,
                kind: row.kind,
                owner: row.owner,
                peer: row.peer,
                access,
                am,
                chunks: chunk_count,
                last_seq,
            });
        }
        let missing: Vec<DocKind> = DocKind::ALL
            .into_iter()
            .chain([DocKind::Summary])
            .filter(|k| !docs.owner.contains_key(k))
            .collect();
        for kind in missing {
            let doc = Self::create_doc(db, &actor, kind, None, now_ms)?;
            docs.owner.insert(kind, doc);
        }
        Ok(docs)
    }

    /// A new document of this device's, from the deterministic genesis, stored.
    pub(crate) fn create_doc(
        db: &Database,
        actor: &ActorId,
        kind: DocKind,
        peer: Option<KeyId>,
        now_ms: i64,
    ) -> Result<LoadedDoc> {
        db.write(|tx| Self::create_doc_for_in_tx(tx, actor, kind, peer, now_ms))
    }

    /// [`Twofold::create_doc`] of one of the person's own kinds, in the caller's transaction.
    pub(crate) fn create_doc_in_tx(
        tx: &rusqlite::Transaction<'_>,
        actor: &ActorId,
        kind: DocKind,
        now_ms: i64,
    ) -> Result<LoadedDoc> {
        Self::create_doc_for_in_tx(tx, actor, kind, None, now_ms)
    }

    fn create_doc_for_in_tx(
        tx: &rusqlite::Transaction<'_>,
        actor: &ActorId,
        kind: DocKind,
        peer: Option<KeyId>,
        now_ms: i64,
    ) -> Result<LoadedDoc> {
        let mut am = genesis::genesis(kind, actor)?;
        let row = DocumentRow {
            doc_id: uuid::Uuid::new_v4().simple().to_string(),
            kind,
            actor: actor.to_bytes().to_vec(),
            owner: None,
            access: DocAccess::Owner.as_str().to_string(),
            peer,
            adopted: false,
        };
        let bytes = am.save();
        chunks::insert_document(tx, &row, now_ms)?;
        chunks::append(tx, &row.doc_id, 1, &bytes, true)?;
        Ok(LoadedDoc {
            doc_id: row.doc_id,
            kind,
            owner: None,
            peer,
            access: DocAccess::Owner,
            am,
            chunks: 1,
            last_seq: 1,
            outbox: false,
            adopted: false,
        })
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

    /// Subscribes to changes of documents shared with this device (by any person): what a
    /// mentor's screen of someone's plan listens to.
    pub fn subscribe_shared(
        &self,
        listener: impl Fn(&SharedChanged) + Send + Sync + 'static,
    ) -> Subscription {
        self.listeners.subscribe_shared(Arc::new(listener))
    }

    /// Moves the write-ahead log into the database file and empties it.
    pub fn checkpoint(&self) -> Result<()> {
        self.db.checkpoint()
    }

    /// `PRAGMA integrity_check` of the database file.
    pub fn integrity_check(&self) -> Result<bool> {
        self.db.integrity_check()
    }

    /// Loads the documents on the first call that needs them.
    fn ensure_docs(&self) -> Result<()> {
        if self.docs_loaded.load(Ordering::Acquire) {
            return Ok(());
        }
        let mut docs = self.docs.write().unwrap_or_else(|p| p.into_inner());
        if !self.docs_loaded.load(Ordering::Acquire) {
            *docs = Self::load_docs(&self.db, &self.identity, self.now_ms())?;
            self.docs_loaded.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// The documents to read, with every acknowledged check-in folded into the journal.
    pub(crate) fn docs_read(&self) -> Result<RwLockReadGuard<'_, Docs>> {
        self.ensure_docs()?;
        self.fold_pending()?;
        Ok(self.docs.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Runs the read `f` on the documents. While check-ins are pending, a read that went to
    /// the journal is run again after folding them, with the writers' gate held so that none
    /// comes in between; a read of any other document is answered without a fold. `f` must
    /// therefore have no effect but its answer (an assignment the second run overwrites).
    pub(crate) fn read<R>(&self, mut f: impl FnMut(&Docs) -> Result<R>) -> Result<R> {
        self.ensure_docs()?;
        if !self.pending_check_ins.load(Ordering::Acquire) {
            return f(&self.docs.read().unwrap_or_else(|p| p.into_inner()));
        }
        let outer = JOURNAL_READ.with(|read| read.replace(false));
        let first = f(&self.docs.read().unwrap_or_else(|p| p.into_inner()));
        let journal_read = JOURNAL_READ.with(|read| read.replace(outer));
        if !journal_read {
            return first;
        }
        let mut drafts = self.gate();
        self.fold_in(&mut drafts)?;
        let docs = self.docs.read().unwrap_or_else(|p| p.into_inner());
        f(&docs)
    }

    /// Runs the read `f` without folding the pending check-ins first: for a read of a section
    /// they do not touch (any but the journal's check-ins; a fold changes nothing else), so
    /// that it never waits at the writers' gate (ADR 0025, "A read of check-ins").
    pub(crate) fn read_unfolded<R>(&self, f: impl FnOnce(&Docs) -> Result<R>) -> Result<R> {
        self.ensure_docs()?;
        f(&self.docs.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Runs `f` on one document taken out of the map, with a panic inside contained and the
    /// document reloaded from disk if that happens.
    pub(crate) fn with_doc<R>(
        &self,
        sel: DocSel<'_>,
        f: impl FnOnce(&Docs, &mut LoadedDoc) -> Result<R>,
    ) -> Result<R> {
        let mut docs = self.docs_write()?;
        self.with_doc_in(&mut docs, sel, f)
    }

    /// [`Twofold::with_doc`] with the documents' lock already held.
    pub(crate) fn with_doc_in<R>(
        &self,
        docs: &mut Docs,
        sel: DocSel<'_>,
        f: impl FnOnce(&Docs, &mut LoadedDoc) -> Result<R>,
    ) -> Result<R> {
        let mut target = docs.take(&sel).ok_or_else(|| match sel {
            DocSel::Own(kind) => Error::not_found("document", kind.as_str()),
            DocSel::Id(id) => Error::not_found("document", id.to_string()),
        })?;
        // A panic inside Automerge or autosurgeon must not leave the document out of the map
        // or half-changed in memory: contain it and go back to what the disk holds.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            f(docs, &mut target)
        }))
        .unwrap_or_else(|_| {
            if let Err(e) = self.reload(&mut target) {
                tracing::error!(error = %e, "reloading a document after a contained panic failed");
            }
            Err(Error::Contained {
                context: "a document change",
            })
        });
        docs.put_back(target);
        result
    }

    /// [`Twofold::reload`] for a document in the map, after a transaction that changed it in
    /// memory failed to commit.
    pub(crate) fn reload_in(&self, docs: &mut Docs, doc_id: &str) {
        if let Some(mut doc) = docs.take(&DocSel::Id(doc_id)) {
            if let Err(e) = self.reload(&mut doc) {
                tracing::error!(error = %e, "reloading a document after a failed commit failed");
            }
            docs.put_back(doc);
        }
    }

    /// Drops every document in memory after a transaction that changed several of their
    /// entries failed to commit: they are loaded again from disk at their next use, as after
    /// opening the store.
    pub(crate) fn forget_docs_in(&self, docs: &mut Docs) {
        *docs = Docs::default();
        self.docs_loaded.store(false, Ordering::Release);
    }

    /// Replaces the in-memory document with what the database holds.
    pub(crate) fn reload(&self, target: &mut LoadedDoc) -> Result<()> {
        let stored = self.db.read(|c| chunks::load(c, &target.doc_id))?;
        let actor = target.am.get_actor().clone();
        target.am = load_trusted(&stored.bytes)?;
        target.am.set_actor(actor);
        target.chunks = stored.chunks;
        target.last_seq = stored.last_seq;
        Ok(())
    }

    /// Compaction is housekeeping: the changes are already durable, so a failure here is
    /// logged and retried after the next write.
    /// Heads of a document, hex, sorted: equal on two devices means equal state.
    pub fn doc_heads(&self, doc_id: &str) -> Result<Vec<String>> {
        self.read(|docs| {
            let doc = docs
                .by_id(doc_id)
                .ok_or_else(|| Error::not_found("document", doc_id.to_string()))?;
            let mut am = doc.am.clone();
            let mut heads: Vec<String> = am.get_heads().iter().map(|h| h.to_string()).collect();
            crate::sorting::sort(&mut heads);
            Ok(heads)
        })
    }

    pub(crate) fn compact_if_due(&self, target: &mut LoadedDoc) {
        let doc_id = target.doc_id.clone();
        if target.chunks > self.options.compact_after_chunks {
            let snapshot = target.am.save();
            let seq = target.last_seq + 1;
            match self.db.write(|tx| {
                chunks::compact(tx, &doc_id, seq, &snapshot)?;
                // Same content, a new last chunk: a read model in step stays in step.
                store_home_model::restamp(tx, &doc_id, target.last_seq, seq)
            }) {
                Ok(()) => {
                    target.chunks = 1;
                    target.last_seq = seq;
                }
                Err(e) => tracing::warn!(error = %e, "compaction failed"),
            }
        }
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

    /// Found by the `payload` fuzz target (ADR 0016): a change that passes the guarded walk and
    /// Automerge's parser, and whose apply panics inside automerge 0.12 (an actor the document
    /// does not know). Both paths that apply a peer's changes (`sync/receive.rs`,
    /// `direct/exchange.rs`) apply them inside `with_doc_in`, as here: the panic is contained,
    /// the document goes back to what the disk holds, and the store goes on.
    #[test]
    fn a_peer_change_whose_apply_panics_in_automerge_is_contained_where_changes_are_applied() {
        use crate::sync::payload::{decode, parse_changes, Payload};
        let bytes = include_bytes!("../../../tests/fixtures/fuzz/payload-apply-panics.bin");
        let Ok(Payload::Changes(batch)) = decode(bytes) else {
            panic!("the reproducer is a changes payload");
        };
        let changes =
            parse_changes(batch.chunks, LoadLimits::default()).expect("passes the decoder");
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Twofold::open(dir.path().join("s"), &[7u8; KEY_LEN]).expect("open");
        store.set_when_well("steady").expect("write");
        let plan = store.doc_id(DocKind::Plan).expect("plan");
        let applied: Result<()> = store.with_doc(DocSel::Id(&plan), |_, doc| {
            doc.am.apply_changes(changes)?;
            Ok(())
        });
        assert!(
            matches!(applied, Err(Error::Contained { .. })),
            "{applied:?}"
        );
        assert_eq!(store.when_well().expect("read"), "steady");
        store.set_when_well("still writable").expect("write after");
    }

    #[test]
    fn an_unknown_access_read_back_is_an_error_not_ownership() {
        for known in ["owner", "read", "write", "ended"] {
            assert_eq!(DocAccess::parse(known).expect("known").as_str(), known);
        }
        for unknown in ["", "admin", "Owner", "read "] {
            assert!(
                matches!(DocAccess::parse(unknown), Err(Error::Invalid(_))),
                "{unknown:?}"
            );
        }
    }
}
