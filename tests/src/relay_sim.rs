//! An in-memory relay with the real relay's contract (dense positions per stream, token hashes
//! only, identical bytes deduplicated) and a network between it and each device that can drop,
//! duplicate and reorder, for deterministic sync simulations. The devices are real stores on
//! disk; only the wire is simulated.

use std::collections::HashMap;

use rand::seq::SliceRandom;
use rand::Rng;
use twofold_core::crypto::{token_hash, StreamId};
use twofold_core::{Received, Result, Twofold};

#[derive(Debug, Default)]
struct Stream {
    read_hash: [u8; 32],
    append_hash: [u8; 32],
    records: Vec<Vec<u8>>,
}

/// The relay's state: what a real relay would hold on disk.
#[derive(Debug, Default)]
pub struct MemRelay {
    streams: HashMap<[u8; 16], Stream>,
    mailboxes: HashMap<[u8; 16], Vec<Vec<u8>>>,
    /// When set, identical appends are stored again (a relay that does not deduplicate).
    pub no_dedup: bool,
}

impl MemRelay {
    pub fn append(
        &mut self,
        stream: &StreamId,
        read_hash: [u8; 32],
        append_hash: [u8; 32],
        token: &[u8; 32],
        bytes: &[u8],
    ) -> Option<u64> {
        let s = self.streams.entry(stream.0).or_insert_with(|| Stream {
            read_hash,
            append_hash,
            records: Vec::new(),
        });
        if s.append_hash != token_hash(token) {
            return None;
        }
        if !self.no_dedup {
            if let Some(i) = s.records.iter().position(|r| r == bytes) {
                return Some(i as u64 + 1);
            }
        }
        s.records.push(bytes.to_vec());
        Some(s.records.len() as u64)
    }

    /// Records after `after`, or nothing for a wrong token or an unknown stream.
    pub fn read(&self, stream: &StreamId, token: &[u8; 32], after: u64) -> Vec<(u64, Vec<u8>)> {
        match self.streams.get(&stream.0) {
            Some(s) if s.read_hash == token_hash(token) => s
                .records
                .iter()
                .enumerate()
                .skip(after as usize)
                .map(|(i, r)| (i as u64 + 1, r.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn post(&mut self, mailbox: &[u8; 16], bytes: &[u8]) {
        let m = self.mailboxes.entry(*mailbox).or_default();
        if !m.iter().any(|b| b == bytes) {
            m.push(bytes.to_vec());
        }
    }

    pub fn read_mailbox(&self, mailbox: &[u8; 16], after: u64) -> Vec<(u64, Vec<u8>)> {
        self.mailboxes
            .get(mailbox)
            .map(|m| {
                m.iter()
                    .enumerate()
                    .skip(after as usize)
                    .map(|(i, r)| (i as u64 + 1, r.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every byte the relay holds, for canary scans.
    pub fn all_bytes(&self) -> Vec<&[u8]> {
        self.streams
            .values()
            .flat_map(|s| s.records.iter())
            .chain(self.mailboxes.values().flatten())
            .map(Vec::as_slice)
            .collect()
    }

    /// Raw access for tamper tests: append without any check.
    pub fn inject(&mut self, stream: &StreamId, bytes: Vec<u8>) -> u64 {
        let s = self.streams.entry(stream.0).or_default();
        s.records.push(bytes);
        s.records.len() as u64
    }

    pub fn records(&self, stream: &StreamId) -> Vec<Vec<u8>> {
        self.streams
            .get(&stream.0)
            .map(|s| s.records.clone())
            .unwrap_or_default()
    }

    pub fn stream_ids(&self) -> Vec<StreamId> {
        self.streams.keys().map(|k| StreamId(*k)).collect()
    }
}

/// How unreliable the wire is, as probabilities per message.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// A push never reaches the relay.
    pub drop_push: f64,
    /// The relay stored it but the acknowledgement is lost (the device retries later).
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

    pub const HARSH: Faults = Faults {
        drop_push: 0.2,
        lose_ack: 0.2,
        drop_read: 0.15,
        dup_read: 0.15,
        reorder: true,
    };
}

/// What one round moved.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub pushed: usize,
    pub pushed_bytes: usize,
    pub received: usize,
    pub applied: usize,
    pub rejected: usize,
}

impl Round {
    pub fn moved(&self) -> bool {
        self.pushed > 0 || self.applied > 0
    }
}

fn deliver<R: Rng>(
    rng: &mut R,
    faults: &Faults,
    mut records: Vec<(u64, Vec<u8>)>,
) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::with_capacity(records.len());
    for r in records.drain(..) {
        if rng.random_bool(faults.drop_read) {
            continue;
        }
        if rng.random_bool(faults.dup_read) {
            out.push(r.clone());
        }
        out.push(r);
    }
    if faults.reorder {
        out.shuffle(rng);
    }
    out
}

/// One sync round of one device: push everything waiting, then read every mailbox and stream
/// after its cursor (again while new streams appear, as a grant opens one).
pub fn sync_round<R: Rng>(
    store: &Twofold,
    relay: &mut MemRelay,
    rng: &mut R,
    faults: &Faults,
    now_ms: i64,
) -> Result<Round> {
    let mut round = Round::default();
    let out = store.sync_outgoing(now_ms)?;
    for post in &out.mailbox {
        if rng.random_bool(faults.drop_push) {
            continue;
        }
        relay.post(&post.mailbox, &post.bytes);
        if !rng.random_bool(faults.lose_ack) {
            store.sync_mailbox_posted(post.id)?;
        }
    }
    for e in &out.envelopes {
        if rng.random_bool(faults.drop_push) {
            continue;
        }
        let stored = relay.append(
            &e.stream,
            e.read_token_hash,
            e.append_token_hash,
            e.append_token.as_bytes(),
            &e.envelope,
        );
        round.pushed += 1;
        round.pushed_bytes += e.envelope.len();
        if stored.is_some() && !rng.random_bool(faults.lose_ack) {
            store.sync_acked(e.id, now_ms)?;
        }
    }
    for m in store.sync_mailbox_follows()? {
        for (pos, bytes) in deliver(rng, faults, relay.read_mailbox(&m.mailbox, m.after)) {
            store.sync_receive_mailbox(&m.mailbox, pos, &bytes, now_ms)?;
        }
    }
    let mut seen = std::collections::HashSet::new();
    loop {
        let follows: Vec<_> = store
            .sync_follows()?
            .into_iter()
            .filter(|f| !seen.contains(&(f.stream.0, f.after)))
            .collect();
        if follows.is_empty() {
            break;
        }
        for f in follows {
            seen.insert((f.stream.0, f.after));
            let records = relay.read(&f.stream, f.read_token.as_bytes(), f.after);
            for (pos, bytes) in deliver(rng, faults, records) {
                round.received += 1;
                match store.sync_receive(&f.stream, pos, &bytes, now_ms)? {
                    Received::Applied { .. } | Received::Control => round.applied += 1,
                    Received::Rejected(_) => round.rejected += 1,
                    Received::Duplicate | Received::Gap { .. } => {}
                }
            }
        }
    }
    Ok(round)
}

/// Clean rounds over every device until nothing moves (bounded).
pub fn settle(stores: &[&Twofold], relay: &mut MemRelay, now_ms: i64) -> Result<usize> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    for rounds in 1..=50 {
        let mut moved = false;
        for s in stores {
            moved |= sync_round(s, relay, &mut rng, &Faults::NONE, now_ms)?.moved();
        }
        if !moved {
            return Ok(rounds);
        }
    }
    Ok(50)
}

use rand::SeedableRng;
