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
        let mut parser = Parser::new(&unfolded);
        let mut cards = Vec::new();
        loop {
            match parser.entry() {
                Entry::VCard(card) => cards.push(card),
                Entry::Eof => break,
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
