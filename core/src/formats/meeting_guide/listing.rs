//! A feed entry checked into a [`Listing`]: everything a finder shows and a schedule needs,
//! every value valid. An entry that cannot be one is refused with a fixed reason.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::codes;
use super::entry::FeedEntry;
use crate::model::schedule::{AttendanceOption, MeetingFormat};
use crate::model::time::parse_zone;
use crate::model::validate::{self, MAX_LONG, MAX_SHORT};

/// One weekly meeting of a feed, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub slug: String,
    pub name: String,
    /// 0 = Sunday … 6 = Saturday, sorted, at least one.
    pub days: Vec<u8>,
    /// Wall-clock start in `time_zone`.
    pub start: NaiveTime,
    pub duration_minutes: u32,
    pub time_zone: String,
    pub attendance_option: Option<AttendanceOption>,
    pub format: MeetingFormat,
    /// Whether one can come in person (an address that is not only approximate, a building
    /// that is open).
    pub in_person: bool,
    pub address: String,
    /// The building's name (`location`).
    pub location: String,
    pub location_notes: String,
    pub region: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub conference_url: Option<String>,
    pub conference_url_notes: String,
    pub conference_phone: Option<String>,
    pub conference_phone_notes: String,
    pub type_codes: Vec<String>,
    pub language: String,
    pub accessibility: String,
    pub notes: String,
}

impl Listing {
    pub fn still_meets(&self) -> bool {
        self.attendance_option != Some(AttendanceOption::Inactive)
    }
}

/// A zone as feeds write it: exact, or with spaces for `_`, or in another case.
fn zone_name(raw: &str) -> Option<String> {
    let candidates = [raw.to_string(), raw.replace(' ', "_")];
    for c in &candidates {
        if parse_zone("timezone", c).is_ok() {
            return Some(c.clone());
        }
        if let Some(tz) = chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(c))
        {
            return Some(tz.name().to_string());
        }
    }
    None
}

fn clip(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// Checks `e` into a listing; `default_zone` is used when the entry names none.
pub fn listing(
    e: &FeedEntry,
    default_zone: &str,
    dropped: &mut Vec<String>,
) -> Result<Listing, String> {
    if e.name.is_empty() {
        return Err("name is missing".into());
    }
    if e.name.chars().count() > MAX_SHORT {
        return Err(format!("name is longer than {MAX_SHORT} characters"));
    }
    let days = e.days.clone().map_err(str::to_string)?;
    let start = e.time.map_err(str::to_string)?;
    let time_zone = match &e.timezone {
        Some(raw) => {
            zone_name(raw).ok_or("timezone is not an IANA zone name (such as America/Chicago)")?
        }
        None => default_zone.to_string(),
    };
    dropped.extend(e.dropped.iter().cloned());
    let duration_minutes = match e.end_time {
        Some(end) => {
            let mins = (end - start).num_minutes();
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
        validate::dial_string("conference_phone", &p)
            .map_err(|_| {
                dropped.push("conference_phone: not a phone number or one-tap dial string".into())
            })
            .ok()
            .map(|_| p)
    });
    let mut type_codes = e.types.clone();
    if type_codes.len() > validate::MAX_LIST {
        type_codes.truncate(validate::MAX_LIST);
        dropped.push(format!("types: more than {} codes", validate::MAX_LIST));
    }
    let has = |code: &str| codes::has(&type_codes, code);
    let joinable_remotely = conference_url.is_some() || conference_phone.is_some();
    // A closed building with no way to join remotely is a group that does not meet for now,
    // which is how TSML reads it too.
    let attendance_option = match e.attendance_option {
        None if has(codes::TEMPORARILY_CLOSED) && !joinable_remotely => {
            Some(AttendanceOption::Inactive)
        }
        other => other,
    };
    let has_place = !e.address.is_empty() && !e.approximate;
    let in_person = match attendance_option {
        Some(AttendanceOption::InPerson | AttendanceOption::Hybrid) => !e.address.is_empty(),
        Some(AttendanceOption::Online | AttendanceOption::Inactive) => false,
        None => has_place && !has(codes::TEMPORARILY_CLOSED),
    };
    let online = conference_url.is_some()
        || (has(codes::ONLINE) && attendance_option != Some(AttendanceOption::InPerson));
    let format = match (in_person, online, conference_phone.is_some()) {
        (true, true, _) | (true, false, true) => MeetingFormat::Hybrid,
        (true, false, false) => MeetingFormat::InPerson,
        (false, true, _) => MeetingFormat::Online,
        (false, false, true) => MeetingFormat::Phone,
        (false, false, false) => MeetingFormat::InPerson,
    };
    let (latitude, longitude) = match e.coordinates {
        Some((lat, lon)) => (Some(lat), Some(lon)),
        None => (None, None),
    };
    Ok(Listing {
        slug: e.slug.clone(),
        name: e.name.clone(),
        days,
        start,
        duration_minutes,
        time_zone,
        attendance_option,
        format,
        in_person,
        address: clip(&e.address, MAX_LONG),
        location: clip(&e.location, MAX_SHORT),
        location_notes: clip(&e.location_notes, MAX_LONG),
        region: e.region.as_deref().map(|r| clip(r, MAX_SHORT)),
        latitude,
        longitude,
        conference_url,
        conference_url_notes: clip(&e.conference_url_notes, MAX_LONG),
        conference_phone,
        conference_phone_notes: clip(&e.conference_phone_notes, MAX_LONG),
        language: codes::language_of(&type_codes),
        accessibility: codes::accessibility_of(&type_codes),
        type_codes,
        notes: clip(&e.notes, MAX_LONG),
    })
}
