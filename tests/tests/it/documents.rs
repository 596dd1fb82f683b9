//! The four documents through the public API: validation, references, ordering, conflicts
//! and listeners.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::keys::random_key;

fn id(raw: &str) -> ItemId {
    ItemId::parse("id", raw).expect("id")
}

fn open() -> (tempfile::TempDir, Twofold) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Twofold::open(dir.path().join("s.twofold"), &random_key()).expect("open");
    (dir, store)
}

fn contact(cid: &str, name: &str) -> Contact {
    Contact {
        id: id(cid),
        name: name.into(),
        roles: vec![ContactRole::Peer],
        phones: vec![Phone {
            label: "mobile".into(),
            number: "+44 7700 900123".into(),
        }],
        email: Some("sam@example.org".into()),
        availability: "evenings".into(),
        notes: String::new(),
        crisis_order: Some(1),
        do_not_involve: false,
    }
}

fn meeting(mid: &str) -> Meeting {
    Meeting {
        id: id(mid),
        name: "SMART Recovery".into(),
        kind: MeetingKind::Smart,
        format: MeetingFormat::Online,
        address: String::new(),
        location_notes: String::new(),
        conference_url: Some("https://meet.example.org/smart".into()),
        conference_phone: Some("+1 555 0100".into()),
        start: LocalDateTime::parse("start", "2026-03-02T18:30").expect("start"),
        time_zone: "America/New_York".into(),
        duration_minutes: 60,
        rrule: Some("FREQ=MONTHLY;BYDAY=2TU;COUNT=12".into()),
        exdates: vec![],
        type_codes: vec!["ONL".into()],
        accessibility: String::new(),
        language: "en".into(),
        cost: String::new(),
        reminder_offsets_minutes: vec![15, 60],
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

fn check_in(day: &str, mood: u8) -> NewCheckIn {
    NewCheckIn {
        day: Day::parse("day", day).expect("day"),
        mood,
        craving: 2,
        sleep_hours: None,
        medication_taken: Some(true),
        doses: Vec::new(),
        used_substance: false,
        triggers_met: vec![],
        coping_used: vec![],
        warning_signs: vec![],
        note: String::new(),
    }
}

fn field_of(e: Error) -> String {
    match e {
        Error::Invalid(i) => i.field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn every_document_refuses_bad_input_by_field_and_writes_nothing() {
    let (_dir, store) = open();
    let before: Vec<String> = DocKind::ALL
        .iter()
        .map(|k| store.export_json(*k).expect("json"))
        .collect();

    let mut c = contact("c1", "");
    assert_eq!(
        field_of(store.put(s::CONTACTS, c.clone()).expect_err("empty name")),
        "contacts.name"
    );
    c.name = "Sam".into();
    c.phones[0].number = "call me".into();
    assert_eq!(
        field_of(store.put(s::CONTACTS, c).expect_err("bad phone")),
        "contacts.phones.number"
    );

    let mut t = Trigger {
        id: id("t1"),
        description: " ".into(),
        kind: TriggerKind::Internal,
        domain: Domain::MentalHealth,
        action_plan: String::new(),
    };
    assert_eq!(
        field_of(store.put(s::TRIGGERS, t.clone()).expect_err("blank")),
        "triggers.description"
    );
    t.description = "Loneliness".into();
    t.id = ItemId::parse("id", "ok").expect("id");
    let rung = CrisisContact {
        id: id("l1"),
        contact_id: id("nobody"),
        will_do: String::new(),
    };
    assert_eq!(
        field_of(
            store
                .put(s::CRISIS_CONTACTS, rung)
                .expect_err("unknown contact")
        ),
        "crisis_contacts.contact_id"
    );

    let mut m = meeting("m1");
    m.rrule = Some("FREQ=WEEKLY;BYDAY=XX".into());
    assert_eq!(
        field_of(store.put(s::MEETINGS, m.clone()).expect_err("rrule")),
        "meetings.rrule"
    );
    m.rrule = None;
    m.time_zone = "Mars/Olympus".into();
    assert_eq!(
        field_of(store.put(s::MEETINGS, m.clone()).expect_err("zone")),
        "meetings.time_zone"
    );
    m.time_zone = "America/New_York".into();
    // 02:30 on 8 March 2026 does not exist in New York (clocks jump from 02:00 to 03:00).
    m.start = LocalDateTime::parse("start", "2026-03-08T02:30").expect("parses");
    assert_eq!(
        field_of(store.put(s::MEETINGS, m).expect_err("DST gap")),
        "meetings.start"
    );

    assert_eq!(
        field_of(
            store
                .record_check_in(check_in("2026-11-25", 11), 1)
                .expect_err("mood 11")
        ),
        "check_ins.mood"
    );
    let mut bad_ref = check_in("2026-11-25", 5);
    bad_ref.triggers_met = vec![id("no-such-trigger")];
    assert_eq!(
        field_of(
            store
                .record_check_in(bad_ref, 1)
                .expect_err("unknown trigger")
        ),
        "check_ins.triggers_met"
    );
    assert_eq!(
        field_of(Day::parse("day", "2026-02-30").expect_err("no 30 February")),
        "day"
    );
    assert_eq!(
        field_of(ItemId::parse("id", "has space").expect_err("bad id")),
        "id"
    );

    let after: Vec<String> = DocKind::ALL
        .iter()
        .map(|k| store.export_json(*k).expect("json"))
        .collect();
    assert_eq!(before, after, "nothing was written");
}

#[test]
fn references_keep_the_crisis_plan_whole() {
    let (_dir, store) = open();
    store
        .put(s::CONTACTS, contact("c1", "Rosa"))
        .expect("contact");
    store
        .put(
            s::CRISIS_CONTACTS,
            CrisisContact {
                id: id("l1"),
                contact_id: id("c1"),
                will_do: "Come over".into(),
            },
        )
        .expect("rung");
    let err = store
        .remove(SectionId::Contacts, &id("c1"))
        .expect_err("still on the ladder");
    assert!(err.to_string().contains("crisis_contacts"), "{err}");
    store
        .remove(SectionId::CrisisContacts, &id("l1"))
        .expect("remove rung");
    store
        .remove(SectionId::Contacts, &id("c1"))
        .expect("now it can go");

    store
        .put(
            s::GOALS,
            Goal {
                id: id("g1"),
                title: "Walk daily".into(),
                target_date: None,
                done: false,
            },
        )
        .expect("goal");
    for n in 0..3 {
        store
            .put(
                s::GOAL_STEPS,
                GoalStep {
                    id: id(&format!("s{n}")),
                    goal_id: id("g1"),
                    text: "step".into(),
                    done: false,
                },
            )
            .expect("step");
    }
    store
        .remove(SectionId::Goals, &id("g1"))
        .expect("remove goal");
    assert!(
        store.list(s::GOAL_STEPS).expect("steps").is_empty(),
        "steps go with their goal"
    );
    assert!(matches!(
        store.remove(SectionId::Goals, &id("g1")),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn items_keep_the_order_the_person_gives_them() {
    let (_dir, store) = open();
    for n in ["a", "b", "c", "d"] {
        store
            .put(
                s::REASONS,
                Reason {
                    id: id(n),
                    kind: ReasonKind::Recovery,
                    text: n.into(),
                },
            )
            .expect("reason");
    }
    let order = |store: &Twofold| -> Vec<String> {
        store
            .list(s::REASONS)
            .expect("list")
            .into_iter()
            .map(|r| r.text)
            .collect()
    };
    store
        .move_item(SectionId::Reasons, &id("d"), Some(&id("a")))
        .expect("move");
    assert_eq!(order(&store), ["d", "a", "b", "c"]);
    store
        .move_item(SectionId::Reasons, &id("d"), None)
        .expect("to the end");
    assert_eq!(order(&store), ["a", "b", "c", "d"]);
    // Many moves into the same gap exhaust the floating-point room and renumber.
    for _ in 0..80 {
        store
            .move_item(SectionId::Reasons, &id("c"), Some(&id("b")))
            .expect("move");
        store
            .move_item(SectionId::Reasons, &id("b"), Some(&id("c")))
            .expect("move");
    }
    assert_eq!(order(&store), ["a", "b", "c", "d"]);
    let err = store
        .move_item(SectionId::CheckIns, &id("a"), None)
        .expect_err("time-ordered");
    assert_eq!(field_of(err), "section");
}

#[test]
fn concurrent_edits_merge_and_a_same_field_conflict_is_visible() {
    let dir = tempfile::tempdir().expect("tempdir");
    let owner = Twofold::open(dir.path().join("owner.twofold"), &random_key()).expect("owner");
    let mentor = Twofold::open(dir.path().join("mentor.twofold"), &random_key()).expect("mentor");
    owner.put(s::CONTACTS, contact("c1", "Sam")).expect("put");
    mentor
        .import_bytes(
            DocKind::Contacts,
            &owner.export_bytes(DocKind::Contacts).expect("x"),
        )
        .expect("copy");

    // Offline on both sides: different items, and the same field of one item.
    owner
        .put(s::CONTACTS, contact("c2", "Rosa"))
        .expect("owner adds");
    mentor
        .put(s::CONTACTS, contact("c3", "Dr. Tanaka"))
        .expect("mentor adds");
    let mut a = contact("c1", "Sam");
    a.availability = "weekends".into();
    owner.put(s::CONTACTS, a).expect("owner edits");
    let mut b = contact("c1", "Sam");
    b.availability = "mornings".into();
    mentor.put(s::CONTACTS, b).expect("mentor edits");

    let from_owner = owner.export_bytes(DocKind::Contacts).expect("x");
    let from_mentor = mentor.export_bytes(DocKind::Contacts).expect("x");
    owner
        .import_bytes(DocKind::Contacts, &from_mentor)
        .expect("merge");
    mentor
        .import_bytes(DocKind::Contacts, &from_owner)
        .expect("merge");

    let names = |s: &Twofold| -> Vec<String> {
        let mut n: Vec<String> = s
            .list(s::CONTACTS)
            .expect("list")
            .into_iter()
            .map(|c| c.name)
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&owner), ["Dr. Tanaka", "Rosa", "Sam"]);
    assert_eq!(
        owner.export_json(DocKind::Contacts).expect("x"),
        mentor.export_json(DocKind::Contacts).expect("x")
    );
    let conflicts = owner
        .conflicts(SectionId::Contacts, &id("c1"))
        .expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, "availability");
    let shown = owner.get(s::CONTACTS, &id("c1")).expect("c1").availability;
    assert_eq!(
        conflicts[0].values[0],
        serde_json::to_string(&shown).expect("json"),
        "the shown value comes first"
    );
    let mut values = conflicts[0].values.clone();
    values.sort();
    assert_eq!(values, ["\"mornings\"", "\"weekends\""]);
    assert!(owner
        .conflicts(SectionId::Contacts, &id("c2"))
        .expect("none")
        .is_empty());
}

#[test]
fn listeners_hear_their_document_after_it_is_durable_and_stop_when_dropped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let key = random_key();
    let store = Arc::new(Twofold::open(&path, &key).expect("open"));
    let chunks_on_disk = move || -> usize {
        // A second, independent connection: what is committed to the file.
        let conn = rusqlite::Connection::open(&path).expect("open raw");
        conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key)))
            .expect("key");
        // A check-in is durable once it is in the intent log (ADR 0025), a chunk after the fold.
        conn.query_row(
            "SELECT (SELECT count(*) FROM doc_chunks) + (SELECT count(*) FROM pending_check_ins)",
            [],
            |r| r.get::<_, i64>(0),
        )
        .expect("count") as usize
    };
    let chunks_before = chunks_on_disk();
    let journal_events = Arc::new(AtomicUsize::new(0));
    let chunks_seen_by_listener = Arc::new(AtomicUsize::new(0));
    let (seen, chunks_seen) = (journal_events.clone(), chunks_seen_by_listener.clone());
    let sub = store.subscribe(DocKind::Journal, move |event| {
        assert_eq!(event.kind, DocKind::Journal);
        chunks_seen.store(chunks_on_disk(), Ordering::SeqCst);
        seen.fetch_add(1, Ordering::SeqCst);
    });
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            store
                .record_check_in(check_in("2026-11-25", 6), 1_764_000_000_000)
                .expect("write")
        })
    };
    writer.join().expect("thread");
    assert_eq!(
        chunks_seen_by_listener.load(Ordering::SeqCst),
        chunks_before + 1,
        "the change was on disk before the listener ran"
    );
    store
        .put(s::CONTACTS, contact("c1", "Rosa"))
        .expect("another document");
    assert_eq!(
        journal_events.load(Ordering::SeqCst),
        1,
        "only its own document"
    );
    let _ = store
        .record_check_in(check_in("2026-11-25", 11), 2)
        .expect_err("refused");
    assert_eq!(
        journal_events.load(Ordering::SeqCst),
        1,
        "a refused write is not a change"
    );
    drop(sub);
    store
        .record_check_in(check_in("2026-11-25", 7), 3)
        .expect("write");
    assert_eq!(
        journal_events.load(Ordering::SeqCst),
        1,
        "dropped subscriptions hear nothing"
    );
}

