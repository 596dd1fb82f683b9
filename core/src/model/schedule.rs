//! Meetings and appointments, and the attendance log per occurrence.
//!
//! Recurrence is stored as an RFC 5545 RRULE string plus the meeting's IANA zone, so that a
//! 19:00 meeting stays at 19:00 local time across daylight-saving changes.

use autosurgeon::{Hydrate, Reconcile};
use chrono::{DateTime, TimeZone};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::rrule_value;
use crate::model::time::{parse_zone, LocalDateTime};
use crate::model::validate::{self, optional, required, Validate, MAX_LONG, MAX_SHORT};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    PeerSupportGroup,
    TwelveStep,
    Smart,
    DualRecoveryAnonymous,
    Therapy,
    Psychiatry,
    MentorSession,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum MeetingFormat {
    InPerson,
    Online,
    Phone,
    Hybrid,
}

/// How a listed meeting is attended, as its listing says (TSML's `attendance_option`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceOption {
    InPerson,
    Hybrid,
    Online,
    /// The listing is kept but the group does not meet for now.
    Inactive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    Attended,
    Missed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Meeting {
    pub id: ItemId,
    pub name: String,
    pub kind: MeetingKind,
    pub format: MeetingFormat,
    pub address: String,
    pub location_notes: String,
    pub conference_url: Option<String>,
    pub conference_phone: Option<String>,
    /// First occurrence, wall-clock time in `time_zone`.
    pub start: LocalDateTime,
    pub time_zone: String,
    pub duration_minutes: u32,
    /// RFC 5545 RRULE value without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=TU`.
    /// `None` for a one-off appointment.
    pub rrule: Option<String>,
    /// Occurrences that do not take place (wall-clock start times in `time_zone`).
    pub exdates: Vec<LocalDateTime>,
    /// Meeting Guide type codes, e.g. `DD` (dual diagnosis), `O` (open), `ONL` (online).
    pub type_codes: Vec<String>,
    pub accessibility: String,
    pub language: String,
    pub cost: String,
    /// Minutes before the start at which to remind.
    pub reminder_offsets_minutes: Vec<u32>,
    /// The Meeting Guide feed slug this came from; `None` when entered by hand.
    pub source_slug: Option<String>,
    pub notes: String,
    // The fields below came with the finder (issue 23). Documents written before them have
    // no such keys: `missing` reads those as `None`, so old schedules still load.
    /// What the listing says about attending; `None` when entered by hand.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub attendance_option: Option<AttendanceOption>,
    /// Where it meets (WGS 84 degrees), when the listing says.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub latitude: Option<f64>,
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub longitude: Option<f64>,
    /// The listing's region, most general first, joined with ` > ` (`Chicago > Wicker Park`).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub region: Option<String>,
    /// How to use the conference link (a passcode, say).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub conference_url_notes: Option<String>,
    /// How to use the dial-in (a meeting id and passcode to key in).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub conference_phone_notes: Option<String>,
}

impl Meeting {
    /// Whether the group meets at all for now: a listing marked inactive does not.
    pub fn still_meets(&self) -> bool {
        self.attendance_option != Some(AttendanceOption::Inactive)
    }
}

/// What happened at one occurrence of a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Attendance {
    pub id: ItemId,
    pub meeting_id: ItemId,
    /// The occurrence's wall-clock start in the meeting's zone.
    pub occurrence: LocalDateTime,
    pub status: AttendanceStatus,
    pub note: String,
    /// A mentor's note about this meeting, when they added one.
    pub mentor_note: String,
}

impl Attendance {
    /// One attendance record per occurrence: the id is derived from meeting and start.
    pub fn id_for(meeting_id: &ItemId, occurrence: &LocalDateTime) -> ItemId {
        ItemId::from_trusted(format!(
            "{}@{}",
            meeting_id,
            occurrence.0.format("%Y%m%dT%H%M")
        ))
    }
}

