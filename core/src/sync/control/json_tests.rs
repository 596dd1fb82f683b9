//! The hand-written control-message reader against the derived one it replaced (kept here as
//! the oracle): on messages our writer wrote, their keys reordered, their sequence form, their
//! mutations (keys dropped, repeated, unknown, escaped; values of other shapes; the unit enums
//! as maps) and garbage, both accept with equal values or both refuse.

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::super::{
    ControlMessage, Grant, HandedShare, Handover, Introduction, LinkedDevice, PrekeyAnnouncement,
    ReadPosition,
};
use crate::docs::kind::DocKind;
use crate::model::sos::{SosLocation, SosReply};
use crate::sync::sos_control::{SosAnswer, SosCall};

/// The derived reader as it was (a copy of the enum's declaration; its `Serialize` half makes
/// a variant added to the enum but not here a compile error, and a test checks that it writes
/// what the enum writes).
#[derive(Serialize, Deserialize)]
#[serde(
    remote = "ControlMessage",
    tag = "type",
    rename_all = "snake_case",
    deny_unknown_fields
)]
enum Derived {
    Grant(Box<Grant>),
    Writers {
        doc_id: String,
        epoch: u32,
        writers: Vec<String>,
    },
    Revoked {
        doc_id: String,
        reason: String,
    },
    Sos(SosCall),
    SosAnswer(SosAnswer),
    SosClosed {
        sos_id: String,
    },
    RecoveryKey {
        keys: String,
    },
    Successor {
        old: String,
        new: String,
        channel: String,
    },
    Devices {
        devices: Vec<LinkedDevice>,
    },
    Introduce(Introduction),
    Handover(Handover),
    ReadThrough {
        streams: Vec<ReadPosition>,
    },
    Prekey(PrekeyAnnouncement),
}

fn derived(json: &[u8]) -> serde_json::Result<ControlMessage> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let message = Derived::deserialize(&mut de)?;
    de.end()?;
    Ok(message)
}

fn derived_json(message: &ControlMessage) -> String {
    let mut out = Vec::new();
    Derived::serialize(message, &mut serde_json::Serializer::new(&mut out)).expect("plain data");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Both refuse, or both accept with equal values.
fn same(json: &[u8]) -> Result<(), TestCaseError> {
    let ours = serde_json::from_slice::<ControlMessage>(json);
    let theirs = derived(json);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        (a, b) => prop_assert!(
            false,
            "ours {:?}, derived {:?}, for {}",
            a,
            b,
            String::from_utf8_lossy(json)
        ),
    }
    Ok(())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{0,8}",
        "[a-zA-Z \"\\\\/é\u{1F600}\n]{0,6}",
        Just(String::new()),
    ]
}

fn texts() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 0..3)
}

fn kind() -> impl Strategy<Value = DocKind> {
    prop_oneof![
        Just(DocKind::Plan),
        Just(DocKind::Contacts),
        Just(DocKind::Schedule),
        Just(DocKind::Journal),
        Just(DocKind::Summary),
        Just(DocKind::Notes),
        Just(DocKind::Circle),
    ]
}

fn reply() -> impl Strategy<Value = SosReply> {
    prop_oneof![
        Just(SosReply::Calling),
        Just(SosReply::OnMyWay),
        Just(SosReply::CantNow),
    ]
}

fn grant() -> impl Strategy<Value = ControlMessage> {
    (
        (text(), kind(), text(), any::<u32>(), text(), text()),
        (any::<u64>(), texts(), proptest::option::of(text())),
        (proptest::option::of(text()), text()),
        (
            proptest::option::of(any::<i64>()),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (doc_id, kind, access, epoch, stream, wrapped_key),
                (read_from, writers, append_token_hash),
                (append_token, purpose),
                (expires_at_ms, replaces),
            )| {
                ControlMessage::Grant(Box::new(Grant {
                    doc_id,
                    kind,
                    access,
                    epoch,
                    stream,
                    wrapped_key,
                    read_from,
                    writers,
                    append_token_hash,
                    append_token,
                    purpose,
                    expires_at_ms,
                    replaces,
                }))
            },
        )
}