#[test]
fn two_check_ins_a_day_are_both_kept_and_the_home_screen_sees_today() {
    let (_dir, store) = open();
    let today = Day::parse("day", "2026-11-25").expect("day");
    assert!(!store.home_screen(today).expect("home").checked_in_today);
    store
        .record_check_in(check_in("2026-11-25", 4), 1_764_050_000_000)
        .expect("morning");
    store
        .record_check_in(check_in("2026-11-25", 7), 1_764_090_000_000)
        .expect("evening");
    let home = store.home_screen(today).expect("home");
    assert!(home.checked_in_today);
    assert_eq!(home.last_check_ins.len(), 2);
    assert_eq!(home.last_check_ins[0].mood, 7, "newest first");
    assert_eq!(
        store.check_ins_between(today, today).expect("range").len(),
        2
    );

    store
        .put(
            s::RECOVERIES,
            Recovery {
                id: id("v1"),
                substance: "alcohol".into(),
                started: Day::parse("d", "2026-01-01").expect("d"),
            },
        )
        .expect("recovery");
    store
        .put(
            s::LAPSE_PLAN,
            PlanNote {
                id: id("lp"),
                text: "Call Sam today".into(),
            },
        )
        .expect("plan");
    let lapse = store
        .record_lapse(&id("v1"), Day::parse("d", "2026-11-20").expect("d"), "")
        .expect("lapse");
    assert_eq!(
        lapse.lapse_plan[0].text, "Call Sam today",
        "the lapse plan comes back with the lapse"
    );
    let streak = &store.home_screen(today).expect("home").streaks[0];
    assert_eq!(
        (streak.days, streak.lapses),
        (4, 1),
        "the counter restarts the day after; history kept"
    );
}