pub const MAX_DURATION_MINUTES: u32 = 24 * 60;
pub const MAX_REMINDER_MINUTES: u32 = 14 * 24 * 60;

/// The rule `rrule` (an RRULE value, one line) anchored at `dt_start`, as the `rrule` crate's
/// recurrence set. RFC 5545 rules are ASCII, and anything else is refused first: rrule 0.14
/// slices BYDAY values by byte and panics inside a multi-byte character (found by the import
/// fuzz test). A panic inside rrule is contained as a refusal too: stored rules come from peers
/// and imports, and the home screen reads them every time it opens. The value is read without
/// rrule's text parser, whose regexes cost the phones' library ~0.35 MB, into the same rule
/// (`rrule_value`; ADR 0018).
pub fn parse_rrule_set(
    field: &str,
    dt_start: DateTime<rrule::Tz>,
    rrule: &str,
) -> Result<rrule::RRuleSet> {
    let refused = || Error::invalid(field, "is not a valid RFC 5545 recurrence rule");
    // rrule's parser read the text line by line: a line break would have made more lines
    // (more rules, dates), which check_rrule refuses and no rule written here holds.
    if !rrule.is_ascii() || rrule.contains('\n') {
        return Err(refused());
    }
    std::panic::catch_unwind(|| rrule_value::rule_set(dt_start, rrule))
        .map_err(|_| refused())?
        .ok_or_else(refused)
}

/// Checks an RRULE value against RFC 5545 with the `rrule` crate, anchored at the meeting's
/// start in its zone.
pub fn check_rrule(field: &str, rrule: &str, start: &LocalDateTime, zone: &str) -> Result<()> {
    required(field, rrule, 500)?;
    if rrule.contains('\n')
        || rrule.contains('\r')
        || rrule.to_ascii_uppercase().starts_with("RRULE:")
    {
        return Err(Error::invalid(
            field,
            "must be a single RRULE value without the RRULE: prefix",
        ));
    }
    let dt_start = rrule_value::zoned_start(start.0, zone)
        .ok_or_else(|| Error::invalid(field, "is not a valid RFC 5545 recurrence rule"))?;
    let set = parse_rrule_set(field, dt_start, rrule)?;
    // A rule that parses but can never produce an occurrence is a mistake worth reporting.
    if set.all(1).dates.is_empty() {
        return Err(Error::invalid(field, "produces no occurrences"));
    }
    Ok(())
}

impl Validate for Meeting {
    fn validate(&self) -> Result<()> {
        required("name", &self.name, MAX_SHORT)?;
        optional("address", &self.address, MAX_LONG)?;
        optional("location_notes", &self.location_notes, MAX_LONG)?;
        if let Some(url) = &self.conference_url {
            validate::url("conference_url", url)?;
        }
        if let Some(phone) = &self.conference_phone {
            validate::dial_string("conference_phone", phone)?;
        }
        validate::coordinates(self.latitude, self.longitude)?;
        if let Some(region) = &self.region {
            optional("region", region, MAX_SHORT)?;
        }
        if let Some(notes) = &self.conference_url_notes {
            optional("conference_url_notes", notes, MAX_LONG)?;
        }
        if let Some(notes) = &self.conference_phone_notes {
            optional("conference_phone_notes", notes, MAX_LONG)?;
        }
        let zone = parse_zone("time_zone", &self.time_zone)?;
        if zone.from_local_datetime(&self.start.0).earliest().is_none() {
            return Err(Error::invalid(
                "start",
                "does not exist in this time zone (skipped by a daylight-saving change)",
            ));
        }
        if self.duration_minutes == 0 || self.duration_minutes > MAX_DURATION_MINUTES {
            return Err(Error::invalid(
                "duration_minutes",
                "must be between 1 and 1440",
            ));
        }
        if let Some(rrule) = &self.rrule {
            check_rrule("rrule", rrule, &self.start, &self.time_zone)?;
        }
        validate::list_len("exdates", &self.exdates)?;
        validate::list_len("type_codes", &self.type_codes)?;
        for code in &self.type_codes {
            required("type_codes", code, 16)?;
            if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(Error::invalid(
                    "type_codes",
                    "codes use letters, digits and -",
                ));
            }
        }
        optional("accessibility", &self.accessibility, MAX_LONG)?;
        optional("language", &self.language, MAX_SHORT)?;
        optional("cost", &self.cost, MAX_SHORT)?;
        validate::list_len("reminder_offsets_minutes", &self.reminder_offsets_minutes)?;
        if self
            .reminder_offsets_minutes
            .iter()
            .any(|m| *m > MAX_REMINDER_MINUTES)
        {
            return Err(Error::invalid(
                "reminder_offsets_minutes",
                "must be at most 14 days",
            ));
        }
        if let Some(slug) = &self.source_slug {
            required("source_slug", slug, MAX_SHORT)?;
        }
        optional("notes", &self.notes, MAX_LONG)
    }
}

