//! Where envelopes live: the embedded SQLite store or NATS JetStream, behind one interface with
//! the same guarantees — dense positions per log, identical bytes stored once, durable before
//! acknowledged.

mod nats;
mod retention;
mod sqlite;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;

use crate::config::Config;
use crate::error::StartError;
use crate::hub::Hub;
use crate::ids::{Id, TokenHash};

pub use nats::NatsStore;
pub use sqlite::SqliteStore;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Stream,
    Mailbox,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Stream => "stream",
            Kind::Mailbox => "mailbox",
        }
    }

    /// The first byte of a WebSocket data frame.
    pub fn wire_tag(self) -> u8 {
        match self {
            Kind::Stream => 0x01,
            Kind::Mailbox => 0x02,
        }
    }
}

/// One append-only log: a stream or a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LogRef {
    pub kind: Kind,
    pub id: Id,
}

#[derive(Debug, Clone, Copy)]
pub struct StreamMeta {
    pub read: TokenHash,
    pub append: TokenHash,
}

impl StreamMeta {
    pub fn same_as(&self, other: &StreamMeta) -> bool {
        self.read.matches(&other.read) && self.append.matches(&other.append)
    }

    fn to_bytes(self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.read.0);
        out[32..].copy_from_slice(&self.append.0);
        out
    }

    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (read, append) = bytes.split_at_checked(32)?;
        Some(StreamMeta {
            read: TokenHash(read.try_into().ok()?),
            append: TokenHash(append.try_into().ok()?),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateOutcome {
    Created,
    /// Already there with the same token hashes: creating is idempotent for its owners.
    Exists,
    /// Already there with other hashes.
    Conflict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub position: u64,
    /// The bytes were already in the log; nothing new was stored.
    pub duplicate: bool,
}

/// The bounds an append must stay within.
#[derive(Debug, Clone, Copy)]
pub struct AppendPolicy {
    pub max_records: u64,
    pub max_bytes: u64,
    /// Mailbox messages expire; stream envelopes stay.
    pub ttl: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub position: u64,
    pub bytes: Bytes,
}

#[derive(Debug, Default)]
pub struct Batch {
    pub records: Vec<Record>,
    /// The log's last position when the batch was read.
    pub head: u64,
    /// Where the store can resume after the last record (JetStream's sequence of it); handed
    /// back by a live follow so its next read does not search for its place again.
    pub resume: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct StoreStats {
    pub streams: u64,
    pub envelopes: u64,
    pub envelope_bytes: u64,
    pub mailbox_messages: u64,
    /// Direct gets made of JetStream so far (0 for SQLite).
    pub lookups: u64,
    /// JetStream requests waited on so far: direct gets and acknowledged publishes (0 for
    /// SQLite).
    pub requests: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Quota(&'static str),
    #[error("storage full")]
    StorageFull,
    #[error("no such log")]
    UnknownLog,
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
    #[error("nats: {0}")]
    Nats(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data is malformed: {0}")]
    Corrupt(&'static str),
    #[error("a store worker stopped: {0}")]
    Worker(#[from] tokio::task::JoinError),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::StorageFull,
            _ => StoreError::Sqlite(err),
        }
    }
}

#[derive(Debug)]
enum Backend {
    Sqlite(SqliteStore),
    Nats(Box<NatsStore>),
}

/// Past this many cached stream metadata entries the cache starts over; token hashes never
/// change, so caching them is always correct and only memory is at stake.
const META_CACHE_MAX: usize = 100_000;

#[derive(Debug)]
pub struct Store {
    backend: Backend,
    hub: Arc<Hub>,
    meta_cache: Mutex<HashMap<Id, StreamMeta>>,
}

impl Store {
    pub async fn open(config: &Config, hub: Arc<Hub>) -> Result<Self, StartError> {
        let backend = match config.store.as_str() {
            "sqlite" => {
                let dir = config.data_dir.as_ref().ok_or_else(|| {
                    StartError::Config("the embedded store needs --data-dir".into())
                })?;
                Backend::Sqlite(SqliteStore::open(dir).await?)
            }
            url if url.starts_with("nats://") => {
                Backend::Nats(Box::new(NatsStore::open(url, config, hub.clone()).await?))
            }
            _ => {
                return Err(StartError::Config(
                    "--store must be `sqlite` or a nats:// URL".into(),
                ))
            }
        };
        Ok(Store {
            backend,
            hub,
            meta_cache: Mutex::new(HashMap::new()),
        })
    }

    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    pub async fn create_stream(
        &self,
        id: Id,
        meta: StreamMeta,
    ) -> Result<CreateOutcome, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.create_stream(id, meta).await,
            Backend::Nats(s) => s.create_stream(id, meta).await,
        }
    }

    pub async fn stream_meta(&self, id: Id) -> Result<Option<StreamMeta>, StoreError> {
        if let Some(meta) = self.cache().get(&id) {
            return Ok(Some(*meta));
        }
        let meta = match &self.backend {
            Backend::Sqlite(s) => s.stream_meta(id).await?,
            Backend::Nats(s) => s.stream_meta(id).await?,
        };
        if let Some(meta) = meta {
            let mut cache = self.cache();
            if cache.len() >= META_CACHE_MAX {
                cache.clear();
            }
            cache.insert(id, meta);
        }
        Ok(meta)
    }

    pub async fn append(
        &self,
        log: LogRef,
        bytes: Bytes,
        policy: AppendPolicy,
    ) -> Result<Appended, StoreError> {
        let appended = match &self.backend {
            Backend::Sqlite(s) => s.append(log, bytes, policy).await?,
            Backend::Nats(s) => s.append(log, bytes, policy).await?,
        };
        if !appended.duplicate {
            match &self.backend {
                Backend::Sqlite(_) => self.hub.notify(log, appended.position),
                Backend::Nats(s) => s.notify(log, appended.position).await,
            }
        }
        Ok(appended)
    }

    pub async fn read(
        &self,
        log: LogRef,
        after: u64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Batch, StoreError> {
        self.read_from(log, after, None, limit, max_bytes).await
    }

    /// [`Store::read`] resuming where the previous batch ended (its [`Batch::resume`]).
    pub async fn read_from(
        &self,
        log: LogRef,
        after: u64,
        resume: Option<u64>,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Batch, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.read(log, after, limit, max_bytes).await,
            Backend::Nats(s) => s.read(log, after, resume, limit, max_bytes).await,
        }
    }

    pub async fn stats(&self) -> Result<StoreStats, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.stats().await,
            Backend::Nats(s) => s.stats().await,
        }
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.ping().await,
            Backend::Nats(s) => s.ping().await,
        }
    }

    /// Keeps a push registration (`push::Registration::to_bytes`), replacing one of that id.
    pub async fn save_push(&self, id: Id, record: Vec<u8>) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.save_push(id, record).await,
            Backend::Nats(s) => s.save_push(id, record).await,
        }
    }

    pub async fn delete_push(&self, id: Id) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.delete_push(id).await,
            Backend::Nats(s) => s.delete_push(id).await,
        }
    }

    /// Every push registration, read once at start.
    pub async fn load_pushes(&self) -> Result<Vec<(Id, Vec<u8>)>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.load_pushes().await,
            Backend::Nats(s) => s.load_pushes().await,
        }
    }

    /// With JetStream: appends stored and append notifications heard (`NatsStore::
    /// appended_and_heard`); the embedded store's wake-ups cannot be lost (`None`).
    pub async fn appended_and_heard(&self) -> Result<Option<(u64, u64)>, StoreError> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(None),
            Backend::Nats(s) => s.appended_and_heard().await.map(Some),
        }
    }

    /// Drops every message of a mailbox now (its pairing is over), leaving nothing of them in
    /// the store's files.
    pub async fn delete_mailbox(&self, id: Id) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.delete_mailbox(id).await,
            Backend::Nats(s) => s.delete_mailbox(id).await,
        }
    }

    /// Drops mailbox messages past their time. JetStream expires them by itself.
    pub async fn sweep_expired(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.sweep_expired().await,
            Backend::Nats(_) => Ok(()),
        }
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(s) => s.close().await,
            Backend::Nats(s) => s.close().await,
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<Id, StreamMeta>> {
        self.meta_cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Takes records in order until `limit` or `max_bytes` of encoded output, always at least one.
pub(crate) fn fits(
    taken: usize,
    bytes_so_far: usize,
    next_len: usize,
    limit: usize,
    max_bytes: usize,
) -> bool {
    taken == 0
        || (taken < limit
            && bytes_so_far.saturating_add(crate::framing::record_len(next_len)) <= max_bytes)
}
