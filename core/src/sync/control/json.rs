//! Reading a [`ControlMessage`] without serde's buffering.
//!
//! The derived reader of the internally tagged enum parsed the message into serde's private
//! `Content` tree, found `type` in it and typed the variant from the tree: one copy of
//! `Content`'s readers per variant and field type, ~65 KB of the phones' library (ADR 0018,
//! session 17). This reader keeps each value's JSON text as it is (serde_json's `raw_value`),
//! finds `type`, and types the variant's fields from the text of the rest, through the same
//! per-type readers as any JSON. It accepts what the derived reader accepted, with equal
//! values (the oracle tests, `json_tests.rs`, keep the derived reader and compare):
//!
//! - a map with `type` once, anywhere (our writer puts it first), the variant's fields in any
//!   order; or a sequence whose first element is the tag and the rest the fields in order
//!   (rewritten as the map of them, so each variant's reader is compiled for maps only);
//! - a unit enum inside (a grant's `kind`, an answer's `reply`) as its name, or as a map of
//!   its name to `null` or `{}`, which `Content` read as a unit too.
//!
//! A control message is at most [`super::MAX_CONTROL_JSON`] bytes and rare (grants, writer
//! lists, SOS), so the second pass over its text costs nothing that matters.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess};
use serde::de::{Unexpected, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::{
    ControlMessage, Grant, Handover, Introduction, LinkedDevice, PrekeyAnnouncement, ReadPosition,
};
use crate::docs::kind::DocKind;
use crate::model::sos::SosReply;
use crate::sync::sos_control::{SosAnswer, SosCall};

const TAG: &str = "type";

impl<'de> Deserialize<'de> for ControlMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MessageVisitor)
    }
}

/// The variants' names, as the derived reader read `type` (an identifier: a string only).
#[derive(Clone, Copy, Deserialize)]
#[serde(variant_identifier, rename_all = "snake_case")]
enum Tag {
    Grant,
    Writers,
    Revoked,
    Sos,
    SosAnswer,
    SosClosed,
    RecoveryKey,
    Successor,
    Devices,
    Introduce,
    Handover,
    ReadThrough,
    Prekey,
}

struct MessageVisitor;

impl<'de> Visitor<'de> for MessageVisitor {
    type Value = ControlMessage;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("internally tagged enum ControlMessage")
    }

    /// The map's other entries become the text of a map of the variant's fields.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ControlMessage, A::Error> {
        let mut tag = None;
        let mut fields = Text::new('{');
        while let Some(key) = map.next_key::<String>()? {
            if key == TAG {
                if tag.is_some() {
                    return Err(de::Error::duplicate_field(TAG));
                }
                tag = Some(map.next_value::<Tag>()?);
            } else {
                let value = map.next_value::<Box<RawValue>>()?;
                fields.key(&key).map_err(de::Error::custom)?;
                fields.push(value.get());
            }
        }
        let tag = tag.ok_or_else(|| de::Error::missing_field(TAG))?;
        variant(tag, &fields.close('}')).map_err(de::Error::custom)
    }

    /// The tag first, then the variant's fields in their order: written as the map of them,
    /// so that each variant's reader is compiled for maps only.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ControlMessage, A::Error> {
        let tag = seq
            .next_element::<Tag>()?
            .ok_or_else(|| de::Error::missing_field(TAG))?;
        let (names, required) = sequence_fields(tag);
        let mut fields = Text::new('{');
        let mut given = 0;
        while let Some(value) = seq.next_element::<Box<RawValue>>()? {
            let name = names.get(given).ok_or_else(|| {
                de::Error::invalid_length(given + 1, &"no more than the variant's fields")
            })?;
            fields.key(name).map_err(de::Error::custom)?;
            fields.push(value.get());
            given += 1;
        }
        if given < required {
            return Err(de::Error::invalid_length(given, &"the variant's fields"));
        }
        variant(tag, &fields.close('}')).map_err(de::Error::custom)
    }
}

