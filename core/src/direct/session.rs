//! [`DirectSync`]: one direct session with a paired device over any async byte stream, and a
//! TCP listener that answers them.
//!
//! A session is a fixed sequence, never a loop: the Noise handshake; each side sends its
//! offer (the documents it will sync with this peer and what it holds of each); each side
//! sends the changes the other lacks of the documents both offered, in batches, then `done`.
//! Each batch the receiver applies is committed before the next is read, so a session cut
//! anywhere leaves whole batches; the next session's offers carry what arrived, and only the
//! rest is sent. Every read has an idle timeout and the whole session a time limit.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

use super::channel::{self, Receiver, Sender, WireCount};
use super::exchange::{Applied, DirectDoc};
use super::message::{DocOffer, Message, VERSION};
use super::problem::DirectProblem;
use crate::blocking_pool;
use crate::crypto::{KeyId, MAX_ENVELOPE_LEN};
use crate::error::{Error, Result};
use crate::Twofold;

/// Change bytes in one batch, at most (as in one envelope); a larger change goes alone.
const BATCH_BYTES: usize = 512 * 1024;

/// Tuning of direct sessions; `DirectOptions::default()` suits the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectOptions {
    /// How long to wait for a TCP connection.
    pub connect_timeout: Duration,
    /// How long the peer may stay silent before the session ends.
    pub idle_timeout: Duration,
    /// The whole session, at most.
    pub session_timeout: Duration,
    /// One message from the peer, at most (bytes).
    pub max_message: usize,
}

impl Default for DirectOptions {
    fn default() -> Self {
        DirectOptions {
            connect_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(15),
            session_timeout: Duration::from_secs(300),
            max_message: MAX_ENVELOPE_LEN + 64 * 1024,
        }
    }
}

/// What one direct session did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectReport {
    /// The paired device on the other end, once the handshake proved it.
    pub peer: Option<KeyId>,
    /// Documents both sides offered.
    pub documents: u32,
    /// Changes and batches sent (each batch is in the disclosure log).
    pub sent_changes: u64,
    pub sent_batches: u64,
    /// Changes received that were new here and are now applied.
    pub applied_changes: u64,
    /// Changes received that were already here (from the relay or an earlier session).
    pub duplicate_changes: u64,
    /// Batches of the peer's refused and skipped (a document it may only read, one not
    /// offered, an author it may not pass on); each is counted with the engine's refusals.
    pub refused_batches: u64,
    /// Bytes on the wire, handshake and framing included.
    pub wire_sent: u64,
    pub wire_received: u64,
    /// Why the session stopped early, if it did; everything applied before is durable.
    pub interrupted: Option<DirectProblem>,
}

/// Runs direct sessions for one store.
#[derive(Debug)]
pub struct DirectSync {
    store: Arc<Twofold>,
    options: DirectOptions,
}

/// How a session ended early: the peer or the network, or this device's own storage.
enum Stop {
    Problem(DirectProblem),
    Store(Error),
}

impl From<DirectProblem> for Stop {
    fn from(p: DirectProblem) -> Self {
        Stop::Problem(p)
    }
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Store(e)
    }
}

#[derive(Debug, Clone, Copy)]
enum Role {
    Initiator(KeyId),
    Responder,
}

#[derive(Default)]
struct Counts {
    sent_changes: u64,
    sent_batches: u64,
    applied: u64,
    duplicates: u64,
    refused: u64,
}

impl DirectSync {
    pub fn new(store: Arc<Twofold>, options: DirectOptions) -> Arc<DirectSync> {
        Arc::new(DirectSync { store, options })
    }

    pub fn store(&self) -> &Arc<Twofold> {
        &self.store
    }

