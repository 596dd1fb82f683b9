//! Care content (issue 22) through the public API: documents written before it open and keep
//! their meaning; the medication schedule and its validation; discreet care reminders; the
//! schedule-based medication-missed rule; adherence in the summary; the lowered-tolerance
//! alert with the person's harm-reduction next steps, and the same items on the crisis screen.

use std::path::Path;

use proptest::prelude::*;
use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::keys::random_key;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/before-care-content");
const MADRID: &str = "Europe/Madrid";

fn id(raw: &str) -> ItemId {
    ItemId::parse("id", raw).expect("id")
}

fn day(raw: &str) -> Day {
    Day::parse("day", raw).expect("day")
}

fn time(raw: &str) -> LocalDateTime {
    LocalDateTime::parse("time", raw).expect("time")
}

fn open() -> (tempfile::TempDir, Twofold) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Twofold::open(dir.path().join("s.twofold"), &random_key()).expect("open");
    (dir, store)
}

/// Twice a day, 08:00 and 20:00 Madrid, from 2026-03-01.
fn medication(name: &str) -> ScheduledMedication {
    ScheduledMedication {
        id: id("med-1"),
        name: name.into(),
        dose_amount: 8.0,
        dose_unit: "mg".into(),
        start: time("2026-03-01T08:00"),
        time_zone: MADRID.into(),
        rrule: Some("FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0".into()),
        reminder_offsets_minutes: vec![0, 15],
        pickup_place: "Farmacia Central".into(),
        refill_date: Some(day("2026-03-10")),
        refill_remind_days_before: 2,
        show_name_in_reminders: false,
    }
}

fn check_in(d: Day, hour: u32, used: bool, doses: Vec<DoseAnswer>) -> (NewCheckIn, i64) {
    let at =
        d.0.and_hms_opt(hour, 0, 0)
            .expect("time")
            .and_utc()
            .timestamp_millis();
    let new = NewCheckIn {
        day: d,
        mood: 5,
        craving: 3,
        sleep_hours: None,
        medication_taken: None,
        doses,
        used_substance: used,
        triggers_met: vec![],
        coping_used: vec![],
        warning_signs: vec![],
        note: String::new(),
    };
    (new, at)
}

fn record(store: &Twofold, (new, at): (NewCheckIn, i64)) {
    store.record_check_in(new, at).expect("check-in");
}

fn dose(due: &str, taken: bool) -> DoseAnswer {
    DoseAnswer {
        medication_id: id("med-1"),
        due: time(due),
        taken,
    }
}

fn copy_fixture_store(to: &Path) {
    for name in ["s.db", "s.db.keycheck"] {
        std::fs::copy(Path::new(FIXTURES).join(name), to.join(name)).expect("copy fixture");
    }
}

fn fixture_key() -> [u8; 32] {
    std::array::from_fn(|i| i as u8)
}

#[test]
fn a_store_written_before_care_content_opens_upgraded_and_its_answers_keep_their_meaning() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_fixture_store(dir.path());
    let store = Twofold::open_with(
        dir.path().join("s.db"),
        &fixture_key(),
        OpenOptions::default(),
    )
    .expect("open the old store");
    let check_ins = store.list(s::CHECK_INS).expect("check-ins");
    let answers: Vec<Option<bool>> = check_ins.iter().map(|c| c.medication_taken).collect();
    assert_eq!(answers, [Some(true), Some(false), None]);
    assert!(check_ins.iter().all(|c| c.doses.is_empty()));
    // The new sections exist now and take items, durably.
    store
        .put(s::MEDICATION_SCHEDULE, medication("Buprenorphine"))
        .expect("put");
    store
        .put(
            s::NALOXONE_KITS,
            NaloxoneKit {
                id: id("kit-1"),
                location: "kitchen drawer".into(),
                expires: Some(day("2027-01-31")),
                remind_days_before: 30,
                notes: String::new(),
            },
        )
        .expect("put");
    // An old "no" still means a missed day for the rule, though a schedule exists now.
    store
        .set_thresholds(Thresholds {
            medication_missed_days: 1,
            ..Thresholds::default()
        })
        .expect("thresholds");
    let rules: Vec<Rule> = store
        .alerts(day("2026-03-02"))
        .expect("alerts")
        .iter()
        .map(|a| a.rule)
        .collect();
    assert!(rules.contains(&Rule::MedicationMissed), "{rules:?}");
    drop(store);
    let store = Twofold::open(dir.path().join("s.db"), &fixture_key()).expect("reopen");
    assert_eq!(store.list(s::MEDICATION_SCHEDULE).expect("list").len(), 1);
    assert_eq!(store.list(s::NALOXONE_KITS).expect("list").len(), 1);
    assert_eq!(store.list(s::CHECK_INS).expect("list").len(), 3);
}

