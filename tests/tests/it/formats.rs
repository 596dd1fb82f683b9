//! Open formats through the public API: Meeting Guide feeds (filters, choice, re-import by
//! slug), iCalendar round trips and imports from other calendars, vCard round trips with
//! roles — and every parser fed hostile input: no panic, bounded refusal, nothing written.

use proptest::prelude::*;
use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::keys::random_key;

fn id(raw: &str) -> ItemId {
    ItemId::parse("id", raw).expect("id")
}

fn at(raw: &str) -> LocalDateTime {
    LocalDateTime::parse("at", raw).expect("local time")
}

fn open() -> (tempfile::TempDir, Twofold) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Twofold::open(dir.path().join("s.twofold"), &random_key()).expect("open");
    (dir, store)
}

const FEED: &str = r#"[
  {"name": "Dual Diagnosis Step Group", "slug": "dd-step", "day": 2, "time": "19:00",
   "end_time": "20:30", "timezone": "America/Chicago",
   "formatted_address": "123 Main St, Springfield, IL 62701, USA",
   "types": ["DD", "O", "EN", "X", "ZZZ-UNKNOWN"], "location": "St. Mark's Church",
   "notes": "Use the side door", "updated": "2024-01-01 10:00:00", "approximate": "no"},
  {"name": "Online Daily Reflection", "slug": "online-daily", "day": [0, 1, 2, 3, 4, 5, 6],
   "time": "07:00", "conference_url": "https://zoom.example.org/j/123",
   "conference_url_notes": "Password 1234", "conference_phone": "+1 312 555 0100",
   "types": ["ONL", "S", "DD"]},
  {"name": "By appointment", "slug": "appt", "time": "10:00", "types": ["DD"]},
  {"name": "Bad time", "slug": "bad-time", "day": 1, "time": "25:99", "types": ["DD"]},
  {"name": "Closed men's", "slug": "closed", "day": 5, "time": "20:00", "types": ["C", "M"],
   "formatted_address": "1 Elm St"},
  "not an object"
]"#;

fn mg_options() -> MeetingGuideImport {
    MeetingGuideImport {
        filter: MeetingGuideFilter::default(),
        choose: None,
        default_time_zone: "America/Chicago".into(),
        today: Day::parse("today", "2024-06-03").expect("day"),
        kind: MeetingKind::TwelveStep,
        dry_run: false,
    }
}

fn outcome<'a>(report: &'a ImportReport, key: &str) -> &'a ImportOutcome {
    &report
        .entries
        .iter()
        .find(|e| e.key == key)
        .expect("entry reported")
        .outcome
}

#[test]
fn a_meeting_guide_feed_is_imported_with_a_report_per_entry() {
    let (_d, store) = open();
    let report = store
        .import_meeting_guide(FEED.as_bytes(), &mg_options())
        .expect("import");
    assert_eq!((report.added, report.updated, report.skipped), (3, 0, 3));
    assert!(
        matches!(outcome(&report, "appt"), ImportOutcome::Skipped { reason } if reason.contains("day"))
    );
    assert!(
        matches!(outcome(&report, "bad-time"), ImportOutcome::Skipped { reason } if reason.contains("time"))
    );
    assert!(matches!(
        outcome(&report, "#5"),
        ImportOutcome::Skipped { .. }
    ));

    let meetings = store.list(s::MEETINGS).expect("meetings");
    let dd = meetings
        .iter()
        .find(|m| m.source_slug.as_deref() == Some("dd-step"))
        .expect("dd meeting");
    assert_eq!(dd.start, at("2024-06-04T19:00"), "first Tuesday from today");
    assert_eq!(dd.rrule.as_deref(), Some("FREQ=WEEKLY;BYDAY=TU"));
    assert_eq!(dd.duration_minutes, 90);
    assert_eq!(dd.format, MeetingFormat::InPerson);
    assert_eq!(dd.language, "en");
    assert_eq!(dd.accessibility, "Wheelchair access");
    assert!(
        dd.type_codes.contains(&"ZZZ-UNKNOWN".to_string()),
        "unknown codes are kept"
    );
    let online = meetings
        .iter()
        .find(|m| m.source_slug.as_deref() == Some("online-daily"))
        .expect("online meeting");
    assert_eq!(
        online.rrule.as_deref(),
        Some("FREQ=WEEKLY;BYDAY=SU,MO,TU,WE,TH,FR,SA")
    );
    assert_eq!(online.format, MeetingFormat::Online);
    assert_eq!(online.time_zone, "America/Chicago", "the default zone");
    assert_eq!(
        online.conference_url_notes.as_deref(),
        Some("Password 1234")
    );
    assert_eq!(online.conference_phone.as_deref(), Some("+1 312 555 0100"));
}

