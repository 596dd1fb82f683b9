//! Conversions between the core's types and their FFI mirrors.
//!
//! Foreign code sees plain values: ids, days and wall-clock times cross as strings, and are
//! checked with the core's own parsers on the way in, so a malformed one is an
//! `InvalidInput` naming the field the same way the core names it (`meetings.start`,
//! `check_ins.triggers_met`). The way out cannot fail.
//!
//! [`mirror_enum!`] and [`mirror_record!`] write a mirror type and both conversions from one
//! field list; each field names the conversion it needs (one of the modules below).

use twofold_core::{Day, ItemId, KeyId, LocalDateTime};

use crate::error::Result;

/// Into the core, checking what the core's types guarantee. `at` is where the value sits
/// (`triggers`, `contacts.phones`), for error field names.
pub(crate) trait ToCore {
    type Core;
    fn to_core(self, at: &str) -> Result<Self::Core>;
}

fn path(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_string()
    } else {
        format!("{at}.{field}")
    }
}

/// Fields that convert with `From` both ways (numbers, strings, bools, mirrored enums).
pub(crate) mod plain {
    use super::*;
    pub(crate) fn to_core<A: Into<B>, B>(v: A, _at: &str, _field: &str) -> Result<B> {
        Ok(v.into())
    }
    pub(crate) fn from_core<A: Into<B>, B>(v: A) -> B {
        v.into()
    }
}

/// Lists of values that convert with `From` both ways (roles).
pub(crate) mod each {
    use super::*;
    pub(crate) fn to_core<A: Into<B>, B>(v: Vec<A>, _at: &str, _field: &str) -> Result<Vec<B>> {
        Ok(v.into_iter().map(Into::into).collect())
    }
    pub(crate) fn from_core<A: Into<B>, B>(v: Vec<A>) -> Vec<B> {
        v.into_iter().map(Into::into).collect()
    }
}

/// One nested mirrored record (a filter inside import options).
pub(crate) mod record {
    use super::*;
    pub(crate) fn to_core<A: ToCore>(v: A, at: &str, field: &str) -> Result<A::Core> {
        v.to_core(&path(at, field))
    }
    pub(crate) fn from_core<A, B: From<A>>(v: A) -> B {
        B::from(v)
    }
}

/// A string map, out of the core (`BTreeMap` there; uniffi maps are hash maps).
pub(crate) mod map {
    use std::collections::{BTreeMap, HashMap};

    pub(crate) fn from_core(v: BTreeMap<String, String>) -> HashMap<String, String> {
        v.into_iter().collect()
    }
}

/// Small numbers (days of the week) that the core keeps as `u8`: `u32` across the FFI, since
/// uniffi carries a `Vec<u8>` as bytes.
pub(crate) mod small_ints {
    use super::*;
    pub(crate) fn to_core(v: Vec<u32>, at: &str, field: &str) -> Result<Vec<u8>> {
        v.into_iter()
            .map(|n| {
                u8::try_from(n).map_err(|_| {
                    crate::error::TwofoldError::invalid(&path(at, field), "has a value above 255")
                })
            })
            .collect()
    }
    pub(crate) fn from_core(v: Vec<u8>) -> Vec<u32> {
        v.into_iter().map(u32::from).collect()
    }
}

/// Lists of nested mirrored records (a document's items; a check-in's dose answers).
pub(crate) mod records {
    use super::*;
    pub(crate) fn to_core<A: ToCore>(v: Vec<A>, at: &str, field: &str) -> Result<Vec<A::Core>> {
        let at = path(at, field);
        v.into_iter().map(|r| r.to_core(&at)).collect()
    }
    pub(crate) fn from_core<A, B: From<A>>(v: Vec<A>) -> Vec<B> {
        v.into_iter().map(B::from).collect()
    }
}

