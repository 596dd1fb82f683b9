//! [`SyncClient`]: the engine driven over one relay. `sync_now` pushes everything waiting,
//! pulls every followed stream and mailbox after its cursor, applies, and repeats while that
//! moved something (a grant opens new streams; an applied change may need a catch-up).
//!
//! Resuming after a kill needs nothing of its own: outbox rows stay until the relay's
//! acknowledgement is recorded (a resend of identical bytes is deduplicated by the relay and,
//! failing that, by the receiver's per-sender sequence), and cursors move in the same
//! transaction as the changes they cover.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::join_all;
use tokio::sync::watch;

use super::problem::{NetProblem, RelayCode};
use super::records::Record;
use super::relay_api::RelayApi;
use super::report::{Progress, SyncReport, SyncStatus};
use super::transport::Page;
use super::transport::RelayTransport;
use crate::blocking_pool;
use crate::crypto::StreamId;
use crate::error::Result;
use crate::store::database::WriteStamp;
use crate::sync::{Follow, Received, StreamClaim};
use crate::Twofold;

/// Tuning of the relay client; `NetOptions::default()` suits the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetOptions {
    /// Connection timeout (a request may take four times as long).
    pub timeout: Duration,
    /// Envelopes asked for per read.
    pub page_limit: u32,
    /// Push-and-pull rounds in one `sync_now`, at most.
    pub max_rounds: usize,
    /// Live sync's reconnect delays: from `backoff_min`, doubling with jitter, up to
    /// `backoff_max`.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// Live sync also runs a full exchange this often, in case a notification was missed.
    /// Rare on purpose: a connection that stays up delivers every record in order, and a
    /// dropped one reconnects with a full exchange; each resync costs a read per stream.
    pub resync_every: Duration,
}

impl Default for NetOptions {
    fn default() -> Self {
        NetOptions {
            timeout: Duration::from_secs(10),
            page_limit: 256,
            max_rounds: 8,
            backoff_min: Duration::from_millis(500),
            backoff_max: Duration::from_secs(120),
            resync_every: Duration::from_secs(15 * 60),
        }
    }
}

/// Drives one store's sync over one relay.
#[derive(Debug)]
pub struct SyncClient {
    pub(super) store: Arc<Twofold>,
    pub(super) api: Arc<dyn RelayTransport>,
    pub(super) options: NetOptions,
    /// Streams this process has registered with the relay (registering is idempotent; this
    /// only saves a request per envelope).
    registered: Mutex<HashSet<[u8; 16]>>,
    /// What this process last told the relay about push wake-ups (a digest of the request),
    /// so an unchanged registration is sent once per process, not on every exchange.
    pub(super) push_sent: Mutex<Option<[u8; 32]>>,
    pub(super) status: watch::Sender<SyncStatus>,
    /// One exchange at a time: a background `sync_now` and live sync share the outbox.
    pub(super) exchanging: tokio::sync::Mutex<()>,
    /// Where the store's writes stood when this exchange's last push found nothing to send;
    /// `None` once it found something. With no write since, the report's pending count is
    /// that push's, nothing, and need not be worked out again (issue 19).
    quiet_since: Mutex<Option<WriteStamp>>,
}

/// What a locked run does: a whole exchange, or only a push (live sync, on a commit).
#[derive(Debug, Clone, Copy)]
pub(super) enum Step {
    Exchange,
    Push,
}

/// The outcome of the network part of an exchange: done, or stopped by a problem.
pub(super) type Net = std::result::Result<(), NetProblem>;

impl SyncClient {
    /// A client for `store` over the relay at `relay_url` (the address the invite carries).
    pub fn new(store: Arc<Twofold>, relay_url: &str, options: NetOptions) -> Result<Arc<Self>> {
        let api = RelayApi::new(relay_url, options.timeout)?;
        Ok(Self::with_transport(store, Arc::new(api), options))
    }

    /// A client for `store` over any transport: the same exchange loop, live sync and
    /// reports, whatever moves the bytes (the simulations' faulty wire, a direct link).
    pub fn with_transport(
        store: Arc<Twofold>,
        transport: Arc<dyn RelayTransport>,
        options: NetOptions,
    ) -> Arc<Self> {
        Arc::new(SyncClient {
            store,
            api: transport,
            options,
            registered: Mutex::new(HashSet::new()),
            push_sent: Mutex::new(None),
            status: watch::channel(SyncStatus::Idle).0,
            exchanging: tokio::sync::Mutex::new(()),
            quiet_since: Mutex::new(None),
        })
    }

    pub fn store(&self) -> &Arc<Twofold> {
        &self.store
    }

    pub fn status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    /// The status now and every change after it.
    pub fn watch_status(&self) -> watch::Receiver<SyncStatus> {
        self.status.subscribe()
    }

