//! An in-memory relay with the real relay's contract (dense positions per stream, token hashes
//! only, identical bytes deduplicated, a live follow) and a wire between it and each device
//! that can drop, duplicate and reorder, for deterministic sync simulations. The devices are
//! real stores on disk running the production exchange loop ([`SyncClient`] over this
//! [`RelayTransport`]); only the wire is simulated.
//!
//! [`SyncClient`]: twofold_core::SyncClient

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::sync::mpsc;
use twofold_core::crypto::{token_hash, CapabilityToken, StreamId};
use twofold_core::net::{
    FollowCommand, FollowConnection, FollowEvent, Frame, NetProblem, NetResult, Page, Record,
    RelayCode,
};
use twofold_core::RelayTransport;

#[derive(Debug, Default)]
struct Stream {
    read_hash: [u8; 32],
    append_hash: [u8; 32],
    records: Vec<Vec<u8>>,
}

/// One open live follow, as the relay sees it.
#[derive(Debug)]
struct Follower {
    events: mpsc::UnboundedSender<FollowEvent>,
    streams: HashSet<[u8; 16]>,
    mailboxes: HashSet<[u8; 16]>,
}

/// What a real relay would hold on disk, and its open follows.
#[derive(Debug, Default)]
struct State {
    streams: HashMap<[u8; 16], Stream>,
    mailboxes: HashMap<[u8; 16], Vec<Vec<u8>>>,
    /// Identical appends are stored again (a relay that does not deduplicate).
    no_dedup: bool,
    followers: Vec<Weak<Mutex<Follower>>>,
    /// Stream reads asked for over the wire.
    reads: u64,
}

impl State {
    /// Pushes a new record to every follow of `id`.
    fn announce(&mut self, id: [u8; 16], mailbox: bool, position: u64, bytes: &[u8]) {
        self.followers.retain(|f| f.strong_count() > 0);
        for follower in self.followers.iter().filter_map(Weak::upgrade) {
            let follower = lock(&follower);
            let follows = if mailbox {
                follower.mailboxes.contains(&id)
            } else {
                follower.streams.contains(&id)
            };
            if follows {
                let _ = follower
                    .events
                    .send(frame(id, mailbox, position, bytes.to_vec()));
            }
        }
    }
}

