//! Devices that sync through the in-memory relay of [`crate::relay_sim`]: a real store on disk
//! with a clock the test can move, the production sync client over a simulated wire, and the
//! pairing ceremony — shared by the engine's end-to-end and privacy tests.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use tempfile::TempDir;
use twofold_core::{
    Access, Clock, CopingStrategy, DocKind, Domain, ItemId, KeyId, OpenOptions, PeerStatus,
    SyncClient, SyncReport, Twofold,
};

use crate::keys::random_key;
use crate::net_devices::{fast_options, now_ms, shown_code};
use crate::relay_sim::{Faults, MemRelay};

/// The relay address the invites carry (the in-memory relay does not look at it).
pub const RELAY: &str = "https://relay.example";

/// One phone: an encrypted store in its own directory, and its clock (the system's, moved
/// forward by [`MemDevice::advance_clock`]).
#[derive(Debug)]
pub struct MemDevice {
    pub dir: TempDir,
    pub path: PathBuf,
    pub key: [u8; 32],
    ahead_ms: Arc<AtomicI64>,
    store: Option<Arc<Twofold>>,
}

impl MemDevice {
    pub fn new(name: &str) -> MemDevice {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("store.db");
        let mut device = MemDevice {
            dir,
            path,
            key: random_key(),
            ahead_ms: Arc::default(),
            store: None,
        };
        device.open();
        device.s().set_display_name(name).expect("name");
        device
    }

    fn open(&mut self) {
        let ahead = self.ahead_ms.clone();
        let options = OpenOptions {
            clock: Clock::from_fn(move || now_ms() + ahead.load(Ordering::SeqCst)),
            ..OpenOptions::default()
        };
        let store = Twofold::open_with(&self.path, &self.key, options).expect("open");
        self.store = Some(Arc::new(store));
    }

    pub fn s(&self) -> &Twofold {
        self.store.as_ref().expect("open")
    }

    /// The store, for a listener that calls back into it (held weakly there).
    pub fn shared_store(&self) -> Arc<Twofold> {
        self.store.clone().expect("open")
    }

    /// Closes and reopens the store from disk, as after the app was killed.
    pub fn restart(&mut self) {
        drop(self.store.take());
        self.open();
    }

    /// Moves this device's clock `ms` further ahead of the system's.
    pub fn advance_clock(&self, ms: i64) {
        self.ahead_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// A sync client over a wire to `relay` with `faults`: the loop the phones run.
    pub fn client(&self, relay: &MemRelay, faults: Faults, seed: u64) -> Arc<SyncClient> {
        let store = self.store.clone().expect("open");
        SyncClient::with_transport(store, relay.wire(faults, seed), fast_options())
    }

    /// One `sync_now` over a wire with `faults`.
    pub fn exchange(&self, relay: &MemRelay, faults: Faults, seed: u64) -> SyncReport {
        exchange(self.store.as_ref().expect("open"), relay, faults, seed)
    }
}

/// One `sync_now` of `store` over a wire to `relay` with `faults`: the loop the phones run.
pub fn exchange(store: &Arc<Twofold>, relay: &MemRelay, faults: Faults, seed: u64) -> SyncReport {
    let client =
        SyncClient::with_transport(store.clone(), relay.wire(faults, seed), fast_options());
    block_on(client.sync_now()).expect("local storage works")
}

/// Runs a future to its end on a runtime of its own (the simulations' tests are synchronous).
pub fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}

/// Clean exchanges over every device in turn until a whole round moves nothing (bounded).
/// Returns the number of rounds.
pub fn settle(devices: &[&MemDevice], relay: &MemRelay) -> usize {
    let stores: Vec<&Arc<Twofold>> = devices
        .iter()
        .map(|d| d.store.as_ref().expect("open"))
        .collect();
    settle_stores(&stores, relay)
}

/// [`settle`] for stores a test holds itself.
pub fn settle_stores(stores: &[&Arc<Twofold>], relay: &MemRelay) -> usize {
    for rounds in 1..=50 {
        let mut moved = false;
        for s in stores {
            let r = exchange(s, relay, Faults::NONE, 0);
            assert!(r.interrupted.is_none(), "a clean wire never fails: {r:?}");
            moved |= r.sent > 0 || r.mailbox_sent > 0 || r.applied > 0;
        }
        if !moved {
            return rounds;
        }
    }
    panic!("the devices did not settle in 50 rounds");
}

/// `owner` shows an invite, `joiner` answers it through the relay, both show the same code,
/// `owner` approves. Returns the joiner's id on the owner's side.
pub fn pair(owner: &MemDevice, joiner: &MemDevice, relay: &MemRelay) -> KeyId {
    let invite = owner
        .s()
        .create_invite(RELAY, owner.s().now_ms() + 600_000)
        .expect("invite");
    let pending = joiner
        .s()
        .accept_invite(
            &invite,
            &joiner.s().display_name().expect("name"),
            joiner.s().now_ms(),
        )
        .expect("accept");
    assert_eq!(pending.status, PeerStatus::AwaitingApproval);
    assert_eq!(
        pending.verification_code, "",
        "no code before the owner's device reveals its part"
    );
    settle(&[joiner, owner], relay);
    let request = owner
        .s()
        .peers()
        .expect("peers")
        .into_iter()
        .find(|p| p.status == PeerStatus::NeedsDecision)
        .expect("a join request arrived");
    assert_eq!(
        request.verification_code,
        shown_code(joiner.s(), &owner.s().device_id()),
        "both screens show the same code"
    );
    owner.s().approve_pairing(&request.id).expect("approve");
    settle(&[owner, joiner], relay);
    let owner_id = owner.s().device_id();
    let seen = joiner
        .s()
        .peers()
        .expect("peers")
        .into_iter()
        .find(|p| p.id == owner_id)
        .expect("the owner is a peer");
    assert_eq!(seen.status, PeerStatus::Paired);
    assert_eq!(seen.display_name, owner.s().display_name().expect("name"));
    request.id
}

/// A relay, an owner and a mentor, paired, with the owner's plan shared with the mentor at
/// `access` and synced: the start of most engine tests. Returns the mentor's id on the
/// owner's side and the plan's document id.
pub fn plan_shared(access: Access) -> (MemRelay, MemDevice, MemDevice, KeyId, String) {
    let relay = MemRelay::default();
    let owner = MemDevice::new("Sam");
    let mentor = MemDevice::new("Alex");
    let mentor_id = pair(&owner, &mentor, &relay);
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, access, "support", None)
        .expect("share");
    settle(&[&owner, &mentor], &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    (relay, owner, mentor, mentor_id, plan)
}

pub fn heads(d: &MemDevice, doc_id: &str) -> Vec<String> {
    d.s().doc_heads(doc_id).expect("heads")
}

pub fn coping(text: &str) -> CopingStrategy {
    CopingStrategy {
        id: ItemId::random(),
        description: text.to_string(),
        domain: Domain::Both,
    }
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
