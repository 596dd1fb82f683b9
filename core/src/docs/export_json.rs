//! Reading a JSON export (`JsonExport`) without serde's buffering.
//!
//! The derived form (`#[serde(flatten)]` over the `kind`/`data`-tagged `DocumentSnapshot`)
//! parsed the whole file into serde's private `Content` tree and then typed each section from
//! it: a copy of serde's `Content` readers per section type, ~0.2 MB of the phones' library
//! (ADR 0018, item 5). This reader walks the file's map once and types `data` straight from
//! the JSON once `kind` is known, through the same per-type code as the rest of the core's
//! JSON. It accepts what the derived form accepted (the oracle tests, `export_json_tests.rs`,
//! keep the derived form and compare the two):
//!
//! - a map (only; unknown keys are read and ignored), `format` (a string) and `version` (a
//!   `u32`) once each, `kind` and `data` once each, in either order;
//! - `kind` as serde's adjacently tagged enums read their tag: a variant name, or a map of one
//!   variant name to `null` or `{}`;
//! - `data` before `kind` is kept as raw JSON text and typed when `kind` arrives.
//!
//! Where the JSON's own syntax is checked less than `Content` checked it (numbers out of
//! `f64`'s range and nesting depth in values the types ignore), [`JsonExport::from_json`] first reads the
//! whole text as `Content` did, so `Twofold::import_json` accepts exactly what it accepted.
//! One shape is refused that `Content` let through: a unit enum value *inside an item* written
//! as `{"Variant": {}}` (serde writes `"Variant"`; `{"Variant": null}` is still read).

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::docs::kind::DocKind;
use crate::docs::snapshot::{
    ContactsDocument, DocumentSnapshot, JournalDocument, JsonExport, NotesDocument, PlanDocument,
    ScheduleDocument, SummaryDocument,
};

/// The snapshot kinds by their names in `kind`, in the enum's order.
const KINDS: [(&str, DocKind); 6] = [
    ("plan", DocKind::Plan),
    ("contacts", DocKind::Contacts),
    ("schedule", DocKind::Schedule),
    ("journal", DocKind::Journal),
    ("summary", DocKind::Summary),
    ("notes", DocKind::Notes),
];
const KIND_NAMES: &[&str] = &[
    "plan", "contacts", "schedule", "journal", "summary", "notes",
];

impl JsonExport {
    /// Reads a JSON export as `Twofold::import_json` does: the text checked as a whole (as
    /// serde's `Content` read it), then typed.
    pub fn from_json(json: &str) -> serde_json::Result<JsonExport> {
        let mut whole = serde_json::Deserializer::from_str(json);
        Skip.deserialize(&mut whole)?;
        whole.end()?;
        serde_json::from_str(json)
    }
}

impl<'de> Deserialize<'de> for JsonExport {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ExportVisitor)
    }
}

struct ExportVisitor;

impl<'de> Visitor<'de> for ExportVisitor {
    type Value = JsonExport;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct JsonExport")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonExport, A::Error> {
        let mut format: Option<String> = None;
        let mut version: Option<u32> = None;
        let mut kind: Option<DocKind> = None;
        let mut document: Option<DocumentSnapshot> = None;
        // `data` seen before `kind`: its text, typed when `kind` comes.
        let mut early_data: Option<Box<RawValue>> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Format if format.is_some() => {
                    return Err(de::Error::duplicate_field("format"))
                }
                Key::Format => format = Some(map.next_value()?),
                Key::Version if version.is_some() => {
                    return Err(de::Error::duplicate_field("version"))
                }
                Key::Version => version = Some(map.next_value()?),
                Key::Kind if kind.is_some() => return Err(de::Error::duplicate_field("kind")),
                Key::Kind => {
                    let named = map.next_value_seed(Tag)?;
                    if let Some(raw) = early_data.take() {
                        document =
                            Some(typed_from_text(named, raw.get()).map_err(de::Error::custom)?);
                    }
                    kind = Some(named);
                }
                Key::Data if document.is_some() || early_data.is_some() => {
                    return Err(de::Error::duplicate_field("data"))
                }
                Key::Data => match kind {
                    Some(named) => document = Some(map.next_value_seed(Data(named))?),
                    None => early_data = Some(map.next_value()?),
                },
                Key::Other => map.next_value_seed(Skip)?,
            }
        }
        let format = format.ok_or_else(|| de::Error::missing_field("format"))?;
        let version = version.ok_or_else(|| de::Error::missing_field("version"))?;
        if kind.is_none() {
            return Err(de::Error::missing_field("kind"));
        }
        let document = document.ok_or_else(|| de::Error::missing_field("data"))?;
        Ok(JsonExport {
            format,
            version,
            document,
        })
    }
}

