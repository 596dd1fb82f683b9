//! Backup and restore of the whole store (`docs/backup-format.md`, ADR 0010).
//!
//! A backup is read under the documents' lock, in one read transaction, so documents and
//! tables are one consistent moment. A restore checks the whole file — passphrase, framing,
//! every document, every table name — before it writes anything, builds the new store in a
//! separate file and only then moves it into place: a bad file never touches the store at
//! `path`.

use std::collections::BTreeMap;
use std::path::Path;

use automerge::AutoCommit;
use rusqlite::params;

use super::{genesis_kind, OpenOptions, Twofold};
use crate::backup::contents::{decode_b64, encode_b64, CONTENTS_FORMAT, CONTENTS_VERSION};
use crate::backup::{self, BackupContents, Cell, KdfParams};
use crate::crypto::DevicePublicKeys;
use crate::docs::guarded_load::load_untrusted;
use crate::error::{Error, Result};
use crate::store::database::{Database, KEY_LEN};
use crate::store::files::{remove_if_present, side, store_files, sync_dir_of};
use crate::store::{chunks, dump, identity, migrations, recovery, settings};

/// Where the public keys of the devices this store was restored from are kept (hex, comma
/// separated, oldest first).
pub(crate) const PREDECESSORS_SETTING: &str = "device.predecessors";

fn refused(reason: &'static str) -> Error {
    Error::BackupRefused { reason }
}

/// A backup's contents, checked whole: the documents loaded, so a restore cannot fail
/// half-way on a bad one.
struct CheckedContents {
    contents: BackupContents,
    documents: BTreeMap<String, (Vec<u8>, AutoCommit)>,
    predecessors: Vec<DevicePublicKeys>,
}

fn check(contents: BackupContents, options: &OpenOptions) -> Result<CheckedContents> {
    if contents.schema > migrations::CURRENT_VERSION {
        return Err(refused("it was made by a newer version of the app"));
    }
    for name in contents.tables.keys() {
        if !dump::BACKED_UP_TABLES.contains(&name.as_str()) {
            return Err(refused("it holds a table this app does not restore"));
        }
    }
    let predecessors = contents
        .predecessors
        .iter()
        .map(|hex_keys| {
            hex::decode(hex_keys)
                .ok()
                .and_then(|b| DevicePublicKeys::from_bytes(&b).ok())
                .ok_or(refused("a device key in it is damaged"))
        })
        .collect::<Result<Vec<_>>>()?;
    let rows = contents
        .tables
        .get("documents")
        .cloned()
        .unwrap_or_default();
    let id_at = rows.columns.iter().position(|c| c == "doc_id");
    let kind_at = rows.columns.iter().position(|c| c == "kind");
    let (Some(id_at), Some(kind_at)) = (id_at, kind_at) else {
        return Err(refused("its document list is damaged"));
    };
    if rows.rows.len() != contents.documents.len() {
        return Err(refused("its document list does not match its documents"));
    }
    let mut documents = BTreeMap::new();
    for row in &rows.rows {
        let (Some(Cell::Text(doc_id)), Some(Cell::Text(kind))) = (row.get(id_at), row.get(kind_at))
        else {
            return Err(refused("its document list is damaged"));
        };
        let raw = contents
            .documents
            .get(doc_id)
            .ok_or(refused("its document list does not match its documents"))?;
        let bytes = decode_b64(raw)?;
        let am = load_untrusted(&bytes, options.import_limits)
            .map_err(|_| refused("a document in it is damaged"))?;
        if genesis_kind(&am).ok().map(|k| k.as_str()) != Some(kind.as_str()) {
            return Err(refused("a document in it is not of its stated kind"));
        }
        documents.insert(doc_id.clone(), (bytes, am));
    }
    Ok(CheckedContents {
        contents,
        documents,
        predecessors,
    })
}

