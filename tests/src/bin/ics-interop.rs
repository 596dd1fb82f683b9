//! Writes a calendar exported by Twofold and the occurrences Twofold expands from it, for the
//! cross-implementation check in `tests/interop/ics_occurrences.py`.
//!
//!     ics-interop <out-dir>   →   <out-dir>/schedule.ics, <out-dir>/expected.json

use chrono::{TimeZone, Utc};
use twofold_core::schedule::occurrences;
use twofold_core::*;

fn meeting(id: &str, start: &str, zone: &str, rrule: Option<&str>, exdates: &[&str]) -> Meeting {
    Meeting {
        id: ItemId::parse("id", id).expect("valid id"),
        name: format!("Meeting {id}"),
        kind: MeetingKind::PeerSupportGroup,
        format: MeetingFormat::InPerson,
        address: "Hall, 1 Main St".into(),
        location_notes: String::new(),
        conference_url: None,
        conference_phone: None,
        start: LocalDateTime::parse("start", start).expect("valid start"),
        time_zone: zone.into(),
        duration_minutes: 90,
        rrule: rrule.map(str::to_string),
        exdates: exdates
            .iter()
            .map(|x| LocalDateTime::parse("exdate", x).expect("valid exdate"))
            .collect(),
        type_codes: vec!["DD".into()],
        accessibility: String::new(),
        language: String::new(),
        cost: String::new(),
        reminder_offsets_minutes: vec![30],
        source_slug: None,
        attendance_option: None,
        latitude: None,
        longitude: None,
        region: None,
        conference_url_notes: None,
        conference_phone_notes: None,
        notes: String::new(),
    }
}

/// The schedule both implementations expand: DST changes in both hemispheres, every kind of
/// rule the issue names, exception dates, a moved occurrence, a one-off, and a meeting
/// whose time falls in a spring-forward gap.
pub fn schedule() -> Vec<Meeting> {
    let mut moved = meeting(
        "weekly-madrid:20250401T1900",
        "2025-04-03T20:00",
        "Europe/Madrid",
        None,
        &[],
    );
    moved.name = "Moved Tuesday".into();
    vec![
        meeting(
            "weekly-madrid",
            "2025-01-07T19:00",
            "Europe/Madrid",
            Some("FREQ=WEEKLY;BYDAY=TU"),
            &["2025-03-25T19:00", "2025-04-01T19:00"],
        ),
        moved,
        meeting(
            "ny-two-days",
            "2025-02-03T18:30",
            "America/New_York",
            Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"),
            &[],
        ),
        meeting(
            "second-tuesday",
            "2025-01-14T12:00",
            "Australia/Sydney",
            Some("FREQ=MONTHLY;BYDAY=2TU;COUNT=10"),
            &[],
        ),
        meeting(
            "day-of-month",
            "2025-01-31T09:00",
            "America/Sao_Paulo",
            Some("FREQ=MONTHLY;BYMONTHDAY=15,31"),
            &[],
        ),
        meeting(
            "daily-until",
            "2025-03-20T07:15",
            "Europe/London",
            Some("FREQ=DAILY;INTERVAL=3;UNTIL=20250420T000000Z"),
            &[],
        ),
        meeting(
            "gap-night",
            "2025-03-28T02:30",
            "Europe/Berlin",
            Some("FREQ=DAILY;COUNT=5"),
            &[],
        ),
        meeting("one-off", "2025-06-10T16:00", "Asia/Kolkata", None, &[]),
    ]
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: ics-interop <out-dir>");
    let out = std::path::Path::new(&out);
    std::fs::create_dir_all(out).expect("create the output directory");
    let meetings = schedule();
    let now = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("valid");
    let from = now;
    let to = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("valid");
    let ics = formats::icalendar::export(&meetings, now);
    let found = occurrences::between(&meetings, from, to, chrono_tz::UTC);
    let expected: Vec<serde_json::Value> = found
        .iter()
        .map(|o| {
            serde_json::json!({
                "uid": format!("{}@twofold", o.meeting_id.as_str()),
                "start_utc": Utc.timestamp_millis_opt(o.start_utc_ms).single().expect("valid").format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "duration_minutes": o.duration_minutes,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "from": from.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "to": to.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "occurrences": expected,
    });
    std::fs::write(out.join("schedule.ics"), ics).expect("write the calendar");
    std::fs::write(
        out.join("expected.json"),
        serde_json::to_string_pretty(&doc).expect("serialise"),
    )
    .expect("write the expected occurrences");
}
