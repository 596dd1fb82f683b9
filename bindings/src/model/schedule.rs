//! Meetings, appointments and attendance: mirrors of `twofold_core::model::schedule`.

use std::collections::HashMap;

use twofold_core as tc;

use crate::convert::{mirror_enum, mirror_record};

mirror_enum! {
    MeetingKind => tc::MeetingKind {
        PeerSupportGroup, TwelveStep, Smart, DualRecoveryAnonymous, Therapy, Psychiatry,
        MentorSession, Other,
    }
}

mirror_enum! {
    MeetingFormat => tc::MeetingFormat { InPerson, Online, Phone, Hybrid }
}

mirror_enum! {
    AttendanceStatus => tc::AttendanceStatus { Attended, Missed, Cancelled }
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

mirror_record! {
    out
    /// One occurrence of a meeting, with its times in the meeting's zone and the viewer's.
    Occurrence => tc::Occurrence {
        meeting_id: String => id,
        /// The item that holds it: the series, or the moved occurrence's own meeting item.
        item_id: String => id,
        name: String => plain,
        kind: MeetingKind => plain,
        format: MeetingFormat => plain,
        address: String => plain,
        conference_url: Option<String> => plain,
        conference_phone: Option<String> => plain,
        time_zone: String => plain,
        /// The series' start of this occurrence (what `cancel_occurrence` and friends take).
        original_start: String => time,
        start: String => time,
        moved: bool => plain,
        start_utc_ms: i64 => plain,
        end_utc_ms: i64 => plain,
        viewer_start: String => time,
        viewer_end: String => time,
        duration_minutes: u32 => plain,
        reminder_offsets_minutes: Vec<u32> => plain,
    }
}

mirror_enum! {
    /// Whether a reminder names the meeting (`Detailed`) or stays discreet (`Private`).
    ReminderCode => tc::ReminderCode { Private, Detailed }
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

mirror_enum! {
    CountPeriod => tc::CountPeriod { Week, Month }
}

mirror_record! {
    out
    /// Attendance in one week or month.
    AttendanceCount => tc::AttendanceCount {
        label: String => plain,
        /// `YYYY-MM-DD`.
        first_day: String => day,
        attended: u32 => plain,
        missed: u32 => plain,
        cancelled: u32 => plain,
    }
}
