//! Devices that sync through a real relay: a store on disk, its [`SyncClient`], and pairing
//! through the relay's mailboxes — shared by the network tests, the walkthrough and the
//! benchmarks.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use tempfile::TempDir;
use twofold_core::{
    Clock, KeyId, LiveSync, NetOptions, OpenOptions, PeerStatus, Result, SyncClient, SyncReport,
    SyncStatus, Twofold,
};

use crate::keys::random_key;

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// One phone: an encrypted store in its own directory and a client for one relay.
#[derive(Debug)]
pub struct NetDevice {
    /// The device's own directory, when it made one (removed when the device is dropped).
    pub dir: Option<TempDir>,
    pub path: PathBuf,
    pub key: [u8; 32],
    pub relay_url: String,
    store: Option<Arc<Twofold>>,
    client: Option<Arc<SyncClient>>,
    /// How far the store's clock runs ahead of the system's (kept across reopening).
    ahead_ms: Arc<AtomicI64>,
}

impl NetDevice {
    pub fn new(name: &str, relay_url: &str) -> NetDevice {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("store.db");
        let mut device = NetDevice::at(path, random_key(), relay_url);
        device.dir = Some(dir);
        device.s().set_display_name(name).expect("display name");
        device
    }

    /// A device over an existing store (or a new one at `path`).
    pub fn at(path: PathBuf, key: [u8; 32], relay_url: &str) -> NetDevice {
        let mut device = NetDevice {
            dir: None,
            path,
            key,
            relay_url: relay_url.to_string(),
            store: None,
            client: None,
            ahead_ms: Arc::default(),
        };
        device.open();
        device
    }

    /// Opens the store (again) from disk with a fresh client, as after the app was killed.
    pub fn open(&mut self) {
        let ahead = self.ahead_ms.clone();
        let options = OpenOptions {
            clock: Clock::from_fn(move || now_ms() + ahead.load(Ordering::SeqCst)),
            ..OpenOptions::default()
        };
        let store =
            Arc::new(Twofold::open_with(&self.path, &self.key, options).expect("open store"));
        let client =
            SyncClient::new(store.clone(), &self.relay_url, fast_options()).expect("relay URL");
        self.store = Some(store);
        self.client = Some(client);
    }

    /// Moves this device's clock on by `ms` (its store reads the system's time plus this).
    pub fn advance_clock(&self, ms: i64) {
        self.ahead_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// Closes the store so another process may open it.
    pub fn close(&mut self) {
        self.client = None;
        self.store = None;
    }

    pub fn s(&self) -> &Twofold {
        self.store.as_ref().expect("store open")
    }

    /// The open store itself, for another client of it (a direct session).
    pub fn store(&self) -> Arc<Twofold> {
        self.store.clone().expect("store open")
    }

    pub fn client(&self) -> &Arc<SyncClient> {
        self.client.as_ref().expect("store open")
    }

    /// A second sync session on the same open store, as when a background job syncs while
    /// the app's own session is live.
    pub fn another_client(&self) -> Arc<SyncClient> {
        let store = self.store.clone().expect("store open");
        SyncClient::new(store, &self.relay_url, fast_options()).expect("relay URL")
    }

    /// Starts live sync and waits until its first exchange is done and its follows are in
    /// place.
    pub async fn go_live(&self) -> LiveSync {
        let mut status = self.client().watch_status();
        status.borrow_and_update();
        let live = self.client().start_live();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let changed = tokio::time::timeout(left, status.changed()).await;
            assert!(matches!(changed, Ok(Ok(()))), "live sync came up in time");
            if matches!(*status.borrow_and_update(), SyncStatus::UpToDate { .. }) {
                return live;
            }
        }
    }

    pub async fn sync(&self) -> SyncReport {
        self.client().sync_now().await.expect("local storage works")
    }
}

/// Live-sync delays short enough for tests and the walkthrough.
pub fn fast_options() -> NetOptions {
    NetOptions {
        backoff_min: std::time::Duration::from_millis(50),
        backoff_max: std::time::Duration::from_secs(1),
        ..NetOptions::default()
    }
}

/// Syncs the devices in turn until a whole round moves nothing.
pub async fn settle(devices: &[&NetDevice]) -> Vec<SyncReport> {
    let mut all = Vec::new();
    for _ in 0..10 {
        let mut moved = false;
        for d in devices {
            let r = d.sync().await;
            assert!(r.interrupted.is_none(), "sync interrupted: {r:?}");
            moved |= r.sent > 0 || r.mailbox_sent > 0 || r.applied > 0;
            all.push(r);
        }
        if !moved {
            return all;
        }
    }
    panic!("the devices did not settle in 10 rounds");
}

/// The code the answering device shows for its pairing with `owner`'s device: empty until the
/// owner's device has revealed its part of the code (commit-then-reveal, ADR 0003).
pub fn shown_code(store: &Twofold, owner: &KeyId) -> String {
    store
        .pairing(owner)
        .expect("pairing")
        .expect("a pairing with the owner's device")
        .verification_code
}

/// The pairing ceremony through the relay. Returns the joining device's id on the owner's
/// side and the verification code both screens showed.
pub async fn pair(owner: &NetDevice, joiner: &NetDevice) -> Result<(KeyId, String)> {
    let invite = owner
        .s()
        .create_invite(&owner.relay_url, now_ms() + 10 * 60_000)?;
    let pending = joiner
        .s()
        .accept_invite(&invite, &joiner.s().display_name()?, now_ms())?;
    assert_eq!(
        pending.verification_code, "",
        "no code before the owner's part"
    );
    settle(&[joiner, owner]).await;
    let request = owner
        .s()
        .peers()?
        .into_iter()
        .find(|p| p.status == PeerStatus::NeedsDecision)
        .expect("the join request arrived through the relay");
    assert_eq!(
        request.verification_code,
        shown_code(joiner.s(), &owner.s().device_id()),
        "both screens show the same code"
    );
    owner.s().approve_pairing(&request.id)?;
    settle(&[owner, joiner]).await;
    assert!(
        joiner
            .s()
            .peers()?
            .iter()
            .any(|p| p.id == owner.s().device_id() && p.status == PeerStatus::Paired),
        "the owner's approval arrived"
    );
    Ok((request.id, request.verification_code))
}

/// Links `device` to `origin` as another device of the same person (ADR 0012): the link
/// invite, the code comparison and the approval through the relay, then the syncs that bring
/// the person's documents. Returns the device's id on the origin.
pub async fn link(origin: &NetDevice, device: &NetDevice) -> Result<KeyId> {
    let invite = origin
        .s()
        .create_link_invite(&origin.relay_url, now_ms() + 10 * 60_000)?;
    let pending = device
        .s()
        .accept_link_invite(&invite, &device.s().display_name()?, now_ms())?;
    assert_eq!(
        pending.verification_code, "",
        "no code before the origin's part"
    );
    settle(&[device, origin]).await;
    let request = origin
        .s()
        .peers()?
        .into_iter()
        .find(|p| p.status == PeerStatus::NeedsDecision && p.linked)
        .expect("the link request arrived through the relay");
    assert_eq!(
        request.verification_code,
        shown_code(device.s(), &origin.s().device_id())
    );
    origin.s().approve_pairing(&request.id)?;
    settle(&[origin, device]).await;
    Ok(request.id)
}
