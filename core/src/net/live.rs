//! Live sync while the app is in the foreground: a WebSocket follows every stream and
//! mailbox, frames are applied as they arrive, a commit is pushed at once, and a lost
//! connection is retried with exponential backoff and jitter. Each (re)connection first runs
//! a full exchange over HTTP, so nothing sent while offline is missed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use super::client::{Net, Step, SyncClient};
use super::problem::{NetProblem, RelayCode};
use super::records::Frame;
use super::report::{Progress, SyncStatus};
use super::transport::{FollowCommand, FollowConnection, FollowEvent};
use crate::crypto::StreamId;
use crate::error::Result;
use crate::sync::Received;

/// Running live sync; stop it with [`LiveSync::stop`] (dropping it stops it too).
#[derive(Debug)]
pub struct LiveSync {
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl LiveSync {
    /// Stops following, closes the connection, and waits for the task to end. A push in
    /// flight finishes first; nothing acknowledged is lost either way.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for LiveSync {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn delays(client: &SyncClient) -> ExponentialBackoff {
    ExponentialBuilder::new()
        .with_min_delay(client.options.backoff_min)
        .with_max_delay(client.options.backoff_max)
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
        .build()
}

/// What is followed on the open connection: id → the last position delivered or asked for.
#[derive(Default)]
struct Followed {
    streams: HashMap<[u8; 16], u64>,
    mailboxes: HashMap<[u8; 16], u64>,
    /// Streams and mailboxes whose follow the relay refused, and when to try again: not at
    /// once, or a refusal would loop.
    refused: HashMap<[u8; 16], Instant>,
    retry_at: Option<Instant>,
    /// The push registration this connection has claimed as live.
    push_live: Option<String>,
}

enum Ended {
    Stopped,
    Problem(NetProblem),
}

impl SyncClient {
    /// Starts live sync on the current tokio runtime.
    pub fn start_live(self: &Arc<Self>) -> LiveSync {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.clone().live(stopped));
        LiveSync {
            stop,
            task: Some(task),
        }
    }

