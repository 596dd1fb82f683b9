//! Meeting Guide JSON feeds (the Code for Recovery specification that AA, Al-Anon and other
//! fellowships publish): parsing, filtering and mapping to meetings.
//!
//! Each feed entry becomes one weekly meeting (several `day`s become one rule with several
//! BYDAY values). Unknown fields and type codes are ignored or kept, never fatal; an entry
//! that cannot become a meeting is skipped with its reason. A re-import matches meetings by
//! `slug`, so the person's reminders, exceptions and attendance stay attached.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveTime, TimeZone};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{limits, reason_of, ImportEntry, ImportOutcome, ImportReport};
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::schedule::{Meeting, MeetingFormat, MeetingKind};
use crate::model::time::{parse_zone, Day, LocalDateTime};
use crate::model::validate::{self, Validate};

/// Which feed entries to take. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MeetingGuideFilter {
    /// Every one of these type codes must be present (e.g. `DD`).
    pub types: Vec<String>,
    /// At least one of these days (0 = Sunday … 6 = Saturday).
    pub days: Vec<u8>,
    /// Only meetings one can join online or by phone.
    pub online_or_phone_only: bool,
    /// A language type code (`EN`, `S`, `FR`…) or tag (`en`, `es`…).
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingGuideImport {
    pub filter: MeetingGuideFilter,
    /// When set, only these slugs are taken (the person's choice from a preview).
    pub choose: Option<Vec<String>>,
    /// Zone of entries that name none.
    pub default_time_zone: String,
    /// The first occurrence is on or after this day.
    pub today: Day,
    pub kind: MeetingKind,
    /// Report what would happen without writing.
    pub dry_run: bool,
}

/// Meeting Guide language codes and the language tags they stand for.
const LANGUAGES: &[(&str, &str)] = &[
    ("EN", "en"),
    ("S", "es"),
    ("FR", "fr"),
    ("ITA", "it"),
    ("POR", "pt"),
    ("POL", "pl"),
    ("RUS", "ru"),
    ("JA", "ja"),
    ("KOR", "ko"),
    ("GER", "de"),
    ("FA", "fa"),
    ("ASL", "ase"),
];

const WEEKDAYS: [&str; 7] = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/// One feed entry, read leniently.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub slug: String,
    pub name: String,
    pub days: Vec<u8>,
    pub time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub timezone: Option<String>,
    pub address: String,
    pub location: String,
    pub location_notes: String,
    pub conference_url: Option<String>,
    pub conference_url_notes: String,
    pub conference_phone: Option<String>,
    pub conference_phone_notes: String,
    pub types: Vec<String>,
    pub notes: String,
}

fn text(obj: &serde_json::Map<String, Value>, key: &str) -> String {
    match obj.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn day(v: &Value) -> Option<u8> {
    let n = match v {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    u8::try_from(n).ok().filter(|d| *d <= 6)
}

fn time(raw: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(raw, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M:%S"))
        .ok()
}

fn entry(obj: &serde_json::Map<String, Value>) -> FeedEntry {
    let mut days: Vec<u8> = match obj.get("day") {
        Some(Value::Array(list)) => list.iter().filter_map(day).collect(),
        Some(v) => day(v).into_iter().collect(),
        None => Vec::new(),
    };
    days.sort_unstable();
    days.dedup();
    let types = match obj.get("types") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|t| t.as_str())
            .map(|t| t.trim().to_string())
            .collect(),
        Some(Value::String(s)) => s.split(',').map(|t| t.trim().to_string()).collect(),
        _ => Vec::new(),
    };
    let address = {
        let formatted = text(obj, "formatted_address");
        if formatted.is_empty() {
            ["address", "city", "state", "postal_code", "country"]
                .iter()
                .map(|k| text(obj, k))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            formatted
        }
    };
    FeedEntry {
        slug: text(obj, "slug"),
        name: text(obj, "name"),
        days,
        time: time(&text(obj, "time")),
        end_time: time(&text(obj, "end_time")),
        timezone: some(text(obj, "timezone")),
        address,
        location: text(obj, "location"),
        location_notes: text(obj, "location_notes"),
        conference_url: some(text(obj, "conference_url")),
        conference_url_notes: text(obj, "conference_url_notes"),
        conference_phone: some(text(obj, "conference_phone")),
        conference_phone_notes: text(obj, "conference_phone_notes"),
        types,
        notes: text(obj, "notes"),
    }
}

/// Parses a feed within the bounds of [`limits`]. Entries that are not objects come back as
/// `None` so the report can name their position.
pub fn parse(bytes: &[u8]) -> Result<Vec<Option<FeedEntry>>> {
    let text = limits::text(bytes)?;
    limits::json_depth(text)?;
    let value: Value = serde_json::from_str(text).map_err(|_| Error::ImportRefused {
        reason: "the file is not JSON".into(),
    })?;
    let list = match value {
        Value::Array(list) => list,
        Value::Object(mut obj) => match obj.remove("meetings") {
            Some(Value::Array(list)) => list,
            _ => {
                return Err(Error::ImportRefused {
                    reason: "the file is not a Meeting Guide feed (no list of meetings)".into(),
                })
            }
        },
        _ => {
            return Err(Error::ImportRefused {
                reason: "the file is not a Meeting Guide feed (no list of meetings)".into(),
            })
        }
    };
    if list.len() > limits::MAX_ENTRIES {
        return Err(Error::ImportRefused {
            reason: "the file has more than 5000 entries".into(),
        });
    }
    Ok(list.iter().map(|v| v.as_object().map(entry)).collect())
}

fn language_of(types: &[String]) -> String {
    types
        .iter()
        .find_map(|t| {
            LANGUAGES
                .iter()
                .find(|(code, _)| t.eq_ignore_ascii_case(code))
                .map(|(_, tag)| tag.to_string())
        })
        .unwrap_or_default()
}

/// Why `e` does not pass `filter`, if it does not.
pub fn filtered_out(e: &FeedEntry, filter: &MeetingGuideFilter) -> Option<&'static str> {
    let has = |code: &str| e.types.iter().any(|t| t.eq_ignore_ascii_case(code));
    if !filter.types.iter().all(|t| has(t)) {
        return Some("filtered out by type");
    }
    if !filter.days.is_empty() && !e.days.iter().any(|d| filter.days.contains(d)) {
        return Some("filtered out by day");
    }
    if filter.online_or_phone_only && e.conference_url.is_none() && e.conference_phone.is_none() {
        return Some("filtered out: not online or by phone");
    }
    if let Some(lang) = &filter.language {
        if !has(lang) && !language_of(&e.types).eq_ignore_ascii_case(lang) {
            return Some("filtered out by language");
        }
    }
    None
}

