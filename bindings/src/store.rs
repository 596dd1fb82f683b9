//! `TwofoldStore`: the one object foreign code holds. Every method is a line or two over
//! `twofold_core::Twofold`: convert the arguments, call the core, convert the result.
//!
//! Writes and long or I/O-bound calls (open, exports, imports, integrity check) are `async`
//! and run on the bindings' runtime (see `runtime`); short in-memory reads are plain calls.
//! The typed per-section methods (`put_trigger`, `list_contacts`, …) are in `sections`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use twofold_core::{sections, DocKind, ItemId, LoadLimits, OpenOptions, Twofold, Watched, KEY_LEN};

use crate::convert::{self, ToCore};
use crate::error::{guard, install_panic_hook, Result, TwofoldError};
use crate::listeners::{self, DocumentListener, HomeScreenListener, SubscriptionHandle};
use crate::model::documents::{DocumentKind, DocumentSnapshot, FieldConflict, SectionName};
use crate::model::home::HomeScreen;
use crate::model::journal::{CheckIn, LapseRecorded, NewCheckIn, Recovery};
use crate::runtime::{blocking, Blocking};

/// Tuning for `open_with_options`; `StoreOptions::default()` (or `open`) suits the app.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StoreOptions {
    /// Past this many stored changes a document is compacted into one snapshot.
    #[uniffi(default = 256)]
    pub compact_after_chunks: u64,
    /// The largest import (JSON or Automerge bytes) accepted, in bytes.
    #[uniffi(default = 16777216)]
    pub import_max_bytes: u64,
    /// The most an imported Automerge document may inflate to, in bytes.
    #[uniffi(default = 67108864)]
    pub import_max_inflated_bytes: u64,
    /// The most rows (operations and changes) imported Automerge bytes may decode to.
    #[uniffi(default = 1048576)]
    pub import_max_rows: u64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        let core = OpenOptions::default();
        StoreOptions {
            compact_after_chunks: convert::count::from_core(core.compact_after_chunks),
            import_max_bytes: convert::count::from_core(core.import_limits.max_bytes),
            import_max_inflated_bytes: core.import_limits.max_inflated,
            import_max_rows: core.import_limits.max_rows,
        }
    }
}

impl ToCore for StoreOptions {
    type Core = OpenOptions;
    fn to_core(self, at: &str) -> Result<OpenOptions> {
        Ok(OpenOptions {
            compact_after_chunks: convert::count::to_core(
                self.compact_after_chunks,
                at,
                "compact_after_chunks",
            )?,
            import_limits: LoadLimits {
                max_bytes: convert::count::to_core(self.import_max_bytes, at, "import_max_bytes")?,
                max_inflated: self.import_max_inflated_bytes,
                max_rows: self.import_max_rows,
            },
            ..OpenOptions::default()
        })
    }
}

/// A person's encrypted store: the plan, contacts, schedule and journal.
#[derive(Debug, uniffi::Object)]
pub struct TwofoldStore {
    /// `None` once closed. Calls clone the `Arc` and release the lock at once, so a long call
    /// never blocks another, and `close` never waits for one.
    core: Mutex<Option<Arc<Twofold>>>,
}

fn item_id(field: &str, raw: &str) -> Result<ItemId> {
    Ok(ItemId::parse(field, raw)?)
}

/// One document's typed state, read atomically. The core has no public typed snapshot read,
/// so this goes through its JSON export (one read lock) and back.
pub(crate) fn read_snapshot(core: &Twofold, kind: DocKind) -> Result<DocumentSnapshot> {
    Ok(core.snapshot(kind)?.into())
}

impl TwofoldStore {
    /// The key as the core wants it: exactly 32 bytes.
    pub(crate) fn key_array(key: &[u8]) -> Result<[u8; KEY_LEN]> {
        <[u8; KEY_LEN]>::try_from(key)
            .map_err(|_| TwofoldError::invalid("key", "must be exactly 32 bytes"))
    }

    /// Wraps an open core store.
    pub(crate) fn from_core(core: Twofold) -> Arc<Self> {
        Arc::new(TwofoldStore {
            core: Mutex::new(Some(Arc::new(core))),
        })
    }

    async fn open_inner(path: String, key: Vec<u8>, options: StoreOptions) -> Result<Arc<Self>> {
        install_panic_hook();
        let key = guard(|| Self::key_array(&key))?;
        if path.trim().is_empty() {
            return Err(TwofoldError::invalid("path", "must not be empty"));
        }
        let core = blocking(move || {
            let options = options.to_core("options")?;
            Ok(Twofold::open_with(PathBuf::from(path), &key, options)?)
        })
        .await?;
        Ok(Self::from_core(core))
    }

