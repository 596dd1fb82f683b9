//! One WebSocket connection: a reader that executes commands, a writer that owns the socket's
//! sending half behind a bounded queue, and one task per follow.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::follow::follow;
use super::outbox::{Outbox, Queued, SendFailure};
use super::protocol::{error_frame, ClientOp};
use super::ConnectionSlot;
use crate::error::{ErrorCode, RelayError};
use crate::ids::{presented_token_hash, Id};
use crate::server::AppState;
use crate::store::{Kind, LogRef};

const GOING_AWAY: u16 = 1001;

struct Session {
    state: Arc<AppState>,
    ip: IpAddr,
    out: Outbox,
    cancel: CancellationToken,
    follows: HashMap<LogRef, JoinHandle<()>>,
    /// Push registrations this connection speaks for; dropped with the session.
    claims: Vec<crate::push::LiveClaim>,
}

pub async fn run(socket: WebSocket, state: Arc<AppState>, ip: IpAddr, _slot: ConnectionSlot) {
    let (sink, mut incoming) = socket.split();
    let cancel = state.shutdown.child_token();
    let ping_every = Duration::from_secs(state.config.ping_secs.max(1));
    let slow = Duration::from_secs(state.config.slow_consumer_secs.max(1));
    let (out, queue) = Outbox::new(slow);
    let writer = tokio::spawn(write_loop(
        sink,
        queue,
        cancel.clone(),
        ping_every,
        slow,
        state.clone(),
    ));
    let mut session = Session {
        state,
        ip,
        out,
        cancel: cancel.clone(),
        follows: HashMap::new(),
        claims: Vec::new(),
    };

    let mut last_heard = Instant::now();
    let mut idle_check = tokio::time::interval(ping_every);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            frame = incoming.next() => {
                let Some(Ok(message)) = frame else { break };
                last_heard = Instant::now();
                match message {
                    Message::Text(text) => session.command(text.as_str()).await,
                    Message::Binary(_) => session.refuse(None, ErrorCode::BadRequest).await,
                    Message::Close(_) => break,
                    // Pings are answered by the WebSocket layer; pongs only prove liveness.
                    Message::Ping(_) | Message::Pong(_) => {}
                }
            }
            _ = idle_check.tick() => {
                if last_heard.elapsed() > ping_every * 3 {
                    tracing::debug!("closing a silent WebSocket peer");
                    break;
                }
            }
        }
    }
    cancel.cancel();
    for (_, task) in session.follows.drain() {
        task.abort();
    }
    drop(session);
    if let Err(err) = writer.await {
        tracing::warn!(error = %err, "WebSocket writer failed");
    }
}

impl Session {
    async fn command(&mut self, text: &str) {
        let op = match serde_json::from_str::<ClientOp>(text) {
            Ok(op) => op,
            Err(_) => return self.refuse(None, ErrorCode::BadRequest).await,
        };
        match op {
            ClientOp::Follow {
                stream,
                token,
                after,
            } => {
                let about = Some((Kind::Stream, stream.as_str()));
                match self.authorise_stream(&stream, &token).await {
                    Ok(id) => {
                        self.start(
                            LogRef {
                                kind: Kind::Stream,
                                id,
                            },
                            after,
                            &stream,
                        )
                        .await
                    }
                    Err(err) => self.refuse(about, err.code()).await,
                }
            }
            ClientOp::FollowMailbox { mailbox, after } => {
                let about = Some((Kind::Mailbox, mailbox.as_str()));
                let checked = Id::parse(&mailbox)
                    .and_then(|id| crate::access::per_address(&self.state, self.ip).map(|()| id));
                match checked {
                    Ok(id) => {
                        self.start(
                            LogRef {
                                kind: Kind::Mailbox,
                                id,
                            },
                            after,
                            &mailbox,
                        )
                        .await
                    }
                    Err(err) => self.refuse(about, err.code()).await,
                }
            }
            ClientOp::PushLive {
                registration,
                token,
            } => {
                let client = crate::limits::ClientKey::of(self.ip);
                if let Err(err) = self.state.auth_failures.admit(client) {
                    return self.refuse(None, err.code()).await;
                }
                let claim = Id::parse(&registration).ok().and_then(|id| {
                    let token = presented_token_hash(&token)?;
                    self.state.waker.claim(id, &token)
                });
                if claim.is_none() {
                    self.state.auth_failures.failed(client);
                }
                match claim {
                    // A handful per connection is plenty (one per app on the phone).
                    Some(claim) if self.claims.len() < 4 => self.claims.push(claim),
                    Some(_) => self.refuse(None, ErrorCode::QuotaExceeded).await,
                    None => self.refuse(None, ErrorCode::NotFound).await,
                }
            }
            ClientOp::Unfollow { stream: id } => self.stop(Kind::Stream, &id).await,
            ClientOp::UnfollowMailbox { mailbox: id } => self.stop(Kind::Mailbox, &id).await,
        }
    }