fn frame(id: [u8; 16], mailbox: bool, position: u64, bytes: Vec<u8>) -> FollowEvent {
    let record = Record { position, bytes };
    FollowEvent::Frame(if mailbox {
        Frame::Mailbox { id, record }
    } else {
        Frame::Stream { id, record }
    })
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn numbered(records: &[Vec<u8>], after: u64) -> Vec<(u64, Vec<u8>)> {
    records
        .iter()
        .enumerate()
        .skip(after as usize)
        .map(|(i, r)| (i as u64 + 1, r.clone()))
        .collect()
}

/// The relay, shared by every device's wire (clones are the same relay).
#[derive(Debug, Clone, Default)]
pub struct MemRelay {
    state: Arc<Mutex<State>>,
}

impl MemRelay {
    /// A wire to this relay with `faults`, its randomness from `seed`.
    pub fn wire(&self, faults: Faults, seed: u64) -> Arc<SimWire> {
        Arc::new(SimWire {
            relay: self.clone(),
            faults,
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
        })
    }

    /// The stream reads clients asked for over the wire so far (not the tests' own reads).
    pub fn wire_reads(&self) -> u64 {
        lock(&self.state).reads
    }

    /// When set, identical appends are stored again (a relay that does not deduplicate).
    pub fn set_no_dedup(&self, on: bool) {
        lock(&self.state).no_dedup = on;
    }

    /// Registers `stream` (as the real relay's PUT): identical hashes again are fine.
    pub fn put_stream(
        &self,
        stream: &StreamId,
        read_hash: [u8; 32],
        append_hash: [u8; 32],
    ) -> bool {
        let mut state = lock(&self.state);
        // As the relay: a new stream's id must be certified by its token hashes (ADR 0022).
        if !state.streams.contains_key(&stream.0)
            && twofold_core::crypto::stream_id_for(&read_hash, &append_hash) != *stream
        {
            return false;
        }
        let s = state.streams.entry(stream.0).or_insert_with(|| Stream {
            read_hash,
            append_hash,
            records: Vec::new(),
        });
        s.read_hash == read_hash && s.append_hash == append_hash
    }

    /// Appends to a registered stream; its position, or `None` for an unknown stream or a
    /// wrong token.
    pub fn append(&self, stream: &StreamId, token: &[u8; 32], bytes: &[u8]) -> Option<u64> {
        let mut state = lock(&self.state);
        let no_dedup = state.no_dedup;
        let s = state.streams.get_mut(&stream.0)?;
        if s.append_hash != token_hash(token) {
            return None;
        }
        if !no_dedup {
            if let Some(i) = s.records.iter().position(|r| r == bytes) {
                return Some(i as u64 + 1);
            }
        }
        s.records.push(bytes.to_vec());
        let position = s.records.len() as u64;
        state.announce(stream.0, false, position, bytes);
        Some(position)
    }

    /// Records after `after`, or nothing for a wrong token or an unknown stream.
    pub fn read(&self, stream: &StreamId, token: &[u8; 32], after: u64) -> Vec<(u64, Vec<u8>)> {
        match lock(&self.state).streams.get(&stream.0) {
            Some(s) if s.read_hash == token_hash(token) => numbered(&s.records, after),
            _ => Vec::new(),
        }
    }

    pub fn post(&self, mailbox: &[u8; 16], bytes: &[u8]) -> u64 {
        let mut state = lock(&self.state);
        let m = state.mailboxes.entry(*mailbox).or_default();
        if let Some(i) = m.iter().position(|b| b == bytes) {
            return i as u64 + 1;
        }
        m.push(bytes.to_vec());
        let position = m.len() as u64;
        state.announce(*mailbox, true, position, bytes);
        position
    }

    pub fn read_mailbox(&self, mailbox: &[u8; 16], after: u64) -> Vec<(u64, Vec<u8>)> {
        let mut records = lock(&self.state)
            .mailboxes
            .get(mailbox)
            .map(|m| numbered(m, after))
            .unwrap_or_default();
        records.retain(|(_, bytes)| !bytes.is_empty());
        records
    }

    /// Forgets a mailbox's messages and keeps its positions, as the relay does: a message
    /// posted later gets the next one.
    pub fn delete_mailbox(&self, mailbox: &[u8; 16]) {
        if let Some(m) = lock(&self.state).mailboxes.get_mut(mailbox) {
            m.iter_mut().for_each(Vec::clear);
        }
    }

    /// Every byte the relay holds, for canary scans.
    pub fn all_bytes(&self) -> Vec<Vec<u8>> {
        let state = lock(&self.state);
        state
            .streams
            .values()
            .flat_map(|s| s.records.iter())
            .chain(state.mailboxes.values().flatten())
            .filter(|bytes| !bytes.is_empty())
            .cloned()
            .collect()
    }

    /// Raw access for tamper tests: append without any check.
    pub fn inject(&self, stream: &StreamId, bytes: Vec<u8>) -> u64 {
        let mut state = lock(&self.state);
        let s = state.streams.entry(stream.0).or_default();
        s.records.push(bytes.clone());
        let position = s.records.len() as u64;
        state.announce(stream.0, false, position, &bytes);
        position
    }

    pub fn records(&self, stream: &StreamId) -> Vec<Vec<u8>> {
        lock(&self.state)
            .streams
            .get(&stream.0)
            .map(|s| s.records.clone())
            .unwrap_or_default()
    }

    pub fn stream_ids(&self) -> Vec<StreamId> {
        lock(&self.state)
            .streams
            .keys()
            .map(|k| StreamId(*k))
            .collect()
    }
}

/// How unreliable the wire is, as probabilities per message.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// A push never reaches the relay (the client sees the connection fail).
    pub drop_push: f64,
    /// The relay stored it but the answer is lost (the client sees a failure and retries).
    pub lose_ack: f64,
    /// A record read from the relay is lost on the way.
    pub drop_read: f64,
    /// A record read is delivered twice.
    pub dup_read: f64,
    /// Records of one read arrive shuffled.
    pub reorder: bool,
}