impl Validate for Attendance {
    fn validate(&self) -> Result<()> {
        if self.id != Attendance::id_for(&self.meeting_id, &self.occurrence) {
            return Err(Error::invalid(
                "id",
                "must be derived from meeting_id and occurrence",
            ));
        }
        optional("note", &self.note, MAX_LONG)?;
        optional("mentor_note", &self.mentor_note, MAX_LONG)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::{transaction::Transactable, AutoCommit, ROOT};

    fn meeting() -> Meeting {
        Meeting {
            id: ItemId::from_trusted("m1".into()),
            name: "Tuesday group".into(),
            kind: MeetingKind::TwelveStep,
            format: MeetingFormat::Hybrid,
            address: "1 Main St".into(),
            location_notes: String::new(),
            conference_url: None,
            conference_phone: Some("+16465588656,,123456789#,,,,,,0#,,555#".into()),
            start: LocalDateTime::parse("start", "2024-06-04T19:00").expect("time"),
            time_zone: "America/Chicago".into(),
            duration_minutes: 60,
            rrule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
            exdates: Vec::new(),
            type_codes: vec!["DD".into()],
            accessibility: String::new(),
            language: String::new(),
            cost: String::new(),
            reminder_offsets_minutes: Vec::new(),
            source_slug: Some("tue".into()),
            notes: String::new(),
            attendance_option: Some(AttendanceOption::Hybrid),
            latitude: Some(41.9),
            longitude: Some(-87.6),
            region: Some("Chicago".into()),
            conference_url_notes: None,
            conference_phone_notes: Some("passcode 555".into()),
        }
    }

    #[test]
    fn a_meeting_written_before_the_finder_fields_still_loads() {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, meeting()).expect("write");
        for key in [
            "attendance_option",
            "latitude",
            "longitude",
            "region",
            "conference_url_notes",
            "conference_phone_notes",
        ] {
            doc.delete(ROOT, key).expect("delete");
        }
        let old: Meeting = autosurgeon::hydrate(&doc).expect("old shape loads");
        assert_eq!(old.attendance_option, None);
        assert_eq!((old.latitude, old.longitude), (None, None));
        assert!(old.still_meets());
        old.validate().expect("valid");
        // And the JSON export of an old meeting reads back the same way.
        let mut json = serde_json::to_value(&old).expect("json");
        let obj = json.as_object_mut().expect("object");
        obj.remove("latitude");
        obj.remove("attendance_option");
        let back: Meeting = serde_json::from_value(json).expect("old JSON loads");
        assert_eq!(back, old);
    }

    #[test]
    fn one_tap_dial_strings_are_valid_and_coordinates_come_in_pairs() {
        let mut m = meeting();
        m.validate().expect("one-tap dial string accepted");
        m.conference_phone = Some("+1 312 555 0100,,123#x".into());
        assert!(m.validate().is_err());
        let mut m = meeting();
        m.longitude = None;
        assert!(m.validate().is_err());
        m.longitude = Some(f64::NAN);
        assert!(m.validate().is_err());
    }
}