#[test]
fn filters_choice_preview_and_reimport_by_slug() {
    let (_d, store) = open();
    let mut options = mg_options();
    options.filter.types = vec!["DD".into()];
    options.filter.online_or_phone_only = true;
    options.dry_run = true;
    let preview = store
        .import_meeting_guide(FEED.as_bytes(), &options)
        .expect("preview");
    assert!(preview.dry_run);
    assert_eq!(preview.added, 1);
    assert!(
        matches!(outcome(&preview, "dd-step"), ImportOutcome::Skipped { reason } if reason.contains("online"))
    );
    assert!(
        store.list(s::MEETINGS).expect("meetings").is_empty(),
        "a preview writes nothing"
    );

    let mut options = mg_options();
    options.filter.language = Some("es".into());
    assert_eq!(
        store
            .import_meeting_guide(FEED.as_bytes(), &{
                let mut o = options.clone();
                o.dry_run = true;
                o
            })
            .expect("preview")
            .added,
        1
    );
    options.filter = MeetingGuideFilter {
        days: vec![2],
        ..MeetingGuideFilter::default()
    };
    options.choose = Some(vec!["dd-step".into()]);
    let report = store
        .import_meeting_guide(FEED.as_bytes(), &options)
        .expect("import");
    assert_eq!(report.added, 1);
    assert!(
        matches!(outcome(&report, "online-daily"), ImportOutcome::Skipped { reason } if reason == "not chosen")
    );

    // The person adds a reminder; the feed changes the time; re-import updates in place.
    let mut m = store.list(s::MEETINGS).expect("meetings").remove(0);
    m.reminder_offsets_minutes = vec![45];
    store.put(s::MEETINGS, m.clone()).expect("edit");
    let changed = FEED.replace("\"time\": \"19:00\"", "\"time\": \"19:30\"");
    let report = store
        .import_meeting_guide(changed.as_bytes(), &mg_options())
        .expect("re-import");
    assert_eq!((report.added, report.updated), (2, 1));
    let after = store.get(s::MEETINGS, &m.id).expect("same id");
    assert_eq!(after.start.0.format("%H:%M").to_string(), "19:30");
    assert_eq!(after.reminder_offsets_minutes, vec![45]);
    assert_eq!(store.list(s::MEETINGS).expect("meetings").len(), 3);
}

fn full_meeting(mid: &str) -> Meeting {
    Meeting {
        id: id(mid),
        name: "SMART; Recovery, \"online\"\nsecond line".into(),
        kind: MeetingKind::Smart,
        format: MeetingFormat::Hybrid,
        address: "Hall 2, 1 Main St".into(),
        location_notes: "Ring the bell".into(),
        conference_url: Some("https://meet.example.org/smart?x=1;y=2".into()),
        conference_phone: Some("+1 555 0100".into()),
        start: at("2024-03-05T18:30"),
        time_zone: "America/New_York".into(),
        duration_minutes: 75,
        rrule: Some("FREQ=WEEKLY;BYDAY=TU;UNTIL=20241231T235959Z".into()),
        exdates: vec![at("2024-03-12T18:30")],
        type_codes: vec!["DD".into(), "ONL".into()],
        accessibility: "Step-free".into(),
        language: "en".into(),
        cost: "free".into(),
        reminder_offsets_minutes: vec![15, 60],
        source_slug: Some("smart-tue".into()),
        attendance_option: None,
        latitude: None,
        longitude: None,
        region: None,
        conference_url_notes: None,
        conference_phone_notes: None,
        notes: "Bring the workbook".into(),
    }
}