/// Counts (`usize` in the core, `u64` across the FFI).
pub(crate) mod count {
    use super::*;
    pub(crate) fn to_core(v: u64, at: &str, field: &str) -> Result<usize> {
        usize::try_from(v).map_err(|_| {
            crate::error::TwofoldError::invalid(&path(at, field), "is too large for this device")
        })
    }
    pub(crate) fn from_core(v: usize) -> u64 {
        u64::try_from(v).unwrap_or(u64::MAX)
    }
}

/// An item id, as a string.
pub(crate) mod id {
    use super::*;
    pub(crate) fn to_core(v: String, at: &str, field: &str) -> Result<ItemId> {
        Ok(ItemId::parse(&path(at, field), &v)?)
    }
    pub(crate) fn from_core(v: ItemId) -> String {
        v.as_str().to_string()
    }
}

pub(crate) mod opt_id {
    use super::*;
    pub(crate) fn to_core(v: Option<String>, at: &str, field: &str) -> Result<Option<ItemId>> {
        v.map(|s| id::to_core(s, at, field)).transpose()
    }
    pub(crate) fn from_core(v: Option<ItemId>) -> Option<String> {
        v.map(id::from_core)
    }
}

pub(crate) mod ids {
    use super::*;
    pub(crate) fn to_core(v: Vec<String>, at: &str, field: &str) -> Result<Vec<ItemId>> {
        v.into_iter().map(|s| id::to_core(s, at, field)).collect()
    }
    pub(crate) fn from_core(v: Vec<ItemId>) -> Vec<String> {
        v.into_iter().map(id::from_core).collect()
    }
}

/// A 16-byte id of the sync layer (a device, a document, a relay stream or mailbox) as 32
/// lowercase hex characters; tokens and hashes (32 bytes) go out as 64.
pub(crate) mod hex_id {
    use super::*;

    /// Lowercase hex of any bytes.
    pub(crate) fn encode(bytes: &[u8]) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
        out
    }

    pub(crate) fn to_core(v: String, at: &str, field: &str) -> Result<[u8; 16]> {
        twofold_core::sync::control::parse_id(&v).map_err(|_| {
            crate::error::TwofoldError::invalid(
                &path(at, field),
                "must be 32 lowercase hex characters",
            )
        })
    }

    pub(crate) fn from_core(v: [u8; 16]) -> String {
        encode(&v)
    }
}

/// A device's key id (`peer_id`, `owner`, `from`), as 32 lowercase hex characters.
pub(crate) mod key_id {
    use super::*;
    pub(crate) fn to_core(v: String, at: &str, field: &str) -> Result<KeyId> {
        hex_id::to_core(v, at, field).map(KeyId)
    }
    pub(crate) fn from_core(v: KeyId) -> String {
        hex_id::encode(v.as_bytes())
    }
}

/// A document id (`doc_id`, `notes_doc_id`): 32 lowercase hex characters, checked on the way
/// in so that a malformed one is `InvalidInput` rather than `NotFound`.
pub(crate) mod doc_id {
    use super::*;
    pub(crate) fn to_core(v: String, at: &str, field: &str) -> Result<String> {
        hex_id::to_core(v.clone(), at, field)?;
        Ok(v)
    }
}

/// A calendar day, `YYYY-MM-DD`.
pub(crate) mod day {
    use super::*;
    pub(crate) fn to_core(v: String, at: &str, field: &str) -> Result<Day> {
        Ok(Day::parse(&path(at, field), &v)?)
    }
    pub(crate) fn from_core(v: Day) -> String {
        v.to_string()
    }
}

pub(crate) mod opt_day {
    use super::*;
    pub(crate) fn to_core(v: Option<String>, at: &str, field: &str) -> Result<Option<Day>> {
        v.map(|s| day::to_core(s, at, field)).transpose()
    }
    pub(crate) fn from_core(v: Option<Day>) -> Option<String> {
        v.map(day::from_core)
    }
}

