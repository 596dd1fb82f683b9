//! Messages between two paired devices on their private channel: grants of a document (its key
//! wrapped for the recipient, its stream, who may write it, and a snapshot to start from),
//! writer-list updates, revocations. They travel inside envelopes on the channel stream, so
//! they are encrypted and signed like everything else; this is only their inner format.

use serde::{Deserialize, Serialize};

use crate::crypto::{
    certifies, AppendRight, CapabilityToken, DevicePublicKeys, DocKey, SignedPrekey, StreamId,
};
use crate::docs::kind::DocKind;
use crate::sync::sos_control::{SosAnswer, SosCall};
use crate::sync::types::Access;

mod json;

/// Longest JSON part of a control message.
pub const MAX_CONTROL_JSON: usize = 64 * 1024;

/// The reason of a [`ControlMessage::Revoked`] sent when the owner erases their phone: the
/// receiving device deletes its copy instead of keeping it read-only. (An older device reads
/// it as any other revocation.)
pub const ERASED: &str = "erased";

/// The JSON part of a control message: written by serde's derive (the tag `type` first, then
/// the variant's fields), read by hand (`json.rs`: what the derive read, without buffering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ControlMessage {
    /// The sender shares one of its documents with the recipient. The payload's tail is an
    /// Automerge snapshot of the document as the sender has it. Boxed: the largest message by
    /// far, and every payload would otherwise be its size.
    Grant(Box<Grant>),
    /// Who may write the document in this epoch changed (besides its owner).
    Writers {
        doc_id: String,
        epoch: u32,
        writers: Vec<String>,
    },
    /// The recipient gets nothing more of this document; what it has, it keeps — unless the
    /// reason is [`ERASED`], when it deletes its copy.
    Revoked { doc_id: String, reason: String },
    /// An urgent request for help (ADR 0013).
    Sos(SosCall),
    /// The answer to one.
    SosAnswer(SosAnswer),
    /// The person closed the request: nobody needs to come any more.
    SosClosed { sos_id: String },
    /// The sender's person's recovery public keys, hex (ADR 0010): the key that may later name
    /// the device that succeeds the sender.
    RecoveryKey { keys: String },
    /// Signed by the person's recovery key, not by a device: device `new` (public keys, hex)
    /// succeeds device `old`, lost, and takes its place in the pairing, on a new channel whose
    /// stream and key are `channel`, sealed to the recipient (hex; the lost device holds the
    /// old channel's key).
    Successor {
        old: String,
        new: String,
        channel: String,
    },
    /// From a person's device that linked others (ADR 0012): the person's other devices, each
    /// with its own channel to the recipient. The whole list each time: a device left out is
    /// no longer the person's, and gets nothing more.
    Devices { devices: Vec<LinkedDevice> },
    /// From the device this one is linked to: a device the person is paired with, and the
    /// channel to it; `ended` when that pairing ended.
    Introduce(Introduction),
    /// From the device this one is linked to: what this one needs to take its place should it
    /// be lost — the person's recovery identity and the shares in force there.
    Handover(Handover),
    /// From a member of documents the recipient owns: how far it has read each of their
    /// current streams, so the owner may trim them on the relay (ADR 0023).
    ReadThrough { streams: Vec<ReadPosition> },
    /// The sender's newest prekey, signed by its identity key, and the newest of the
    /// recipient's prekeys it holds (ADR 0026). A device older than ADR 0026 refuses it as a
    /// bad control message and goes on.
    Prekey(PrekeyAnnouncement),
}

/// A device's newest prekey as [`ControlMessage::Prekey`] carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrekeyAnnouncement {
    /// The X25519 public key, 64 lowercase hex characters.
    pub public: String,
    /// The sender's Ed25519 signature over it (`docs/protocol.md`), 128 hex characters.
    pub signature: String,
    /// The newest of the recipient's prekeys the sender holds, 64 hex characters; absent until
    /// the recipient has announced one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<String>,
}

impl PrekeyAnnouncement {
    pub fn new(prekey: &SignedPrekey, seen: Option<&[u8; 32]>) -> Self {
        PrekeyAnnouncement {
            public: hex::encode(prekey.public),
            signature: hex::encode(prekey.signature),
            seen: seen.map(hex::encode),
        }
    }

    /// The announced prekey, its signature checked against `sender`'s keys, and the prekey
    /// it acknowledges.
    pub fn parse(
        &self,
        sender: &DevicePublicKeys,
    ) -> Result<(SignedPrekey, Option<[u8; 32]>), BadControl> {
        let prekey = SignedPrekey {
            public: parse_hex::<32>(&self.public)?,
            signature: parse_hex::<64>(&self.signature)?,
        };
        prekey.verify(sender).map_err(|_| BadControl)?;
        let seen = self.seen.as_deref().map(parse_hex::<32>).transpose()?;
        Ok((prekey, seen))
    }
}