    /// A session with paired device `peer` over `io`, this device calling. A problem with
    /// the peer or the network is in the report (`interrupted`); only a failure of this
    /// device's storage is an error.
    pub async fn connect<S>(&self, io: S, peer: &KeyId) -> Result<DirectReport>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        self.run(io, Role::Initiator(*peer)).await
    }

    /// A session with whichever paired device is calling on `io`.
    pub async fn accept<S>(&self, io: S) -> Result<DirectReport>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        self.run(io, Role::Responder).await
    }

    /// [`DirectSync::connect`] over TCP to `addr` (from an address hint or discovery).
    pub async fn connect_tcp(&self, addr: SocketAddr, peer: &KeyId) -> Result<DirectReport> {
        let connected =
            tokio::time::timeout(self.options.connect_timeout, TcpStream::connect(addr)).await;
        match connected {
            Ok(Ok(stream)) => {
                // Small messages (the handshake, offers, `done`) should not wait for more.
                let _ = stream.set_nodelay(true);
                self.connect(stream, peer).await
            }
            _ => Ok(DirectReport {
                interrupted: Some(DirectProblem::Unreachable),
                ..DirectReport::default()
            }),
        }
    }

    /// Listens on `addr` (port 0: any free port) and answers every paired device that
    /// calls, each session on its own task, until the listener is dropped or stopped.
    pub async fn listen(self: &Arc<Self>, addr: SocketAddr) -> Result<DirectListener> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| Error::invalid("address", bind_reason(&e)))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::invalid("address", bind_reason(&e)))?;
        let (reports_tx, reports) = mpsc::channel(64);
        let me = self.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let me = me.clone();
                let reports_tx = reports_tx.clone();
                tokio::spawn(async move {
                    match me.accept(stream).await {
                        Ok(report) => {
                            let _ = reports_tx.try_send(report);
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "a direct session hit a local failure")
                        }
                    }
                });
            }
        });
        Ok(DirectListener {
            local,
            task,
            reports,
        })
    }

    async fn run<S>(&self, io: S, role: Role) -> Result<DirectReport>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        let mut report = DirectReport::default();
        let limit = self.options.session_timeout;
        let outcome = tokio::time::timeout(limit, self.session(io, role, &mut report)).await;
        match outcome {
            Err(_) => report.interrupted = Some(DirectProblem::TimedOut),
            Ok(Ok(())) => {}
            Ok(Err(Stop::Problem(p))) => {
                tracing::info!(problem = %p, "direct session interrupted");
                report.interrupted = Some(p);
            }
            Ok(Err(Stop::Store(e))) => return Err(e),
        }
        Ok(report)
    }

    async fn session<S>(
        &self,
        mut io: S,
        role: Role,
        report: &mut DirectReport,
    ) -> std::result::Result<(), Stop>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        // The paired X25519 key is the Noise static key (ADR 0011); zeroed when dropped.
        let local = zeroize::Zeroizing::new(self.store.identity.agreement_secret().to_bytes());
        let idle = self.options.idle_timeout;
        let mut count = WireCount::default();
        let shaken = match role {
            Role::Initiator(peer) => {
                let key = self
                    .engine(move |s| s.direct_peer_key(&peer))
                    .await?
                    .ok_or(DirectProblem::NotPaired)?;
                channel::initiate(&mut io, &local, &key, idle, &mut count)
                    .await
                    .map(|noise| (peer, noise))
            }
            Role::Responder => {
                let candidates = self.engine(|s| s.direct_candidates()).await?;
                channel::respond(&mut io, &local, &candidates, idle, &mut count).await
            }
        };
        drop(local);
        report.wire_sent += count.sent;
        report.wire_received += count.received;
        let (peer, noise) = shaken?;
        report.peer = Some(peer);

        let docs = self.engine(move |s| s.direct_docs(&peer)).await?;
        let offer = {
            let docs = docs.clone();
            self.engine(move |s| s.direct_offer(&docs)).await?
        };
        let (mut tx, mut rx) = channel::split(io, noise, idle, self.options.max_message);
        let (theirs_tx, theirs_rx) = oneshot::channel();
        let mut sent = Counts::default();
        let mut received = Counts::default();
        let agreed = {
            let sending = self.send_side(&mut tx, peer, &docs, offer, theirs_rx, &mut sent);
            let receiving = self.receive_side(&mut rx, peer, &docs, theirs_tx, &mut received);
            tokio::try_join!(sending, receiving)
        };
        report.wire_sent += tx.wire;
        report.wire_received += rx.wire;
        report.sent_changes = sent.sent_changes;
        report.sent_batches = sent.sent_batches;
        report.applied_changes = received.applied;
        report.duplicate_changes = received.duplicates;
        report.refused_batches = received.refused;
        let ((), documents) = agreed?;
        report.documents = documents;
        tx.close().await;
        Ok(())
    }

    /// Sends the offer, waits for the peer's, then the changes it lacks and `done`.
    async fn send_side<W: AsyncWrite + Unpin + Send>(
        &self,
        tx: &mut Sender<W>,
        peer: KeyId,
        docs: &[DirectDoc],
        offer: Vec<DocOffer>,
        theirs: oneshot::Receiver<Vec<DocOffer>>,
        counts: &mut Counts,
    ) -> std::result::Result<(), Stop> {
        let hello = Message::Offer {
            version: VERSION,
            docs: offer,
        };
        tx.send(&hello.encode()).await?;
        let theirs = theirs.await.map_err(|_| DirectProblem::ConnectionLost)?;
        let theirs: BTreeMap<String, Vec<(Vec<u8>, u64)>> =
            crate::sorting::map(theirs.into_iter().map(|d| (d.doc_id, d.clock)));
        for doc in docs {
            let Some(clock) = theirs.get(&doc.doc_id).cloned() else {
                continue;
            };
            let changes = {
                let doc = doc.clone();
                self.engine(move |s| s.direct_changes_for(&doc, &clock))
                    .await?
            };
            for batch in batches(changes) {
                let n = u32::try_from(batch.len()).unwrap_or(u32::MAX);
                let bytes: u64 = batch.iter().map(|c| c.len() as u64).sum();
                // Logged before it leaves: a batch cut on the way may still have arrived.
                {
                    let doc = doc.clone();
                    self.engine(move |s| s.direct_disclose(&peer, &doc, n, bytes))
                        .await?;
                }
                let message = Message::Changes {
                    doc_id: doc.doc_id.clone(),
                    changes: batch,
                };
                tx.send(&message.encode()).await?;
                counts.sent_changes += u64::from(n);
                counts.sent_batches += 1;
            }
        }
        tx.send(&Message::Done.encode()).await?;
        Ok(())
    }

    /// Reads the peer's offer, then applies its batches until `done`. The number of
    /// documents both sides offered.
    async fn receive_side<R: AsyncRead + Unpin + Send>(
        &self,
        rx: &mut Receiver<R>,
        peer: KeyId,
        docs: &[DirectDoc],
        theirs: oneshot::Sender<Vec<DocOffer>>,
        counts: &mut Counts,
    ) -> std::result::Result<u32, Stop> {
        let first = rx.recv().await?;
        let offered = match Message::decode(&first) {
            Ok(Message::Offer { version, docs }) if version == VERSION => docs,
            Ok(Message::Offer { .. }) => {
                return Err(DirectProblem::Protocol {
                    what: "unsupported protocol version",
                }
                .into())
            }
            Ok(_) => {
                return Err(DirectProblem::Protocol {
                    what: "expected an offer",
                }
                .into())
            }
            Err(e) => return Err(DirectProblem::Protocol { what: e.what() }.into()),
        };
        let agreed: Vec<String> = docs
            .iter()
            .filter(|d| offered.iter().any(|o| o.doc_id == d.doc_id))
            .map(|d| d.doc_id.clone())
            .collect();
        // The sender may already have failed; then so does this session, below.
        let _ = theirs.send(offered);
        loop {
            let bytes = rx.recv().await?;
            match Message::decode(&bytes) {
                Ok(Message::Changes { doc_id, changes }) => {
                    // Refused batches are skipped, not fatal: the session still delivers the
                    // rest, and the next one offers the same again (once, not in a loop).
                    if !agreed.contains(&doc_id) {
                        self.engine(|s| {
                            s.db.write(|tx| {
                                crate::store::outbox::count_rejection(tx, "not_offered")
                            })
                        })
                        .await?;
                        counts.refused += 1;
                        continue;
                    }
                    let n = changes.len() as u64;
                    let applied = self
                        .engine(move |s| s.direct_apply(&peer, &doc_id, &changes))
                        .await?;
                    match applied {
                        Applied::Changes(fresh) => {
                            counts.applied += fresh as u64;
                            counts.duplicates += n.saturating_sub(fresh as u64);
                        }
                        Applied::Refused(reason) => {
                            tracing::info!(reason = reason.as_str(), "refused a direct batch");
                            counts.refused += 1;
                        }
                    }
                }
                Ok(Message::Done) => {
                    return Ok(u32::try_from(agreed.len()).unwrap_or(u32::MAX));
                }
                Ok(Message::Offer { .. }) => {
                    return Err(DirectProblem::Protocol {
                        what: "a second offer",
                    }
                    .into())
                }
                Err(e) => return Err(DirectProblem::Protocol { what: e.what() }.into()),
            }
        }
    }

    /// Runs a store call on the blocking pool (SQLite with `synchronous=FULL`), a panic in
    /// it contained.
    pub(super) async fn engine<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Twofold) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        blocking_pool::call(self.store.clone(), "direct sync store call", f).await
    }
}

