//! The meeting schedule through the public API: recurrence in the meeting's zone across
//! daylight-saving changes, moved and cancelled occurrences, queries in the viewer's zone,
//! reminders and attendance counts.

use chrono::{NaiveDate, TimeZone, Timelike, Utc};
use proptest::prelude::*;
use twofold_core::schedule::{occurrences, zone};
use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::keys::random_key;

fn id(raw: &str) -> ItemId {
    ItemId::parse("id", raw).expect("id")
}

fn at(raw: &str) -> LocalDateTime {
    LocalDateTime::parse("at", raw).expect("local time")
}

fn ms(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid")
        .timestamp_millis()
}

fn open() -> (tempfile::TempDir, Twofold) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Twofold::open(dir.path().join("s.twofold"), &random_key()).expect("open");
    (dir, store)
}

fn meeting(mid: &str, start: &str, zone: &str, rrule: Option<&str>) -> Meeting {
    Meeting {
        id: id(mid),
        name: "Dual Recovery Anonymous".into(),
        kind: MeetingKind::DualRecoveryAnonymous,
        format: MeetingFormat::InPerson,
        address: "Calle Mayor 1".into(),
        location_notes: String::new(),
        conference_url: None,
        conference_phone: None,
        start: at(start),
        time_zone: zone.into(),
        duration_minutes: 90,
        rrule: rrule.map(str::to_string),
        exdates: vec![],
        type_codes: vec!["DD".into()],
        accessibility: String::new(),
        language: "es".into(),
        cost: String::new(),
        reminder_offsets_minutes: vec![60],
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

fn local_starts(found: &[Occurrence]) -> Vec<String> {
    found.iter().map(|o| o.start.to_string()).collect()
}

#[test]
fn a_weekly_meeting_stays_at_19_00_local_across_both_clock_changes() {
    let (_d, store) = open();
    store
        .put(
            s::MEETINGS,
            meeting(
                "tue",
                "2024-03-19T19:00",
                "Europe/Madrid",
                Some("FREQ=WEEKLY;BYDAY=TU"),
            ),
        )
        .expect("put");
    let found = store
        .occurrences_between(
            ms(2024, 3, 18, 0, 0),
            ms(2024, 11, 6, 0, 0),
            "Europe/Madrid",
        )
        .expect("occurrences");
    assert_eq!(found.len(), 34);
    assert!(found
        .iter()
        .all(|o| o.start.0.hour() == 19 && o.viewer_start == o.start));
    // 18:00 UTC in winter, 17:00 UTC in summer.
    assert_eq!(found[0].start_utc_ms, ms(2024, 3, 19, 18, 0));
    assert_eq!(found[1].start_utc_ms, ms(2024, 3, 26, 18, 0));
    assert_eq!(found[2].start_utc_ms, ms(2024, 4, 2, 17, 0));
    assert_eq!(found[32].start_utc_ms, ms(2024, 10, 29, 18, 0));
}

#[test]
fn the_viewer_sees_occurrences_in_their_own_zone() {
    let (_d, store) = open();
    store
        .put(
            s::MEETINGS,
            meeting(
                "tue",
                "2024-01-02T19:00",
                "Europe/Madrid",
                Some("FREQ=WEEKLY;BYDAY=TU;COUNT=2"),
            ),
        )
        .expect("put");
    let found = store
        .occurrences_between(
            ms(2024, 1, 1, 0, 0),
            ms(2024, 2, 1, 0, 0),
            "America/New_York",
        )
        .expect("occurrences");
    assert_eq!(
        local_starts(&found),
        ["2024-01-02T19:00:00", "2024-01-09T19:00:00"]
    );
    assert_eq!(found[0].viewer_start, at("2024-01-02T13:00"));
    assert_eq!(found[0].viewer_end, at("2024-01-02T14:30"));
    assert!(store.occurrences_between(0, 1, "Mars/Olympus").is_err());
}

#[test]
fn monthly_second_tuesday_count_until_and_interval() {
    let (_d, store) = open();
    store
        .put(
            s::MEETINGS,
            meeting(
                "m",
                "2024-01-09T18:00",
                "America/New_York",
                Some("FREQ=MONTHLY;BYDAY=2TU;COUNT=4"),
            ),
        )
        .expect("put");
    store
        .put(
            s::MEETINGS,
            meeting(
                "d",
                "2024-01-01T08:00",
                "America/New_York",
                Some("FREQ=DAILY;INTERVAL=10;UNTIL=20240131T130000Z"),
            ),
        )
        .expect("put");
    store
        .put(
            s::MEETINGS,
            meeting(
                "dom",
                "2024-01-31T08:30",
                "UTC",
                Some("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3"),
            ),
        )
        .expect("put");
    let found = store
        .occurrences_between(ms(2024, 1, 1, 0, 0), ms(2025, 1, 1, 0, 0), "UTC")
        .expect("occurrences");
    let of = |m: &str| {
        found
            .iter()
            .filter(|o| o.meeting_id.as_str() == m)
            .map(|o| o.start.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of("m"),
        [
            "2024-01-09T18:00:00",
            "2024-02-13T18:00:00",
            "2024-03-12T18:00:00",
            "2024-04-09T18:00:00"
        ]
    );
    // UNTIL 13:00 UTC is 08:00 in New York: the 31st is included.
    assert_eq!(
        of("d"),
        [
            "2024-01-01T08:00:00",
            "2024-01-11T08:00:00",
            "2024-01-21T08:00:00",
            "2024-01-31T08:00:00"
        ]
    );
    assert_eq!(
        of("dom"),
        [
            "2024-01-31T08:30:00",
            "2024-02-29T08:30:00",
            "2024-03-31T08:30:00"
        ]
    );
}

#[test]
fn times_in_a_gap_move_forward_and_repeated_times_take_the_first() {
    let (_d, store) = open();
    store
        .put(
            s::MEETINGS,
            meeting(
                "night",
                "2024-03-30T02:30",
                "Europe/Berlin",
                Some("FREQ=DAILY;COUNT=3"),
            ),
        )
        .expect("put");
    store
        .put(
            s::MEETINGS,
            meeting(
                "fold",
                "2024-11-02T01:30",
                "America/New_York",
                Some("FREQ=DAILY;COUNT=2"),
            ),
        )
        .expect("put");
    let found = store
        .occurrences_between(ms(2024, 3, 29, 0, 0), ms(2024, 11, 5, 0, 0), "UTC")
        .expect("occurrences");
    let night: Vec<_> = found
        .iter()
        .filter(|o| o.meeting_id.as_str() == "night")
        .collect();
    assert_eq!(night[1].original_start, at("2024-03-31T02:30"));
    assert_eq!(night[1].start, at("2024-03-31T03:30"));
    assert_eq!(night[1].start_utc_ms, ms(2024, 3, 31, 1, 30));
    let fold: Vec<_> = found
        .iter()
        .filter(|o| o.meeting_id.as_str() == "fold")
        .collect();
    assert_eq!(
        fold[1].start_utc_ms,
        ms(2024, 11, 3, 5, 30),
        "01:30 EDT, the earlier one"
    );
    // A first start in a gap is refused with the reason, not silently shifted.
    let err = store
        .put(
            s::MEETINGS,
            meeting("bad", "2024-03-31T02:30", "Europe/Berlin", None),
        )
        .expect_err("start in a gap");
    assert!(err.to_string().contains("meetings.start"));
}

#[test]
fn cancelled_and_moved_occurrences_and_their_undo() {
    let (_d, store) = open();
    store
        .put(
            s::MEETINGS,
            meeting(
                "tue",
                "2024-01-02T19:00",
                "Europe/Madrid",
                Some("FREQ=WEEKLY;BYDAY=TU;COUNT=4"),
            ),
        )
        .expect("put");
    let (from, to) = (ms(2024, 1, 1, 0, 0), ms(2024, 2, 1, 0, 0));
    store
        .cancel_occurrence(&id("tue"), at("2024-01-09T19:00"), "venue closed")
        .expect("cancel");
    let moved = store
        .move_occurrence(
            &id("tue"),
            at("2024-01-16T19:00"),
            at("2024-01-17T20:00"),
            "Wednesday this week",
        )
        .expect("move");
    let found = store
        .occurrences_between(from, to, "Europe/Madrid")
        .expect("occurrences");
    assert_eq!(
        local_starts(&found),
        [
            "2024-01-02T19:00:00",
            "2024-01-17T20:00:00",
            "2024-01-23T19:00:00"
        ]
    );
    assert!(found[1].moved);
    assert_eq!(found[1].meeting_id, id("tue"));
    assert_eq!(found[1].item_id, moved);
    assert_eq!(found[1].original_start, at("2024-01-16T19:00"));
    let log = store.list(s::ATTENDANCE).expect("attendance");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, AttendanceStatus::Cancelled);
    assert!(
        store
            .cancel_occurrence(&id("tue"), at("2024-01-10T19:00"), "")
            .is_err(),
        "not an occurrence"
    );

    store
        .restore_occurrence(&id("tue"), at("2024-01-09T19:00"))
        .expect("restore");
    store
        .restore_occurrence(&id("tue"), at("2024-01-16T19:00"))
        .expect("restore");
    let found = store
        .occurrences_between(from, to, "Europe/Madrid")
        .expect("occurrences");
    assert_eq!(found.len(), 4);
    assert!(store.list(s::ATTENDANCE).expect("attendance").is_empty());

    store
        .move_occurrence(
            &id("tue"),
            at("2024-01-16T19:00"),
            at("2024-01-17T20:00"),
            "",
        )
        .expect("move");
    store.remove_meeting(&id("tue")).expect("remove");
    assert!(
        store.list(s::MEETINGS).expect("meetings").is_empty(),
        "the moved one goes too"
    );
}

#[test]
fn next_today_and_now() {
    let (_d, store) = open();
    store
        .put(
            s::MEETINGS,
            meeting(
                "tue",
                "2024-01-02T19:00",
                "Europe/Madrid",
                Some("FREQ=WEEKLY;BYDAY=TU"),
            ),
        )
        .expect("put");
    let mut once = meeting("once", "2024-06-01T10:00", "Europe/Madrid", None);
    once.name = "Psychiatrist".into();
    once.kind = MeetingKind::Psychiatry;
    store.put(s::MEETINGS, once).expect("put");

    let next = store
        .next_occurrences(ms(2024, 5, 29, 12, 0), 3, "Europe/Madrid")
        .expect("next");
    assert_eq!(
        local_starts(&next),
        [
            "2024-06-01T10:00:00",
            "2024-06-04T19:00:00",
            "2024-06-11T19:00:00"
        ]
    );
    let day = Day::parse("day", "2024-06-04").expect("day");
    assert_eq!(
        store
            .occurrences_on(day, "Europe/Madrid")
            .expect("today")
            .len(),
        1
    );
    // 19:00 Madrid is 04:00 next day in Tokyo.
    assert!(store
        .occurrences_on(day, "Asia/Tokyo")
        .expect("today")
        .is_empty());
    let now = store
        .occurrences_now(ms(2024, 6, 4, 17, 45), "Europe/Madrid")
        .expect("now");
    assert_eq!(now.len(), 1);
    assert!(store
        .occurrences_now(ms(2024, 6, 4, 18, 31), "UTC")
        .expect("now")
        .is_empty());
    // A finished series has no next occurrence, and the search stays bounded.
    let (_d2, empty) = open();
    assert!(empty
        .next_occurrences(0, 5, "UTC")
        .expect("next")
        .is_empty());
}

#[test]
fn reminders_have_stable_ids_and_follow_edits() {
    let (_d, store) = open();
    let mut m = meeting(
        "tue",
        "2024-01-02T19:00",
        "Europe/Madrid",
        Some("FREQ=WEEKLY;BYDAY=TU"),
    );
    m.reminder_offsets_minutes = vec![60, 15];
    store.put(s::MEETINGS, m.clone()).expect("put");
    let now = ms(2024, 1, 8, 0, 0);
    let first = store
        .reminders(now, 14, false, "Europe/Madrid")
        .expect("reminders");
    let again = store
        .reminders(now, 14, false, "Europe/Madrid")
        .expect("reminders");
    assert_eq!(first, again);
    assert_eq!(first.len(), 4);
    assert_eq!(first[0].id, "tue@20240109T1900-60");
    assert_eq!(first[0].fire_at_utc_ms, ms(2024, 1, 9, 17, 0));
    assert_eq!(first[1].fire_at_utc_ms, ms(2024, 1, 9, 17, 45));
    assert!(first[0].notification_id > 0);
    // Nothing on the lock screen names the meeting unless the person allowed it.
    assert_eq!(first[0].code, ReminderCode::Private);
    assert!(!first[0]
        .params
        .values()
        .any(|v| v.contains("Dual") || v.contains("Mayor")));
    let detailed = store
        .reminders(now, 14, true, "Europe/Madrid")
        .expect("reminders");
    assert_eq!(detailed[0].code, ReminderCode::Detailed);
    assert_eq!(detailed[0].params["name"], "Dual Recovery Anonymous");
    assert_eq!(detailed[0].id, first[0].id);

    store
        .cancel_occurrence(&id("tue"), at("2024-01-09T19:00"), "")
        .expect("cancel");
    let after = store
        .reminders(now, 14, false, "Europe/Madrid")
        .expect("reminders");
    assert_eq!(after.len(), 2);
    assert_eq!(after[0].id, "tue@20240116T1900-60");
    m.reminder_offsets_minutes = vec![30];
    m.exdates = vec![at("2024-01-09T19:00")];
    store.put(s::MEETINGS, m).expect("edit");
    let edited = store
        .reminders(now, 14, false, "Europe/Madrid")
        .expect("reminders");
    assert_eq!(edited.len(), 1);
    assert_eq!(edited[0].offset_minutes, 30);
}

#[test]
fn attendance_is_marked_per_occurrence_and_counted_by_week_and_month() {
    let (_d, store) = open();
    store
        .put(
            s::MEETINGS,
            meeting(
                "tue",
                "2024-01-02T19:00",
                "Europe/Madrid",
                Some("FREQ=WEEKLY;BYDAY=TU"),
            ),
        )
        .expect("put");
    for (day, status) in [
        ("2024-01-02T19:00", AttendanceStatus::Attended),
        ("2024-01-09T19:00", AttendanceStatus::Missed),
        ("2024-01-16T19:00", AttendanceStatus::Attended),
        ("2024-02-06T19:00", AttendanceStatus::Attended),
    ] {
        store
            .mark_attendance(&id("tue"), at(day), status, "")
            .expect("mark");
    }
    store
        .mark_attendance(
            &id("tue"),
            at("2024-01-09T19:00"),
            AttendanceStatus::Attended,
            "late but there",
        )
        .expect("re-mark replaces");
    assert!(store
        .mark_attendance(
            &id("tue"),
            at("2024-01-03T19:00"),
            AttendanceStatus::Attended,
            ""
        )
        .is_err());
    let from = Day::parse("from", "2024-01-01").expect("day");
    let to = Day::parse("to", "2024-02-29").expect("day");
    let months = store
        .attendance_counts(CountPeriod::Month, from, to)
        .expect("counts");
    assert_eq!(months.len(), 2);
    assert_eq!(
        (
            months[0].label.as_str(),
            months[0].attended,
            months[0].missed
        ),
        ("2024-01", 3, 0)
    );
    assert_eq!(months[1].attended, 1);
    let weeks = store
        .attendance_counts(CountPeriod::Week, from, to)
        .expect("counts");
    assert_eq!(weeks.len(), 9);
    assert_eq!(weeks[0].label, "2024-W01");
    assert_eq!(weeks[3].attended, 0, "empty weeks are present");
}

#[test]
fn the_home_screen_shows_the_next_meetings() {
    let (_d, store) = open();
    store
        .put(
            s::MEETINGS,
            meeting(
                "tue",
                "2024-01-02T19:00",
                "Europe/Madrid",
                Some("FREQ=WEEKLY;BYDAY=TU"),
            ),
        )
        .expect("put");
    let home = store
        .home_screen(Day::parse("d", "2024-06-03").expect("day"))
        .expect("home");
    assert_eq!(home.next_meetings.len(), 3);
    assert_eq!(home.next_meetings[0].start, at("2024-06-04T19:00"));
}

const ZONES: &[&str] = &[
    "Europe/Madrid",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Asia/Tehran",
    "America/Santiago",
    "Africa/Casablanca",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the zone and the season, a weekly meeting keeps its wall-clock time: every
    /// occurrence is at the same local time unless that time fell in a gap, in which case it
    /// is moved forward by exactly the gap and no more than three hours.
    #[test]
    fn weekly_meetings_keep_their_local_time_across_dst(
        zone_ix in 0..ZONES.len(),
        day in 0u32..365,
        hour in 0u32..24,
        minute in prop::sample::select(vec![0u32, 15, 30, 45]),
    ) {
        let zone_name = ZONES[zone_ix];
        let tz: chrono_tz::Tz = zone_name.parse().expect("zone");
        let date = NaiveDate::from_ymd_opt(2023, 1, 1).expect("date") + chrono::Duration::days(i64::from(day));
        let local = date.and_hms_opt(hour, minute, 0).expect("time");
        let m = meeting("p", &local.format("%Y-%m-%dT%H:%M").to_string(), zone_name, Some("FREQ=WEEKLY;COUNT=60"));
        prop_assume!(tz.from_local_datetime(&local).earliest().is_some());
        let from = zone::resolve(tz, local);
        let found = occurrences::between(&[m], from, from + chrono::Duration::days(7 * 61), tz);
        prop_assert_eq!(found.len(), 60);
        for (i, o) in found.iter().enumerate() {
            prop_assert_eq!(o.original_start.0, local + chrono::Duration::weeks(i as i64));
            let shift = o.start.0 - o.original_start.0;
            prop_assert!(shift >= chrono::Duration::zero() && shift <= chrono::Duration::hours(3));
            if shift > chrono::Duration::zero() {
                prop_assert!(tz.from_local_datetime(&o.original_start.0).earliest().is_none());
            }
            if let Some(first) = tz.from_local_datetime(&o.original_start.0).earliest() {
                prop_assert_eq!(o.start_utc_ms, first.timestamp_millis());
            }
            if i > 0 {
                prop_assert!(o.start_utc_ms > found[i - 1].start_utc_ms);
            }
        }
    }

    /// Any RRULE text: either refused as invalid or expanded, never a panic, and bounded.
    #[test]
    fn any_rrule_text_is_refused_or_expanded_without_panic(rule in "[A-Z0-9=;,:+-]{0,80}") {
        let mut m = meeting("r", "2024-01-01T10:00", "UTC", Some(&rule));
        let _ = twofold_core::model::validate::Validate::validate(&m);
        m.rrule = Some(format!("FREQ=DAILY;{rule}"));
        let found = occurrences::between(&[m], Utc.timestamp_millis_opt(0).single().expect("epoch"),
            Utc.timestamp_millis_opt(ms(2030, 1, 1, 0, 0)).single().expect("2030"), chrono_tz::UTC);
        prop_assert!(found.len() <= usize::from(twofold_core::schedule::recurrence::MAX_PER_QUERY));
    }

    /// Any zone name: a known IANA name or a clear error, never a panic.
    #[test]
    fn any_zone_name_is_refused_or_known(name in "\\PC{0,40}") {
        let (_d, store) = open();
        match store.next_occurrences(0, 1, &name) {
            Ok(found) => prop_assert!(found.is_empty()),
            Err(e) => prop_assert!(e.to_string().contains("viewer_zone")),
        }
    }
}

/// Found by the import fuzz test: rrule 0.14 sliced this BYDAY value inside a multi-byte
/// character and panicked. Refused when written; a stored one (from a peer or an old import)
/// expands to nothing instead of taking the home screen down.
#[test]
fn a_non_ascii_rule_is_refused_and_a_stored_one_expands_to_nothing() {
    let rule = "FREQ=WEEKLY;BYDAY=TU\u{2dc2}\u{fb5}";
    let m = meeting("u", "2024-01-01T10:00", "UTC", Some(rule));
    let refused = twofold_core::model::validate::Validate::validate(&m).expect_err("refused");
    assert!(refused.to_string().contains("rrule"), "{refused}");
    let found = occurrences::between(
        &[m],
        Utc.timestamp_millis_opt(0).single().expect("epoch"),
        Utc.timestamp_millis_opt(ms(2030, 1, 1, 0, 0))
            .single()
            .expect("2030"),
        chrono_tz::UTC,
    );
    assert!(found.is_empty());
}

const RULES: &[&str] = &[
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4",
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "FREQ=MONTHLY;BYDAY=1MO",
    "FREQ=WEEKLY;BYDAY=TU",
    "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
    "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// RFC 5545: DTSTART is always the first occurrence, whether or not the rule would give
    /// it (the 30th under BYMONTHDAY=-1), and under COUNT it is one of the count. The app's
    /// occurrences and reminders agree, and so does the iCalendar export read back.
    #[test]
    fn the_start_is_always_the_first_occurrence(
        rule_ix in 0..RULES.len(),
        day in 0u32..730,
        hour in 7u32..22,
    ) {
        let rule = RULES[rule_ix];
        let date = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date") + chrono::Duration::days(i64::from(day));
        let start = date.and_hms_opt(hour, 0, 0).expect("time");
        let zone_name = "Europe/Madrid";
        let tz: chrono_tz::Tz = zone_name.parse().expect("zone");
        let m = meeting("dt", &start.format("%Y-%m-%dT%H:%M").to_string(), zone_name, Some(rule));
        let (_d, store) = open();
        store.put(s::MEETINGS, m).expect("put");
        let from = zone::resolve(tz, start) - chrono::Duration::days(1);
        let (from_ms, to_ms) = (from.timestamp_millis(), (from + chrono::Duration::days(800)).timestamp_millis());
        let found = store.occurrences_between(from_ms, to_ms, zone_name).expect("occurrences");
        prop_assert!(!found.is_empty());
        prop_assert_eq!(found[0].original_start.0, start);
        if let Some(count) = rule.split(';').find_map(|p| p.strip_prefix("COUNT=")) {
            prop_assert_eq!(found.len(), count.parse::<usize>().expect("count"));
        }

        let reminders = store.reminders(from_ms, 31, false, zone_name).expect("reminders");
        prop_assert_eq!(reminders.first().map(|r| r.original_start.0), Some(start));

        let ics = store.export_icalendar(from_ms).expect("export");
        let (_d2, other) = open();
        other.import_icalendar(ics.as_bytes(), zone_name).expect("import");
        let back = other.occurrences_between(from_ms, to_ms, zone_name).expect("occurrences");
        prop_assert_eq!(local_starts(&back), local_starts(&found));
    }
}

#[test]
fn the_30th_under_last_day_of_month_is_its_own_first_occurrence() {
    let (_d, store) = open();
    store
        .put(
            s::MEETINGS,
            meeting(
                "eom",
                "2025-04-29T19:00",
                "Europe/Madrid",
                Some("FREQ=MONTHLY;BYMONTHDAY=-1"),
            ),
        )
        .expect("put");
    let found = store
        .occurrences_between(ms(2025, 4, 1, 0, 0), ms(2025, 7, 1, 0, 0), "Europe/Madrid")
        .expect("occurrences");
    assert_eq!(
        local_starts(&found),
        [
            "2025-04-29T19:00:00",
            "2025-04-30T19:00:00",
            "2025-05-31T19:00:00",
            "2025-06-30T19:00:00"
        ]
    );
}