fn sos() -> impl Strategy<Value = ControlMessage> {
    let location =
        (any::<i32>(), any::<i32>(), any::<u32>()).prop_map(|(lat_e6, lon_e6, accuracy_m)| {
            SosLocation {
                lat_e6,
                lon_e6,
                accuracy_m,
            }
        });
    (
        text(),
        proptest::option::of(text()),
        proptest::option::of(location),
        any::<i64>(),
        any::<u32>(),
        any::<i64>(),
    )
        .prop_map(
            |(sos_id, text, location, sent_at_ms, rung, answer_within_ms)| {
                ControlMessage::Sos(SosCall {
                    sos_id,
                    text,
                    location,
                    sent_at_ms,
                    rung,
                    answer_within_ms,
                })
            },
        )
}

fn others() -> impl Strategy<Value = ControlMessage> {
    let device = (text(), text(), text()).prop_map(|(keys, name, channel)| LinkedDevice {
        keys,
        name,
        channel,
    });
    let introduction = (
        (text(), text(), proptest::option::of(text()), text()),
        (texts(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |((keys, name, relay, channel), (sos_contacts, ended, circle))| Introduction {
                keys,
                name,
                relay,
                channel,
                sos_contacts,
                ended,
                circle,
            },
        );
    let share = (
        text(),
        text(),
        text(),
        text(),
        proptest::option::of(any::<i64>()),
    )
        .prop_map(
            |(doc_id, peer, access, purpose, expires_at_ms)| HandedShare {
                doc_id,
                peer,
                access,
                purpose,
                expires_at_ms,
            },
        );
    let handover = (text(), any::<u64>(), prop::collection::vec(share, 0..3)).prop_map(
        |(recovery, next_seq, shares)| Handover {
            recovery,
            next_seq,
            shares,
        },
    );
    let position =
        (text(), any::<u64>()).prop_map(|(stream, through)| ReadPosition { stream, through });
    prop_oneof![
        (text(), any::<u32>(), texts()).prop_map(|(doc_id, epoch, writers)| {
            ControlMessage::Writers {
                doc_id,
                epoch,
                writers,
            }
        }),
        (text(), text()).prop_map(|(doc_id, reason)| ControlMessage::Revoked { doc_id, reason }),
        (text(), reply())
            .prop_map(|(sos_id, reply)| { ControlMessage::SosAnswer(SosAnswer { sos_id, reply }) }),
        text().prop_map(|sos_id| ControlMessage::SosClosed { sos_id }),
        text().prop_map(|keys| ControlMessage::RecoveryKey { keys }),
        (text(), text(), text()).prop_map(|(old, new, channel)| ControlMessage::Successor {
            old,
            new,
            channel
        }),
        prop::collection::vec(device, 0..3).prop_map(|devices| ControlMessage::Devices { devices }),
        introduction.prop_map(ControlMessage::Introduce),
        handover.prop_map(ControlMessage::Handover),
        prop::collection::vec(position, 0..3)
            .prop_map(|streams| ControlMessage::ReadThrough { streams }),
        (text(), text(), proptest::option::of(text())).prop_map(|(public, signature, seen)| {
            ControlMessage::Prekey(PrekeyAnnouncement {
                public,
                signature,
                seen,
            })
        }),
    ]
}

fn message() -> impl Strategy<Value = ControlMessage> {
    prop_oneof![grant(), sos(), others()]
}

/// A map's entries as written, in order.
struct Entries(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// The written message's entries: (the key's JSON, the value's JSON).
fn entries(message: &ControlMessage) -> Vec<(String, String)> {
    let json = serde_json::to_string(message).expect("plain data");
    let Entries(entries) = serde_json::from_str(&json).expect("a map");
    entries
        .into_iter()
        .map(|(k, v)| {
            (
                serde_json::to_string(&k).expect("a key"),
                v.get().to_string(),
            )
        })
        .collect()
}

fn map_text(entries: &[(String, String)]) -> String {
    let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("{{{}}}", inner.join(","))
}

/// Values of other shapes, and the forms of a unit enum serde reads or refuses.
const SNIPPETS: &[&str] = &[
    "null",
    "{}",
    "[]",
    "0",
    "-0",
    "1.0",
    "1e400",
    "-1",
    "4294967296",
    "18446744073709551616",
    "true",
    r#""x""#,
    r#""plan""#,
    r#""calling""#,
    r#"{"plan":{}}"#,
    r#"{"plan":null}"#,
    r#"{"plan":[]}"#,
    r#"{"plan":{"a":1}}"#,
    r#"{"plan":null,"notes":null}"#,
    r#"{"on_my_way":{}}"#,
    r#"{"cant_now":null}"#,
    r#"{"Calling":null}"#,
    r#"["plan"]"#,
    r#"["a","b"]"#,
    r#"[[[[[]]]]]"#,
    r#""\ud800""#,
    r#""\u0070lan""#,
    r#"{"a":1}"#,
    r#"{"lat_e6":1,"lon_e6":2,"accuracy_m":3}"#,
    r#"[1,2,3]"#,
    r#"{"keys":"k","name":"n","channel":"c"}"#,
    r#"["k","n","c"]"#,
    r#"{"stream":"s","through":1}"#,
];

/// Tag values: every variant's name, and near misses.
const TAGS: &[&str] = &[
    r#""grant""#,
    r#""writers""#,
    r#""revoked""#,
    r#""sos""#,
    r#""sos_answer""#,
    r#""sos_closed""#,
    r#""recovery_key""#,
    r#""successor""#,
    r#""devices""#,
    r#""introduce""#,
    r#""handover""#,
    r#""read_through""#,
    r#""prekey""#,
    r#""Grant""#,
    r#""gr\u0061nt""#,
    "0",
    "null",
    r#"{"grant":null}"#,
];

#[derive(Debug, Clone)]
enum Mutation {
    Rotate(usize),
    Swap(usize, usize),
    Drop(usize),
    Repeat(usize),
    Unknown(usize),
    Value(usize, usize),
    Key(usize),
    Tag(usize),
    SecondTag(usize),
    EscapedTag,
    /// A grant's `kind` or an answer's `reply` written as a map of its name to this.
    UnitAsMap(usize),
}

const UNIT_FORMS: &[&str] = &["null", "{}", "[]", r#"{"a":1}"#, "0", r#""""#];

fn mutation() -> impl Strategy<Value = Mutation> {
    let i = any::<usize>();
    prop_oneof![
        i.prop_map(Mutation::Rotate),
        (i, i).prop_map(|(a, b)| Mutation::Swap(a, b)),
        i.prop_map(Mutation::Drop),
        i.prop_map(Mutation::Repeat),
        i.prop_map(Mutation::Unknown),
        (i, i).prop_map(|(a, b)| Mutation::Value(a, b)),
        i.prop_map(Mutation::Key),
        i.prop_map(Mutation::Tag),
        i.prop_map(Mutation::SecondTag),
        Just(Mutation::EscapedTag),
        i.prop_map(Mutation::UnitAsMap),
    ]
}

fn mutate(entries: &mut Vec<(String, String)>, mutation: &Mutation) {
    let n = entries.len();
    match *mutation {
        Mutation::Rotate(k) => entries.rotate_left(k % n),
        Mutation::Swap(a, b) => entries.swap(a % n, b % n),
        Mutation::Drop(i) => {
            entries.remove(i % n);
        }
        Mutation::Repeat(i) => {
            let entry = entries[i % n].clone();
            entries.insert(i % (n + 1), entry);
        }
        Mutation::Unknown(i) => entries.insert(i % (n + 1), (r#""extra""#.into(), "1".into())),
        Mutation::Value(i, s) => entries[i % n].1 = SNIPPETS[s % SNIPPETS.len()].into(),
        Mutation::Key(i) => {
            // The same name with its first letter escaped: still the same key.
            let key = &mut entries[i % n].0;
            let first = key.chars().nth(1).unwrap_or('a');
            *key = format!("\"\\u{:04x}{}", first as u32, &key[1 + first.len_utf8()..]);
        }
        Mutation::Tag(t) => {
            if let Some(entry) = entries.iter_mut().find(|(k, _)| k == r#""type""#) {
                entry.1 = TAGS[t % TAGS.len()].into();
            }
        }
        Mutation::SecondTag(t) => {
            entries.push((r#""type""#.into(), TAGS[t % TAGS.len()].into()));
        }
        Mutation::UnitAsMap(u) => {
            for (k, v) in entries.iter_mut() {
                if k == r#""kind""# || k == r#""reply""# {
                    *v = format!("{{{v}:{}}}", UNIT_FORMS[u % UNIT_FORMS.len()]);
                }
            }
        }
        Mutation::EscapedTag => {
            if let Some(entry) = entries.iter_mut().find(|(k, _)| k == r#""type""#) {
                entry.0 = r#""\u0074ype""#.into();
            }
        }
    }
}

#[test]
fn the_oracle_writes_what_the_enum_writes() {
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(&message(), |m| {
            prop_assert_eq!(derived_json(&m), serde_json::to_string(&m).expect("plain"));
            Ok(())
        })
        .expect("the copy declares what the enum declares");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// What our writer writes: read back equal, by both.
    #[test]
    fn written_messages_read_back_equal(message in message()) {
        let json = serde_json::to_vec(&message).expect("plain data");
        prop_assert_eq!(serde_json::from_slice::<ControlMessage>(&json).ok(), Some(message));
        same(&json)?;
    }

    /// Keys in other orders (the tag anywhere), mutated entries, the sequence form.
    #[test]
    fn mutated_messages_are_read_as_the_derived_reader_read_them(
        message in message(),
        mutations in prop::collection::vec(mutation(), 1..4),
        extra in prop::option::of(0..SNIPPETS.len()),
        cut in any::<usize>(),
    ) {
        let mut entries = entries(&message);
        for m in &mutations {
            if !entries.is_empty() {
                mutate(&mut entries, m);
            }
        }
        same(map_text(&entries).as_bytes())?;
        // The sequence form: the tag first, then the values in order (an extra one, or one
        // short).
        let mut values: Vec<String> = entries.iter().map(|(_, v)| v.clone()).collect();
        if let Some(tag) = entries.iter().position(|(k, _)| k == r#""type""#) {
            let tag = values.remove(tag);
            values.insert(0, tag);
        }
        same(format!("[{}]", values.join(",")).as_bytes())?;
        if let Some(s) = extra {
            values.push(SNIPPETS[s].into());
        } else if !values.is_empty() {
            values.truncate(cut % values.len());
        }
        same(format!("[{}]", values.join(",")).as_bytes())?;
    }

    /// The written text cut and followed by JSON-ish bytes.
    #[test]
    fn damaged_text_is_refused_by_both_or_read_equal(
        message in message(),
        cut in any::<usize>(),
        junk in "[\\[\\]{}:,\" a-z0-9.-]{0,12}",
    ) {
        let json = serde_json::to_string(&message).expect("plain data");
        let mut cut = cut % (json.len() + 1);
        while !json.is_char_boundary(cut) {
            cut -= 1;
        }
        same(format!("{}{}{}", &json[..cut], junk, &json[cut..]).as_bytes())?;
        same(format!("{}{}", &json[..cut], junk).as_bytes())?;
    }

    #[test]
    fn garbage_is_refused_by_both_or_read_equal(
        garbage in "[\\[\\]{}:,\" a-z_0-9.-]{0,40}",
        bytes in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        same(garbage.as_bytes())?;
        same(&bytes)?;
    }
}

#[test]
fn the_unit_enums_read_as_maps_to_null_or_empty_maps() {
    let grant = r#"{"type":"grant","doc_id":"d","kind":{"plan":{}},"access":"read","epoch":0,"stream":"s","wrapped_key":"","read_from":0,"writers":[],"purpose":"","expires_at_ms":null,"replaces":null}"#;
    let Ok(ControlMessage::Grant(g)) = serde_json::from_str::<ControlMessage>(grant) else {
        panic!("read")
    };
    assert_eq!(g.kind, DocKind::Plan);
    for reply in [r#""calling""#, r#"{"calling":null}"#, r#"{"calling":{}}"#] {
        let answer = format!(r#"{{"sos_id":"s","reply":{reply},"type":"sos_answer"}}"#);
        assert_eq!(
            serde_json::from_str::<ControlMessage>(&answer).ok(),
            Some(ControlMessage::SosAnswer(SosAnswer {
                sos_id: "s".into(),
                reply: SosReply::Calling,
            })),
            "{answer}"
        );
        same(answer.as_bytes()).expect("as the derived reader");
    }
    let seq = r#"["revoked","d","erased"]"#;
    assert_eq!(
        serde_json::from_str::<ControlMessage>(seq).ok(),
        Some(ControlMessage::Revoked {
            doc_id: "d".into(),
            reason: "erased".into()
        })
    );
}