impl Faults {
    pub const NONE: Faults = Faults {
        drop_push: 0.0,
        lose_ack: 0.0,
        drop_read: 0.0,
        dup_read: 0.0,
        reorder: false,
    };

    /// Every request of a push can fail (and a push stops at its first failure, as on a
    /// phone), so push faults are milder than read faults: pushes still get through often.
    pub const HARSH: Faults = Faults {
        drop_push: 0.1,
        lose_ack: 0.1,
        drop_read: 0.15,
        dup_read: 0.15,
        reorder: true,
    };
}

/// One device's wire to the [`MemRelay`]: the [`RelayTransport`] its sync client runs over.
#[derive(Debug)]
pub struct SimWire {
    relay: MemRelay,
    faults: Faults,
    rng: Mutex<ChaCha8Rng>,
}

impl SimWire {
    fn chance(&self, p: f64) -> bool {
        p > 0.0 && lock(&self.rng).random_bool(p)
    }

    /// Sends a request through the faults: dropped on the way, or done with its answer lost.
    fn request<T>(&self, f: impl FnOnce(&MemRelay) -> NetResult<T>) -> NetResult<T> {
        if self.chance(self.faults.drop_push) {
            return Err(NetProblem::Offline);
        }
        let answer = f(&self.relay)?;
        if self.chance(self.faults.lose_ack) {
            return Err(NetProblem::Offline);
        }
        Ok(answer)
    }

    /// A page of records through the faults.
    fn page(&self, records: Vec<(u64, Vec<u8>)>, limit: usize) -> Page {
        let head = records.last().map(|r| r.0);
        let mut rng = lock(&self.rng);
        let mut out = Vec::new();
        for (position, bytes) in records.into_iter().take(limit) {
            if self.faults.drop_read > 0.0 && rng.random_bool(self.faults.drop_read) {
                continue;
            }
            if self.faults.dup_read > 0.0 && rng.random_bool(self.faults.dup_read) {
                out.push(Record {
                    position,
                    bytes: bytes.clone(),
                });
            }
            out.push(Record { position, bytes });
        }
        if self.faults.reorder {
            out.shuffle(&mut *rng);
        }
        Page { records: out, head }
    }
}