#[test]
fn documents_exported_before_care_content_import_into_a_new_store() {
    let (_dir, store) = open();
    for (kind, file) in [
        (DocKind::Journal, "journal-before-doses.automerge"),
        (DocKind::Plan, "plan-before-harm-reduction.automerge"),
    ] {
        let bytes = std::fs::read(Path::new(FIXTURES).join(file)).expect("fixture");
        store.import_bytes(kind, &bytes).expect("import");
    }
    let answers: Vec<Option<bool>> = store
        .list(s::CHECK_INS)
        .expect("check-ins")
        .iter()
        .map(|c| c.medication_taken)
        .collect();
    assert_eq!(answers, [Some(true), Some(false), None]);
    assert!(store.list(s::NALOXONE_KITS).expect("kits").is_empty());
}

#[test]
fn doses_and_reminders_follow_the_schedule_and_stay_discreet_by_default() {
    let (_dir, store) = open();
    store
        .put(s::MEDICATION_SCHEDULE, medication("Buprenorphine"))
        .expect("put");
    let doses = store.doses_on(day("2026-03-29")).expect("doses");
    // The day summer time starts: still 08:00 and 20:00 in Madrid.
    assert_eq!(
        doses.iter().map(|d| d.due.to_string()).collect::<Vec<_>>(),
        ["2026-03-29T08:00:00", "2026-03-29T20:00:00"]
    );
    let now = day("2026-03-08")
        .0
        .and_hms_opt(0, 0, 0)
        .expect("t")
        .and_utc()
        .timestamp_millis();
    let reminders = store
        .care_reminders(now, 3, false, MADRID)
        .expect("reminders");
    let kinds: Vec<CareReminderKind> = reminders.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == CareReminderKind::Dose)
            .count(),
        12
    );
    assert!(kinds.contains(&CareReminderKind::Refill), "{kinds:?}");
    for r in &reminders {
        assert!(r.message.code.ends_with("_private"), "{}", r.message.code);
    }
    let again = store
        .care_reminders(now, 3, false, MADRID)
        .expect("reminders");
    assert_eq!(
        reminders.iter().map(|r| &r.id).collect::<Vec<_>>(),
        again.iter().map(|r| &r.id).collect::<Vec<_>>()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the medication is called, a reminder the person did not open up names neither
    /// it, its dose unit nor its pickup place, in any language the core renders. (Each starts
    /// with a marker no template contains, so a short one cannot match an ordinary word.)
    #[test]
    fn default_care_reminders_never_contain_the_name(
        name in "Qz[A-Za-z -]{2,30}",
        unit in "qx[a-z]{1,6}",
        place in "Xq[A-Za-z ]{2,20}",
    ) {
        let (_dir, store) = open();
        let med = ScheduledMedication {
            dose_unit: unit.clone(),
            pickup_place: place.clone(),
            refill_date: Some(day("2026-03-03")),
            ..medication(&name)
        };
        store.put(s::MEDICATION_SCHEDULE, med).expect("put");
        let now = day("2026-03-01").0.and_hms_opt(0, 0, 0).expect("t").and_utc().timestamp_millis();
        let reminders = store.care_reminders(now, 3, false, MADRID).expect("reminders");
        prop_assert!(!reminders.is_empty());
        for r in &reminders {
            for lang in [Lang::En, Lang::Es] {
                let text = twofold_core::insights::i18n::render(lang, &r.message);
                for secret in [name.trim(), unit.as_str(), place.trim()] {
                    prop_assert!(!text.contains(secret), "{text:?} names {secret:?}");
                }
            }
            for p in &r.message.params {
                prop_assert!(!p.value.contains(name.trim()));
            }
        }
    }

    /// A bad dose, time, zone or rule is refused naming its field, and nothing is written.
    #[test]
    fn bad_medications_are_refused_by_field_and_write_nothing(
        case in 0usize..6,
        amount in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(0.0), -1e6..0.0, 100_001.0..1e9],
        rule in "[A-Z=;0-9,]{0,40}",
    ) {
        let (_dir, store) = open();
        let good = medication("Sertraline");
        let (bad, field) = match case {
            0 => (ScheduledMedication { dose_amount: amount, ..good }, "dose_amount"),
            1 => (ScheduledMedication { dose_unit: " ".into(), ..good }, "dose_unit"),
            2 => (ScheduledMedication { time_zone: "Mars/Olympus".into(), ..good }, "time_zone"),
            // 02:30 on the morning Madrid's clocks jump from 02:00 to 03:00.
            3 => (ScheduledMedication { start: time("2026-03-29T02:30"), ..good }, "start"),
            4 => (ScheduledMedication { rrule: Some(format!("RRULE:{rule}")), ..good }, "rrule"),
            _ => (ScheduledMedication { rrule: Some(format!("FREQ=NEVER;{rule}")), ..good }, "rrule"),
        };
        match store.put(s::MEDICATION_SCHEDULE, bad) {
            Err(Error::Invalid(invalid)) => {
                prop_assert_eq!(invalid.field.as_str(), format!("medication_schedule.{field}"));
            }
            other => prop_assert!(false, "{other:?}"),
        }
        prop_assert!(store.list(s::MEDICATION_SCHEDULE).expect("list").is_empty());
    }
}