/// Whether the store at `path` holds nothing of a person's yet: no file, or a store with only
/// the documents made at first open, no pairing and no share.
fn ensure_unused(path: &Path, key: &[u8; KEY_LEN]) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let db = Database::open(path, key)?;
    let used: i64 = db.read(|c| {
        Ok(c.query_row(
            "SELECT (SELECT count(*) FROM doc_chunks WHERE seq > 1) \
                  + (SELECT count(*) FROM peers) + (SELECT count(*) FROM shares) \
                  + (SELECT count(*) FROM documents WHERE access != 'owner' OR peer IS NOT NULL)",
            [],
            |r| r.get(0),
        )?)
    })?;
    if used > 0 {
        return Err(Error::RestoreTargetInUse);
    }
    Ok(())
}

impl Twofold {
    /// Everything that is the person's, sealed with `passphrase` (Argon2id with
    /// [`KdfParams::DEFAULT`], then XChaCha20-Poly1305). This device's secret keys are not in
    /// it.
    pub fn export_backup(&self, passphrase: &str) -> Result<Vec<u8>> {
        self.export_backup_with(passphrase, KdfParams::DEFAULT)
    }

    /// [`Twofold::export_backup`] with chosen Argon2id parameters (tests use cheap ones).
    pub fn export_backup_with(&self, passphrase: &str, params: KdfParams) -> Result<Vec<u8>> {
        // Checked before the work: a bad passphrase or parameters fail fast.
        params.checked()?;
        let mut guard = self.docs_write()?;
        let docs = &mut *guard;
        let mut documents = BTreeMap::new();
        for doc in docs.owner.values_mut().chain(docs.others.values_mut()) {
            documents.insert(doc.doc_id.clone(), encode_b64(&doc.am.save()));
        }
        let mut predecessors = self.predecessors()?;
        predecessors.push(self.identity.public_keys());
        // Before the dump: a cursor only grows, so the backup holds at least this much.
        self.db.write(crate::store::retention::backing_up)?;
        let (schema, display_name, tables) = self.db.read(|c| {
            // One read transaction: the tables as of one moment, the documents' lock held.
            let tx = c.unchecked_transaction()?;
            let schema = migrations::user_version(&tx)?;
            let name = identity::display_name(&tx)?;
            let mut tables = BTreeMap::new();
            for table in dump::BACKED_UP_TABLES {
                let mut rows = dump::dump(&tx, table)?;
                if table == "settings" {
                    // Predecessors are carried in their own field (the restored device writes
                    // its own list); a push registration names this phone and its relay
                    // capability, so a restored phone registers its own.
                    rows.rows.retain(|r| match r.first() {
                        Some(Cell::Text(key)) => {
                            key != PREDECESSORS_SETTING
                                && !key.starts_with(super::push::PUSH_PREFIX)
                        }
                        _ => true,
                    });
                }
                tables.insert(table.to_string(), rows);
            }
            Ok((schema, name, tables))
        })?;
        drop(guard);
        let contents = BackupContents {
            format: CONTENTS_FORMAT.to_string(),
            version: CONTENTS_VERSION,
            schema,
            made_at_ms: self.now_ms(),
            display_name,
            predecessors: predecessors
                .iter()
                .map(|k| hex::encode(k.to_bytes()))
                .collect(),
            documents,
            tables,
        };
        backup::seal(&contents.encode()?, passphrase, params)
    }

    /// The devices this store was restored from, oldest first.
    pub fn predecessors(&self) -> Result<Vec<DevicePublicKeys>> {
        self.db.read(predecessors_in)
    }
}

/// [`Twofold::predecessors`], read on `conn` (inside a transaction that has it).
pub(crate) fn predecessors_in(conn: &rusqlite::Connection) -> Result<Vec<DevicePublicKeys>> {
    let raw = settings::get(conn, PREDECESSORS_SETTING)?.unwrap_or_default();
    raw.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            hex::decode(s)
                .ok()
                .and_then(|b| DevicePublicKeys::from_bytes(&b).ok())
                .ok_or_else(|| Error::invalid(PREDECESSORS_SETTING, "is damaged"))
        })
        .collect()
}