#[test]
fn an_icalendar_export_reimports_to_the_same_schedule() {
    let (_d, store) = open();
    store.put(s::MEETINGS, full_meeting("smart")).expect("put");
    store
        .move_occurrence(
            &id("smart"),
            at("2024-03-19T18:30"),
            at("2024-03-20T19:00"),
            "Wednesday",
        )
        .expect("move");
    let ics = store.export_icalendar(0).expect("export");
    for needle in [
        "BEGIN:VTIMEZONE",
        "TZID:America/New_York",
        "RRULE:FREQ=WEEKLY",
        "EXDATE;TZID=America/New_York:20240312T183000",
        "RECURRENCE-ID;TZID=America/New_York:20240319T183000",
        "CONFERENCE;VALUE=URI;FEATURE=PHONE:tel:+1-555-0100",
        "BEGIN:VALARM",
        "TRIGGER:-PT15M",
    ] {
        assert!(ics.contains(needle), "{needle} missing");
    }
    assert!(
        !ics.contains("EXDATE;TZID=America/New_York:20240319T183000"),
        "moved, not excluded"
    );
    assert!(ics.split("\r\n").all(|l| l.len() <= 75));

    let (_d2, other) = open();
    let report = other
        .import_icalendar(ics.as_bytes(), "UTC")
        .expect("import");
    assert_eq!((report.added, report.skipped), (2, 0), "{report:?}");
    // The phone comes back in tel: URI form (RFC 3966: dashes, no spaces).
    let mut ours: Vec<Meeting> = store
        .list(s::MEETINGS)
        .expect("ours")
        .into_iter()
        .map(|m| Meeting {
            conference_phone: Some("+1-555-0100".into()),
            ..m
        })
        .collect();
    let mut theirs = other.list(s::MEETINGS).expect("theirs");
    ours.sort_by(|a, b| a.id.cmp(&b.id));
    theirs.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(ours, theirs);
    // Importing the same file again updates rather than duplicates.
    let again = other
        .import_icalendar(ics.as_bytes(), "UTC")
        .expect("import");
    assert_eq!((again.added, again.updated), (0, 2));
}

#[test]
fn events_from_other_calendars_are_taken_or_skipped_with_reasons() {
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\n\
BEGIN:VEVENT\r\nUID:abc-1@example.org\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Paris:20240108T190000\r\n\
DTEND;TZID=Europe/Paris:20240108T203000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\nEXDATE;TZID=Europe/Paris:20240115T190000,20240122T190000\r\n\
SUMMARY:Therapy group\\, Paris\r\nCONFERENCE;VALUE=URI;FEATURE=VIDEO:https://meet.example.org/x\r\n\
BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:utc-1\r\nDTSTART:20240301T120000Z\r\nDURATION:PT45M\r\nSUMMARY:Call\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:allday\r\nDTSTART;VALUE=DATE:20240301\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:win\r\nDTSTART;TZID=W. Europe Standard Time:20240301T120000\r\nSUMMARY:Outlook\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:rid\r\nRECURRENCE-ID:20240301T120000Z\r\nDTSTART:20240301T130000Z\r\nSUMMARY:Orphan\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let (_d, store) = open();
    let report = store
        .import_icalendar(ics.as_bytes(), "Europe/Madrid")
        .expect("import");
    assert_eq!((report.added, report.skipped), (2, 3), "{report:?}");
    assert!(
        matches!(outcome(&report, "allday"), ImportOutcome::Skipped { reason } if reason.contains("whole day"))
    );
    assert!(
        matches!(outcome(&report, "win"), ImportOutcome::Skipped { reason } if reason.contains("IANA"))
    );
    let meetings = store.list(s::MEETINGS).expect("meetings");
    let paris = meetings
        .iter()
        .find(|m| m.time_zone == "Europe/Paris")
        .expect("paris");
    assert_eq!(paris.name, "Therapy group, Paris");
    assert_eq!(paris.duration_minutes, 90);
    assert_eq!(paris.exdates.len(), 2);
    assert_eq!(paris.reminder_offsets_minutes, vec![60]);
    assert_eq!(paris.format, MeetingFormat::Online);
    let call = meetings.iter().find(|m| m.name == "Call").expect("call");
    assert_eq!(
        (call.time_zone.as_str(), call.duration_minutes),
        ("UTC", 45)
    );
}