/// One stream a member has read through `through` (every position up to it processed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadPosition {
    /// 32 hex characters.
    pub stream: String,
    pub through: u64,
}

/// Most streams one `read_through` names (one per document the recipient shares with the
/// sender).
pub const MAX_READ_POSITIONS: usize = 256;

/// What a linked device keeps to take the place of a lost origin (ADR 0012).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    /// The person's recovery identity, secret, hex (ADR 0010).
    pub recovery: String,
    /// The next number the recovery identity signs with.
    pub next_seq: u64,
    pub shares: Vec<HandedShare>,
}

/// One share in force on the origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandedShare {
    /// 32 hex characters.
    pub doc_id: String,
    /// The device it is shared with: its key id, 32 hex characters.
    pub peer: String,
    pub access: String,
    pub purpose: String,
    pub expires_at_ms: Option<i64>,
}

/// Most shares one handover carries.
pub const MAX_HANDED_SHARES: usize = 1024;

/// One of a person's other devices, as [`ControlMessage::Devices`] lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkedDevice {
    /// Public keys, 128 hex characters.
    pub keys: String,
    /// The name the device was linked under ("Lena's tablet").
    pub name: String,
    /// The channel's stream and key, 96 hex characters.
    pub channel: String,
}

/// A device the person is paired with, handed over to one of their linked devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Introduction {
    /// Public keys, 128 hex characters.
    pub keys: String,
    pub name: String,
    /// The relay the pairing went through.
    pub relay: Option<String>,
    /// The channel's stream and key, 96 hex characters.
    pub channel: String,
    /// The person's contacts (item ids) whose SOS goes to this device.
    pub sos_contacts: Vec<String>,
    pub ended: bool,
    /// The pairing was made only for peer circles (ADR 0019): the device is not one of the
    /// person's people, and gets only the circles. Left out when false, so an introduction
    /// of any other pairing is what it was before circles.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub circle: bool,
}

/// Most devices one person links, and longest names and lists in their messages.
pub const MAX_LINKED_DEVICES: usize = 16;
pub const MAX_INTRODUCED_NAME: usize = 128;
pub const MAX_SOS_CONTACTS: usize = 64;

/// A channel's stream id and key, as [`LinkedDevice`] and [`Introduction`] carry them.
pub fn encode_channel(stream: &StreamId, key: &[u8; 32]) -> String {
    let mut raw = Vec::with_capacity(48);
    raw.extend_from_slice(&stream.0);
    raw.extend_from_slice(key);
    hex::encode(raw)
}

pub fn parse_channel(raw: &str) -> Result<(StreamId, [u8; 32]), BadControl> {
    if raw.len() != 96 {
        return Err(BadControl);
    }
    let bytes = hex::decode(raw).map_err(|_| BadControl)?;
    let (stream, key) = bytes.split_at(16);
    Ok((
        StreamId(stream.try_into().map_err(|_| BadControl)?),
        key.try_into().map_err(|_| BadControl)?,
    ))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// 32 hex characters.
    pub doc_id: String,
    pub kind: DocKind,
    pub access: String,
    pub epoch: u32,
    /// The document's stream in this epoch, 32 hex characters.
    pub stream: String,
    /// The document key wrapped for the recipient (`docs/protocol.md`), hex.
    pub wrapped_key: String,
    /// Envelopes up to this stream position are in the snapshot: start reading after it.
    pub read_from: u64,
    /// Public keys (hex, 64 bytes) of the devices besides the owner that may write.
    pub writers: Vec<String>,
    /// The hash of the stream's append token, hex (ADR 0022): what a reader registers the
    /// stream with, and what the stream id is certified by. Absent from a grant made before
    /// ADR 0022 (a stream whose tokens come from the key and a random id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub append_token_hash: Option<String>,
    /// The append token itself, hex: in a read-write grant only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub append_token: Option<String>,
    pub purpose: String,
    pub expires_at_ms: Option<i64>,
    /// A document this one re-creates ("forget"): the recipient drops its copy of it.
    pub replaces: Option<String>,
}

/// Why a control message was refused (typed, never echoing the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadControl;

impl Grant {
    pub fn access(&self) -> Result<Access, BadControl> {
        Access::parse(&self.access).ok_or(BadControl)
    }

    pub fn stream(&self) -> Result<StreamId, BadControl> {
        parse_id(&self.stream).map(StreamId)
    }

    pub fn doc_id_bytes(&self) -> Result<[u8; 16], BadControl> {
        parse_id(&self.doc_id)
    }

    pub fn wrapped_key(&self) -> Result<Vec<u8>, BadControl> {
        hex::decode(&self.wrapped_key).map_err(|_| BadControl)
    }

