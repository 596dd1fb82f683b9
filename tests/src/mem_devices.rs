//! Devices that sync through the in-memory relay of [`crate::relay_sim`]: a real store on disk
//! and the pairing ceremony — shared by the engine's end-to-end and privacy tests.

use std::path::PathBuf;

use tempfile::TempDir;
use twofold_core::{CopingStrategy, Domain, ItemId, KeyId, PeerStatus, Twofold};

use crate::keys::random_key;
use crate::net_devices::now_ms;
use crate::relay_sim::{settle, MemRelay};

/// The relay address the invites carry (the in-memory relay does not look at it).
pub const RELAY: &str = "https://relay.example";

/// One phone: an encrypted store in its own directory.
#[derive(Debug)]
pub struct MemDevice {
    pub dir: TempDir,
    pub path: PathBuf,
    pub key: [u8; 32],
    store: Option<Twofold>,
}

impl MemDevice {
    pub fn new(name: &str) -> MemDevice {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("store.db");
        let key = random_key();
        let store = Twofold::open(&path, &key).expect("open");
        store.set_display_name(name).expect("name");
        MemDevice {
            dir,
            path,
            key,
            store: Some(store),
        }
    }

    pub fn s(&self) -> &Twofold {
        self.store.as_ref().expect("open")
    }

    /// Closes and reopens the store from disk, as after the app was killed.
    pub fn restart(&mut self) {
        drop(self.store.take());
        self.store = Some(Twofold::open(&self.path, &self.key).expect("reopen"));
    }
}

/// `owner` shows an invite, `joiner` answers it through the relay, both show the same code,
/// `owner` approves. Returns the joiner's id on the owner's side.
pub fn pair(owner: &MemDevice, joiner: &MemDevice, relay: &mut MemRelay) -> KeyId {
    let invite = owner
        .s()
        .create_invite(RELAY, now_ms() + 600_000)
        .expect("invite");
    let pending = joiner
        .s()
        .accept_invite(&invite, &joiner.s().display_name().expect("name"), now_ms())
        .expect("accept");
    assert_eq!(pending.status, PeerStatus::AwaitingApproval);
    settle(&[joiner.s(), owner.s()], relay, now_ms()).expect("sync");
    let request = owner
        .s()
        .peers()
        .expect("peers")
        .into_iter()
        .find(|p| p.status == PeerStatus::NeedsDecision)
        .expect("a join request arrived");
    assert_eq!(
        request.verification_code, pending.verification_code,
        "both screens show the same code"
    );
    owner.s().approve_pairing(&request.id).expect("approve");
    settle(&[owner.s(), joiner.s()], relay, now_ms()).expect("sync");
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
