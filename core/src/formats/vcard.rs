//! vCard 4.0 (RFC 6350) export and import of contacts, with their roles, using Stalwart's
//! `calcard` crate for both directions (its parser is hardened on untrusted mail data).
//!
//! Roles travel as CATEGORIES (what address books show as labels) in our snake_case names.
//! The crisis order and "do not involve" flags never leave the app: a vCard goes to other
//! apps and other people, and those two say more about a crisis than a phone book should.

use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty,
    VCardType, VCardValue, VCardVersion,
};
use calcard::{Entry, Parser};
use sha2::{Digest, Sha256};

use super::{limits, reason_of, ImportEntry, ImportOutcome, ImportReport};
use crate::error::{Error, Result};
use crate::model::contacts::{Contact, ContactRole, Phone};
use crate::model::ids::ItemId;
use crate::model::validate::{self, Validate, MAX_LIST};

const UID_PREFIX: &str = "urn:twofold:";

fn role_name(role: ContactRole) -> String {
    serde_json::to_value(role)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn role_of(text: &str) -> Option<ContactRole> {
    let name = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    serde_json::from_value(serde_json::Value::String(name)).ok()
}

const PHONE_TYPES: &[(&str, VCardType)] = &[
    ("mobile", VCardType::Cell),
    ("work", VCardType::Work),
    ("home", VCardType::Home),
    ("text", VCardType::Text),
];

fn text_entry(name: VCardProperty, value: &str) -> VCardEntry {
    VCardEntry::new(name).with_value(value.to_string())
}

/// Every contact as a vCard 4.0 stream.
pub fn export(contacts: &[Contact]) -> String {
    let mut out = String::new();
    for c in contacts {
        let mut card = VCard::default();
        card.entries.push(text_entry(
            VCardProperty::Uid,
            &format!("{UID_PREFIX}{}", c.id.as_str()),
        ));
        card.entries.push(text_entry(VCardProperty::Fn, &c.name));
        card.entries.push(
            VCardEntry::new(VCardProperty::Kind)
                .with_value(VCardValue::Kind(calcard::vcard::VCardKind::Individual)),
        );
        for phone in &c.phones {
            let mut entry = text_entry(VCardProperty::Tel, &phone.number);
            if let Some((_, t)) = PHONE_TYPES
                .iter()
                .find(|(label, _)| phone.label.eq_ignore_ascii_case(label))
            {
                entry.add_param(VCardParameter::new(VCardParameterName::Type, t.clone()));
            }
            card.entries.push(entry);
        }
        if let Some(email) = &c.email {
            card.entries.push(text_entry(VCardProperty::Email, email));
        }
        if !c.roles.is_empty() {
            card.entries.push(
                VCardEntry::new(VCardProperty::Categories).with_values(
                    c.roles
                        .iter()
                        .map(|r| VCardValue::Text(role_name(*r)))
                        .collect(),
                ),
            );
        }
        if !c.notes.is_empty() {
            card.entries.push(text_entry(VCardProperty::Note, &c.notes));
        }
        if !c.availability.is_empty() {
            card.entries.push(text_entry(
                VCardProperty::Other("X-TWOFOLD-AVAILABILITY".into()),
                &c.availability,
            ));
        }
        // Writing to a String cannot fail.
        let _ = card.write_to(&mut out, VCardVersion::V4_0);
    }
    out
}

fn texts(entry: &VCardEntry) -> Vec<String> {
    entry
        .values
        .iter()
        .filter_map(|v| match v {
            VCardValue::Text(t) => Some(t.clone()),
            VCardValue::Component(parts) => Some(parts.join(" ")),
            _ => None,
        })
        .collect()
}

fn first_text(card: &VCard, prop: &VCardProperty) -> String {
    card.entries
        .iter()
        .find(|e| &e.name == prop)
        .map(|e| texts(e).join(" ").trim().to_string())
        .unwrap_or_default()
}

/// The contact id a card's UID maps to: our own UIDs keep their id.
pub fn id_for_uid(uid: &str) -> ItemId {
    if let Some(own) = uid.strip_prefix(UID_PREFIX) {
        if let Ok(id) = ItemId::parse("uid", own) {
            return id;
        }
    }
    let digest = hex::encode(Sha256::digest(uid.as_bytes()));
    ItemId::from_trusted(format!("vcf-{}", &digest[..32]))
}

fn to_contact(card: &VCard, fallback_key: &str, dropped: &mut Vec<String>) -> Result<Contact> {
    let mut name = first_text(card, &VCardProperty::Fn);
    if name.is_empty() {
        name = first_text(card, &VCardProperty::N);
    }
    if name.is_empty() {
        return Err(Error::invalid("fn", "is missing"));
    }
    let uid = first_text(card, &VCardProperty::Uid);
    let id = id_for_uid(if uid.is_empty() { fallback_key } else { &uid });
    let mut phones = Vec::new();
    for tel in card.entries.iter().filter(|e| e.name == VCardProperty::Tel) {
        let number = texts(tel).join("");
        let number = number.strip_prefix("tel:").unwrap_or(&number).to_string();
        if validate::phone("phones.number", &number).is_err() {
            dropped.push("tel: not a phone number".into());
            continue;
        }
        let label = tel
            .params
            .iter()
            .filter(|p| p.name == VCardParameterName::Type)
            .find_map(|p| match &p.value {
                VCardParameterValue::Type(t) => PHONE_TYPES
                    .iter()
                    .find(|(_, known)| known == t)
                    .map(|(label, _)| label.to_string()),
                _ => None,
            })
            .unwrap_or_default();
        if phones.len() < MAX_LIST {
            phones.push(Phone { label, number });
        }
    }
    let email = card
        .entries
        .iter()
        .filter(|e| e.name == VCardProperty::Email)
        .map(|e| texts(e).join(""))
        .find(|e| validate::email("email", e).is_ok());
    let mut roles: Vec<ContactRole> = Vec::new();
    let mut unknown_role = false;
    for e in card
        .entries
        .iter()
        .filter(|e| matches!(e.name, VCardProperty::Categories | VCardProperty::Role))
    {
        for value in texts(e) {
            for part in value.split(',') {
                match role_of(part) {
                    Some(r) if !roles.contains(&r) => roles.push(r),
                    Some(_) => {}
                    None if !part.trim().is_empty() => unknown_role = true,
                    None => {}
                }
            }
        }
    }
    if unknown_role {
        dropped.push("categories: labels that are not roles were left out".into());
    }
    Ok(Contact {
        id,
        name,
        roles,
        phones,
        email,
        availability: first_text(card, &VCardProperty::Other("X-TWOFOLD-AVAILABILITY".into())),
        notes: first_text(card, &VCardProperty::Note),
        crisis_order: None,
        do_not_involve: false,
    })
}

/// Parses a vCard stream within the bounds of [`limits`].
pub fn parse(bytes: &[u8]) -> Result<Vec<VCard>> {
    let text = limits::text(bytes)?;
    let unfolded = limits::content_lines(text, "VCARD")?;
    let cards = std::panic::catch_unwind(|| {
        let mut cards = Vec::new();
        for body in card_bodies(&unfolded) {
            match Parser::new(body).vcard() {
                Entry::VCard(card) => cards.push(card),
                Entry::TooManyComponents => return Err("too many components"),
                _ => {}
            }
            if cards.len() > limits::MAX_ENTRIES {
                return Err("too many cards");
            }
        }
        Ok(cards)
    })
    .map_err(|_| Error::ImportRefused {
        reason: "the contacts file could not be read".into(),
    })?
    .map_err(|_| Error::ImportRefused {
        reason: "the file has more than 5000 entries".into(),
    })?;
    if cards.is_empty() {
        return Err(Error::ImportRefused {
            reason: "the file holds no vCard".into(),
        });
    }
    Ok(cards)
}

/// Where each top-level card of an unfolded stream (`limits::content_lines`) starts: the text
/// after its `BEGIN:VCARD` line, to the end (calcard's `Parser::vcard` reads from there up to
/// the card's end, as it does once `Parser::entry` has met the `BEGIN`). Cards are found as
/// `entry` finds them — a card ends at its first `BEGIN` or `END` line, any other component at
/// its matching `END` — but without `entry` parsing every other component with calcard's
/// iCalendar parser, which this import never uses (ADR 0018: 48 KB of the phones' library).
/// The unit tests compare the two on generated streams.
fn card_bodies(unfolded: &str) -> Vec<&str> {
    let mut bodies = Vec::new();
    let mut inside = Inside::Nothing;
    let mut at = 0;
    for line in unfolded.split_inclusive('\n') {
        at += line.len();
        let line = line.trim_end_matches(['\r', '\n']);
        inside = match inside {
            Inside::Nothing => match line.trim_start_matches('\u{feff}').split_once(':') {
                Some((name, value)) if name.eq_ignore_ascii_case("BEGIN") => {
                    if value.eq_ignore_ascii_case("VCARD") {
                        bodies.push(&unfolded[at..]);
                        Inside::Card
                    } else {
                        Inside::Other(0)
                    }
                }
                _ => Inside::Nothing,
            },
            Inside::Card => match property_name(line) {
                Some(name) if name.eq_ignore_ascii_case("BEGIN") => Inside::Nothing,
                Some(name) if name.eq_ignore_ascii_case("END") => Inside::Nothing,
                _ => Inside::Card,
            },
            Inside::Other(depth) => match line.find([':', ';']).map(|end| &line[..end]) {
                Some(name) if name.eq_ignore_ascii_case("BEGIN") => Inside::Other(depth + 1),
                Some(name) if name.eq_ignore_ascii_case("END") => match depth {
                    0 => Inside::Nothing,
                    _ => Inside::Other(depth - 1),
                },
                _ => Inside::Other(depth),
            },
        };
    }
    bodies
}

/// Where [`card_bodies`] is in the stream.
#[derive(Clone, Copy)]
enum Inside {
    Nothing,
    Card,
    /// Another component, this many components deep inside it.
    Other(usize),
}

/// A vCard content line's property name, without its group (`item1.TEL;TYPE=CELL:…` → `TEL`).
fn property_name(line: &str) -> Option<&str> {
    let head = &line[..line.find([':', ';'])?];
    Some(head.split_once('.').map_or(head, |(_, name)| name))
}

/// Plans an import: the contacts to write and the report. Nothing is written. Existing
/// contacts keep their crisis order and "do not involve" flag.
pub fn plan(cards: &[VCard], existing: &[Contact]) -> (ImportReport, Vec<Contact>) {
    let mut report = ImportReport::default();
    let mut contacts: Vec<Contact> = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        let key = format!("#{i}");
        let label = first_text(card, &VCardProperty::Fn);
        let mut dropped = Vec::new();
        let contact = to_contact(card, &format!("{key}:{label}"), &mut dropped).map(|mut c| {
            if let Some(before) = existing.iter().find(|e| e.id == c.id) {
                c.crisis_order = before.crisis_order;
                c.do_not_involve = before.do_not_involve;
            }
            c
        });
        match contact.and_then(|c| c.validate().map(|_| c)) {
            Ok(c) if contacts.iter().any(|o| o.id == c.id) => {
                report.skip(key, label, "the UID appears twice");
            }
            Ok(c) => {
                report.push(ImportEntry {
                    key,
                    label,
                    outcome: if existing.iter().any(|e| e.id == c.id) {
                        ImportOutcome::Updated
                    } else {
                        ImportOutcome::Added
                    },
                    dropped,
                });
                contacts.push(c);
            }
            Err(err) => report.skip(key, label, reason_of(&err)),
        }
    }
    (report, contacts)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What the import read before `card_bodies`: calcard finding each entry itself.
    fn cards_through_entry(unfolded: &str) -> Vec<VCard> {
        let mut parser = Parser::new(unfolded);
        let mut cards = Vec::new();
        loop {
            match parser.entry() {
                Entry::VCard(card) => cards.push(card),
                Entry::Eof => break,
                _ => {}
            }
        }
        cards
    }

    fn property() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "VERSION:4.0",
            "VERSION:2.1",
            "FN:Ann Lee",
            "N:Lee;Ann;;;",
            "TEL;TYPE=CELL:+1 555 0199",
            "EMAIL:ann@example.org",
            "NOTE;ENCODING=QUOTED-PRINTABLE:call=20after=20six",
            "UID:urn:uuid:1",
            "X-TWOFOLD-ROLE:sponsor",
            "SUMMARY:meeting",
            "AGENT:BEGIN:VCARD",
            "item1.TEL:+1 555 0100",
            "item1.END:VCARD",
            "BEGIN;X=1:VCARD",
            "END;X=1:VEVENT",
            "BEGIN:VCARD ",
            "not a content line",
        ])
    }

    /// A stream as `content_lines` accepts it: components (vCards, calendars, events, in any
    /// nesting) and lines between them.
    fn stream() -> impl Strategy<Value = String> {
        let leaf = property().prop_map(|p| format!("{p}\r\n"));
        leaf.prop_recursive(4, 64, 8, |inner| {
            (
                prop::sample::select(vec!["VCARD", "vcard", "VCALENDAR", "VEVENT"]),
                proptest::collection::vec(inner, 0..8),
            )
                .prop_map(|(name, body)| format!("BEGIN:{name}\r\n{}END:{name}\r\n", body.concat()))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// On every stream the import accepts (balanced, as `content_lines` leaves it), the
        /// cards read are exactly those calcard's `entry` loop read.
        #[test]
        fn card_bodies_read_the_cards_entry_read(items in proptest::collection::vec(stream(), 0..6)) {
            let text = items.concat();
            // The few generated streams `content_lines` refuses never reach the parser.
            let Ok(unfolded) = limits::content_lines(&text, "VCARD") else {
                return Ok(());
            };
            let through_bodies: Vec<VCard> = card_bodies(&unfolded)
                .into_iter()
                .filter_map(|body| match Parser::new(body).vcard() {
                    Entry::VCard(card) => Some(card),
                    _ => None,
                })
                .collect();
            prop_assert_eq!(through_bodies, cards_through_entry(&unfolded));
        }
    }

    #[test]
    fn a_card_inside_a_calendar_is_not_a_top_level_card() {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\nEND:VCALENDAR\r\n\
                    BEGIN:VCARD\r\nFN:y\r\nEND:VCARD\r\n";
        assert_eq!(card_bodies(text), vec!["FN:y\r\nEND:VCARD\r\n"]);
    }
}