/// A variant's fields in their declared order, and how many a sequence must give: the derive
/// read a sequence field by field, and a field missing at its end only if it and every one
/// after it has `#[serde(default)]` (an `Option` without it is required there, unlike in a
/// map).
fn sequence_fields(tag: Tag) -> (&'static [&'static str], usize) {
    match tag {
        Tag::Grant => (
            &[
                "doc_id",
                "kind",
                "access",
                "epoch",
                "stream",
                "wrapped_key",
                "read_from",
                "writers",
                "append_token_hash",
                "append_token",
                "purpose",
                "expires_at_ms",
                "replaces",
            ],
            13,
        ),
        Tag::Writers => (&["doc_id", "epoch", "writers"], 3),
        Tag::Revoked => (&["doc_id", "reason"], 2),
        Tag::Sos => (
            &[
                "sos_id",
                "text",
                "location",
                "sent_at_ms",
                "rung",
                "answer_within_ms",
            ],
            6,
        ),
        Tag::SosAnswer => (&["sos_id", "reply"], 2),
        Tag::SosClosed => (&["sos_id"], 1),
        Tag::RecoveryKey => (&["keys"], 1),
        Tag::Successor => (&["old", "new", "channel"], 3),
        Tag::Devices => (&["devices"], 1),
        Tag::Introduce => (
            &[
                "keys",
                "name",
                "relay",
                "channel",
                "sos_contacts",
                "ended",
                "circle",
            ],
            6,
        ),
        Tag::Handover => (&["recovery", "next_seq", "shares"], 3),
        Tag::ReadThrough => (&["streams"], 1),
        Tag::Prekey => (&["public", "signature", "seen"], 2),
    }
}

/// A JSON map or sequence written from its entries' text.
struct Text {
    text: String,
    empty: bool,
}

impl Text {
    fn new(open: char) -> Self {
        Text {
            text: open.to_string(),
            empty: true,
        }
    }

    fn key(&mut self, key: &str) -> serde_json::Result<()> {
        self.push(&serde_json::to_string(key)?);
        self.text.push(':');
        // The value follows the key without another comma.
        self.empty = true;
        Ok(())
    }

    fn push(&mut self, raw: &str) {
        if !self.empty {
            self.text.push(',');
        }
        self.text.push_str(raw);
        self.empty = false;
    }

    fn close(mut self, close: char) -> String {
        self.text.push(close);
        self.text
    }
}

/// `T` read from a JSON map's text, through a deserializer that offers maps only: the
/// variants' derived readers are then compiled without their sequence half.
fn from_str<'de, T: Deserialize<'de>>(text: &'de str) -> serde_json::Result<T> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(MapOnly(&mut json))?;
    json.end()?;
    Ok(value)
}

struct MapOnly<'a, 'de>(&'a mut serde_json::Deserializer<serde_json::de::StrRead<'de>>);

impl<'de> Deserializer<'de> for MapOnly<'_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// The variant `tag` names, typed from the text of the map of its fields.
fn variant(tag: Tag, fields: &str) -> serde_json::Result<ControlMessage> {
    Ok(match tag {
        Tag::Grant => ControlMessage::Grant(Box::new(from_str::<GrantFields>(fields)?.into())),
        Tag::Writers => {
            let WritersFields {
                doc_id,
                epoch,
                writers,
            } = from_str(fields)?;
            ControlMessage::Writers {
                doc_id,
                epoch,
                writers,
            }
        }
        Tag::Revoked => {
            let RevokedFields { doc_id, reason } = from_str(fields)?;
            ControlMessage::Revoked { doc_id, reason }
        }
        Tag::Sos => ControlMessage::Sos(from_str::<SosCall>(fields)?),
        Tag::SosAnswer => {
            let AnswerFields { sos_id, reply } = from_str(fields)?;
            ControlMessage::SosAnswer(SosAnswer { sos_id, reply })
        }
        Tag::SosClosed => {
            let SosClosedFields { sos_id } = from_str(fields)?;
            ControlMessage::SosClosed { sos_id }
        }
        Tag::RecoveryKey => {
            let RecoveryKeyFields { keys } = from_str(fields)?;
            ControlMessage::RecoveryKey { keys }
        }
        Tag::Successor => {
            let SuccessorFields { old, new, channel } = from_str(fields)?;
            ControlMessage::Successor { old, new, channel }
        }
        Tag::Devices => {
            let DevicesFields { devices } = from_str(fields)?;
            ControlMessage::Devices { devices }
        }
        Tag::Introduce => ControlMessage::Introduce(from_str::<Introduction>(fields)?),
        Tag::Handover => ControlMessage::Handover(from_str::<Handover>(fields)?),
        Tag::ReadThrough => {
            let ReadThroughFields { streams } = from_str(fields)?;
            ControlMessage::ReadThrough { streams }
        }
        Tag::Prekey => ControlMessage::Prekey(from_str::<PrekeyAnnouncement>(fields)?),
    })
}