impl RelayTransport for SimWire {
    fn put_stream<'a>(
        &'a self,
        stream: &'a StreamId,
        read_hash: &'a [u8; 32],
        append_hash: &'a [u8; 32],
    ) -> BoxFuture<'a, NetResult<()>> {
        let answer = self.request(|relay| {
            if relay.put_stream(stream, *read_hash, *append_hash) {
                Ok(())
            } else {
                Err(NetProblem::Refused {
                    code: RelayCode::Other,
                })
            }
        });
        async move { answer }.boxed()
    }

    fn append<'a>(
        &'a self,
        stream: &'a StreamId,
        token: &'a CapabilityToken,
        envelope: &'a [u8],
    ) -> BoxFuture<'a, NetResult<u64>> {
        let answer = self.request(|relay| {
            relay
                .append(stream, token.as_bytes(), envelope)
                .ok_or(NetProblem::Refused {
                    code: RelayCode::NotFound,
                })
        });
        async move { answer }.boxed()
    }

    fn read<'a>(
        &'a self,
        stream: &'a StreamId,
        token: &'a CapabilityToken,
        after: u64,
        limit: u32,
    ) -> BoxFuture<'a, NetResult<Page>> {
        lock(&self.relay.state).reads += 1;
        let records = self.relay.read(stream, token.as_bytes(), after);
        let page = self.page(records, limit as usize);
        async move { Ok(page) }.boxed()
    }

    fn post_mailbox<'a>(
        &'a self,
        mailbox: &'a [u8; 16],
        bytes: &'a [u8],
    ) -> BoxFuture<'a, NetResult<u64>> {
        let answer = self.request(|relay| Ok(relay.post(mailbox, bytes)));
        async move { answer }.boxed()
    }

    fn read_mailbox<'a>(
        &'a self,
        mailbox: &'a [u8; 16],
        after: u64,
    ) -> BoxFuture<'a, NetResult<Page>> {
        let records = self.relay.read_mailbox(mailbox, after);
        let page = self.page(records, usize::MAX);
        async move { Ok(page) }.boxed()
    }

    fn delete_mailbox<'a>(&'a self, mailbox: &'a [u8; 16]) -> BoxFuture<'a, NetResult<()>> {
        let answer = self.request(|relay| {
            relay.delete_mailbox(mailbox);
            Ok(())
        });
        async move { answer }.boxed()
    }

    fn follow(&self) -> BoxFuture<'_, NetResult<Box<dyn FollowConnection>>> {
        let (events, rx) = mpsc::unbounded_channel();
        let me = Arc::new(Mutex::new(Follower {
            events,
            streams: HashSet::new(),
            mailboxes: HashSet::new(),
        }));
        lock(&self.relay.state).followers.push(Arc::downgrade(&me));
        let connection: Box<dyn FollowConnection> = Box::new(SimFollow {
            relay: self.relay.clone(),
            me,
            rx,
        });
        async move { Ok(connection) }.boxed()
    }
}

/// A live follow on the in-memory relay: what a follow asks for after its cursor at once,
/// then every new record as it is stored.
struct SimFollow {
    relay: MemRelay,
    me: Arc<Mutex<Follower>>,
    rx: mpsc::UnboundedReceiver<FollowEvent>,
}

impl FollowConnection for SimFollow {
    fn send(&mut self, commands: Vec<FollowCommand>) -> BoxFuture<'_, NetResult<()>> {
        // Under the relay's lock, so no record falls between the backlog and the live ones.
        let state = lock(&self.relay.state);
        let mut me = lock(&self.me);
        for command in commands {
            match command {
                FollowCommand::Stream {
                    stream,
                    token,
                    after,
                } => match state.streams.get(&stream.0) {
                    Some(s) if s.read_hash == token_hash(token.as_bytes()) => {
                        me.streams.insert(stream.0);
                        for (position, bytes) in numbered(&s.records, after) {
                            let _ = me.events.send(frame(stream.0, false, position, bytes));
                        }
                    }
                    _ => {
                        let _ = me.events.send(FollowEvent::Refused { id: stream.0 });
                    }
                },
                FollowCommand::Unstream(stream) => {
                    me.streams.remove(&stream.0);
                }
                FollowCommand::Mailbox { mailbox, after } => {
                    me.mailboxes.insert(mailbox);
                    let backlog = state.mailboxes.get(&mailbox).map(|m| numbered(m, after));
                    for (position, bytes) in backlog.unwrap_or_default() {
                        if bytes.is_empty() {
                            continue; // deleted
                        }
                        let _ = me.events.send(frame(mailbox, true, position, bytes));
                    }
                }
                FollowCommand::Unmailbox(mailbox) => {
                    me.mailboxes.remove(&mailbox);
                }
                // The simulated relay wakes nobody.
                FollowCommand::PushLive { .. } => {}
            }
        }
        async { Ok(()) }.boxed()
    }

    fn next(&mut self) -> BoxFuture<'_, FollowEvent> {
        async move {
            self.rx
                .recv()
                .await
                .unwrap_or(FollowEvent::Ended(NetProblem::Offline))
        }
        .boxed()
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        self.rx.close();
        async {}.boxed()
    }
}
