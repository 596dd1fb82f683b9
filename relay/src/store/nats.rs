//! The shared store for several relay processes: NATS JetStream.
//!
//! Every log is one subject of a JetStream stream (`<prefix>.env.<id>` for streams,
//! `<prefix>.mbx.<id>` for mailboxes). JetStream's own sequence is global, so a log's dense
//! position travels in a header, and an append claims position `last + 1` with
//! `Nats-Expected-Last-Subject-Sequence`: if another relay appended first, JetStream refuses and
//! we re-read the last message and retry. `Nats-Msg-Id` (log + SHA-256 of the bytes) makes a
//! retried identical append a duplicate inside JetStream's window; a digest index subject keeps
//! that answer after the window. Each relay remembers the last message it saw of the logs it
//! appended to, so an append is two round trips when nothing else wrote meanwhile: the digest
//! entry, published only if the digest is new (which is the duplicate check too), then the
//! envelope; a stale memory costs one refused publish and a re-read. Stream token hashes are
//! one message per stream id, created with expected-last-subject-sequence 0 so only the first
//! creator wins. After each append a plain NATS message on `<prefix>.notify.…` wakes the
//! followers on every relay process.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::context::PublishErrorKind;
use async_nats::jetstream::message::{PublishMessage, StreamMessage};
use async_nats::jetstream::stream::{self, DirectGetErrorKind, StorageType, Stream};
use async_nats::jetstream::Context;
use async_nats::HeaderMap;
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::task::JoinHandle;

use super::{
    fits, AppendPolicy, Appended, Batch, CreateOutcome, Kind, LogRef, Record, StoreError,
    StoreStats, StreamMeta,
};
use crate::config::Config;
use crate::hub::Hub;
use crate::ids::{digest, Id, TokenHash};