    /// What the grant gives of the stream's append right (ADR 0022), checked against its
    /// access and its stream id: a read-write grant carries the token, a read-only one must
    /// not, and the token hashes to the hash the id is certified by. A grant without either
    /// field (made before ADR 0022) is a legacy stream's.
    pub fn append_right(
        &self,
        access: Access,
        key: &DocKey,
        stream: &StreamId,
    ) -> Result<AppendRight, BadControl> {
        let (hash, token) = match (&self.append_token_hash, &self.append_token) {
            (None, None) => return Ok(AppendRight::Legacy),
            (Some(hash), token) => (parse_32(hash)?, token.as_deref().map(parse_32).transpose()?),
            (None, Some(_)) => return Err(BadControl),
        };
        if !certifies(stream, key, &hash) {
            return Err(BadControl);
        }
        match (access, token) {
            (Access::Write, Some(token)) => {
                let token = CapabilityToken(token);
                if token.hash() != hash {
                    return Err(BadControl);
                }
                Ok(AppendRight::Writer(token))
            }
            (Access::Read, None) => Ok(AppendRight::Reader(hash)),
            _ => Err(BadControl),
        }
    }
}

/// 32 bytes written as 64 lowercase hex characters.
fn parse_32(raw: &str) -> Result<[u8; 32], BadControl> {
    parse_hex::<32>(raw)
}

/// `N` bytes written as `2N` lowercase hex characters.
fn parse_hex<const N: usize>(raw: &str) -> Result<[u8; N], BadControl> {
    if raw.len() != 2 * N
        || !raw
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(BadControl);
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(raw, &mut out).map_err(|_| BadControl)?;
    Ok(out)
}

/// A 16-byte id written as 32 lowercase hex characters.
pub fn parse_id(raw: &str) -> Result<[u8; 16], BadControl> {
    if raw.len() != 32
        || !raw
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(BadControl);
    }
    let mut out = [0u8; 16];
    hex::decode_to_slice(raw, &mut out).map_err(|_| BadControl)?;
    Ok(out)
}

pub fn parse_writers(raw: &[String]) -> Result<Vec<DevicePublicKeys>, BadControl> {
    if raw.len() > 64 {
        return Err(BadControl);
    }
    raw.iter()
        .map(|w| {
            let bytes = hex::decode(w).map_err(|_| BadControl)?;
            DevicePublicKeys::from_bytes(&bytes).map_err(|_| BadControl)
        })
        .collect()
}

/// Public keys written as 128 lowercase hex characters.
pub fn parse_keys(raw: &str) -> Result<DevicePublicKeys, BadControl> {
    if raw.len() != 128 {
        return Err(BadControl);
    }
    let bytes = hex::decode(raw).map_err(|_| BadControl)?;
    DevicePublicKeys::from_bytes(&bytes).map_err(|_| BadControl)
}

