//! One feed entry, read leniently into what Twofold keeps, and the whole feed within the
//! bounds of [`limits`](crate::formats::limits).

use chrono::NaiveTime;
use serde_json::{Map, Value};

use super::codes;
use super::fields::{self, some, text, Reason};
use crate::error::{Error, Result};
use crate::formats::limits;
use crate::model::schedule::AttendanceOption;

/// One feed entry. Fields that decide whether it can be scheduled keep the reason they could
/// not be read; the rest are best effort, with what was left out in `dropped`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub slug: String,
    pub name: String,
    pub days: Result<Vec<u8>, Reason>,
    pub time: Result<NaiveTime, Reason>,
    pub end_time: Option<NaiveTime>,
    pub timezone: Option<String>,
    pub attendance_option: Option<AttendanceOption>,
    pub address: String,
    /// `approximate: "yes"`: the address is only a city or area (usual for online meetings).
    pub approximate: bool,
    pub location: String,
    pub location_notes: String,
    pub region: Option<String>,
    pub coordinates: Option<(f64, f64)>,
    pub conference_url: Option<String>,
    pub conference_url_notes: String,
    pub conference_phone: Option<String>,
    pub conference_phone_notes: String,
    pub types: Vec<String>,
    pub notes: String,
    /// Fields left out while reading, and why.
    pub dropped: Vec<String>,
}

fn attendance_option(
    obj: &Map<String, Value>,
    dropped: &mut Vec<String>,
) -> Option<AttendanceOption> {
    let raw = text(obj, "attendance_option")
        .to_ascii_lowercase()
        .replace([' ', '-'], "_");
    match raw.as_str() {
        "" => None,
        "in_person" | "inperson" => Some(AttendanceOption::InPerson),
        "hybrid" => Some(AttendanceOption::Hybrid),
        "online" => Some(AttendanceOption::Online),
        "inactive" => Some(AttendanceOption::Inactive),
        _ => {
            dropped.push("attendance_option: not in_person, hybrid, online or inactive".into());
            None
        }
    }
}

/// Reads one entry.
pub fn entry(obj: &Map<String, Value>) -> FeedEntry {
    let mut dropped = Vec::new();
    let days = fields::days(obj, &mut dropped);
    let raw_time = text(obj, "time");
    let time = if raw_time.is_empty() {
        Err("time is missing (meetings by appointment are not imported)")
    } else {
        fields::time_of_day(&raw_time).map_err(|e| match e {
            "is out of range" => "time is out of range",
            _ => "time is not a time of day (HH:MM, HH:MM:SS or 12-hour with AM/PM)",
        })
    };
    let raw_end = text(obj, "end_time");
    let end_time = if raw_end.is_empty() {
        None
    } else {
        fields::time_of_day(&raw_end)
            .map_err(|_| dropped.push("end_time: not a time of day; one hour assumed".into()))
            .ok()
    };
    let mut types = Vec::new();
    for code in fields::string_list(obj, "types") {
        if !codes::storable(&code) {
            dropped.push("types: a code with characters other than letters, digits and -".into());
        } else if !types.iter().any(|t: &String| t.eq_ignore_ascii_case(&code)) {
            types.push(code);
        }
    }
    let approximate = text(obj, "approximate").eq_ignore_ascii_case("yes");
    FeedEntry {
        slug: text(obj, "slug"),
        name: text(obj, "name"),
        days,
        time,
        end_time,
        timezone: some(text(obj, "timezone")),
        attendance_option: attendance_option(obj, &mut dropped),
        address: fields::address(obj),
        approximate,
        location: text(obj, "location"),
        location_notes: text(obj, "location_notes"),
        region: fields::region(obj),
        coordinates: fields::coordinates(obj, &mut dropped),
        conference_url: fields::conference_url(&text(obj, "conference_url")),
        conference_url_notes: text(obj, "conference_url_notes"),
        conference_phone: fields::conference_phone(&text(obj, "conference_phone")),
        conference_phone_notes: text(obj, "conference_phone_notes"),
        types,
        notes: text(obj, "notes"),
        dropped,
    }
}

fn not_a_feed() -> Error {
    Error::ImportRefused {
        reason: "the file is not a Meeting Guide feed (no list of meetings)".into(),
    }
}

/// Parses a feed within the bounds of [`limits`]: a list of meetings, or an object holding one
/// under `meetings`. Entries that are not objects come back as `None` so the report can name
/// their position.
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
            _ => return Err(not_a_feed()),
        },
        _ => return Err(not_a_feed()),
    };
    if list.len() > limits::MAX_ENTRIES {
        return Err(Error::ImportRefused {
            reason: "the file has more than 5000 entries".into(),
        });
    }
    Ok(list.iter().map(|v| v.as_object().map(entry)).collect())
}