#[test]
fn the_medication_missed_rule_reads_the_schedule() {
    let (_dir, store) = open();
    store
        .put(s::MEDICATION_SCHEDULE, medication("Lithium"))
        .expect("put");
    store
        .set_thresholds(Thresholds {
            medication_missed_days: 2,
            ..Thresholds::default()
        })
        .expect("thresholds");
    let missed = |store: &Twofold, today: &str| {
        store
            .alerts(day(today))
            .expect("alerts")
            .iter()
            .any(|a| a.rule == Rule::MedicationMissed)
    };
    // Day 1 evening: the morning dose taken, the evening one not marked: a missed day.
    record(
        &store,
        check_in(
            day("2026-03-02"),
            21,
            false,
            vec![dose("2026-03-02T08:00", true)],
        ),
    );
    // Day 2 at 07:00 UTC: the 08:00 dose is not due yet; nothing is missed so far that day.
    record(&store, check_in(day("2026-03-03"), 6, false, vec![]));
    assert!(!missed(&store, "2026-03-03"));
    // Day 2 evening: neither dose marked: two missed days in a row.
    record(&store, check_in(day("2026-03-03"), 21, false, vec![]));
    assert!(missed(&store, "2026-03-03"));
    // Both doses marked taken on day 2 after all: the run is broken.
    record(
        &store,
        check_in(
            day("2026-03-03"),
            22,
            false,
            vec![
                dose("2026-03-03T08:00", true),
                dose("2026-03-03T20:00", true),
            ],
        ),
    );
    assert!(!missed(&store, "2026-03-03"));
    let adherence = store
        .medication_adherence(day("2026-03-03"))
        .expect("adherence");
    // From the first day (2026-03-01, unanswered) to today: six doses, three marked taken.
    assert_eq!(
        (adherence[0].taken, adherence[0].due),
        (3, 6),
        "{adherence:?}"
    );
    let summary = store
        .summary(&SummaryOptions {
            lang: Lang::En,
            today: day("2026-03-03"),
            parts: vec![SummaryPart::MedicationAdherence],
        })
        .expect("summary");
    assert!(
        summary
            .markdown
            .contains("Lithium (8 mg): 3 of 6 doses taken"),
        "{}",
        summary.markdown
    );
}

/// Ana (a contact), a lapse plan, a kit, a never-use-alone line and Ana as a responder.
fn harm_reduction_plan(store: &Twofold) {
    let phone = |n: &str| Phone {
        label: "mobile".into(),
        number: n.into(),
    };
    store
        .put(
            s::CONTACTS,
            Contact {
                id: id("ana"),
                name: "Ana".into(),
                roles: vec![],
                phones: vec![phone("+34 600 000 001")],
                email: None,
                availability: String::new(),
                notes: String::new(),
                crisis_order: None,
                do_not_involve: false,
            },
        )
        .expect("contact");
    store
        .put(
            s::LAPSE_PLAN,
            PlanNote {
                id: id("lp-1"),
                text: "Tell Ana".into(),
            },
        )
        .expect("lapse plan");
    store
        .put(
            s::NALOXONE_KITS,
            NaloxoneKit {
                id: id("kit-1"),
                location: "bathroom cabinet".into(),
                expires: Some(day("2027-05-01")),
                remind_days_before: 30,
                notes: String::new(),
            },
        )
        .expect("kit");
    store
        .put(
            s::NEVER_USE_ALONE,
            NeverUseAloneLine {
                id: id("line-1"),
                name: "The line I trust".into(),
                phone: "+34 600 000 002".into(),
                notes: String::new(),
            },
        )
        .expect("line");
    store
        .put(
            s::NALOXONE_RESPONDERS,
            NaloxoneResponder {
                id: id("resp-1"),
                contact_id: id("ana"),
                note: "trained".into(),
            },
        )
        .expect("responder");
}