pub fn encode_writers(writers: &[DevicePublicKeys]) -> Vec<String> {
    writers.iter().map(|w| hex::encode(w.to_bytes())).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn grant(hash: Option<String>, token: Option<String>) -> Grant {
        Grant {
            doc_id: "00".repeat(16),
            kind: DocKind::Plan,
            access: "write".into(),
            epoch: 0,
            stream: "00".repeat(16),
            wrapped_key: String::new(),
            read_from: 0,
            writers: Vec::new(),
            append_token_hash: hash,
            append_token: token,
            purpose: String::new(),
            expires_at_ms: None,
            replaces: None,
        }
    }

    #[test]
    fn the_append_fields_must_match_the_access_and_certify_the_stream() {
        let key = DocKey::generate(0).expect("rng");
        let writer = AppendRight::generate().expect("rng");
        let stream = writer.stream_id(&key).expect("version 2");
        let hash = hex::encode(writer.append_hash(&key, &stream));
        let token = hex::encode(writer.token_bytes().expect("a writer's"));
        let right = |g: &Grant, access| g.append_right(access, &key, &stream);

        assert_eq!(
            right(&grant(None, None), Access::Write),
            Ok(AppendRight::Legacy)
        );
        assert_eq!(
            right(
                &grant(Some(hash.clone()), Some(token.clone())),
                Access::Write
            ),
            Ok(writer.clone())
        );
        assert_eq!(
            right(&grant(Some(hash.clone()), None), Access::Read),
            Ok(writer.reader(&key, &stream))
        );
        // A reader is never handed the token; a writer always is.
        assert_eq!(
            right(
                &grant(Some(hash.clone()), Some(token.clone())),
                Access::Read
            ),
            Err(BadControl)
        );
        assert_eq!(
            right(&grant(Some(hash.clone()), None), Access::Write),
            Err(BadControl)
        );
        assert_eq!(
            right(&grant(None, Some(token.clone())), Access::Write),
            Err(BadControl)
        );
        // A token that is not the one the hash names, a hash that does not certify the stream.
        let other = hex::encode([9u8; 32]);
        assert_eq!(
            right(
                &grant(Some(hash.clone()), Some(other.clone())),
                Access::Write
            ),
            Err(BadControl)
        );
        assert_eq!(
            right(&grant(Some(other), None), Access::Read),
            Err(BadControl)
        );
        assert_eq!(
            grant(Some(hash.clone()), None).append_right(Access::Read, &key, &StreamId([0; 16])),
            Err(BadControl)
        );
        // Uppercase hex and wrong lengths are not the canonical spelling.
        assert_eq!(
            right(&grant(Some(hash.to_uppercase()), None), Access::Read),
            Err(BadControl)
        );
        assert_eq!(
            right(&grant(Some(hash[2..].into()), None), Access::Read),
            Err(BadControl)
        );
    }

    #[test]
    fn a_grant_without_the_append_fields_still_decodes_and_writes_none() {
        let json = serde_json::to_string(&grant(None, None)).expect("json");
        assert!(!json.contains("append"));
        let back: Grant = serde_json::from_str(&json).expect("decodes");
        assert_eq!(back, grant(None, None));
    }

    fn announcement_json(public: &str, signature: &str, seen: Option<&str>) -> Vec<u8> {
        let mut json =
            format!(r#"{{"type":"prekey","public":"{public}","signature":"{signature}""#);
        if let Some(seen) = seen {
            json.push_str(&format!(r#","seen":"{seen}""#));
        }
        json.push('}');
        let len = u32::try_from(json.len()).expect("short").to_be_bytes();
        [&[2u8][..], &len[..], json.as_bytes()].concat()
    }

    #[test]
    fn a_signed_announcement_round_trips_and_a_stranger_cannot_sign_one() {
        use crate::crypto::{DeviceIdentity, PrekeySecret};
        use crate::sync::payload::{self, Payload};
        let owner = DeviceIdentity::generate().expect("rng");
        let prekey = PrekeySecret::generate().expect("rng").sign(&owner);
        let message = ControlMessage::Prekey(PrekeyAnnouncement::new(&prekey, Some(&[7; 32])));
        let bytes = payload::encode_control(&message, &[]);
        let Ok(Payload::Control {
            message: ControlMessage::Prekey(back),
            ..
        }) = payload::decode(&bytes)
        else {
            panic!("decodes as a prekey announcement")
        };
        assert_eq!(
            back.parse(&owner.public_keys()),
            Ok((prekey, Some([7; 32])))
        );
        let stranger = DeviceIdentity::generate().expect("rng");
        assert_eq!(back.parse(&stranger.public_keys()), Err(BadControl));
    }

    proptest! {
        /// The new message's decoder, from the payload's bytes to the checked prekey: any
        /// fields are a typed refusal or a verified prekey, never a panic; and random fields
        /// verify only by a forged-signature accident.
        #[test]
        fn any_prekey_announcement_is_refused_or_verified_without_panic(
            public in "[0-9a-fA-F]{0,70}",
            signature in "[0-9a-fA-F]{0,140}",
            seen in proptest::option::of("[0-9a-fA-Fz]{0,70}"),
            junk in proptest::collection::vec(any::<u8>(), 0..64),
            cut in any::<usize>(),
        ) {
            use crate::crypto::DeviceIdentity;
            use crate::sync::payload::{self, Payload};
            let owner = DeviceIdentity::from_secret_bytes(&[[1u8].as_slice(), &[9; 64]].concat())
                .expect("an identity");
            let bytes = announcement_json(&public, &signature, seen.as_deref());
            match payload::decode(&bytes) {
                Ok(Payload::Control { message: ControlMessage::Prekey(a), .. }) => {
                    prop_assert!(a.parse(&owner.public_keys()).is_err());
                }
                other => prop_assert!(other.is_err(), "not another message"),
            }
            // Cut short or followed by junk inside its JSON: a typed refusal.
            let mut damaged = bytes[..cut % bytes.len()].to_vec();
            damaged.extend_from_slice(&junk);
            let _ = payload::decode(&damaged);
        }
    }

    proptest! {
        #[test]
        fn any_append_fields_are_refused_or_accepted_without_panic(
            hash in proptest::option::of("[0-9a-fA-F]{0,70}"),
            token in proptest::option::of("[0-9a-fA-F]{0,70}"),
            write in any::<bool>(),
        ) {
            let key = DocKey::from_secret_bytes(0, &[3; 32]);
            let access = if write { Access::Write } else { Access::Read };
            let stream = StreamId([1; 16]);
            let legacy = hash.is_none() && token.is_none();
            let result = grant(hash, token).append_right(access, &key, &stream);
            // Random fields certify this stream only by a 128-bit accident.
            prop_assert_eq!(result.is_ok(), legacy);
        }
    }
}