/// The item id a slug gets on first import.
pub fn id_for_slug(slug: &str) -> ItemId {
    let digest = hex::encode(Sha256::digest(slug.as_bytes()));
    ItemId::from_trusted(format!("mg-{}", &digest[..32]))
}

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

/// Maps one entry onto a meeting (a new one, or `existing` from an earlier import).
pub fn to_meeting(
    e: &FeedEntry,
    options: &MeetingGuideImport,
    existing: Option<&Meeting>,
    dropped: &mut Vec<String>,
) -> Result<Meeting> {
    if e.days.is_empty() {
        return Err(Error::invalid(
            "day",
            "is missing (meetings by appointment are not imported)",
        ));
    }
    let start_time = e
        .time
        .ok_or_else(|| Error::invalid("time", "is missing or not HH:MM"))?;
    let zone_name = e
        .timezone
        .clone()
        .unwrap_or_else(|| options.default_time_zone.clone());
    let zone = parse_zone("timezone", &zone_name)?;
    let duration = match e.end_time {
        Some(end) => {
            let mins = (end - start_time).num_minutes();
            let mins = if mins <= 0 { mins + 24 * 60 } else { mins };
            u32::try_from(mins).unwrap_or(60)
        }
        None => 60,
    };
    let conference_url = e.conference_url.clone().and_then(|u| {
        validate::url("conference_url", &u)
            .map_err(|_| dropped.push("conference_url: not an https or http address".into()))
            .ok()
            .map(|_| u)
    });
    let conference_phone = e.conference_phone.clone().and_then(|p| {
        validate::phone("conference_phone", &p)
            .map_err(|_| dropped.push("conference_phone: not a phone number".into()))
            .ok()
            .map(|_| p)
    });
    let mut type_codes = Vec::new();
    for t in &e.types {
        if !t.is_empty()
            && t.len() <= 16
            && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            if !type_codes.contains(t) && type_codes.len() < validate::MAX_LIST {
                type_codes.push(t.clone());
            }
        } else {
            dropped.push("types: a code with characters other than letters, digits and -".into());
        }
    }
    let has = |code: &str| type_codes.iter().any(|t| t.eq_ignore_ascii_case(code));
    let online = has("ONL") || conference_url.is_some();
    let in_person = !e.address.is_empty() && !has("TC");
    let format = match (in_person, online, conference_phone.is_some()) {
        (true, true, _) | (true, false, true) => MeetingFormat::Hybrid,
        (true, false, false) => MeetingFormat::InPerson,
        (false, true, _) => MeetingFormat::Online,
        (false, false, true) => MeetingFormat::Phone,
        (false, false, false) => MeetingFormat::InPerson,
    };
    let byday: Vec<&str> = e.days.iter().map(|d| WEEKDAYS[usize::from(*d)]).collect();
    let rrule = format!("FREQ=WEEKLY;BYDAY={}", byday.join(","));
    // Keep the first occurrence of an earlier import while the time and days are unchanged,
    // so that the occurrences already logged stay in the series.
    let start = match existing {
        Some(m)
            if m.rrule.as_deref() == Some(rrule.as_str())
                && m.start.0.time() == start_time
                && m.time_zone == zone_name =>
        {
            m.start
        }
        _ => {
            let mut date = options.today.0;
            let mut found = None;
            for _ in 0..21 {
                let weekday = u8::try_from(date.weekday().num_days_from_sunday()).unwrap_or(0);
                let local = date.and_time(start_time);
                if e.days.contains(&weekday)
                    && zone.from_local_datetime(&local).earliest().is_some()
                {
                    found = Some(local);
                    break;
                }
                date += Duration::days(1);
            }
            LocalDateTime(found.ok_or_else(|| Error::invalid("time", "never exists in this zone"))?)
        }
    };
    let mut location_notes = join(&[&e.location, &e.location_notes]);
    location_notes.truncate(location_notes.floor_char_boundary_compat(validate::MAX_LONG));
    let notes = join(&[&e.notes, &e.conference_url_notes, &e.conference_phone_notes]);
    let base = existing.cloned();
    Ok(Meeting {
        id: base
            .as_ref()
            .map(|m| m.id.clone())
            .unwrap_or_else(|| id_for_slug(&e.slug)),
        name: e.name.clone(),
        kind: base.as_ref().map(|m| m.kind).unwrap_or(options.kind),
        format,
        address: e.address.clone(),
        location_notes,
        conference_url,
        conference_phone,
        start,
        time_zone: zone_name,
        duration_minutes: duration,
        rrule: Some(rrule),
        exdates: base.as_ref().map(|m| m.exdates.clone()).unwrap_or_default(),
        language: language_of(&type_codes),
        accessibility: if has("X") {
            "Wheelchair access".into()
        } else {
            String::new()
        },
        type_codes,
        cost: base.as_ref().map(|m| m.cost.clone()).unwrap_or_default(),
        reminder_offsets_minutes: base
            .as_ref()
            .map(|m| m.reminder_offsets_minutes.clone())
            .unwrap_or_default(),
        source_slug: Some(e.slug.clone()),
        notes,
    })
}

trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, at: usize) -> usize;
}

impl FloorCharBoundary for String {
    fn floor_char_boundary_compat(&self, at: usize) -> usize {
        if at >= self.len() {
            return self.len();
        }
        (0..=at)
            .rev()
            .find(|i| self.is_char_boundary(*i))
            .unwrap_or(0)
    }
}

/// Plans an import: which entries become which meetings. Nothing is written here.
pub fn plan(
    entries: &[Option<FeedEntry>],
    options: &MeetingGuideImport,
    existing: &[Meeting],
) -> (ImportReport, Vec<Meeting>) {
    let by_slug: HashMap<&str, &Meeting> = existing
        .iter()
        .filter_map(|m| m.source_slug.as_deref().map(|s| (s, m)))
        .collect();
    let chosen: Option<BTreeSet<&str>> = options
        .choose
        .as_ref()
        .map(|c| c.iter().map(String::as_str).collect());
    let mut seen = BTreeSet::new();
    let mut report = ImportReport {
        dry_run: options.dry_run,
        ..ImportReport::default()
    };
    let mut meetings = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(e) = e else {
            report.skip(format!("#{i}"), String::new(), "not a meeting object");
            continue;
        };
        let key = if e.slug.is_empty() {
            format!("#{i}")
        } else {
            e.slug.clone()
        };
        if e.slug.is_empty() || e.slug.chars().count() > validate::MAX_SHORT {
            report.skip(key, e.name.clone(), "no usable slug");
            continue;
        }
        if !seen.insert(e.slug.clone()) {
            report.skip(key, e.name.clone(), "the slug appears twice in the feed");
            continue;
        }
        if let Some(why) = filtered_out(e, &options.filter) {
            report.skip(key, e.name.clone(), why);
            continue;
        }
        if chosen
            .as_ref()
            .is_some_and(|c| !c.contains(e.slug.as_str()))
        {
            report.skip(key, e.name.clone(), "not chosen");
            continue;
        }
        let before = by_slug.get(e.slug.as_str()).copied();
        let mut dropped = Vec::new();
        let meeting =
            to_meeting(e, options, before, &mut dropped).and_then(|m| m.validate().map(|_| m));
        match meeting {
            Ok(m) => {
                report.push(ImportEntry {
                    key,
                    label: e.name.clone(),
                    outcome: if before.is_some() {
                        ImportOutcome::Updated
                    } else {
                        ImportOutcome::Added
                    },
                    dropped,
                });
                meetings.push(m);
            }
            Err(err) => report.skip(key, e.name.clone(), reason_of(&err)),
        }
    }
    (report, meetings)
}