#[test]
fn a_lapse_after_a_week_without_raises_the_tolerance_alert_with_the_harm_reduction_plan() {
    let (_dir, store) = open();
    harm_reduction_plan(&store);
    // A responder must point at a contact.
    assert!(store
        .put(
            s::NALOXONE_RESPONDERS,
            NaloxoneResponder {
                id: id("resp-2"),
                contact_id: id("nobody"),
                note: String::new()
            },
        )
        .is_err());
    let start = day("2026-04-01");
    record(&store, check_in(start, 20, true, vec![]));
    for n in 1..=8 {
        record(
            &store,
            check_in(Day(start.0 + chrono::Duration::days(n)), 20, false, vec![]),
        );
    }
    let lapse = Day(start.0 + chrono::Duration::days(9));
    record(&store, check_in(lapse, 20, true, vec![]));
    let alerts = store.open_alerts(lapse).expect("alerts");
    let first = alerts.first().expect("an alert");
    assert_eq!(
        (first.rule, first.priority),
        (Rule::ToleranceLowered, AlertPriority::High)
    );
    assert_eq!(first.reason.param("count"), Some("8"));
    let kinds: Vec<&str> = first
        .next_steps
        .iter()
        .map(|s| match s {
            NextStep::LapsePlan { .. } => "lapse_plan",
            NextStep::NaloxoneKit { .. } => "kit",
            NextStep::NeverUseAlone { .. } => "line",
            NextStep::NaloxoneResponder(_) => "responder",
            NextStep::Coping { .. } => "coping",
            NextStep::Contact(_) => "contact",
            NextStep::WarningSignPlan { .. } => "sign",
        })
        .collect();
    assert_eq!(kinds[..4], ["lapse_plan", "kit", "line", "responder"]);
    // Acknowledged, it stays quiet for this lapse.
    store
        .acknowledge_alert(first.rule, &first.situation)
        .expect("ack");
    assert!(store
        .open_alerts(lapse)
        .expect("alerts")
        .iter()
        .all(|a| a.rule != Rule::ToleranceLowered));
    // Tunable: with a threshold of 9 days, 8 abstinent days are not enough.
    store
        .set_thresholds(Thresholds {
            tolerance_abstinent_days: 9,
            ..Thresholds::default()
        })
        .expect("thresholds");
    assert!(store
        .alerts(lapse)
        .expect("alerts")
        .iter()
        .all(|a| a.rule != Rule::ToleranceLowered));
}

#[test]
fn the_crisis_screen_lists_the_harm_reduction_items() {
    let (_dir, store) = open();
    let empty = store.crisis_screen().expect("screen");
    assert!(empty.naloxone_kits.is_empty() && empty.never_use_alone.is_empty());
    harm_reduction_plan(&store);
    store
        .put(
            s::NALOXONE_KITS,
            NaloxoneKit {
                id: id("kit-2"),
                location: "my backpack".into(),
                expires: None,
                remind_days_before: 0,
                notes: String::new(),
            },
        )
        .expect("kit");
    // Someone the person must not involve is never offered, even as a responder.
    store
        .put(
            s::CONTACTS,
            Contact {
                id: id("leo"),
                name: "Leo".into(),
                roles: vec![],
                phones: vec![Phone {
                    label: "mobile".into(),
                    number: "+34 600 000 003".into(),
                }],
                email: None,
                availability: String::new(),
                notes: String::new(),
                crisis_order: None,
                do_not_involve: true,
            },
        )
        .expect("contact");
    store
        .put(
            s::NALOXONE_RESPONDERS,
            NaloxoneResponder {
                id: id("resp-3"),
                contact_id: id("leo"),
                note: String::new(),
            },
        )
        .expect("responder");

    let screen = store.crisis_screen_for_region(Some("ES")).expect("screen");
    let kits: Vec<(&str, Option<Day>)> = screen
        .naloxone_kits
        .iter()
        .map(|k| (k.location.as_str(), k.expires))
        .collect();
    assert_eq!(
        kits,
        [
            ("bathroom cabinet", Some(day("2027-05-01"))),
            ("my backpack", None)
        ]
    );
    let lines: Vec<(&str, &str)> = screen
        .never_use_alone
        .iter()
        .map(|l| (l.name.as_str(), l.phone.as_str()))
        .collect();
    assert_eq!(lines, [("The line I trust", "+34 600 000 002")]);
    let responders: Vec<(&str, &str, &str)> = screen
        .naloxone_responders
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.phones[0].number.as_str(),
                p.will_do.as_str(),
            )
        })
        .collect();
    assert_eq!(responders, [("Ana", "+34 600 000 001", "trained")]);
    // The rest of the screen is unchanged: Spain's bundled line and emergency number.
    assert_eq!(screen.emergency.map(|e| e.number), Some("112".to_string()));
}
