//! Meetings, appointments and attendance: `twofold_core::model::schedule`. Meetings and
//! attendance are hand mirrors (the app writes them, and a malformed id or time is refused
//! naming its field), as is a reminder (its parameters are a `BTreeMap` in the core, which
//! uniffi does not carry); the rest crosses as it is.

use std::collections::HashMap;

use twofold_core as tc;

use twofold_core::{Day, ItemId, LocalDateTime};

use crate::convert::mirror_record;

pub use tc::{
    AttendanceCount, AttendanceOption, AttendanceStatus, CountPeriod, MeetingFormat, MeetingKind,
    Occurrence, ReminderCode,
};

#[uniffi::remote(Enum)]
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

#[uniffi::remote(Enum)]
pub enum MeetingFormat {
    InPerson,
    Online,
    Phone,
    Hybrid,
}

/// How a listed meeting is attended, as its listing says; `Inactive`: not meeting for now.
#[uniffi::remote(Enum)]
pub enum AttendanceOption {
    InPerson,
    Hybrid,
    Online,
    Inactive,
}

#[uniffi::remote(Enum)]
pub enum AttendanceStatus {
    Attended,
    Missed,
    Cancelled,
}

mirror_record! {
    /// A meeting or appointment, one-off or recurring (RFC 5545 RRULE in an IANA zone).
    Meeting => tc::Meeting {
        id: String => id,
        name: String => plain,
        kind: MeetingKind => plain,
        format: MeetingFormat => plain,
        #[uniffi(default)] address: String => plain,
        #[uniffi(default)] location_notes: String => plain,
        #[uniffi(default)] conference_url: Option<String> => plain,
        #[uniffi(default)] conference_phone: Option<String> => plain,
        /// First occurrence, wall-clock `YYYY-MM-DDTHH:MM[:SS]` in `time_zone`.
        start: String => time,
        /// IANA zone name, e.g. `Europe/Madrid`.
        time_zone: String => plain,
        duration_minutes: u32 => plain,
        /// RRULE value without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=TU`; `None` for a
        /// one-off appointment.
        #[uniffi(default)] rrule: Option<String> => plain,
        /// Occurrences that do not take place (wall-clock starts in `time_zone`).
        #[uniffi(default)] exdates: Vec<String> => times,
        /// Meeting Guide type codes, e.g. `DD`, `O`, `ONL`.
        #[uniffi(default)] type_codes: Vec<String> => plain,
        #[uniffi(default)] accessibility: String => plain,
        #[uniffi(default)] language: String => plain,
        #[uniffi(default)] cost: String => plain,
        /// Minutes before the start at which to remind.
        #[uniffi(default)] reminder_offsets_minutes: Vec<u32> => plain,
        /// The Meeting Guide feed slug this came from; `None` when entered by hand.
        #[uniffi(default)] source_slug: Option<String> => plain,
        #[uniffi(default)] notes: String => plain,
        /// What the listing says about attending; an `Inactive` meeting has no occurrences.
        #[uniffi(default)] attendance_option: Option<AttendanceOption> => plain,
        /// Where it meets (WGS 84 degrees): both or neither.
        #[uniffi(default)] latitude: Option<f64> => plain,
        #[uniffi(default)] longitude: Option<f64> => plain,
        /// The listing's region, most general first, joined with ` > `.
        #[uniffi(default)] region: Option<String> => plain,
        #[uniffi(default)] conference_url_notes: Option<String> => plain,
        /// A passcode or meeting id to key in after dialling `conference_phone`.
        #[uniffi(default)] conference_phone_notes: Option<String> => plain,
    }
}

mirror_record! {
    /// What happened at one occurrence of a meeting. Its id must be
    /// `attendance_id(meeting_id, occurrence)`.
    Attendance => tc::Attendance {
        id: String => id,
        meeting_id: String => id,
        /// The occurrence's wall-clock start in the meeting's zone.
        occurrence: String => time,
        status: AttendanceStatus => plain,
        #[uniffi(default)] note: String => plain,
        #[uniffi(default)] mentor_note: String => plain,
    }
}

/// One occurrence of a meeting, with its times in the meeting's zone and the viewer's.
#[uniffi::remote(Record)]
pub struct Occurrence {
    pub meeting_id: ItemId,
    /// The item that holds it: the series, or the moved occurrence's own meeting item.
    pub item_id: ItemId,
    pub name: String,
    pub kind: MeetingKind,
    pub format: MeetingFormat,
    pub address: String,
    pub conference_url: Option<String>,
    pub conference_phone: Option<String>,
    pub time_zone: String,
    /// The series' start of this occurrence (what `cancel_occurrence` and friends take).
    pub original_start: LocalDateTime,
    pub start: LocalDateTime,
    pub moved: bool,
    pub start_utc_ms: i64,
    pub end_utc_ms: i64,
    pub viewer_start: LocalDateTime,
    pub viewer_end: LocalDateTime,
    pub duration_minutes: u32,
    pub reminder_offsets_minutes: Vec<u32>,
}

/// Whether a reminder names the meeting (`Detailed`) or stays discreet (`Private`).
#[uniffi::remote(Enum)]
pub enum ReminderCode {
    Private,
    Detailed,
}

mirror_record! {
    out
    /// A notification to schedule.
    Reminder => tc::Reminder {
        id: String => plain,
        notification_id: i32 => plain,
        meeting_id: String => id,
        original_start: String => time,
        offset_minutes: u32 => plain,
        fire_at_utc_ms: i64 => plain,
        start_utc_ms: i64 => plain,
        code: ReminderCode => plain,
        params: HashMap<String, String> => map,
    }
}

#[uniffi::remote(Enum)]
pub enum CountPeriod {
    Week,
    Month,
}

/// Attendance in one week or month.
#[uniffi::remote(Record)]
pub struct AttendanceCount {
    pub label: String,
    /// `YYYY-MM-DD`.
    pub first_day: Day,
    pub attended: u32,
    pub missed: u32,
    pub cancelled: u32,
}
