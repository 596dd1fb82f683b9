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
//!   order; or a sequence whose first element is the tag and the rest the fields in order;
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

    /// The tag first, the rest the text of a sequence of the variant's fields.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ControlMessage, A::Error> {
        let tag = seq
            .next_element::<Tag>()?
            .ok_or_else(|| de::Error::missing_field(TAG))?;
        let mut fields = Text::new('[');
        while let Some(value) = seq.next_element::<Box<RawValue>>()? {
            fields.push(value.get());
        }
        variant(tag, &fields.close(']')).map_err(de::Error::custom)
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

/// The variant `tag` names, typed from the text of its fields.
fn variant(tag: Tag, fields: &str) -> serde_json::Result<ControlMessage> {
    use serde_json::from_str;
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