/// A key of the export's map.
enum Key {
    Format,
    Version,
    Kind,
    Data,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("field identifier")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "format" => Key::Format,
                    "version" => Key::Version,
                    "kind" => Key::Kind,
                    "data" => Key::Data,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

fn kind_named<E: de::Error>(name: &str) -> Result<DocKind, E> {
    KINDS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, kind)| *kind)
        .ok_or_else(|| de::Error::unknown_variant(name, KIND_NAMES))
}

/// `kind`: a variant name, or a map of one variant name to a unit (`null` or `{}`), as
/// serde's adjacently tagged enums read their tag.
struct Tag;

impl<'de> DeserializeSeed<'de> for Tag {
    type Value = DocKind;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<DocKind, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Tag {
    type Value = DocKind;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("string or map")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<DocKind, E> {
        kind_named(name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DocKind, A::Error> {
        let single = || de::Error::invalid_value(de::Unexpected::Map, &"map with a single key");
        let Some(name) = map.next_key::<String>()? else {
            return Err(single());
        };
        let unit = map.next_value_seed(UnitLike)?;
        if map.next_key_seed(Skip)?.is_some() {
            return Err(single());
        }
        let kind = kind_named(&name)?;
        if !unit {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &"unit"));
        }
        Ok(kind)
    }
}

/// Whether a value is what serde's `Content` reads as a unit: `null` or an empty map.
struct UnitLike;

impl<'de> DeserializeSeed<'de> for UnitLike {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UnitLike {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("unit")
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        Skip.visit_seq(seq).map(|()| false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut empty = true;
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
            empty = false;
        }
        Ok(empty)
    }
}

/// `data` of a known kind, typed straight from the JSON.
struct Data(DocKind);

impl<'de> DeserializeSeed<'de> for Data {
    type Value = DocumentSnapshot;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<DocumentSnapshot, D::Error> {
        Ok(match self.0 {
            DocKind::Plan => DocumentSnapshot::Plan(PlanDocument::deserialize(d)?),
            DocKind::Contacts => DocumentSnapshot::Contacts(ContactsDocument::deserialize(d)?),
            DocKind::Schedule => DocumentSnapshot::Schedule(ScheduleDocument::deserialize(d)?),
            DocKind::Journal => DocumentSnapshot::Journal(JournalDocument::deserialize(d)?),
            DocKind::Summary => DocumentSnapshot::Summary(SummaryDocument::deserialize(d)?),
            DocKind::Notes => DocumentSnapshot::Notes(NotesDocument::deserialize(d)?),
            // `kind_named` never yields it: a circle has no snapshot.
            DocKind::Circle => return Err(de::Error::unknown_variant("circle", KIND_NAMES)),
        })
    }
}

/// `data` that came before `kind`, typed from its text (the same reader as the usual order).
fn typed_from_text(kind: DocKind, text: &str) -> serde_json::Result<DocumentSnapshot> {
    let mut de = serde_json::Deserializer::from_str(text);
    let document = Data(kind).deserialize(&mut de)?;
    de.end()?;
    Ok(document)
}

/// Reads any value whole, numbers and strings included, as serde's `Content` did (serde's
/// `IgnoredAny` lets serde_json skip a value without reading its numbers).
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "export_json_tests.rs"]
mod tests;