#[test]
fn the_home_screen_shows_the_newest_check_ins_up_to_today_after_any_silence() {
    let (_dir, store) = open();
    // Check-ins on scattered days, with a long silence at the end.
    let days = [
        "2026-01-03",
        "2026-01-04",
        "2026-02-10",
        "2026-02-11",
        "2026-02-11",
        "2026-03-01",
        "2026-05-17",
        "2026-05-18",
        "2026-05-20",
        "2026-06-30",
        "2026-07-01",
    ];
    for (i, day) in days.iter().enumerate() {
        let at = Day::parse("day", day).expect("day").0;
        let at_ms = at
            .and_hms_opt(9, 0, 0)
            .expect("time")
            .and_utc()
            .timestamp_millis()
            + i as i64 * 60_000;
        store
            .record_check_in(check_in(day, (i % 10) as u8), at_ms)
            .expect("check-in");
    }
    let all = store
        .check_ins_between(
            Day::parse("d", "2000-01-01").expect("d"),
            Day::parse("d", "2100-01-01").expect("d"),
        )
        .expect("all");
    for today in [
        "2025-12-31",
        "2026-01-03",
        "2026-02-11",
        "2026-02-12",
        "2026-05-19",
        "2026-07-01",
        "2026-08-15",
        "2027-07-01",
    ] {
        let today = Day::parse("day", today).expect("day");
        let mut expected: Vec<_> = all.iter().filter(|c| c.day <= today).cloned().collect();
        expected.sort_by_key(|c| std::cmp::Reverse((c.day, c.at_ms)));
        expected.truncate(7);
        let home = store.home_screen(today).expect("home");
        assert_eq!(home.last_check_ins, expected, "on {}", today.0);
        assert_eq!(
            home.checked_in_today,
            all.iter().any(|c| c.day == today),
            "on {}",
            today.0
        );
    }
}