    async fn authorise_stream(&self, stream: &str, token: &str) -> Result<Id, RelayError> {
        let id = Id::parse(stream)?;
        let state = &self.state;
        crate::access::authenticate(state, self.ip, presented_token_hash(token), |token| {
            crate::http::authorise(state, id, move |meta| meta.read.matches(&token))
        })
        .await?;
        Ok(id)
    }

    async fn start(&mut self, log: LogRef, after: u64, spelled: &str) {
        self.follows.retain(|_, task| !task.is_finished());
        if let Some(previous) = self.follows.remove(&log) {
            previous.abort();
        } else if self.follows.len() >= self.state.config.max_follows_per_connection {
            return self
                .refuse(Some((log.kind, spelled)), ErrorCode::QuotaExceeded)
                .await;
        }
        let task = tokio::spawn(follow(
            self.state.clone(),
            log,
            after,
            self.out.clone(),
            self.cancel.clone(),
        ));
        self.follows.insert(log, task);
    }

    async fn stop(&mut self, kind: Kind, spelled: &str) {
        match Id::parse(spelled) {
            Ok(id) => {
                if let Some(task) = self.follows.remove(&LogRef { kind, id }) {
                    task.abort();
                }
            }
            Err(err) => self.refuse(Some((kind, spelled)), err.code()).await,
        }
    }

    /// Tells the peer what was refused. The id is echoed only when it is well formed, so a
    /// garbage frame is never reflected back.
    async fn refuse(&self, about: Option<(Kind, &str)>, code: ErrorCode) {
        self.state.metrics.rejected(code);
        let about = about.filter(|(_, id)| Id::parse(id).is_ok());
        let frame = Message::Text(error_frame(about, code).into());
        if self.out.send(frame).await == Err(SendFailure::Slow) {
            self.state.metrics.slow_consumer();
            self.cancel.cancel();
        }
    }
}

async fn write_loop(
    mut sink: SplitSink<WebSocket, Message>,
    mut queue: mpsc::Receiver<Queued>,
    cancel: CancellationToken,
    ping_every: Duration,
    slow: Duration,
    state: Arc<AppState>,
) {
    let mut ping = tokio::time::interval(ping_every);
    ping.tick().await;
    loop {
        let message = tokio::select! {
            biased;
            _ = cancel.cancelled() => break,
            next = queue.recv() => match next {
                // The frame's byte budget is released when `queued` drops, after the send.
                Some(queued) => queued.message,
                None => break,
            },
            _ = ping.tick() => Message::Ping(Default::default()),
        };
        match tokio::time::timeout(slow, sink.send(message)).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => {
                cancel.cancel();
                return;
            }
            Err(_) => {
                tracing::info!("dropping a WebSocket peer that stopped reading");
                state.metrics.slow_consumer();
                cancel.cancel();
                return;
            }
        }
    }
    let close = Message::Close(Some(CloseFrame {
        code: GOING_AWAY,
        reason: "closing".into(),
    }));
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.send(close)).await;
}

/// Runs text frames through one session's command handler as [`run`] does, with no socket
/// (`fuzzing` feature only): what the relay does with a client's frames is exercised whole —
/// parsing, id and token checks, authorisation against the store, follows started and stopped.
/// Returns how many frames the session queued for the peer.
#[cfg(feature = "fuzzing")]
pub(crate) async fn run_commands(state: Arc<AppState>, ip: IpAddr, texts: &[&str]) -> usize {
    let cancel = state.shutdown.child_token();
    let (out, mut queue) = Outbox::new(Duration::from_secs(1));
    let mut session = Session {
        state,
        ip,
        out,
        cancel: cancel.clone(),
        follows: HashMap::new(),
        claims: Vec::new(),
    };
    let mut frames = 0;
    for text in texts {
        session.command(text).await;
        while queue.try_recv().is_ok() {
            frames += 1;
        }
    }
    cancel.cancel();
    for (_, task) in session.follows.drain() {
        task.abort();
    }
    drop(session);
    while queue.try_recv().is_ok() {
        frames += 1;
    }
    frames
}