const POSITION: &str = "Twofold-Position";
const TOTAL_BYTES: &str = "Twofold-Bytes";
/// Concurrent appenders to one log retry this often before giving up with 503.
const MAX_ATTEMPTS: u32 = 200;
const DUPLICATE_WINDOW: Duration = Duration::from_secs(600);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Logs whose last position a relay remembers; past this it forgets them all (a memory is
/// only a hint: a stale one costs a refused publish and a re-read).
const REMEMBERED_HEADS: usize = 65_536;

/// A log's last message as an append needs it.
#[derive(Debug, Clone, Copy, Default)]
struct Head {
    /// JetStream's sequence of the last message (0: none).
    sequence: u64,
    position: u64,
    total_bytes: u64,
}

#[derive(Debug)]
pub struct NatsStore {
    client: async_nats::Client,
    js: Context,
    envelopes: Stream,
    mailboxes: Stream,
    meta: Stream,
    digests: Stream,
    pushes: Stream,
    prefix: String,
    listener: JoinHandle<()>,
    /// Direct gets made so far: what a read or an append costs JetStream (`/metrics`).
    lookups: AtomicU64,
    /// Append notifications received from every relay (this one's included).
    heard: Arc<AtomicU64>,
    /// JetStream requests that wait for an answer (direct gets and acknowledged publishes).
    requests: AtomicU64,
    /// The last message of each log this relay appended to, as it saw it.
    heads: Mutex<HashMap<String, Head>>,
}

fn nats_err(err: impl std::fmt::Display) -> StoreError {
    StoreError::Nats(err.to_string())
}

impl NatsStore {
    pub async fn open(url: &str, config: &Config, hub: Arc<Hub>) -> Result<Self, StoreError> {
        let prefix = config.nats_prefix.clone();
        if prefix.is_empty()
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            return Err(StoreError::Nats(
                "--nats-prefix must be lowercase letters, digits, '_' or '-'".into(),
            ));
        }
        let client = async_nats::ConnectOptions::new()
            .connection_timeout(CONNECT_TIMEOUT)
            .retry_on_initial_connect()
            .connect(url)
            .await
            .map_err(nats_err)?;
        // The initial connect retries in the background; wait for it (bounded) before going on.
        tokio::time::timeout(CONNECT_TIMEOUT, client.flush())
            .await
            .map_err(|_| StoreError::Nats("no connection to the NATS server".into()))?
            .map_err(nats_err)?;
        let js = async_nats::jetstream::new(client.clone());
        let name = |suffix: &str| format!("{}_{suffix}", prefix.to_uppercase().replace('-', "_"));
        let base = |suffix: &str, subject: String| stream::Config {
            name: name(suffix),
            subjects: vec![subject],
            storage: StorageType::File,
            allow_direct: true,
            num_replicas: 1,
            ..Default::default()
        };
        let ttl = config.mailbox_ttl().max(Duration::from_secs(1));
        let envelopes = ensure_stream(
            &js,
            stream::Config {
                duplicate_window: DUPLICATE_WINDOW,
                ..base("ENVELOPES", format!("{prefix}.env.*"))
            },
        )
        .await?;
        let mailboxes = ensure_stream(
            &js,
            stream::Config {
                max_age: ttl,
                duplicate_window: DUPLICATE_WINDOW.min(ttl),
                ..base("MAILBOXES", format!("{prefix}.mbx.*"))
            },
        )
        .await?;
        let meta = ensure_stream(&js, base("META", format!("{prefix}.meta.*"))).await?;
        let digests = ensure_stream(
            &js,
            stream::Config {
                max_messages_per_subject: 1,
                ..base("DIGESTS", format!("{prefix}.dig.*.*"))
            },
        )
        .await?;

        // One message per registration id; an empty one is a deletion.
        let pushes = ensure_stream(
            &js,
            stream::Config {
                max_messages_per_subject: 1,
                ..base("PUSH", format!("{prefix}.push.*"))
            },
        )
        .await?;

        let mut notifications = client
            .subscribe(format!("{prefix}.notify.>"))
            .await
            .map_err(nats_err)?;
        let notify_prefix = format!("{prefix}.notify.");
        let heard = Arc::new(AtomicU64::new(0));
        let heard_counter = heard.clone();
        let listener = tokio::spawn(async move {
            while let Some(message) = notifications.next().await {
                let Some(rest) = message.subject.as_str().strip_prefix(&notify_prefix) else {
                    continue;
                };
                let Some((kind, id)) = rest.split_once('.') else {
                    continue;
                };
                let kind = match kind {
                    "stream" => Kind::Stream,
                    "mailbox" => Kind::Mailbox,
                    _ => continue,
                };
                let (Ok(id), Ok(position)) = (
                    Id::parse(id),
                    <[u8; 8]>::try_from(message.payload.as_ref()).map(u64::from_be_bytes),
                ) else {
                    continue;
                };
                heard_counter.fetch_add(1, Ordering::Relaxed);
                hub.notify(LogRef { kind, id }, position);
            }
        });

        Ok(NatsStore {
            client,
            js,
            envelopes,
            mailboxes,
            meta,
            digests,
            pushes,
            prefix,
            listener,
            lookups: AtomicU64::new(0),
            heard,
            requests: AtomicU64::new(0),
            heads: Mutex::new(HashMap::new()),
        })
    }

    fn subject(&self, log: LogRef) -> String {
        match log.kind {
            Kind::Stream => format!("{}.env.{}", self.prefix, log.id.hex()),
            Kind::Mailbox => format!("{}.mbx.{}", self.prefix, log.id.hex()),
        }
    }

    fn stream_of(&self, kind: Kind) -> &Stream {
        match kind {
            Kind::Stream => &self.envelopes,
            Kind::Mailbox => &self.mailboxes,
        }
    }

    pub async fn create_stream(
        &self,
        id: Id,
        meta: StreamMeta,
    ) -> Result<CreateOutcome, StoreError> {
        let subject = format!("{}.meta.{}", self.prefix, id.hex());
        let publish = PublishMessage::build()
            .payload(Bytes::copy_from_slice(&meta.to_bytes()))
            .expected_last_subject_sequence(0);
        match self.publish(subject, publish).await {
            Ok(_) => Ok(CreateOutcome::Created),
            Err(Published::WrongLastSequence) => match self.stream_meta(id).await? {
                Some(stored) if stored.same_as(&meta) => Ok(CreateOutcome::Exists),
                Some(_) => Ok(CreateOutcome::Conflict),
                None => Err(StoreError::Corrupt("stream metadata vanished")),
            },
            Err(Published::Failed(err)) => Err(err),
        }
    }

    pub async fn stream_meta(&self, id: Id) -> Result<Option<StreamMeta>, StoreError> {
        let subject = format!("{}.meta.{}", self.prefix, id.hex());
        match self.last(&self.meta, &subject).await? {
            Some(message) => StreamMeta::from_bytes(&message.payload)
                .map(Some)
                .ok_or(StoreError::Corrupt("token hashes")),
            None => Ok(None),
        }
    }

    pub async fn append(
        &self,
        log: LogRef,
        bytes: Bytes,
        policy: AppendPolicy,
    ) -> Result<Appended, StoreError> {
        let digest = digest(&bytes);
        let digest_hex = hex::encode(digest);
        let subject = self.subject(log);
        let store = self.stream_of(log.kind);
        let digest_subject = format!("{}.dig.{}.{digest_hex}", self.prefix, log.id.hex());
        // Where the digest entry points, once this append has written it.
        let mut entry_at = None;

        for attempt in 0..MAX_ATTEMPTS {
            // The remembered head on the first try; a refused publish means it was stale.
            let remembered = if attempt == 0 {
                self.remembered_head(&subject)
            } else {
                None
            };
            let from_memory = remembered.is_some();
            let mut head = match remembered {
                Some(head) => head,
                None => self.head(store, &subject).await?,
            };
            match log.kind {
                Kind::Stream => {
                    let mut refusal = over_quota(&head, bytes.len(), &policy);
                    if refusal.is_some() && from_memory {
                        // Refuse on what JetStream holds, not on a memory.
                        head = self.head(store, &subject).await?;
                        refusal = over_quota(&head, bytes.len(), &policy);
                    }
                    if let Some(refusal) = refusal {
                        // A retry of an envelope already stored is answered, full or not.
                        if let Some(found) = self
                            .stored_copy(store, &subject, &digest_subject, &digest)
                            .await?
                        {
                            return Ok(found);
                        }
                        return Err(StoreError::Quota(refusal));
                    }
                }
                Kind::Mailbox => {
                    // Mailboxes are small (a few dozen messages of at most 4 KiB), so scanning
                    // the live ones finds duplicates even after JetStream's dedup window.
                    let live = self.read(log, 0, None, usize::MAX, usize::MAX).await?;
                    if let Some(same) = live.records.iter().find(|r| r.bytes == bytes) {
                        return Ok(Appended {
                            position: same.position,
                            duplicate: true,
                        });
                    }
                    if live.records.len() as u64 >= policy.max_records {
                        return Err(StoreError::Quota(
                            "mailbox holds its maximum number of messages",
                        ));
                    }
                }
            }
            let position = head.position + 1;
            if log.kind == Kind::Stream && entry_at != Some(position) {
                // Before the envelope: a relay that dies between the two leaves an entry that
                // `holds` sees through, never an envelope that a retry after JetStream's
                // dedup window would store a second time.
                if entry_at.is_some() {
                    // A lost race for the position moved it: the entry follows.
                    self.index_digest(digest_subject.clone(), position).await?;
                } else if !self.claim_digest(digest_subject.clone(), position).await? {
                    if let Some(found) = self
                        .stored_copy(store, &subject, &digest_subject, &digest)
                        .await?
                    {
                        return Ok(found);
                    }
                    // A stale entry (its relay died before the envelope): point it here.
                    self.index_digest(digest_subject.clone(), position).await?;
                }
                entry_at = Some(position);
            }
            let total_bytes = head.total_bytes + bytes.len() as u64;
            let mut headers = HeaderMap::new();
            headers.insert(POSITION, position.to_string().as_str());
            headers.insert(TOTAL_BYTES, total_bytes.to_string().as_str());
            let publish = PublishMessage::build()
                .headers(headers)
                .payload(bytes.clone())
                .message_id(format!("{}.{digest_hex}", log.id.hex()))
                .expected_last_subject_sequence(head.sequence);
            match self.publish(subject.clone(), publish).await {
                Ok(ack) if ack.duplicate => {
                    self.forget_head(&subject);
                    let original = store.direct_get(ack.sequence).await.map_err(nats_err)?;
                    return Ok(Appended {
                        position: header_u64(&original, POSITION)?,
                        duplicate: true,
                    });
                }
                Ok(ack) => {
                    self.remember_head(
                        subject,
                        Head {
                            sequence: ack.sequence,
                            position,
                            total_bytes,
                        },
                    );
                    return Ok(Appended {
                        position,
                        duplicate: false,
                    });
                }
                Err(Published::WrongLastSequence) => {
                    // Another relay won this position (or the memory was stale); from the
                    // second refusal on, back off a little, more as contention persists, so
                    // the retries do not lock-step.
                    if attempt > 0 {
                        let jitter = u64::from(digest[attempt as usize % 32]) % 5;
                        tokio::time::sleep(Duration::from_millis(
                            u64::from(attempt.min(20)) + jitter,
                        ))
                        .await;
                    }
                }
                Err(Published::Failed(err)) => return Err(err),
            }
        }
        Err(StoreError::Nats("too much contention on one log".into()))
    }

    /// The last message of `subject` as JetStream holds it.
    async fn head(&self, store: &Stream, subject: &str) -> Result<Head, StoreError> {
        Ok(match self.last(store, subject).await? {
            Some(message) => Head {
                sequence: message.sequence,
                position: header_u64(&message, POSITION)?,
                total_bytes: header_u64(&message, TOTAL_BYTES)?,
            },
            None => Head::default(),
        })
    }

    fn remembered_head(&self, subject: &str) -> Option<Head> {
        self.heads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(subject)
            .copied()
    }

    fn remember_head(&self, subject: String, head: Head) {
        let mut heads = self
            .heads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if heads.len() >= REMEMBERED_HEADS && !heads.contains_key(&subject) {
            heads.clear();
        }
        heads.insert(subject, head);
    }

    fn forget_head(&self, subject: &str) {
        self.heads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(subject);
    }

    /// The envelope these bytes were stored as, when the digest entry names one that holds them.
    async fn stored_copy(
        &self,
        store: &Stream,
        subject: &str,
        digest_subject: &str,
        digest: &[u8; 32],
    ) -> Result<Option<Appended>, StoreError> {
        let Some(found) = self.last(&self.digests, digest_subject).await? else {
            return Ok(None);
        };
        let position = <[u8; 8]>::try_from(found.payload.as_ref())
            .map(u64::from_be_bytes)
            .map_err(|_| StoreError::Corrupt("digest index"))?;
        // The entry is written before the envelope, so it may name a position whose publish
        // never happened (the relay died) or went to other bytes (another relay won it): only
        // an envelope with these bytes there makes this a duplicate.
        Ok(self
            .holds(store, subject, position, digest)
            .await?
            .then_some(Appended {
                position,
                duplicate: true,
            }))
    }

    /// Writes the digest entry only if there is none, and says whether it did: one round trip
    /// that is also the duplicate check of every new envelope.
    async fn claim_digest(&self, subject: String, position: u64) -> Result<bool, StoreError> {
        let publish = PublishMessage::build()
            .payload(Bytes::copy_from_slice(&position.to_be_bytes()))
            .expected_last_subject_sequence(0);
        match self.publish(subject, publish).await {
            Ok(_) => Ok(true),
            Err(Published::WrongLastSequence) => Ok(false),
            Err(Published::Failed(err)) => Err(err),
        }
    }

    /// Points the digest index at `position` (one message per digest subject, so a rewrite
    /// replaces a stale entry).
    async fn index_digest(&self, subject: String, position: u64) -> Result<(), StoreError> {
        let publish =
            PublishMessage::build().payload(Bytes::copy_from_slice(&position.to_be_bytes()));
        match self.publish(subject, publish).await {
            Ok(_) | Err(Published::WrongLastSequence) => Ok(()),
            Err(Published::Failed(err)) => Err(err),
        }
    }

    /// Whether the envelope at `position` of `subject` is the one with `digest`.
    async fn holds(
        &self,
        store: &Stream,
        subject: &str,
        position: u64,
        digest: &[u8; 32],
    ) -> Result<bool, StoreError> {
        let Some(last) = self.last(store, subject).await? else {
            return Ok(false);
        };
        if position == 0 || header_u64(&last, POSITION)? < position {
            return Ok(false);
        }
        let at = self
            .first_after(store, subject, position - 1, None, last.sequence)
            .await?;
        Ok(match at {
            Some(message) => {
                header_u64(&message, POSITION)? == position && digest_of(&message) == *digest
            }
            None => false,
        })
    }

    pub async fn notify(&self, log: LogRef, position: u64) {
        let subject = format!(
            "{}.notify.{}.{}",
            self.prefix,
            log.kind.label(),
            log.id.hex()
        );
        if let Err(err) = self
            .client
            .publish(subject, Bytes::copy_from_slice(&position.to_be_bytes()))
            .await
        {
            // Followers also poll the store, so a lost wake-up only delays them.
            tracing::warn!(error = %err, "append notification not sent");
        }
    }

    /// Records after `after`. `resume` is the JetStream sequence of the record at `after`, as
    /// the previous batch of a live follow ended ([`Batch::resume`]): the next record is then one
    /// direct get away instead of a binary search of the whole stream on every wake-up.
    pub async fn read(
        &self,
        log: LogRef,
        after: u64,
        resume: Option<u64>,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Batch, StoreError> {
        let subject = self.subject(log);
        let store = self.stream_of(log.kind);
        let Some(last) = self.last(store, &subject).await? else {
            return Ok(Batch::default());
        };
        let head = header_u64(&last, POSITION)?;
        let mut batch = Batch {
            records: Vec::new(),
            head,
            resume: None,
        };
        if head <= after {
            return Ok(batch);
        }
        let mut next = self
            .first_after(store, &subject, after, resume, last.sequence)
            .await?;
        let mut size = 0;
        while let Some(message) = next {
            let position = header_u64(&message, POSITION)?;
            if position > head
                || !fits(
                    batch.records.len(),
                    size,
                    message.payload.len(),
                    limit,
                    max_bytes,
                )
            {
                break;
            }
            size += crate::framing::record_len(message.payload.len());
            let sequence = message.sequence;
            batch.resume = Some(sequence);
            batch.records.push(Record {
                position,
                bytes: message.payload,
            });
            if position == head {
                break;
            }
            next = self.next(store, &subject, sequence + 1).await?;
        }
        Ok(batch)
    }

    /// The first message of `subject` with a position above `after`. Positions grow with
    /// JetStream's global sequence, and the message at position p has sequence ≥ p, so a binary
    /// search over sequences finds it in O(log n) direct gets.
    async fn first_after(
        &self,
        store: &Stream,
        subject: &str,
        after: u64,
        resume: Option<u64>,
        last_sequence: u64,
    ) -> Result<Option<StreamMessage>, StoreError> {
        if let Some(sequence) = resume {
            // A wrong or stale hint (another store's sequence, a purged record) falls back to
            // the search; a right one is the common case of a follower at the head.
            if let Some(message) = self.next(store, subject, sequence + 1).await? {
                let position = header_u64(&message, POSITION)?;
                if position == after + 1 {
                    return Ok(Some(message));
                }
            }
        }
        let mut lo = after + 1;
        let mut hi = last_sequence;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.next(store, subject, mid).await? {
                Some(message) if header_u64(&message, POSITION)? > after => hi = mid,
                Some(message) => lo = message.sequence + 1,
                None => return Ok(None),
            }
        }
        self.next(store, subject, lo).await
    }

    async fn last(
        &self,
        store: &Stream,
        subject: &str,
    ) -> Result<Option<StreamMessage>, StoreError> {
        self.lookups.fetch_add(1, Ordering::Relaxed);
        self.requests.fetch_add(1, Ordering::Relaxed);
        found(store.direct_get_last_for_subject(subject).await)
    }

    async fn next(
        &self,
        store: &Stream,
        subject: &str,
        from_sequence: u64,
    ) -> Result<Option<StreamMessage>, StoreError> {
        self.lookups.fetch_add(1, Ordering::Relaxed);
        self.requests.fetch_add(1, Ordering::Relaxed);
        found(
            store
                .direct_get_next_for_subject(subject, Some(from_sequence))
                .await,
        )
    }

    fn owner_subject(&self, id: Id) -> String {
        // In the META stream (`meta.*`): one token, apart from the token hashes' `meta.<id>`.
        format!("{}.meta.owner{}", self.prefix, id.hex())
    }

    pub async fn claim_owner(&self, id: Id, owner: TokenHash) -> Result<CreateOutcome, StoreError> {
        let publish = PublishMessage::build()
            .payload(Bytes::copy_from_slice(&owner.0))
            .expected_last_subject_sequence(0);
        match self.publish(self.owner_subject(id), publish).await {
            Ok(_) => Ok(CreateOutcome::Created),
            Err(Published::WrongLastSequence) => match self.stream_owner(id).await? {
                Some(stored) if stored.matches(&owner) => Ok(CreateOutcome::Exists),
                Some(_) => Ok(CreateOutcome::Conflict),
                None => Err(StoreError::Corrupt("stream owner vanished")),
            },
            Err(Published::Failed(err)) => Err(err),
        }
    }

    pub async fn stream_owner(&self, id: Id) -> Result<Option<TokenHash>, StoreError> {
        match self.last(&self.meta, &self.owner_subject(id)).await? {
            Some(message) => <[u8; 32]>::try_from(message.payload.as_ref())
                .map(|h| Some(TokenHash(h)))
                .map_err(|_| StoreError::Corrupt("owner hash")),
            None => Ok(None),
        }
    }

    /// Purges the stream's records up to `through`, always keeping its last one: the next
    /// append numbers itself from the last record's position.
    pub async fn trim_stream(&self, id: Id, through: u64) -> Result<(), StoreError> {
        let log = LogRef {
            kind: Kind::Stream,
            id,
        };
        let subject = self.subject(log);
        let Some(last) = self.last(&self.envelopes, &subject).await? else {
            return Ok(());
        };
        let head = header_u64(&last, POSITION)?;
        let keep = head.saturating_sub(through).max(1);
        self.envelopes
            .purge()
            .filter(subject)
            .keep(keep)
            .await
            .map_err(nats_err)?;
        Ok(())
    }

    /// Purges the stream's records, its digest index, its token hashes and its owner right.
    pub async fn delete_stream(&self, id: Id) -> Result<(), StoreError> {
        let log = LogRef {
            kind: Kind::Stream,
            id,
        };
        self.forget_head(&self.subject(log));
        self.envelopes
            .purge()
            .filter(self.subject(log))
            .await
            .map_err(nats_err)?;
        self.digests
            .purge()
            .filter(format!("{}.dig.{}.*", self.prefix, id.hex()))
            .await
            .map_err(nats_err)?;
        for subject in [
            format!("{}.meta.{}", self.prefix, id.hex()),
            self.owner_subject(id),
        ] {
            self.meta.purge().filter(subject).await.map_err(nats_err)?;
        }
        Ok(())
    }

    pub async fn save_push(&self, id: Id, record: Vec<u8>) -> Result<(), StoreError> {
        let subject = format!("{}.push.{}", self.prefix, id.hex());
        match self
            .publish(
                subject,
                PublishMessage::build().payload(Bytes::from(record)),
            )
            .await
        {
            Ok(_) | Err(Published::WrongLastSequence) => Ok(()),
            Err(Published::Failed(err)) => Err(err),
        }
    }

    /// Purges the mailbox's subject; JetStream removes the messages from its files.
    pub async fn delete_mailbox(&self, id: Id) -> Result<(), StoreError> {
        let subject = self.subject(LogRef {
            kind: Kind::Mailbox,
            id,
        });
        self.forget_head(&subject);
        self.mailboxes
            .purge()
            .filter(subject)
            .await
            .map_err(nats_err)?;
        Ok(())
    }

    /// How many appends JetStream has stored (envelopes and mailbox messages, by the streams'
    /// last sequence numbers, which deletions do not lower) and how many append notifications
    /// this relay has heard. Each stored append is followed by one notification, so a gap that
    /// outlasts the notifications' way through NATS is a notification that was lost.
    pub async fn appended_and_heard(&self) -> Result<(u64, u64), StoreError> {
        let envelopes = self.envelopes.get_info().await.map_err(nats_err)?;
        let mailboxes = self.mailboxes.get_info().await.map_err(nats_err)?;
        let heard = self.heard.load(Ordering::Relaxed);
        Ok((
            envelopes.state.last_sequence + mailboxes.state.last_sequence,
            heard,
        ))
    }

    pub async fn delete_push(&self, id: Id) -> Result<(), StoreError> {
        self.save_push(id, Vec::new()).await
    }

    pub async fn load_pushes(&self) -> Result<Vec<(Id, Vec<u8>)>, StoreError> {
        let subject = format!("{}.push.*", self.prefix);
        let mut out = Vec::new();
        let mut from = 1;
        while let Some(message) = self.next(&self.pushes, &subject, from).await? {
            from = message.sequence + 1;
            let id = message
                .subject
                .as_str()
                .rsplit('.')
                .next()
                .and_then(|hex| Id::parse(hex).ok())
                .ok_or(StoreError::Corrupt("push registration subject"))?;
            if !message.payload.is_empty() {
                out.push((id, message.payload.to_vec()));
            }
        }
        Ok(out)
    }

    pub async fn stats(&self) -> Result<StoreStats, StoreError> {
        let envelopes = self.envelopes.get_info().await.map_err(nats_err)?;
        let mailboxes = self.mailboxes.get_info().await.map_err(nats_err)?;
        let meta = self.meta.get_info().await.map_err(nats_err)?;
        Ok(StoreStats {
            streams: meta.state.messages,
            envelopes: envelopes.state.messages,
            envelope_bytes: envelopes.state.bytes,
            mailbox_messages: mailboxes.state.messages,
            lookups: self.lookups.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
        })
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        match self.client.connection_state() {
            async_nats::connection::State::Connected => Ok(()),
            _ => Err(StoreError::Nats("not connected".into())),
        }
    }

    pub async fn close(&self) {
        self.listener.abort();
        if let Err(err) = self.client.flush().await {
            tracing::warn!(error = %err, "flush on close failed");
        }
    }

    async fn publish(
        &self,
        subject: String,
        message: PublishMessage,
    ) -> Result<async_nats::jetstream::publish::PublishAck, Published> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let ack = self
            .js
            .send_publish(subject, message)
            .await
            .map_err(|err| Published::Failed(nats_err(err)))?;
        ack.await.map_err(|err| match err.kind() {
            PublishErrorKind::WrongLastSequence => Published::WrongLastSequence,
            _ => Published::Failed(nats_err(err)),
        })
    }
}