impl Twofold {
    /// Restores a backup into a new store at `path` and opens it. The store at `path` must be
    /// absent or unused (see [`Error::RestoreTargetInUse`]); this device gets a new identity.
    /// A wrong passphrase is [`Error::WrongPassphrase`], a bad file [`Error::BackupRefused`];
    /// either way nothing at `path` was touched.
    pub fn restore_backup(
        path: impl AsRef<Path>,
        key: &[u8; KEY_LEN],
        file: &[u8],
        passphrase: &str,
        options: OpenOptions,
    ) -> Result<Twofold> {
        let path = path.as_ref();
        let plain = backup::open(file, passphrase)?;
        let checked = check(BackupContents::decode(&plain)?, &options)?;
        drop(plain);
        ensure_unused(path, key)?;
        let building = side(path, ".restoring");
        for f in store_files(&building) {
            remove_if_present(&f)?;
        }
        if let Err(e) = build(&building, key, &checked, options.clock.now_ms()) {
            for f in store_files(&building) {
                let _ = remove_if_present(&f);
            }
            return Err(e);
        }
        // The new store is complete and checkpointed: only now does the old one go.
        for f in store_files(path) {
            remove_if_present(&f)?;
        }
        std::fs::rename(&building, path)?;
        std::fs::rename(side(&building, ".keycheck"), side(path, ".keycheck"))?;
        sync_dir_of(path);
        Twofold::open_with(path, key, options)
    }
}

/// Writes the checked contents into a new database at `path`, in one transaction.
fn build(path: &Path, key: &[u8; KEY_LEN], checked: &CheckedContents, now_ms: i64) -> Result<()> {
    let db = Database::open(path, key)?;
    db.write(|tx| {
        let identity = identity::create(tx, now_ms)?;
        identity::set_display_name(tx, &checked.contents.display_name)?;
        for table in dump::BACKED_UP_TABLES {
            if let Some(rows) = checked.contents.tables.get(table) {
                dump::restore(tx, table, rows)?;
            }
        }
        let actor = Twofold::actor_of(&identity);
        tx.execute("UPDATE documents SET actor = ?1", params![actor.to_bytes()])?;
        for (doc_id, (bytes, _)) in &checked.documents {
            chunks::append(tx, doc_id, 1, bytes, true)?;
        }
        // What the device the backup was made on sent after it is read back like a peer's
        // (ADR 0010): its numbers go on from where the backup left them.
        if let Some(maker) = checked.predecessors.last() {
            tx.execute(
                "INSERT OR REPLACE INTO stream_senders (stream_id, sender, next_seq) \
                 SELECT stream_id, ?1, next_seq FROM streams",
                params![&maker.key_id().0[..]],
            )?;
        }
        // This device signs with a new key: its numbers on every stream start again.
        tx.execute("UPDATE streams SET next_seq = 1", [])?;
        crate::store::retention::restored(tx)?;
        // Its peers learn of it at its first sync (ADR 0010), from the recovery identity the
        // backup carries, numbering past anything a copy of the same backup may have used.
        settings::set(
            tx,
            super::succession::SUCCESSION_SETTING,
            super::succession::RESTORED,
        )?;
        recovery::skip_seq_to(tx, u64::try_from(now_ms / 1000).unwrap_or(0))?;
        let list = checked
            .predecessors
            .iter()
            .map(|k| hex::encode(k.to_bytes()))
            .collect::<Vec<_>>()
            .join(",");
        settings::set(tx, PREDECESSORS_SETTING, &list)?;
        Ok(())
    })?;
    db.checkpoint()?;
    drop(db);
    // Read back through the code's own typed readers: a row the schema let in but the code
    // cannot read is refused now, before it replaces anything.
    let readable = Twofold::open_with(path, key, OpenOptions::default()).and_then(|s| {
        s.peers()?;
        s.shares()?;
        s.disclosure_log()?;
        s.shared_with_me()?;
        s.predecessors()?;
        s.checkpoint()
    });
    match readable {
        Err(Error::Invalid(_) | Error::NotFound { .. } | Error::ImportRefused { .. }) => {
            Err(refused("a table in it holds values this app refuses"))
        }
        other => other,
    }
}
