//! The attacker of issue 20 item 6: someone who copied a device's database — the SQLCipher
//! file and its key, every secret the device held at that moment — and who later reads
//! everything the relay holds. It follows the device's streams with the copied keys, opens
//! every grant it can read with the copied identity and prekeys, and follows the streams those
//! grants name, until nothing new opens. What it read is rendered as text to search.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use twofold_core::crypto::{
    next_channel_key, unwrap_doc_key_with, DecodedEnvelope, DeviceIdentity, DevicePublicKeys,
    DocKey, PrekeySecret, StreamId, WrapContext, MAX_ENVELOPE_LEN,
};
use twofold_core::docs::guarded_load::load_untrusted;
use twofold_core::store::{database::Database, identity, peers, prekeys, streams};
use twofold_core::sync::control::{parse_id, ControlMessage};
use twofold_core::sync::payload::{self, Payload};
use twofold_core::{KeyId, LoadLimits};

use crate::relay_sim::MemRelay;

/// What the thief holds: the copy's secrets and the keys it has found since.
pub struct Thief {
    identity: DeviceIdentity,
    prekeys: HashMap<[u8; 32], [u8; 32]>,
    devices: HashMap<KeyId, DevicePublicKeys>,
    keys: HashMap<StreamId, DocKey>,
    /// Which of those streams are pairing channels.
    channels: HashSet<StreamId>,
    /// Every prekey public read in an announcement.
    announced: HashSet<[u8; 32]>,
}

impl std::fmt::Debug for Thief {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thief")
            .field("streams", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl Thief {
    /// Copies the store at `path` (checkpointed by the caller, so the file holds everything)
    /// into `into`, and opens the copy with the store's key.
    pub fn copy(path: &Path, key: &[u8; 32], into: &Path) -> Thief {
        let copy = into.join("stolen.db");
        std::fs::copy(path, &copy).expect("the database file copies");
        let db = Database::open(&copy, key).expect("the copy opens with the device's key");
        let identity = db
            .read(identity::load)
            .expect("identity")
            .expect("made at open");
        let mut prekeys = HashMap::new();
        for (public, _) in db.read(prekeys::own).expect("prekeys") {
            let secret = db
                .read(|c| prekeys::own_secret(c, &public))
                .expect("prekey")
                .expect("listed");
            prekeys.insert(public, *secret.secret_bytes());
        }
        let mut devices: HashMap<KeyId, DevicePublicKeys> = db
            .read(peers::list)
            .expect("peers")
            .into_iter()
            .map(|p| (p.peer_id, p.keys))
            .collect();
        devices.insert(identity.key_id(), identity.public_keys());
        let rows = db.read(streams::active).expect("streams");
        let channels = rows
            .iter()
            .filter(|s| s.peer_id.is_some())
            .map(|s| s.stream)
            .collect();
        let keys = rows.into_iter().map(|s| (s.stream, s.key)).collect();
        Thief {
            identity,
            prekeys,
            devices,
            keys,
            channels,
            announced: HashSet::new(),
        }
    }

    /// Everything the thief can read of what `relay` holds, as text: each opened payload's
    /// control JSON and the decoded operations of every change and snapshot it carries.
    pub fn read_everything(&mut self, relay: &MemRelay) -> String {
        let mut opened: HashSet<(StreamId, usize)> = HashSet::new();
        let mut text = String::new();
        loop {
            let mut found = false;
            for stream in relay.stream_ids() {
                let Some(key) = self.keys.get(&stream).cloned() else {
                    continue;
                };
                for (i, record) in relay.records(&stream).iter().enumerate() {
                    if opened.contains(&(stream, i)) {
                        continue;
                    }
                    let Some(plain) = self.open(&key, record) else {
                        continue;
                    };
                    opened.insert((stream, i));
                    found |= self.read_payload(&plain, &mut text);
                }
            }
            if !found && !self.derive_channels(relay) {
                return text;
            }
        }
    }

    /// A thief who knows the protocol tries the channel re-key (ADR 0026) with every stolen
    /// prekey secret and every announced prekey, from every channel key it holds; whether a
    /// derived key names a stream the relay holds.
    fn derive_channels(&mut self, relay: &MemRelay) -> bool {
        let on_relay: HashSet<StreamId> = relay.stream_ids().into_iter().collect();
        let mut found = Vec::new();
        for channel in &self.channels {
            let old = self.keys.get(channel).expect("a channel's key is held");
            for secret in self.prekeys.values() {
                let mine = PrekeySecret::from_secret_bytes(secret);
                for theirs in &self.announced {
                    let Some(next) = next_channel_key(old.secret_bytes(), &mine, theirs) else {
                        continue;
                    };
                    let key = DocKey::from_secret_bytes(0, &next);
                    let stream = streams::channel_stream(&key);
                    if on_relay.contains(&stream) && !self.keys.contains_key(&stream) {
                        found.push((stream, key));
                    }
                }
            }
        }
        let any = !found.is_empty();
        for (stream, key) in found {
            self.channels.insert(stream);
            self.keys.insert(stream, key);
        }
        any
    }

    fn open(&self, key: &DocKey, record: &[u8]) -> Option<Vec<u8>> {
        DecodedEnvelope::decode(record, MAX_ENVELOPE_LEN)
            .ok()?
            .open_sender(key)
            .ok()?
            .verify(|id| self.devices.get(id).copied())
            .ok()?
            .decrypt(key)
            .ok()
    }

    /// Renders one payload; whether it gave the thief a new stream's key.
    fn read_payload(&mut self, plain: &[u8], text: &mut String) -> bool {
        match payload::decode(plain) {
            Ok(Payload::Changes(batch)) => {
                if let Ok(changes) = payload::parse_changes(batch.chunks, LoadLimits::default()) {
                    for change in changes {
                        text.push_str(&format!("{:?}\n", change.decode()));
                    }
                }
                false
            }
            Ok(Payload::Control { message, tail }) => {
                text.push_str(&format!("{message:?}\n"));
                if let Ok(mut doc) = load_untrusted(tail, LoadLimits::default()) {
                    for change in doc.get_changes(&[]) {
                        text.push_str(&format!("{:?}\n", change.decode()));
                    }
                }
                match message {
                    ControlMessage::Grant(grant) => self.take_key(&grant),
                    ControlMessage::Prekey(announcement) => {
                        if let Ok(public) = hex::decode(&announcement.public) {
                            if let Ok(public) = public.try_into() {
                                self.announced.insert(public);
                            }
                        }
                        false
                    }
                    _ => false,
                }
            }
            Err(_) => false,
        }
    }

    fn take_key(&mut self, grant: &twofold_core::sync::control::Grant) -> bool {
        let (Ok(doc_id), Ok(stream), Ok(wrapped)) =
            (parse_id(&grant.doc_id), grant.stream(), grant.wrapped_key())
        else {
            return false;
        };
        if self.keys.contains_key(&stream) {
            return false;
        }
        let prekeys = &self.prekeys;
        let devices = &self.devices;
        let Ok((key, _)) = unwrap_doc_key_with(
            &wrapped,
            &WrapContext { doc_id, stream },
            &self.identity,
            |p| prekeys.get(p).map(PrekeySecret::from_secret_bytes),
            |id| devices.get(id).copied(),
        ) else {
            return false;
        };
        self.keys.insert(stream, key);
        true
    }
}