fn contact(cid: &str) -> Contact {
    Contact {
        id: id(cid),
        name: "Sam O'Neil, Jr.; sponsor".into(),
        roles: vec![ContactRole::Sponsor, ContactRole::CaseManager],
        phones: vec![
            Phone {
                label: "mobile".into(),
                number: "+44 7700 900123".into(),
            },
            Phone {
                label: "work".into(),
                number: "+44 20 7946 0000".into(),
            },
        ],
        email: Some("sam@example.org".into()),
        availability: "evenings".into(),
        notes: "Met at DRA\nCall before 22:00".into(),
        crisis_order: Some(1),
        do_not_involve: false,
    }
}

#[test]
fn a_vcard_export_reimports_with_roles_and_keeps_crisis_settings_private() {
    let (_d, store) = open();
    store.put(s::CONTACTS, contact("sam")).expect("put");
    let vcf = store.export_vcard().expect("export");
    assert!(vcf.contains("VERSION:4.0"));
    assert!(vcf.contains("CATEGORIES:sponsor,case_manager"));
    assert!(!vcf.to_ascii_lowercase().contains("crisis"));

    let (_d2, other) = open();
    let report = other.import_vcard(vcf.as_bytes()).expect("import");
    assert_eq!(report.added, 1, "{report:?}");
    let back = other.get(s::CONTACTS, &id("sam")).expect("same id");
    assert_eq!(
        back,
        Contact {
            crisis_order: None,
            ..contact("sam")
        }
    );
    // Re-import into the original store keeps its crisis order.
    let again = store.import_vcard(vcf.as_bytes()).expect("import");
    assert_eq!(again.updated, 1);
    assert_eq!(
        store
            .get(s::CONTACTS, &id("sam"))
            .expect("contact")
            .crisis_order,
        Some(1)
    );
}

#[test]
fn vcards_from_other_apps_map_roles_and_skip_what_cannot_be_a_contact() {
    let vcf =
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dr. Lee\r\nN:Lee;Ann;;;\r\nTEL;TYPE=CELL:+1 555 0199\r\n\
TEL:not a number\r\nEMAIL:ann@example.org\r\nCATEGORIES:Therapist,Work\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:4.0\r\nTEL:+1 555 0100\r\nEND:VCARD\r\n";
    let (_d, store) = open();
    let report = store.import_vcard(vcf.as_bytes()).expect("import");
    assert_eq!((report.added, report.skipped), (1, 1), "{report:?}");
    assert_eq!(
        report.entries[0].dropped.len(),
        2,
        "the bad number and the Work label"
    );
    let lee = store.list(s::CONTACTS).expect("contacts").remove(0);
    assert_eq!(lee.roles, vec![ContactRole::Therapist]);
    assert_eq!(
        lee.phones,
        vec![Phone {
            label: "mobile".into(),
            number: "+1 555 0199".into()
        }]
    );
}