/// Changes cut into batches of at most [`BATCH_BYTES`] (a larger change goes alone).
fn batches(changes: Vec<Vec<u8>>) -> Vec<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut size = 0;
    for change in changes {
        match out.last_mut() {
            Some(last) if size + change.len() <= BATCH_BYTES => {
                size += change.len();
                last.push(change);
            }
            _ => {
                size = change.len();
                out.push(vec![change]);
            }
        }
    }
    out
}

fn bind_reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => "is in use",
        std::io::ErrorKind::PermissionDenied => "is not allowed",
        _ => "cannot be listened on",
    }
}

/// A TCP listener answering direct sessions; stops when dropped.
#[derive(Debug)]
pub struct DirectListener {
    local: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    reports: mpsc::Receiver<DirectReport>,
}

impl DirectListener {
    /// The address it listens on (with the port it got).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The report of the next session that ended (`None` once stopped).
    pub async fn next_report(&mut self) -> Option<DirectReport> {
        self.reports.recv().await
    }

    pub fn stop(&self) {
        self.task.abort();
    }

    /// Stops the listener from elsewhere (while another task waits for its next report).
    pub fn stop_handle(&self) -> tokio::task::AbortHandle {
        self.task.abort_handle()
    }
}

impl Drop for DirectListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}