enum Published {
    WrongLastSequence,
    Failed(StoreError),
}

async fn ensure_stream(js: &Context, config: stream::Config) -> Result<Stream, StoreError> {
    let stream = js
        .get_or_create_stream(config.clone())
        .await
        .map_err(nats_err)?;
    let current = &stream.cached_info().config;
    if current.max_age != config.max_age || current.duplicate_window != config.duplicate_window {
        js.update_stream(config.clone()).await.map_err(nats_err)?;
        return js.get_stream(&config.name).await.map_err(nats_err);
    }
    Ok(stream)
}

fn found(
    result: Result<StreamMessage, stream::DirectGetError>,
) -> Result<Option<StreamMessage>, StoreError> {
    match result {
        Ok(message) => Ok(Some(message)),
        Err(err) if err.kind() == DirectGetErrorKind::NotFound => Ok(None),
        Err(err) => Err(nats_err(err)),
    }
}

fn digest_of(message: &StreamMessage) -> [u8; 32] {
    digest(&message.payload)
}

/// Why `head` leaves no room for `len` more bytes in a stream, if it does not.
fn over_quota(head: &Head, len: usize, policy: &AppendPolicy) -> Option<&'static str> {
    if head.position >= policy.max_records {
        Some("stream holds its maximum number of envelopes")
    } else if head.total_bytes + len as u64 > policy.max_bytes {
        Some("stream holds its maximum number of bytes")
    } else {
        None
    }
}

fn header_u64(message: &StreamMessage, name: &str) -> Result<u64, StoreError> {
    message
        .headers
        .get(name)
        .and_then(|value| value.as_str().parse().ok())
        .ok_or(StoreError::Corrupt("position header"))
}