#[test]
fn huge_and_deeply_nested_files_are_refused_quickly_and_write_nothing() {
    let (_d, store) = open();
    let started = std::time::Instant::now();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let huge = vec![b' '; 9 * 1024 * 1024];
    let nested = format!("BEGIN:VCALENDAR\r\n{}", "BEGIN:X\r\n".repeat(50_000));
    let many = format!(
        "BEGIN:VCALENDAR\r\n{}END:VCALENDAR\r\n",
        "BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n".repeat(5_001)
    );
    let cards = "BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n".repeat(5_001);
    for result in [
        store.import_meeting_guide(deep.as_bytes(), &mg_options()),
        store.import_meeting_guide(&huge, &mg_options()),
        store.import_icalendar(&huge, "UTC"),
        store.import_icalendar(nested.as_bytes(), "UTC"),
        store.import_icalendar(many.as_bytes(), "UTC"),
        store.import_vcard(cards.as_bytes()),
        store.import_vcard(&[0xff, 0xfe, 0x00]),
        store.import_icalendar(b"not a calendar", "UTC"),
    ] {
        assert!(
            matches!(result, Err(Error::ImportRefused { .. })),
            "{result:?}"
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(store.list(s::MEETINGS).expect("meetings").is_empty());
    assert!(store.list(s::CONTACTS).expect("contacts").is_empty());
}

fn feed_entry() -> impl Strategy<Value = String> {
    (
        "\\PC{0,12}",
        prop::option::of("[a-z0-9-]{0,8}"),
        prop::sample::select(vec!["0", "6", "7", "-1", "\"3\"", "[1,2]", "null", "\"x\""]),
        prop::sample::select(vec!["\"19:00\"", "\"7:5\"", "\"24:00\"", "12", "\"\""]),
        prop::sample::select(vec![
            "\"America/Chicago\"",
            "\"Nowhere/Land\"",
            "null",
            "\"\"",
        ]),
        prop::collection::vec("[A-Z]{1,3}|\\PC{0,4}", 0..4),
    )
        .prop_map(|(name, slug, day, time, tz, types)| {
            serde_json::json!({
                "name": name, "slug": slug, "types": types,
                "day": serde_json::from_str::<serde_json::Value>(day).unwrap_or_default(),
                "time": serde_json::from_str::<serde_json::Value>(time).unwrap_or_default(),
                "timezone": serde_json::from_str::<serde_json::Value>(tz).unwrap_or_default(),
                "conference_url": "javascript:alert(1)",
            })
            .to_string()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random feeds: every entry is reported, nothing panics, and whatever was taken is valid.
    #[test]
    fn meeting_guide_feeds_never_panic(entries in prop::collection::vec(feed_entry(), 0..8)) {
        let (_d, store) = open();
        let feed = format!("[{}]", entries.join(","));
        let report = store.import_meeting_guide(feed.as_bytes(), &mg_options()).expect("a JSON list is a feed");
        prop_assert_eq!(report.entries.len(), entries.len());
        prop_assert_eq!(store.list(s::MEETINGS).expect("meetings").len(), report.added + report.updated);
    }

    /// Arbitrary bytes into every parser: a report or a refusal, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let (_d, store) = open();
        let _ = store.import_meeting_guide(&bytes, &mg_options());
        let _ = store.import_icalendar(&bytes, "UTC");
        let _ = store.import_vcard(&bytes);
    }

    /// Calendar-shaped text with random property lines: a report or a refusal, never a panic.
    #[test]
    fn calendar_shaped_text_never_panics(
        lines in prop::collection::vec(
            prop::sample::select(vec![
                "DTSTART;TZID=Europe/Madrid:20240101T190000", "DTSTART:2024", "DTSTART:20240101T190000Z",
                "RRULE:FREQ=WEEKLY;BYDAY=ZZ", "RRULE:FREQ=SECONDLY", "RRULE:FREQ=DAILY;COUNT=3",
                "EXDATE:20240108T190000", "EXDATE;TZID=Nope:x,y", "RECURRENCE-ID:20240101T190000Z",
                "SUMMARY:x", "SUMMARY:", "UID:a", "UID:b", "DURATION:P99999999W", "DURATION:-PT1H",
                "DTEND:20231231T000000Z", "BEGIN:VALARM", "END:VALARM", "TRIGGER:-P1D", "TRIGGER:PT5M",
                "CONFERENCE:tel:+1 555", "CONFERENCE:ftp://x", " folded", "X-TWOFOLD-KIND:smart",
                "BEGIN:VEVENT", "END:VEVENT", ":", ";;;", "\\",
            ]),
            0..30,
        ),
    ) {
        let (_d, store) = open();
        let body = lines.join("\r\n");
        let ics = format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        let _ = store.import_icalendar(ics.as_bytes(), "UTC");
        let vcf = format!("BEGIN:VCARD\r\nVERSION:4.0\r\n{}\r\nEND:VCARD\r\n", body.replace("VEVENT", "VCARD"));
        let _ = store.import_vcard(vcf.as_bytes());
    }
}