/// A wall-clock date and time, `YYYY-MM-DDTHH:MM[:SS]` in; `YYYY-MM-DDTHH:MM:SS` out.
pub(crate) mod time {
    use super::*;
    pub(crate) fn to_core(v: String, at: &str, field: &str) -> Result<LocalDateTime> {
        Ok(LocalDateTime::parse(&path(at, field), &v)?)
    }
    pub(crate) fn from_core(v: LocalDateTime) -> String {
        v.to_string()
    }
}

pub(crate) mod times {
    use super::*;
    pub(crate) fn to_core(v: Vec<String>, at: &str, field: &str) -> Result<Vec<LocalDateTime>> {
        v.into_iter().map(|s| time::to_core(s, at, field)).collect()
    }
    pub(crate) fn from_core(v: Vec<LocalDateTime>) -> Vec<String> {
        v.into_iter().map(time::from_core).collect()
    }
}

/// A uniffi enum mirroring a fieldless core enum of the same shape, with `From` both ways.
/// `$core` is the path of the core type (`tc::Domain`).
macro_rules! mirror_enum {
    (
        $(#[$meta:meta])*
        $name:ident => $core:path { $( $(#[$vmeta:meta])* $variant:ident ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl From<$core> for $name {
            fn from(c: $core) -> Self {
                type Core = $core;
                match c { $( Core::$variant => $name::$variant ),+ }
            }
        }

        impl From<$name> for $core {
            fn from(f: $name) -> Self {
                type Core = $core;
                match f { $( $name::$variant => Core::$variant ),+ }
            }
        }
    };
}

/// A uniffi record mirroring a core struct field by field (all of them: the conversion
/// destructures the core value exhaustively). Each field names its conversion (a module of
/// `convert`). Generates `From<core>` and [`ToCore`]; with `out` first, only `From<core>` (for
/// values the core computes: the home screen, a document snapshot).
macro_rules! mirror_record {
    (
        $(#[$meta:meta])*
        $name:ident => $core:path {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty => $conv:ident ),+ $(,)?
        }
    ) => {
        mirror_record! {
            out
            $(#[$meta])*
            $name => $core { $( $(#[$fmeta])* $field : $ty => $conv ),+ }
        }

        impl $crate::convert::ToCore for $name {
            type Core = $core;
            fn to_core(self, at: &str) -> $crate::error::Result<$core> {
                type CoreType = $core;
                Ok(CoreType {
                    $( $field: $crate::convert::$conv::to_core(self.$field, at, stringify!($field))? ),+
                })
            }
        }
    };
    (
        out
        $(#[$meta:meta])*
        $name:ident => $core:path {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty => $conv:ident ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $name { $( $(#[$fmeta])* pub $field: $ty ),+ }

        impl From<$core> for $name {
            fn from(c: $core) -> Self {
                type CoreType = $core;
                // Exhaustive on purpose: a field added to the core type fails to compile here
                // until it is mirrored.
                let CoreType { $( $field ),+ } = c;
                $name { $( $field: $crate::convert::$conv::from_core($field) ),+ }
            }
        }
    };
}

pub(crate) use {mirror_enum, mirror_record};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TwofoldError;

    #[test]
    fn sync_ids_are_lowercase_hex_both_ways() {
        assert_eq!(hex_id::encode(&[0x00, 0xab, 0xff]), "00abff");
        let id = KeyId([0x5a; 16]);
        let text = key_id::from_core(id);
        assert_eq!(text, "5a".repeat(16));
        assert_eq!(key_id::to_core(text, "", "peer_id").expect("parses"), id);
        for bad in [
            "5A".repeat(16),
            "5a".repeat(15),
            "zz".repeat(16),
            String::new(),
        ] {
            assert_eq!(
                key_id::to_core(bad, "", "peer_id"),
                Err(TwofoldError::invalid(
                    "peer_id",
                    "must be 32 lowercase hex characters"
                ))
            );
        }
        assert!(doc_id::to_core("../plan".to_string(), "", "doc_id").is_err());
    }
}