    /// Pushes everything waiting, pulls everything new, applies it. For the apps'
    /// background schedulers: a network problem ends the exchange early and is in the
    /// report (`interrupted`, with everything done before it durable); only a failure of
    /// the device's own storage is an error.
    pub async fn sync_now(&self) -> Result<SyncReport> {
        let report = self.run(Step::Exchange, true, true).await;
        if let Err(e) = &report {
            tracing::warn!(error = %e, "sync stopped by a local failure");
        }
        report
    }

    /// One step under the exchange lock, finished with its pending count and status.
    /// `announce` shows `Syncing` first (an explicit sync; live sync's steps are quieter).
    pub(super) async fn run(
        &self,
        step: Step,
        settled: bool,
        announce: bool,
    ) -> Result<SyncReport> {
        let _one = self.exchanging.lock().await;
        *self.quiet_since() = None;
        let mut report = SyncReport::default();
        let mut progress = Progress::default();
        if announce {
            self.status.send_replace(SyncStatus::Syncing { progress });
        }
        let net = match step {
            Step::Exchange => match self.exchange(&mut report, &mut progress).await {
                // After the pull: it may have opened streams the registration should watch.
                Ok(Ok(())) => self.sync_push_registration().await,
                other => other,
            },
            Step::Push => self.push(&mut report, &mut progress).await,
        };
        self.finish(&mut report, net, settled).await?;
        Ok(report)
    }

    /// Records the end of an exchange: the pending count, the status (`UpToDate` only when
    /// `settled`: live sync's first exchange is not done until its follows are in place).
    pub(super) async fn finish(
        &self,
        report: &mut SyncReport,
        net: Result<Net>,
        settled: bool,
    ) -> Result<()> {
        let net = net?;
        let quiet_since = self.quiet_since().take();
        report.pending = self
            .engine(move |s| {
                if quiet_since.is_some() && quiet_since == Some(s.db.write_stamp()?) {
                    return Ok(0);
                }

                let out = s.sync().outgoing()?;
                Ok((out.envelopes.len() + out.mailbox.len()) as u64)
            })
            .await?;
        match net {
            Ok(()) if !settled => {}
            Ok(()) => {
                self.status.send_replace(SyncStatus::UpToDate {
                    at_ms: self.store.now_ms(),
                });
            }
            Err(problem) => {
                tracing::info!(problem = %problem, "sync interrupted");
                self.status
                    .send_replace(SyncStatus::after(problem.clone(), None));
                report.interrupted = Some(problem);
            }
        }
        Ok(())
    }

    /// Push, pull, and again while the pull applied something (a grant opens streams, an
    /// applied change can need a catch-up): our own pushes need no second read.
    pub(super) async fn exchange(
        &self,
        report: &mut SyncReport,
        progress: &mut Progress,
    ) -> Result<Net> {
        // Whether the last pull left something to read again (a gap, an envelope held back):
        // the next round reads every stream again even when its push sent nothing.
        let mut unsettled = false;
        for round in 0..self.options.max_rounds {
            let applied = report.applied;
            let sent = (report.sent, report.mailbox_sent);
            if let Err(p) = self.push(report, progress).await? {
                return Ok(Err(p));
            }
            // The last pull read every stream to its end: with nothing sent since, another
            // finds only what arrived meanwhile, which the next sync reads. A new device's
            // first sync read its five streams twice, a third of its requests (issue 19).
            if round > 0 && !unsettled && (report.sent, report.mailbox_sent) == sent {
                break;
            }
            let left = report.waiting + report.rejected_total();
            if let Err(p) = self.pull(report, progress).await? {
                return Ok(Err(p));
            }
            unsettled = report.waiting + report.rejected_total() != left;
            let due = self.engine(|s| s.sync().pulled()).await?;
            if report.applied == applied && !due {
                break;
            }
        }
        Ok(Ok(()))
    }