// The struct variants' fields, and the two newtype variants with a unit enum inside, as the
// enum declares them (the derive's attributes: the container's `deny_unknown_fields` applies
// to every variant).

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WritersFields {
    doc_id: String,
    epoch: u32,
    writers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokedFields {
    doc_id: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SosClosedFields {
    sos_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecoveryKeyFields {
    keys: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuccessorFields {
    old: String,
    new: String,
    channel: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DevicesFields {
    devices: Vec<LinkedDevice>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadThroughFields {
    streams: Vec<ReadPosition>,
}

/// [`SosAnswer`] with `reply` read as `Content` read it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerFields {
    sos_id: String,
    #[serde(deserialize_with = "unit_variant::<_, SosReply>")]
    reply: SosReply,
}

/// [`Grant`] with `kind` read as `Content` read it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantFields {
    doc_id: String,
    #[serde(deserialize_with = "unit_variant::<_, DocKind>")]
    kind: DocKind,
    access: String,
    epoch: u32,
    stream: String,
    wrapped_key: String,
    read_from: u64,
    writers: Vec<String>,
    #[serde(default)]
    append_token_hash: Option<String>,
    #[serde(default)]
    append_token: Option<String>,
    purpose: String,
    expires_at_ms: Option<i64>,
    replaces: Option<String>,
}

impl From<GrantFields> for Grant {
    fn from(g: GrantFields) -> Self {
        Grant {
            doc_id: g.doc_id,
            kind: g.kind,
            access: g.access,
            epoch: g.epoch,
            stream: g.stream,
            wrapped_key: g.wrapped_key,
            read_from: g.read_from,
            writers: g.writers,
            append_token_hash: g.append_token_hash,
            append_token: g.append_token,
            purpose: g.purpose,
            expires_at_ms: g.expires_at_ms,
            replaces: g.replaces,
        }
    }
}

/// A unit enum value as serde's `Content` read it inside a tagged enum: its name, or a map of
/// its name to a unit, `null` or `{}` (serde_json alone refuses `{}` there).
fn unit_variant<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(UnitVariant(PhantomData))
}

struct UnitVariant<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for UnitVariant<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("string or map")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<T, E> {
        T::deserialize(name.into_deserializer())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let single = || de::Error::invalid_value(Unexpected::Map, &"map with a single key");
        let Some(name) = map.next_key::<String>()? else {
            return Err(single());
        };
        map.next_value::<Unit>()?;
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(single());
        }
        T::deserialize(name.as_str().into_deserializer())
    }
}

/// `null` or `{}`.
struct Unit;

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Unit)
    }
}

impl<'de> Visitor<'de> for Unit {
    type Value = Unit;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("unit")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Unit, E> {
        Ok(Unit)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unit, A::Error> {
        match map.next_key::<IgnoredAny>()? {
            None => Ok(Unit),
            Some(_) => Err(de::Error::invalid_type(Unexpected::Map, &self)),
        }
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
