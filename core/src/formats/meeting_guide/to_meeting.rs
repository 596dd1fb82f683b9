//! A listing onto a meeting of the person's schedule: a new one, or the one an earlier import
//! of the same slug made (its id, kind, reminders and exceptions stay).

use chrono::{Datelike, Duration, TimeZone};
use sha2::{Digest, Sha256};

use super::listing::Listing;
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::schedule::{Meeting, MeetingKind};
use crate::model::time::{parse_zone, Day, LocalDateTime};

const WEEKDAYS: [&str; 7] = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/// The item id a slug gets on first import.
pub fn id_for_slug(slug: &str) -> ItemId {
    let digest = hex::encode(Sha256::digest(slug.as_bytes()));
    ItemId::from_trusted(format!("mg-{}", &digest[..32]))
}

/// The weekly rule of a listing's days.
pub fn weekly_rule(days: &[u8]) -> String {
    let byday: Vec<&str> = days
        .iter()
        .filter_map(|d| WEEKDAYS.get(usize::from(*d)).copied())
        .collect();
    format!("FREQ=WEEKLY;BYDAY={}", byday.join(","))
}

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The meeting for `l`, its first occurrence on or after `today`.
pub fn to_meeting(
    l: &Listing,
    today: Day,
    kind: MeetingKind,
    existing: Option<&Meeting>,
) -> Result<Meeting> {
    let zone = parse_zone("timezone", &l.time_zone)?;
    let rrule = weekly_rule(&l.days);
    // Keep the first occurrence of an earlier import while the time and days are unchanged,
    // so that the occurrences already logged stay in the series.
    let start = match existing {
        Some(m)
            if m.rrule.as_deref() == Some(rrule.as_str())
                && m.start.0.time() == l.start
                && m.time_zone == l.time_zone =>
        {
            m.start
        }
        _ => {
            let mut date = today.0;
            let mut found = None;
            for _ in 0..21 {
                let weekday = u8::try_from(date.weekday().num_days_from_sunday()).unwrap_or(0);
                let local = date.and_time(l.start);
                if l.days.contains(&weekday)
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
    let base = existing.cloned();
    let location_notes: String = join(&[&l.location, &l.location_notes])
        .chars()
        .take(crate::model::validate::MAX_LONG)
        .collect();
    Ok(Meeting {
        id: base
            .as_ref()
            .map(|m| m.id.clone())
            .unwrap_or_else(|| id_for_slug(&l.slug)),
        name: l.name.clone(),
        kind: base.as_ref().map(|m| m.kind).unwrap_or(kind),
        format: l.format,
        address: l.address.clone(),
        location_notes,
        conference_url: l.conference_url.clone(),
        conference_phone: l.conference_phone.clone(),
        start,
        time_zone: l.time_zone.clone(),
        duration_minutes: l.duration_minutes,
        rrule: Some(rrule),
        exdates: base.as_ref().map(|m| m.exdates.clone()).unwrap_or_default(),
        type_codes: l.type_codes.clone(),
        accessibility: l.accessibility.clone(),
        language: l.language.clone(),
        cost: base.as_ref().map(|m| m.cost.clone()).unwrap_or_default(),
        reminder_offsets_minutes: base
            .as_ref()
            .map(|m| m.reminder_offsets_minutes.clone())
            .unwrap_or_default(),
        source_slug: Some(l.slug.clone()),
        notes: l.notes.clone(),
        attendance_option: l.attendance_option,
        latitude: l.latitude,
        longitude: l.longitude,
        region: l.region.clone(),
        conference_url_notes: some(&l.conference_url_notes),
        conference_phone_notes: some(&l.conference_phone_notes),
    })
}