    /// Runs an engine call on the blocking pool: the store is synchronous (SQLite with
    /// `synchronous=FULL`), and a panic in it stays contained.
    pub(super) async fn engine<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Twofold) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        blocking_pool::call(self.store.clone(), "sync engine call", f).await
    }

    /// Sends every pairing message and envelope waiting, oldest first; stops at the first
    /// problem so that a sender's envelopes reach the relay in sequence order.
    pub(super) async fn push(
        &self,
        report: &mut SyncReport,
        progress: &mut Progress,
    ) -> Result<Net> {
        // Stamped before: a write made while `outgoing` runs (its own, or a check-in on
        // another thread) moves the stamp, so the count is worked out again.
        let (stamp, out) = self
            .engine(|s| Ok((s.db.write_stamp()?, s.sync().outgoing()?)))
            .await?;
        let waiting = (out.envelopes.len() + out.mailbox.len()) as u64;
        *self.quiet_since() = (waiting == 0).then_some(stamp);
        progress.to_send += waiting;
        for post in out.mailbox {
            if let Err(p) = self.api.post_mailbox(&post.mailbox, &post.bytes).await {
                return Ok(Err(p));
            }
            self.engine(move |s| s.sync().mailbox_posted(post.id))
                .await?;
            report.mailbox_sent += 1;
            self.advance(progress, |p| p.sent += 1);
        }
        for claim in out.stream_claims {
            if let Err(p) = self.claim(&claim).await? {
                return Ok(Err(p));
            }
        }
        for e in out.envelopes {
            let registered = self
                .register(&e.stream, &e.read_token_hash, &e.append_token_hash)
                .await;
            if let Err(p) = registered {
                return Ok(Err(p));
            }
            let mut appended = self
                .api
                .append(&e.stream, &e.append_token, &e.envelope)
                .await;
            if let Err(NetProblem::Refused {
                code: RelayCode::NotFound,
            }) = appended
            {
                // Registered earlier in this process, and since deleted by its owner (an epoch
                // that ended, ADR 0023): registered again, the envelope goes out once more. A
                // writer's change in it also goes out again on the next epoch, which is the
                // one its readers follow.
                self.forget_registration(&e.stream);
                let again = self
                    .register(&e.stream, &e.read_token_hash, &e.append_token_hash)
                    .await;
                if let Err(p) = again {
                    return Ok(Err(p));
                }
                appended = self
                    .api
                    .append(&e.stream, &e.append_token, &e.envelope)
                    .await;
            }
            let position = match appended {
                Ok(position) => position,
                Err(p) => return Ok(Err(p)),
            };
            let id = e.id;
            self.engine(move |s| s.sync().acked(id, Some(position)))
                .await?;
            report.sent += 1;
            report.sent_bytes += e.envelope.len() as u64;
            self.advance(progress, |p| p.sent += 1);
        }
        for mailbox in out.mailbox_deletes {
            match self.api.delete_mailbox(&mailbox).await {
                // A relay that refuses for good (one from before the route) will never
                // delete it: its time to live does.
                Ok(()) | Err(NetProblem::Refused { .. } | NetProblem::Protocol { .. }) => {}
                Err(p) => return Ok(Err(p)),
            }
            self.engine(move |s| s.sync().mailbox_deleted(&mailbox))
                .await?;
        }
        for trim in out.stream_trims {
            match self
                .api
                .trim_stream(&trim.stream, &trim.owner_token, trim.through)
                .await
            {
                // Refused for good (a relay from before the route, or one that lost the
                // claim): not asked again until the members read further; nothing depends
                // on it.
                Ok(()) | Err(NetProblem::Refused { .. } | NetProblem::Protocol { .. }) => {}
                Err(p) => return Ok(Err(p)),
            }
            let (stream, through) = (trim.stream, trim.through);
            self.engine(move |s| s.sync().stream_trimmed(&stream, through))
                .await?;
        }
        for delete in out.stream_deletes {
            match self
                .api
                .delete_stream(&delete.stream, &delete.owner_token)
                .await
            {
                // Gone, or a relay that will never delete it (one from before the route, or
                // one that lost it already): its own limits drop what is left.
                Ok(()) | Err(NetProblem::Refused { .. } | NetProblem::Protocol { .. }) => {}
                Err(p) => return Ok(Err(p)),
            }
            let stream = delete.stream;
            self.engine(move |s| s.sync().stream_deleted(&stream))
                .await?;
        }
        Ok(Ok(()))
    }

    /// Registers a stream made here and claims its owner right. A claim the relay refuses as
    /// not found means another claim is held (not ours: left alone, never a failed sync); a
    /// relay without the route refuses it for good, and the stream is kept whole there.
    async fn claim(&self, claim: &StreamClaim) -> Result<Net> {
        let registered = self
            .register(
                &claim.stream,
                &claim.read_token_hash,
                &claim.append_token_hash,
            )
            .await;
        let answer = match registered {
            Ok(()) => {
                self.api
                    .claim_owner(&claim.stream, &claim.append_token, &claim.owner_token_hash)
                    .await
            }
            Err(p) => Err(p),
        };
        let ours = match answer {
            Ok(()) => true,
            Err(NetProblem::Refused { .. } | NetProblem::Protocol { .. }) => false,
            Err(p) => return Ok(Err(p)),
        };
        let stream = claim.stream;
        self.engine(move |s| s.sync().owner_claimed(&stream, ours))
            .await?;
        Ok(Ok(()))
    }

    /// Reads every watched mailbox and followed stream after its cursor. Applying a grant
    /// adds streams, so the follows are asked for again until every one was read at its
    /// current cursor.
    pub(super) async fn pull(
        &self,
        report: &mut SyncReport,
        progress: &mut Progress,
    ) -> Result<Net> {
        for m in self.engine(|s| s.sync().mailbox_follows()).await? {
            let page = match self.api.read_mailbox(&m.mailbox, m.after).await {
                Ok(page) => page,
                Err(p) => return Ok(Err(p)),
            };
            for outcome in self.receive_mailbox(m.mailbox, page.records).await? {
                report.count(&outcome);
            }
        }
        let mut read_at = HashSet::new();
        let mut sized = HashSet::new();
        loop {
            let follows: Vec<_> = self
                .engine(|s| s.sync().follows())
                .await?
                .into_iter()
                .filter(|f| !read_at.contains(&(f.stream.0, f.after)))
                .collect();
            if follows.is_empty() {
                return Ok(Ok(()));
            }
            // Every stream of this pass is registered and read at once (a new device's four
            // document streams: one round trip's wait instead of eight, issue 19); the
            // pages are applied in the follows' order, channels first, as before.
            let pages = join_all(follows.iter().map(|f| self.fetch(f))).await;
            for (f, page) in follows.into_iter().zip(pages) {
                read_at.insert((f.stream.0, f.after));
                let page = match page {
                    Ok(Some(page)) => page,
                    Ok(None) => continue,
                    Err(p) => return Ok(Err(p)),
                };
                if sized.insert(f.stream.0) {
                    let behind = page.head.unwrap_or(f.after).saturating_sub(f.after);
                    self.advance(progress, |p| p.to_receive += behind);
                }
                let n = page.records.len() as u64;
                // A page that reached the relay's head needs no second read to learn that.
                let last = page.records.last().map(|r| r.position);
                if let Some(last) = last.filter(|l| page.head.is_some_and(|h| *l >= h)) {
                    read_at.insert((f.stream.0, last));
                }
                for outcome in self.receive(f.stream, page.records).await? {
                    report.count(&outcome);
                }
                self.advance(progress, |p| p.received += n);
            }
        }
    }

    /// One followed stream's next page; `None` for a stream the relay will not register.
    async fn fetch(&self, f: &Follow) -> std::result::Result<Option<Page>, NetProblem> {
        // A stream nobody wrote to yet is unknown to the relay; registering it (once per
        // process) saves a refused read on every sync until someone does.
        match self
            .register(&f.stream, &f.read_token_hash, &f.append_token_hash)
            .await
        {
            Ok(()) => {}
            // The relay holds the id with other tokens, or will not take an id they do not
            // certify (a grant from a device of an earlier version or a hostile one, ADR
            // 0022): this stream cannot be read now, the others still can.
            Err(NetProblem::Refused {
                code: RelayCode::NotFound,
            }) => {
                tracing::warn!("the relay refused to register a followed stream");
                return Ok(None);
            }
            Err(p) => return Err(p),
        }
        self.api
            .read(&f.stream, &f.read_token, f.after, self.options.page_limit)
            .await
            .map(Some)
    }

    /// Applies records of one stream, in one blocking call (batched into few commits).
    pub(super) async fn receive(
        &self,
        stream: StreamId,
        records: Vec<Record>,
    ) -> Result<Vec<Received>> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        self.engine(move |s| {
            let batch: Vec<(u64, &[u8])> =
                records.iter().map(|r| (r.position, &r.bytes[..])).collect();
            s.sync().receive_batch(&stream, &batch)
        })
        .await
    }

    /// Applies pairing messages of one mailbox, in one blocking call.
    pub(super) async fn receive_mailbox(
        &self,
        mailbox: [u8; 16],
        records: Vec<Record>,
    ) -> Result<Vec<Received>> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        self.engine(move |s| {
            records
                .iter()
                .map(|r| s.sync().receive_mailbox(&mailbox, r.position, &r.bytes))
                .collect()
        })
        .await
    }

    /// Creates the stream on the relay with its token hashes, once per process (the relay
    /// answers a repeat with identical hashes as a success).
    pub(super) async fn register(
        &self,
        stream: &StreamId,
        read_hash: &[u8; 32],
        append_hash: &[u8; 32],
    ) -> Net {
        let known = self
            .registered
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&stream.0);
        if !known {
            self.api.put_stream(stream, read_hash, append_hash).await?;
            self.registered
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(stream.0);
        }
        Ok(())
    }

    fn quiet_since(&self) -> std::sync::MutexGuard<'_, Option<WriteStamp>> {
        self.quiet_since
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn forget_registration(&self, stream: &StreamId) {
        self.registered
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&stream.0);
    }

    fn advance(&self, progress: &mut Progress, f: impl FnOnce(&mut Progress)) {
        f(progress);
        self.status.send_replace(SyncStatus::Syncing {
            progress: *progress,
        });
    }
}