    async fn live(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let wake = Arc::new(Notify::new());
        let _outgoing = self.store.sync().subscribe_outgoing({
            let wake = wake.clone();
            move || wake.notify_one()
        });
        let mut backoff = delays(&self);
        loop {
            let ended = self.connected(&wake, &mut stop, &mut backoff).await;
            let (problem, delay) = match ended {
                Ok(Ended::Stopped) => return,
                Ok(Ended::Problem(p)) if p.transient() => {
                    let d = backoff.next().unwrap_or(self.options.backoff_max);
                    (p, d)
                }
                Ok(Ended::Problem(p)) => (p, self.options.backoff_max),
                Err(e) => {
                    tracing::warn!(error = %e, "live sync stopped by a local failure");
                    self.status.send_replace(SyncStatus::StorageFailed);
                    (NetProblem::Unavailable, self.options.backoff_max)
                }
            };
            if !matches!(*self.status.borrow(), SyncStatus::StorageFailed) {
                self.status
                    .send_replace(SyncStatus::after(problem, Some(delay)));
            }
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// One connection: catch up, follow, then apply frames and push commits until the
    /// connection drops or live sync is stopped.
    async fn connected(
        &self,
        wake: &Notify,
        stop: &mut watch::Receiver<bool>,
        backoff: &mut ExponentialBackoff,
    ) -> Result<Ended> {
        if *stop.borrow() {
            return Ok(Ended::Stopped);
        }
        let mut connection = match self.api.follow().await {
            Ok(connection) => connection,
            Err(p) => return Ok(Ended::Problem(p)),
        };
        self.status.send_replace(SyncStatus::Syncing {
            progress: Progress::default(),
        });
        if let Err(p) = self.locked_exchange(false).await? {
            return Ok(Ended::Problem(p));
        }
        *backoff = delays(self);
        let mut followed = Followed::default();
        if let Err(p) = self
            .refresh_follows(&mut *connection, &mut followed)
            .await?
        {
            return Ok(Ended::Problem(p));
        }
        self.status.send_replace(SyncStatus::UpToDate {
            at_ms: self.store.now_ms(),
        });
        let mut resync = tokio::time::interval_at(
            Instant::now() + self.options.resync_every,
            self.options.resync_every,
        );
        loop {
            let retry_at = followed.retry_at;
            let net: Net = tokio::select! {
                _ = stop.changed() => {
                    connection.close().await;
                    return Ok(Ended::Stopped);
                }
                _ = wake.notified() => self.locked_push().await?,
                _ = resync.tick() => self.locked_exchange(true).await?,
                _ = sleep_until(retry_at) => {
                    followed.retry_at = None;
                    Ok(())
                }
                event = connection.next() => match event {
                    FollowEvent::Frame(frame) => self.on_frame(frame, &mut followed).await?,
                    FollowEvent::Refused { id } => {
                        on_refusal(id, &mut followed);
                        Ok(())
                    }
                    FollowEvent::Ended(problem) => Err(problem),
                }
            };
            if let Err(p) = net {
                return Ok(Ended::Problem(p));
            }
            if let Err(p) = self
                .refresh_follows(&mut *connection, &mut followed)
                .await?
            {
                return Ok(Ended::Problem(p));
            }
        }
    }

    async fn locked_exchange(&self, settled: bool) -> Result<Net> {
        let report = self.run(Step::Exchange, settled, false).await?;
        Ok(report.interrupted.map_or(Ok(()), Err))
    }

    async fn locked_push(&self) -> Result<Net> {
        let report = self.run(Step::Push, true, false).await?;
        Ok(report.interrupted.map_or(Ok(()), Err))
    }

    /// Applies one live frame. A pairing or sharing message can open or close streams, and
    /// an envelope held back (its sender's key is on another stream) must be read again:
    /// both are settled by a full exchange.
    async fn on_frame(&self, frame: Frame, followed: &mut Followed) -> Result<Net> {
        let outcomes = {
            let _one = self.exchanging.lock().await;
            match frame {
                Frame::Stream { id, record } => {
                    match followed.streams.get_mut(&id) {
                        Some(at) if record.position > *at => *at = record.position,
                        // Not followed (any more), or already read over HTTP.
                        _ => return Ok(Ok(())),
                    }
                    self.receive(StreamId(id), vec![record]).await?
                }
                Frame::Mailbox { id, record } => {
                    match followed.mailboxes.get_mut(&id) {
                        Some(at) if record.position > *at => *at = record.position,
                        _ => return Ok(Ok(())),
                    }
                    self.receive_mailbox(id, vec![record]).await?
                }
            }
        };
        let settle = outcomes.iter().any(|o| match o {
            Received::Control | Received::Gap { .. } => true,
            Received::Rejected(reason) => reason.retryable(),
            Received::Applied { .. } | Received::Duplicate => false,
        });
        if settle {
            return self.locked_exchange(true).await;
        }
        self.status.send_replace(SyncStatus::UpToDate {
            at_ms: self.store.now_ms(),
        });
        Ok(Ok(()))
    }

    /// Follows what the engine wants followed from its cursors, and unfollows the rest
    /// (retired streams, finished pairings).
    async fn refresh_follows(
        &self,
        connection: &mut dyn FollowConnection,
        followed: &mut Followed,
    ) -> Result<Net> {
        let (streams, mailboxes, push) = self
            .engine(|s| {
                Ok((
                    s.sync().follows()?,
                    s.sync().mailbox_follows()?,
                    s.push_registration()?,
                ))
            })
            .await?;
        let mut commands = Vec::new();
        // While this connection is open the phone hears envelopes itself: tell the relay not
        // to wake it (once per connection and registration).
        if let Some(push) = push.filter(|p| followed.push_live.as_ref() != Some(&p.id)) {
            commands.push(FollowCommand::PushLive {
                registration: push.id_bytes()?,
                token: push.secret_bytes()?,
            });
            followed.push_live = Some(push.id);
        }
        let wanted: HashMap<[u8; 16], _> = streams.into_iter().map(|f| (f.stream.0, f)).collect();
        followed.streams.retain(|id, _| {
            let keep = wanted.contains_key(id);
            if !keep {
                commands.push(FollowCommand::Unstream(StreamId(*id)));
            }
            keep
        });
        let now = Instant::now();
        followed.refused.retain(|_, at| *at > now);
        for (id, f) in wanted {
            if followed.refused.contains_key(&id) {
                continue;
            }
            match self
                .register(&f.stream, &f.read_token_hash, &f.append_token_hash)
                .await
            {
                Ok(()) => {}
                // As in a pull: a stream the relay will not register is left for later, the
                // others are followed (ADR 0022).
                Err(NetProblem::Refused {
                    code: RelayCode::NotFound,
                }) => {
                    on_refusal(id, followed);
                    continue;
                }
                Err(p) => return Ok(Err(p)),
            }
            match followed.streams.get_mut(&id) {
                // A cursor past what the connection delivered (HTTP read ahead of it, or this
                // device's own envelope was stored right after it): the frames up to it are
                // skipped as they arrive. Following again would cost the relay a follow on
                // every push.
                Some(at) => *at = (*at).max(f.after),
                None => {
                    followed.streams.insert(id, f.after);
                    commands.push(FollowCommand::Stream {
                        stream: f.stream,
                        token: f.read_token,
                        after: f.after,
                    });
                }
            }
        }
        let wanted: HashMap<[u8; 16], u64> = mailboxes
            .into_iter()
            .map(|m| (m.mailbox, m.after))
            .collect();
        followed.mailboxes.retain(|id, _| {
            let keep = wanted.contains_key(id);
            if !keep {
                commands.push(FollowCommand::Unmailbox(*id));
            }
            keep
        });
        for (id, after) in wanted {
            if followed.refused.contains_key(&id) {
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = followed.mailboxes.entry(id) {
                commands.push(FollowCommand::Mailbox { mailbox: id, after });
                slot.insert(after);
            }
        }
        if commands.is_empty() {
            return Ok(Ok(()));
        }
        Ok(connection.send(commands).await)
    }
}

/// How long a refused follow waits before it is tried again.
const REFUSED_RETRY: Duration = Duration::from_secs(30);

/// A refused follow: the relay does not know the stream under this token (streams are
/// registered before they are followed, so a relay that lost them), or a quota. Try again
/// later, not at once.
fn on_refusal(id: [u8; 16], followed: &mut Followed) {
    let retry = Instant::now() + REFUSED_RETRY;
    // Ids are random 16 bytes: a stream and a mailbox never share one.
    followed.streams.remove(&id);
    followed.mailboxes.remove(&id);
    followed.refused.insert(id, retry);
    tracing::debug!("a follow was refused; retrying later");
    followed.retry_at.get_or_insert(retry);
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