    /// Takes the core out: from now on every call fails with `Closed`.
    pub(crate) fn take_core(&self) -> Option<Arc<Twofold>> {
        self.core.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    pub(crate) fn core(&self) -> Result<Arc<Twofold>> {
        self.core
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(TwofoldError::Closed)
    }

    /// A short read on the caller's thread.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Twofold) -> Result<T>) -> Result<T> {
        guard(|| f(&*self.core()?))
    }

    /// Folds check-ins acknowledged from the intent log into the journal on the blocking
    /// pool, after the check-in has answered (ADR 0025): the log stays short, and a read
    /// through the journal's documents on the caller's thread (an export, a check-in's
    /// conflicts) finds nothing to fold. Reads of check-ins and insights read the log beside
    /// the journal and never fold.
    pub(crate) fn fold_check_ins_in_background(&self) {
        if let Ok(core) = self.core() {
            crate::runtime::in_background(Box::new(move || {
                core.fold_check_ins()?;
                Ok(())
            }));
        }
    }

    /// A write (or a long call) on the runtime's blocking pool; await the result.
    pub(crate) fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Twofold) -> Result<T> + Send + 'static,
    ) -> Blocking<T> {
        match self.core() {
            Ok(core) => blocking(move || f(&core)),
            Err(e) => Blocking::failed(e),
        }
    }
}

#[uniffi::export]
impl TwofoldStore {
    /// Opens (or creates) the store at `path` with the app's 32-byte random key (kept in the
    /// Android Keystore / iOS Keychain). A wrong key is `WrongKey` and changes nothing; a
    /// damaged file is moved aside (`Corrupt`).
    #[uniffi::constructor]
    pub async fn open(path: String, key: Vec<u8>) -> Result<Arc<Self>> {
        Self::open_inner(path, key, StoreOptions::default()).await
    }

    /// `open` with tuning options.
    #[uniffi::constructor]
    pub async fn open_with_options(
        path: String,
        key: Vec<u8>,
        options: StoreOptions,
    ) -> Result<Arc<Self>> {
        Self::open_inner(path, key, options).await
    }

    /// Closes the store. Everything acknowledged is already on disk. Afterwards every call
    /// fails with `Closed`, and listeners stop. Calls under way finish first (the file is
    /// released when the last one ends). Closing twice is fine. (In Kotlin: `closeStore()`,
    /// since `close()` there releases the object itself.)
    pub fn close(&self) {
        if let Some(core) = self.take_core() {
            if let Ok(core) = Arc::try_unwrap(core) {
                core.close();
            }
        }
    }

