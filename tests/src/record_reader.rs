//! Reads relay records the way a share member can: since envelope version 2 the relay sees no
//! sender id, sequence number or signature (ADR 0023), so tests that check who wrote a record
//! open it with a device's keys, captured while that device still had them.

use std::collections::HashMap;
use std::path::Path;

use twofold_core::crypto::{DecodedEnvelope, DevicePublicKeys, DocKey, StreamId, MAX_ENVELOPE_LEN};
use twofold_core::store::{database::Database, identity, peers, streams};
use twofold_core::KeyId;

/// The stream keys and peer public keys of one device, as they were when captured.
#[derive(Debug)]
pub struct RecordReader {
    keys: HashMap<StreamId, DocKey>,
    devices: HashMap<KeyId, DevicePublicKeys>,
}

/// What a share member reads in a record.
#[derive(Debug)]
pub struct OpenedRecord {
    pub sender: KeyId,
    pub seq: u64,
    pub payload: Vec<u8>,
}

impl RecordReader {
    /// Captures the keys of `streams` and of every device the store at `path` knows.
    pub fn capture<'a>(
        path: &Path,
        key: &[u8; 32],
        of: impl IntoIterator<Item = &'a StreamId>,
    ) -> RecordReader {
        let db = Database::open(path, key).expect("the device's database opens");
        let keys = of
            .into_iter()
            .map(|s| {
                let row = db
                    .read(|c| streams::get(c, s))
                    .expect("stream row")
                    .expect("the device knows the stream");
                (*s, row.key)
            })
            .collect();
        let me = db
            .read(identity::load)
            .expect("identity")
            .expect("made at open");
        let mut devices: HashMap<KeyId, DevicePublicKeys> = db
            .read(peers::list)
            .expect("peers")
            .into_iter()
            .map(|p| (p.peer_id, p.keys))
            .collect();
        devices.insert(me.key_id(), me.public_keys());
        RecordReader { keys, devices }
    }

    /// The sender, sequence number and payload of `record` on `stream`; panics if the record
    /// does not open, as every record a test reads this way was sealed by a device it knows.
    pub fn open(&self, stream: &StreamId, record: &[u8]) -> OpenedRecord {
        let key = self.keys.get(stream).expect("a captured stream");
        let opened = DecodedEnvelope::decode(record, MAX_ENVELOPE_LEN)
            .expect("decodes")
            .open_sender(key)
            .expect("sender data opens");
        let (sender, seq) = (opened.header().sender, opened.header().seq);
        let payload = opened
            .verify(|id| self.devices.get(id).copied())
            .expect("a known device signed it")
            .decrypt(key)
            .expect("decrypts");
        OpenedRecord {
            sender,
            seq,
            payload,
        }
    }

    /// The document key of a captured stream.
    pub fn key(&self, stream: &StreamId) -> &DocKey {
        self.keys.get(stream).expect("a captured stream")
    }
}