    pub fn is_closed(&self) -> bool {
        self.core
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    /// The database file's path.
    pub fn path(&self) -> Result<String> {
        self.read(|core| Ok(core.path().display().to_string()))
    }

    // --- any section -------------------------------------------------------------------

    /// Removes an item. Refused (`InvalidInput` on `id`) while the crisis plan still points at
    /// it; a goal's steps and a recovery's lapses go with it.
    pub async fn remove_item(&self, section: SectionName, id: String) -> Result<()> {
        self.write(move |core| Ok(core.remove(section, &item_id("id", &id)?)?))
            .await
    }

    /// Moves an item just before `before`, or to the end with `None`.
    pub async fn move_item(
        &self,
        section: SectionName,
        id: String,
        before: Option<String>,
    ) -> Result<()> {
        self.write(move |core| {
            let id = item_id("id", &id)?;
            let before = before.map(|b| item_id("before", &b)).transpose()?;
            Ok(core.move_item(section, &id, before.as_ref())?)
        })
        .await
    }

    /// Fields of an item that hold concurrent values from different devices.
    pub fn item_conflicts(&self, section: SectionName, id: String) -> Result<Vec<FieldConflict>> {
        self.read(|core| Ok(core.conflicts(section, &item_id("id", &id)?)?))
    }

    pub fn count_items(&self, section: SectionName) -> Result<u64> {
        self.read(|core| Ok(convert::count::from_core(core.count(section)?)))
    }

    // --- the plan's text ---------------------------------------------------------------

    /// The plan's "when I'm well" description.
    pub fn when_well(&self) -> Result<String> {
        self.read(|core| Ok(core.when_well()?))
    }

    pub async fn set_when_well(&self, text: String) -> Result<()> {
        self.write(move |core| Ok(core.set_when_well(&text)?)).await
    }

    // --- journal -----------------------------------------------------------------------

    /// Records a check-in durably and returns it (with its id). `at_ms` is when it was made,
    /// in milliseconds since the Unix epoch; `None` means now.
    #[uniffi::method(default(at_ms = None))]
    pub async fn record_check_in(
        &self,
        check_in: NewCheckIn,
        at_ms: Option<i64>,
    ) -> Result<CheckIn> {
        let recorded = self
            .write(move |core| {
                let new = check_in.to_core("check_ins")?;
                let at_ms = at_ms.unwrap_or_else(now_ms);
                Ok(core.record_check_in(new, at_ms)?.into())
            })
            .await?;
        self.fold_check_ins_in_background();
        Ok(recorded)
    }

    /// Check-ins whose day lies in `from_day..=to_day` (`YYYY-MM-DD`), oldest first.
    pub fn check_ins_between(&self, from_day: String, to_day: String) -> Result<Vec<CheckIn>> {
        self.read(|core| {
            let from = convert::day::to_core(from_day, "", "from_day")?;
            let to = convert::day::to_core(to_day, "", "to_day")?;
            let found = core.check_ins_between(from, to)?;
            Ok(found.into_iter().map(Into::into).collect())
        })
    }

    /// Starts counting a recovery from `started` (`YYYY-MM-DD`) and returns it with its new id.
    pub async fn add_recovery(&self, substance: String, started: String) -> Result<Recovery> {
        self.write(move |core| {
            let recovery = twofold_core::Recovery {
                id: ItemId::random(),
                substance,
                started: convert::day::to_core(started, "recoveries", "started")?,
            };
            core.put(sections::RECOVERIES, recovery.clone())?;
            Ok(recovery.into())
        })
        .await
    }

    /// Records a lapse of one recovery: its counter restarts, the history stays. Returns the
    /// lapse with the person's "if a lapse happens" plan, to show right away.
    pub async fn record_lapse(
        &self,
        recovery_id: String,
        day: String,
        note: String,
    ) -> Result<LapseRecorded> {
        self.write(move |core| {
            let recovery_id = convert::id::to_core(recovery_id, "lapses", "recovery_id")?;
            let day = convert::day::to_core(day, "lapses", "day")?;
            Ok(core.record_lapse(&recovery_id, day, &note)?.into())
        })
        .await
    }

    // --- whole views -------------------------------------------------------------------

    /// The home screen for `today` (`YYYY-MM-DD`, the person's local date).
    pub fn home_screen(&self, today: String) -> Result<HomeScreen> {
        self.read(|core| {
            let today = convert::day::to_core(today, "", "today")?;
            Ok(core.home_screen(today)?.into())
        })
    }

    /// One document's whole typed state.
    pub async fn document_snapshot(&self, kind: DocumentKind) -> Result<DocumentSnapshot> {
        self.write(move |core| read_snapshot(core, kind)).await
    }

    // --- portability -------------------------------------------------------------------

    /// The document as standard Automerge bytes, with its full history.
    pub async fn export_bytes(&self, kind: DocumentKind) -> Result<Vec<u8>> {
        self.write(move |core| Ok(core.export_bytes(kind)?)).await
    }

    /// The document as readable JSON (`format`, `version`, `kind`, `data`).
    pub async fn export_json(&self, kind: DocumentKind) -> Result<String> {
        self.write(move |core| Ok(core.export_json(kind)?)).await
    }

    /// Merges Automerge bytes of the same document (from this or another device). Checked
    /// whole first: refused input (`ImportRefused`, `InvalidInput`) changes nothing.
    pub async fn import_bytes(&self, kind: DocumentKind, bytes: Vec<u8>) -> Result<()> {
        self.write(move |core| Ok(core.import_bytes(kind, &bytes)?))
            .await
    }

    /// Adds the items of a JSON export (items with the same id are updated). Checked whole
    /// first: refused input changes nothing.
    pub async fn import_json(&self, kind: DocumentKind, json: String) -> Result<()> {
        self.write(move |core| Ok(core.import_json(kind, &json)?))
            .await
    }

    /// `PRAGMA integrity_check` of the database file.
    pub async fn integrity_check(&self) -> Result<bool> {
        self.write(|core| Ok(core.integrity_check()?)).await
    }

    // --- listeners ---------------------------------------------------------------------

    /// Calls `listener` with the document's current state, then after every change to it.
    pub fn subscribe_document(
        &self,
        kind: DocumentKind,
        listener: Arc<dyn DocumentListener>,
    ) -> Result<Arc<SubscriptionHandle>> {
        guard(|| {
            let core = self.core()?;
            listeners::subscribe(
                &core,
                Watched::Own(vec![kind]),
                move |core| read_snapshot(core, kind),
                move |snapshot| listener.on_document(snapshot),
            )
        })
    }

    /// Calls `listener` with the home screen for `today` (`YYYY-MM-DD`), then after every
    /// change to a document it shows. Subscribe again when the date changes.
    pub fn subscribe_home_screen(
        &self,
        today: String,
        listener: Arc<dyn HomeScreenListener>,
    ) -> Result<Arc<SubscriptionHandle>> {
        guard(|| {
            let core = self.core()?;
            let today = convert::day::to_core(today, "", "today")?;
            listeners::subscribe(
                &core,
                Watched::Own(DocKind::ALL.to_vec()),
                move |core| Ok(core.home_screen(today)?.into()),
                move |home| listener.on_home_screen(home),
            )
        })
    }
}

/// Now, in milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
