//! Insights through the public API, on synthetic histories: milestones and lapses, patterns,
//! every early-warning rule (fires when it should, stays quiet otherwise, does not repeat after
//! acknowledgement, comes back when the situation changes), thresholds and a mentor's
//! suggestion, the crisis screen on a store that has only a plan, the help message, plan
//! review and the summary.

use twofold_core::insights::crisis::LocalCrisisLine;
use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::keys::random_key;

fn id(raw: &str) -> ItemId {
    ItemId::parse("id", raw).expect("id")
}

fn day(raw: &str) -> Day {
    Day::parse("day", raw).expect("day")
}

fn plus(d: Day, n: i64) -> Day {
    Day(d.0 + chrono::Duration::days(n))
}

fn open() -> (tempfile::TempDir, Twofold) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Twofold::open(dir.path().join("s.twofold"), &random_key()).expect("open");
    (dir, store)
}

fn entry(d: Day, mood: u8, craving: u8) -> NewCheckIn {
    NewCheckIn {
        day: d,
        mood,
        craving,
        sleep_hours: Some(7.0),
        medication_taken: Some(true),
        doses: Vec::new(),
        used_substance: false,
        triggers_met: vec![],
        coping_used: vec![],
        warning_signs: vec![],
        note: "private words".into(),
    }
}

fn at_ms(d: Day) -> i64 {
    d.0.and_hms_opt(20, 0, 0)
        .expect("time")
        .and_utc()
        .timestamp_millis()
}

fn check_in(store: &Twofold, new: NewCheckIn) {
    let at = at_ms(new.day);
    store.record_check_in(new, at).expect("check-in");
}

fn open_rules(store: &Twofold, today: Day) -> Vec<Rule> {
    store
        .open_alerts(today)
        .expect("alerts")
        .into_iter()
        .map(|a| a.rule)
        .collect()
}

fn alert(store: &Twofold, today: Day, rule: Rule) -> Option<Alert> {
    store
        .alerts(today)
        .expect("alerts")
        .into_iter()
        .find(|a| a.rule == rule)
}

fn acknowledge(store: &Twofold, today: Day, rule: Rule) {
    let a = alert(store, today, rule).expect("alert to acknowledge");
    store.acknowledge_alert(a.rule, &a.situation).expect("ack");
}

fn contact(cid: &str, name: &str, order: Option<u32>) -> Contact {
    Contact {
        id: id(cid),
        name: name.into(),
        roles: vec![ContactRole::Peer],
        phones: vec![
            Phone {
                label: "work".into(),
                number: "+34 910 000 000".into(),
            },
            Phone {
                label: "mobile".into(),
                number: format!("+34 600 000 00{}", name.len()),
            },
        ],
        email: None,
        availability: "evenings".into(),
        notes: String::new(),
        crisis_order: order,
        do_not_involve: false,
    }
}

/// A weekly meeting for the attendance log to point at.
fn put_meeting(store: &Twofold) {
    store
        .put(
            s::MEETINGS,
            Meeting {
                id: id("g1"),
                name: "Dual Recovery Anonymous".into(),
                kind: MeetingKind::DualRecoveryAnonymous,
                format: MeetingFormat::InPerson,
                address: String::new(),
                location_notes: String::new(),
                conference_url: None,
                conference_phone: None,
                start: LocalDateTime::parse("start", "2026-01-06T19:00").expect("start"),
                time_zone: "Europe/Madrid".into(),
                duration_minutes: 90,
                rrule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
                exdates: vec![],
                type_codes: vec!["DD".into()],
                accessibility: String::new(),
                language: "es".into(),
                cost: String::new(),
                reminder_offsets_minutes: vec![],
                source_slug: None,
                attendance_option: None,
                latitude: None,
                longitude: None,
                region: None,
                conference_url_notes: None,
                conference_phone_notes: None,
                notes: String::new(),
            },
        )
        .expect("meeting");
}

/// A small plan: two coping strategies of different domains, a ladder of two, one warning sign.
fn small_plan(store: &Twofold) {
    store
        .put(s::CONTACTS, contact("c-sam", "Sam", Some(1)))
        .expect("c");
    store
        .put(s::CONTACTS, contact("c-rosa", "Rosa", Some(2)))
        .expect("c");
    store
        .put(s::CONTACTS, contact("c-ex", "Ex", Some(3)))
        .expect("c");
    store
        .put(
            s::COPING_STRATEGIES,
            CopingStrategy {
                id: id("k-breathe"),
                description: "Box breathing".into(),
                domain: Domain::MentalHealth,
            },
        )
        .expect("k");
    store
        .put(
            s::COPING_STRATEGIES,
            CopingStrategy {
                id: id("k-urge"),
                description: "Urge surfing".into(),
                domain: Domain::Substance,
            },
        )
        .expect("k");
    store
        .put(
            s::CRISIS_CONTACTS,
            CrisisContact {
                id: id("l-rosa"),
                contact_id: id("c-rosa"),
                will_do: "Come over".into(),
            },
        )
        .expect("l");
    store
        .put(
            s::CRISIS_CONTACTS,
            CrisisContact {
                id: id("l-sam"),
                contact_id: id("c-sam"),
                will_do: "Talk me through it".into(),
            },
        )
        .expect("l");
    store
        .put(
            s::CRISIS_CONTACTS,
            CrisisContact {
                id: id("l-ex"),
                contact_id: id("c-ex"),
                will_do: String::new(),
            },
        )
        .expect("l");
    store
        .put(
            s::DO_NOT_INVOLVE,
            DoNotInvolve {
                id: id("n-ex"),
                contact_id: Some(id("c-ex")),
                name: "Ex".into(),
                reason: "Not safe".into(),
            },
        )
        .expect("n");
    store
        .put(
            s::WARNING_SIGNS,
            WarningSign {
                id: id("w-early"),
                description: "Not answering the phone".into(),
                stage: WarningStage::Early,
                domain: Domain::Both,
                action_plan: "Tell my mentor".into(),
            },
        )
        .expect("w");
    store
        .put(
            s::WARNING_SIGNS,
            WarningSign {
                id: id("w-crisis"),
                description: "Thinking it is pointless".into(),
                stage: WarningStage::Crisis,
                domain: Domain::MentalHealth,
                action_plan: "Call the crisis line".into(),
            },
        )
        .expect("w");
}

// ---------------------------------------------------------------- check-ins and milestones

#[test]
fn two_check_ins_on_one_day_are_both_kept_and_today_is_done() {
    let (_d, store) = open();
    let today = day("2026-05-04");
    assert!(!store.home_screen(today).expect("home").checked_in_today);
    check_in(&store, entry(today, 5, 2));
    store
        .record_check_in(entry(today, 3, 6), at_ms(today) + 3_600_000)
        .expect("second");
    assert_eq!(
        store
            .check_ins_between(today, today)
            .expect("between")
            .len(),
        2
    );
    assert!(store.home_screen(today).expect("home").checked_in_today);
}

#[test]
fn milestones_follow_the_usual_sequence_and_a_lapse_keeps_the_history() {
    let (_d, store) = open();
    let rec = Recovery {
        id: id("v-alcohol"),
        substance: "alcohol".into(),
        started: day("2026-01-01"),
    };
    store.put(s::RECOVERIES, rec).expect("recovery");
    store
        .put(
            s::LAPSE_PLAN,
            PlanNote {
                id: id("p1"),
                text: "Call my sponsor today".into(),
            },
        )
        .expect("plan");

    let p = &store
        .recovery_progress(day("2026-01-31"))
        .expect("progress")[0];
    assert_eq!(p.days, 30);
    assert_eq!(p.reached.as_ref().map(|m| m.days), Some(30));
    assert!(p.reached_today);
    assert_eq!(
        p.reached.as_ref().map(|m| m.name.code.as_str()),
        Some("milestone.days")
    );
    assert_eq!((p.next.days, p.days_to_next), (60, 30));

    let recorded = store
        .record_lapse(&id("v-alcohol"), day("2026-02-10"), "")
        .expect("lapse");
    assert_eq!(
        recorded.lapse_plan.len(),
        1,
        "the lapse plan comes back with the lapse"
    );
    store
        .record_lapse(&id("v-alcohol"), day("2026-03-01"), "")
        .expect("lapse");
    let p = &store
        .recovery_progress(day("2026-03-08"))
        .expect("progress")[0];
    assert_eq!(p.since, day("2026-03-02"));
    assert_eq!(p.days, 6);
    assert_eq!(p.next.days, 7);
    assert_eq!(p.lapses.count, 2);
    assert_eq!(p.lapses.longest_run_days, 40);
    assert_eq!(p.lapses.days_between_lapses, vec![19]);
    assert_eq!(p.lapses.last_lapse, Some(day("2026-03-01")));
}

#[test]
fn yearly_milestones_are_anniversaries() {
    let (_d, store) = open();
    let rec = Recovery {
        id: id("v1"),
        substance: "cannabis".into(),
        started: day("2024-02-29"),
    };
    store.put(s::RECOVERIES, rec).expect("recovery");
    let p = &store
        .recovery_progress(day("2025-02-28"))
        .expect("progress")[0];
    assert_eq!(
        p.reached.as_ref().map(|m| (m.name.code.as_str(), m.days)),
        Some(("milestone.years", 365))
    );
    assert!(p.reached_today);
    assert_eq!(p.next.name.param("count"), Some("2"));
    assert_eq!(p.next.on, day("2026-02-28"));
}

// ---------------------------------------------------------------- patterns

#[test]
fn patterns_report_averages_direction_triggers_coping_and_attendance() {
    let (_d, store) = open();
    small_plan(&store);
    store
        .put(
            s::TRIGGERS,
            Trigger {
                id: id("t-pay"),
                description: "Payday".into(),
                kind: TriggerKind::External,
                domain: Domain::Substance,
                action_plan: String::new(),
            },
        )
        .expect("t");
    let today = day("2026-06-14");
    for i in 0..14 {
        let d = plus(today, i - 13);
        let recent = i >= 7;
        let mut e = entry(d, if recent { 8 } else { 4 }, if recent { 2 } else { 6 });
        if i % 2 == 0 {
            e.triggers_met = vec![id("t-pay")];
            e.coping_used = vec![id("k-urge")];
        }
        check_in(&store, e);
    }
    put_meeting(&store);
    let meeting_day = plus(today, -2);
    let occurrence = LocalDateTime(meeting_day.0.and_hms_opt(19, 0, 0).expect("t"));
    store
        .put(
            s::ATTENDANCE,
            Attendance {
                id: Attendance::id_for(&id("g1"), &occurrence),
                meeting_id: id("g1"),
                occurrence,
                status: AttendanceStatus::Attended,
                note: String::new(),
                mentor_note: String::new(),
            },
        )
        .expect("attendance");

    let p = store.patterns(today).expect("patterns");
    assert_eq!(
        p.windows.iter().map(|w| w.days).collect::<Vec<_>>(),
        vec![7, 30, 90]
    );
    let week = &p.windows[0];
    assert_eq!(week.days_with_check_in, 7);
    assert_eq!(week.mood.average, Some(8.0));
    assert_eq!(week.mood.previous_average, Some(4.0));
    assert_eq!(week.mood.direction, Direction::Rising);
    assert_eq!(week.craving.direction, Direction::Falling);
    assert_eq!(
        p.windows[1].mood.direction,
        Direction::Unknown,
        "nothing before the 30 days"
    );
    let month = &p.windows[1];
    assert_eq!(month.triggers[0].trigger_id, id("t-pay"));
    assert_eq!(month.triggers[0].days, 7);
    assert_eq!(month.triggers[0].description.as_deref(), Some("Payday"));
    let urge = &month.coping[0];
    assert_eq!((urge.coping_id.as_str(), urge.days_used), ("k-urge", 7));
    assert!(urge.craving_next_day.is_some());
    assert_eq!(month.attendance.attended, 1);
    assert_eq!(month.attendance.mood_on_meeting_days, Some(8.0));
}

// ---------------------------------------------------------------- rules

#[test]
fn high_craving_fires_stays_quiet_does_not_repeat_and_returns_with_a_new_episode() {
    let (_d, store) = open();
    small_plan(&store);
    let d0 = day("2026-04-01");
    check_in(&store, entry(d0, 6, 8));
    check_in(&store, entry(plus(d0, 1), 6, 2));
    check_in(&store, entry(plus(d0, 2), 6, 9));
    assert!(
        !open_rules(&store, plus(d0, 2)).contains(&Rule::HighCraving),
        "two high days are not three"
    );
    check_in(&store, entry(plus(d0, 3), 6, 7));
    let a = alert(&store, plus(d0, 3), Rule::HighCraving).expect("fires on the third high day");
    assert_eq!(a.reason.code, "alert.high_craving");
    assert_eq!(a.reason.param("count"), Some("3"));
    // Substance-domain coping first for cravings, then the ladder in the plan's order, without
    // the person who must not be involved.
    let steps: Vec<String> = a
        .next_steps
        .iter()
        .map(|s| match s {
            NextStep::Coping { coping_id, .. } => coping_id.to_string(),
            NextStep::Contact(p) => p.contact_id.to_string(),
            NextStep::WarningSignPlan {
                warning_sign_id, ..
            } => warning_sign_id.to_string(),
            other => format!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(steps, vec!["k-urge", "k-breathe", "c-rosa", "c-sam"]);

    acknowledge(&store, plus(d0, 3), Rule::HighCraving);
    assert!(!open_rules(&store, plus(d0, 3)).contains(&Rule::HighCraving));
    assert!(
        alert(&store, plus(d0, 3), Rule::HighCraving)
            .expect("still there")
            .acknowledged
    );
    check_in(&store, entry(plus(d0, 4), 6, 8));
    assert!(
        !open_rules(&store, plus(d0, 4)).contains(&Rule::HighCraving),
        "same episode: no repeat"
    );

    for i in 5..10 {
        check_in(&store, entry(plus(d0, i), 6, 1));
    }
    assert!(
        alert(&store, plus(d0, 9), Rule::HighCraving).is_none(),
        "quiet once craving eased"
    );
    for i in 10..13 {
        check_in(&store, entry(plus(d0, i), 6, 8));
    }
    assert!(
        open_rules(&store, plus(d0, 12)).contains(&Rule::HighCraving),
        "a new episode alerts again"
    );
}

#[test]
fn mood_dropping_over_a_week_fires_and_a_steady_week_does_not() {
    let (_d, store) = open();
    small_plan(&store);
    let d0 = day("2026-04-01");
    for (i, mood) in [5u8, 5, 6, 5, 5, 6, 5].into_iter().enumerate() {
        check_in(&store, entry(plus(d0, i as i64), mood, 1));
    }
    assert!(!open_rules(&store, plus(d0, 6)).contains(&Rule::MoodDrop));

    let d1 = day("2026-05-01");
    for (i, mood) in [8u8, 8, 7, 6, 5, 4, 3].into_iter().enumerate() {
        check_in(&store, entry(plus(d1, i as i64), mood, 1));
    }
    let a = alert(&store, plus(d1, 6), Rule::MoodDrop).expect("fires");
    assert_eq!(a.reason.param("days"), Some("7"));
    assert!(
        matches!(a.next_steps.first(), Some(NextStep::Coping { coping_id, .. }) if coping_id.as_str() == "k-breathe")
    );
    acknowledge(&store, plus(d1, 6), Rule::MoodDrop);
    check_in(&store, entry(plus(d1, 7), 2, 1));
    assert!(
        !open_rules(&store, plus(d1, 7)).contains(&Rule::MoodDrop),
        "still the same fall"
    );

    for i in 8..16 {
        check_in(&store, entry(plus(d1, i), 8, 1));
    }
    assert!(alert(&store, plus(d1, 15), Rule::MoodDrop).is_none());
    for (i, mood) in [8u8, 7, 6, 5, 4, 3].into_iter().enumerate() {
        check_in(&store, entry(plus(d1, 16 + i as i64), mood, 1));
    }
    assert!(
        open_rules(&store, plus(d1, 21)).contains(&Rule::MoodDrop),
        "a new fall alerts again"
    );
}

#[test]
fn a_ticked_warning_sign_fires_with_its_own_action_plan_and_a_later_stage_alerts_again() {
    let (_d, store) = open();
    small_plan(&store);
    let d0 = day("2026-04-01");
    check_in(&store, entry(d0, 6, 1));
    assert!(!open_rules(&store, d0).contains(&Rule::WarningSign));
    let mut e = entry(plus(d0, 1), 6, 1);
    e.warning_signs = vec![id("w-early")];
    check_in(&store, e);
    let a = alert(&store, plus(d0, 1), Rule::WarningSign).expect("fires");
    assert_eq!(a.warning_sign_ids, vec![id("w-early")]);
    assert_eq!(a.reason.param("stage"), Some("early"));
    assert!(
        matches!(&a.next_steps[0], NextStep::WarningSignPlan { action_plan, .. } if action_plan == "Tell my mentor")
    );

    acknowledge(&store, plus(d0, 1), Rule::WarningSign);
    let mut e = entry(plus(d0, 2), 6, 1);
    e.warning_signs = vec![id("w-early")];
    check_in(&store, e);
    assert!(
        !open_rules(&store, plus(d0, 2)).contains(&Rule::WarningSign),
        "same sign, same episode"
    );

    let mut e = entry(plus(d0, 3), 6, 1);
    e.warning_signs = vec![id("w-crisis")];
    check_in(&store, e);
    let a = alert(&store, plus(d0, 3), Rule::WarningSign).expect("fires");
    assert!(!a.acknowledged, "a crisis-stage sign is a change");
    assert_eq!(a.reason.param("stage"), Some("crisis"));

    assert!(
        alert(&store, plus(d0, 6), Rule::WarningSign).is_none(),
        "quiet after the window"
    );
}

#[test]
fn medication_missed_on_consecutive_days_fires_and_an_unrecorded_day_is_not_missed() {
    let (_d, store) = open();
    small_plan(&store);
    let d0 = day("2026-04-01");
    let missed = |d: Day| NewCheckIn {
        medication_taken: Some(false),
        doses: Vec::new(),
        ..entry(d, 6, 1)
    };
    check_in(&store, missed(d0));
    assert!(
        !open_rules(&store, d0).contains(&Rule::MedicationMissed),
        "one day is not a run"
    );
    check_in(&store, missed(plus(d0, 2)));
    assert!(
        !open_rules(&store, plus(d0, 2)).contains(&Rule::MedicationMissed),
        "a day without a check-in breaks the run"
    );
    check_in(&store, missed(plus(d0, 3)));
    let a = alert(&store, plus(d0, 3), Rule::MedicationMissed).expect("fires");
    assert_eq!(a.reason.param("count"), Some("2"));
    assert_eq!(a.since, plus(d0, 2));
    acknowledge(&store, plus(d0, 3), Rule::MedicationMissed);
    check_in(&store, missed(plus(d0, 4)));
    assert!(
        !open_rules(&store, plus(d0, 4)).contains(&Rule::MedicationMissed),
        "same run"
    );
    check_in(&store, entry(plus(d0, 5), 6, 1));
    assert!(
        alert(&store, plus(d0, 5), Rule::MedicationMissed).is_none(),
        "taken again"
    );
    check_in(&store, missed(plus(d0, 6)));
    check_in(&store, missed(plus(d0, 7)));
    assert!(
        open_rules(&store, plus(d0, 7)).contains(&Rule::MedicationMissed),
        "a new run alerts again"
    );
}

#[test]
fn meetings_missed_in_a_row_fire_and_an_attended_one_ends_the_run() {
    let (_d, store) = open();
    small_plan(&store);
    put_meeting(&store);
    let log = |d: Day, status: AttendanceStatus| {
        let occurrence = LocalDateTime(d.0.and_hms_opt(19, 0, 0).expect("t"));
        store
            .put(
                s::ATTENDANCE,
                Attendance {
                    id: Attendance::id_for(&id("g1"), &occurrence),
                    meeting_id: id("g1"),
                    occurrence,
                    status,
                    note: String::new(),
                    mentor_note: String::new(),
                },
            )
            .expect("attendance");
    };
    let d0 = day("2026-04-07");
    log(d0, AttendanceStatus::Missed);
    log(plus(d0, 7), AttendanceStatus::Attended);
    log(plus(d0, 14), AttendanceStatus::Missed);
    assert!(!open_rules(&store, plus(d0, 15)).contains(&Rule::MeetingsMissed));
    log(plus(d0, 21), AttendanceStatus::Cancelled);
    log(plus(d0, 28), AttendanceStatus::Missed);
    let a = alert(&store, plus(d0, 29), Rule::MeetingsMissed)
        .expect("two in a row; a cancelled one does not count");
    assert_eq!(a.reason.param("count"), Some("2"));
    acknowledge(&store, plus(d0, 29), Rule::MeetingsMissed);
    log(plus(d0, 35), AttendanceStatus::Missed);
    assert!(
        !open_rules(&store, plus(d0, 36)).contains(&Rule::MeetingsMissed),
        "same run"
    );
    log(plus(d0, 42), AttendanceStatus::Attended);
    assert!(alert(&store, plus(d0, 43), Rule::MeetingsMissed).is_none());
    log(plus(d0, 49), AttendanceStatus::Missed);
    log(plus(d0, 56), AttendanceStatus::Missed);
    assert!(
        open_rules(&store, plus(d0, 57)).contains(&Rule::MeetingsMissed),
        "a new run alerts again"
    );
    assert!(
        alert(&store, plus(d0, 120), Rule::MeetingsMissed).is_none(),
        "an old run is stale"
    );
}

#[test]
fn no_check_in_for_days_fires_and_a_new_check_in_resets_it() {
    let (_d, store) = open();
    small_plan(&store);
    let d0 = day("2026-04-01");
    assert!(
        store.alerts(plus(d0, 10)).expect("alerts").is_empty(),
        "a new journal is not a silence"
    );
    check_in(&store, entry(d0, 6, 1));
    assert!(!open_rules(&store, plus(d0, 2)).contains(&Rule::NoCheckIn));
    let a = alert(&store, plus(d0, 3), Rule::NoCheckIn).expect("three days");
    assert_eq!(a.reason.param("count"), Some("3"));
    acknowledge(&store, plus(d0, 3), Rule::NoCheckIn);
    assert!(
        !open_rules(&store, plus(d0, 5)).contains(&Rule::NoCheckIn),
        "the same silence"
    );
    check_in(&store, entry(plus(d0, 6), 6, 1));
    assert!(alert(&store, plus(d0, 6), Rule::NoCheckIn).is_none());
    assert!(
        open_rules(&store, plus(d0, 10)).contains(&Rule::NoCheckIn),
        "a new silence alerts again"
    );
}

#[test]
fn a_check_in_can_return_the_alerts_right_away() {
    let (_d, store) = open();
    small_plan(&store);
    let d0 = day("2026-04-01");
    let mut e = entry(d0, 6, 1);
    e.warning_signs = vec![id("w-early")];
    let outcome = store
        .record_check_in_and_evaluate(e, at_ms(d0), d0)
        .expect("check-in");
    assert_eq!(outcome.check_in.day, d0);
    assert_eq!(
        outcome.alerts.iter().map(|a| a.rule).collect::<Vec<_>>(),
        vec![Rule::WarningSign]
    );
}

#[test]
fn thresholds_are_tunable_and_a_suggestion_waits_for_the_owner() {
    let (_d, store) = open();
    small_plan(&store);
    let d0 = day("2026-04-01");
    check_in(&store, entry(d0, 6, 8));
    check_in(&store, entry(plus(d0, 1), 6, 8));
    assert!(alert(&store, plus(d0, 1), Rule::HighCraving).is_none());

    let suggested = Thresholds {
        high_craving_days: 2,
        ..Thresholds::default()
    };
    store
        .store_threshold_suggestion(ThresholdSuggestion {
            thresholds: suggested.clone(),
            suggested_by: "mentor".into(),
            at_ms: 1,
            note: "two days is enough".into(),
        })
        .expect("suggest");
    assert!(
        alert(&store, plus(d0, 1), Rule::HighCraving).is_none(),
        "a suggestion changes nothing by itself"
    );
    assert_eq!(
        store
            .thresholds()
            .expect("t")
            .suggestion
            .map(|s| s.thresholds),
        Some(suggested.clone())
    );
    assert_eq!(
        store.accept_threshold_suggestion().expect("accept"),
        suggested
    );
    assert!(store.thresholds().expect("t").suggestion.is_none());
    assert!(alert(&store, plus(d0, 1), Rule::HighCraving).is_some());

    let bad = Thresholds {
        high_craving_level: 11,
        ..Thresholds::default()
    };
    match store.set_thresholds(bad) {
        Err(Error::Invalid(i)) => assert_eq!(i.field, "high_craving_level"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    store
        .set_thresholds(Thresholds {
            silence_days: 10,
            ..Thresholds::default()
        })
        .expect("own");
    assert_eq!(store.thresholds().expect("t").active.silence_days, 10);
    assert!(matches!(
        store.accept_threshold_suggestion(),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn alerts_are_codes_with_parameters_and_carry_no_notes() {
    let (_d, store) = open();
    small_plan(&store);
    let d0 = day("2026-04-01");
    check_in(&store, entry(d0, 6, 1));
    let a = alert(&store, plus(d0, 4), Rule::NoCheckIn).expect("alert");
    let json = serde_json::to_string(&a).expect("json");
    assert!(!json.contains("private words"));
    assert_eq!(
        insights::i18n::render(Lang::En, &a.reason),
        "No check-in for 4 days"
    );
    assert_eq!(
        insights::i18n::render(Lang::Es, &a.reason),
        "Sin registro diario desde hace 4 días"
    );
}

// ---------------------------------------------------------------- crisis screen and help

#[test]
fn the_crisis_screen_works_on_a_store_that_has_only_a_plan() {
    let (_d, store) = open();
    for (i, text) in ["Not sleeping", "Isolating"].iter().enumerate() {
        store
            .put(
                s::WARNING_SIGNS,
                WarningSign {
                    id: id(&format!("w{i}")),
                    description: (*text).into(),
                    stage: WarningStage::Early,
                    domain: Domain::Both,
                    action_plan: String::new(),
                },
            )
            .expect("w");
    }
    store
        .put(
            s::COPING_STRATEGIES,
            CopingStrategy {
                id: id("k1"),
                description: "Walk".into(),
                domain: Domain::Both,
            },
        )
        .expect("k");
    store
        .put(
            s::DISTRACTIONS,
            Distraction {
                id: id("d1"),
                kind: DistractionKind::Place,
                name: "Library".into(),
                contact_id: None,
                notes: String::new(),
            },
        )
        .expect("d");
    store
        .put(
            s::ENVIRONMENT_SAFETY,
            SafetyStep {
                id: id("e1"),
                description: "No alcohol at home".into(),
                done: true,
            },
        )
        .expect("e");
    store
        .put(
            s::REASONS,
            Reason {
                id: id("r1"),
                kind: ReasonKind::Living,
                text: "My niece".into(),
            },
        )
        .expect("r");
    store
        .move_item(SectionId::WarningSigns, &id("w1"), Some(&id("w0")))
        .expect("reorder");

    let screen = store.crisis_screen().expect("screen");
    assert_eq!(
        screen
            .warning_signs
            .iter()
            .map(|w| w.description.as_str())
            .collect::<Vec<_>>(),
        vec!["Isolating", "Not sleeping"],
        "the plan's order"
    );
    assert_eq!(screen.coping_strategies.len(), 1);
    assert_eq!(screen.distractions[0].name, "Library");
    assert!(screen.people_to_call.is_empty() && screen.professionals.is_empty());
    assert!(screen.crisis_lines.is_empty(), "no number is built in");
    assert_eq!(screen.environment_safety.len(), 1);
    assert_eq!(screen.reasons[0].text, "My niece");

    let line = LocalCrisisLine {
        name: "988 Suicide & Crisis Lifeline".into(),
        number: "988".into(),
        text_number: Some("988".into()),
        url: None,
        region: "US".into(),
    };
    store.set_local_crisis_line(Some(line)).expect("set");
    let screen = store.crisis_screen().expect("screen");
    assert_eq!(screen.crisis_lines.len(), 1);
    assert!(screen.crisis_lines[0].is_local_default);
    assert_eq!(screen.crisis_lines[0].phones[0].number, "988");
    store.set_local_crisis_line(None).expect("clear");
    assert!(store
        .crisis_screen()
        .expect("screen")
        .crisis_lines
        .is_empty());
    let bad = LocalCrisisLine {
        name: "x".into(),
        number: "call me".into(),
        text_number: None,
        url: None,
        region: "ES".into(),
    };
    assert!(matches!(
        store.set_local_crisis_line(Some(bad)),
        Err(Error::Invalid(_))
    ));
}

#[test]
fn the_crisis_screen_needs_nothing_but_the_plan_document() {
    let (_d, store) = open();
    store
        .put(
            s::REASONS,
            Reason {
                id: id("r1"),
                kind: ReasonKind::Recovery,
                text: "Walking my dog".into(),
            },
        )
        .expect("r");
    // The plan alone, as bytes, with no contacts, schedule or journal anywhere.
    let plan = automerge::AutoCommit::load(&store.export_bytes(DocKind::Plan).expect("bytes"))
        .expect("load");
    let screen = insights::crisis::screen(&plan, None, None, None).expect("screen");
    assert_eq!(screen.reasons[0].text, "Walking my dog");
    assert!(screen.people_to_call.is_empty() && screen.crisis_lines.is_empty());
}

#[test]
fn the_crisis_screen_lists_people_with_numbers_professionals_and_own_crisis_lines() {
    let (_d, store) = open();
    small_plan(&store);
    let mut line = contact("c-line", "Línea 024", None);
    line.roles = vec![ContactRole::CrisisLine];
    line.phones = vec![Phone {
        label: "call".into(),
        number: "024".into(),
    }];
    store.put(s::CONTACTS, line).expect("line");
    let mut therapist = contact("c-ther", "Dr Ruiz", None);
    therapist.roles = vec![ContactRole::Therapist];
    store.put(s::CONTACTS, therapist).expect("t");
    store
        .put(
            s::PROFESSIONALS,
            Professional {
                id: id("pr1"),
                contact_id: id("c-ther"),
                role_note: "Urgent slot on weekdays".into(),
            },
        )
        .expect("p");
    store
        .put(
            s::DISTRACTIONS,
            Distraction {
                id: id("d-ex"),
                kind: DistractionKind::Person,
                name: "Ex".into(),
                contact_id: Some(id("c-ex")),
                notes: String::new(),
            },
        )
        .expect("d");
    store
        .set_local_crisis_line(Some(LocalCrisisLine {
            name: "Línea 024".into(),
            number: "024".into(),
            text_number: None,
            url: None,
            region: "ES".into(),
        }))
        .expect("local");

    let screen = store.crisis_screen().expect("screen");
    let people: Vec<(&str, &str)> = screen
        .people_to_call
        .iter()
        .map(|p| (p.name.as_str(), p.will_do.as_str()))
        .collect();
    assert_eq!(
        people,
        vec![("Rosa", "Come over"), ("Sam", "Talk me through it")],
        "ladder order, never the excluded person"
    );
    assert!(!screen.people_to_call[0].phones.is_empty());
    assert_eq!(screen.professionals[0].role_note, "Urgent slot on weekdays");
    assert_eq!(
        screen.crisis_lines.len(),
        1,
        "the local default is not repeated when the person has it"
    );
    assert!(!screen.crisis_lines[0].is_local_default);
    assert!(
        screen.distractions[0].phones.is_empty(),
        "no number for someone not to involve"
    );
}

#[test]
fn the_help_message_uses_the_ladder_and_the_persons_own_words() {
    let (_d, store) = open();
    small_plan(&store);
    let draft = store.help_draft(Lang::Es).expect("draft");
    assert_eq!(
        draft
            .candidates
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Rosa", "Sam"]
    );
    assert!(
        draft.candidates[0].number.starts_with("+34 600"),
        "the mobile number"
    );
    assert_eq!(draft.selected, vec![id("c-rosa")]);
    assert!(!draft.own_words && draft.text.contains("ayuda"));

    store
        .set_help_defaults(HelpDefaults {
            text: Some("Rough night. Can you ring me?".into()),
            recipients: vec![id("c-sam"), id("c-rosa")],
        })
        .expect("save");
    let draft = store.help_draft(Lang::En).expect("draft");
    assert!(draft.own_words);
    assert_eq!(draft.text, "Rough night. Can you ring me?");
    assert_eq!(draft.selected.len(), 2);

    let msg = store
        .prepare_help_message(&[id("c-sam"), id("c-rosa")], &draft.text)
        .expect("message");
    assert_eq!(
        msg.recipients
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Rosa", "Sam"]
    );
    assert!(
        matches!(
            store.prepare_help_message(&[id("c-ex")], "help"),
            Err(Error::Invalid(_))
        ),
        "not someone to involve"
    );
    assert!(matches!(
        store.prepare_help_message(&[], "help"),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        store.prepare_help_message(&[id("c-sam")], "  "),
        Err(Error::Invalid(_))
    ));
}

// ---------------------------------------------------------------- plan review

#[test]
fn plan_review_falls_due_after_the_interval_and_names_the_oldest_sections() {
    let (_d, store) = open();
    let fresh = store.plan_review(0).expect("review");
    assert!(
        !fresh.due && fresh.due_ms.is_none(),
        "an empty plan is not due"
    );
    assert!(fresh
        .oldest_sections
        .iter()
        .all(|s| s.last_changed_ms.is_none()));

    store
        .put(
            s::TRIGGERS,
            Trigger {
                id: id("t1"),
                description: "Payday".into(),
                kind: TriggerKind::External,
                domain: Domain::Both,
                action_plan: String::new(),
            },
        )
        .expect("t");
    // Change times have one-second resolution.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    store
        .put(
            s::COPING_STRATEGIES,
            CopingStrategy {
                id: id("k1"),
                description: "Walk".into(),
                domain: Domain::Both,
            },
        )
        .expect("k");
    store.set_when_well("I cook for friends").expect("well");

    let now = chrono::Utc::now().timestamp_millis();
    let r = store.plan_review(now).expect("review");
    assert!(!r.due);
    assert_eq!(r.interval_days, 60);
    let changed: Vec<&str> = r
        .oldest_sections
        .iter()
        .filter(|s| s.last_changed_ms.is_some())
        .map(|s| s.section.as_str())
        .collect();
    assert_eq!(
        changed,
        vec!["triggers", "coping_strategies", "when_well"],
        "oldest first"
    );
    assert!(
        r.oldest_sections[0].last_changed_ms.is_none(),
        "never-touched sections come first"
    );
    let triggers = r
        .oldest_sections
        .iter()
        .find(|s| s.section == "triggers")
        .expect("triggers");
    assert_eq!(triggers.items, 1);

    let day_ms = 86_400_000;
    let later = store.plan_review(now + 61 * day_ms).expect("review");
    assert!(later.due);
    assert_eq!(
        later.reminder.as_ref().map(|p| p.code.as_str()),
        Some("review.never")
    );
    store
        .mark_plan_reviewed(now + 61 * day_ms)
        .expect("reviewed");
    assert!(!store.plan_review(now + 62 * day_ms).expect("review").due);
    store.set_review_interval(30).expect("interval");
    let r = store.plan_review(now + 92 * day_ms).expect("review");
    assert!(r.due);
    assert_eq!(
        r.reminder.as_ref().and_then(|p| p.param("count")),
        Some("31")
    );
    assert!(matches!(
        store.set_review_interval(29),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        store.set_review_interval(91),
        Err(Error::Invalid(_))
    ));
}

// ---------------------------------------------------------------- summary

fn summary_store() -> (tempfile::TempDir, Twofold, Day) {
    let (d, store) = open();
    small_plan(&store);
    store
        .put(
            s::TRIGGERS,
            Trigger {
                id: id("t-x"),
                description: "<script>alert('x')</script> & **payday**".into(),
                kind: TriggerKind::External,
                domain: Domain::Both,
                action_plan: "- leave the card".into(),
            },
        )
        .expect("t");
    store
        .put(
            s::REASONS,
            Reason {
                id: id("r1"),
                kind: ReasonKind::Living,
                text: "My niece".into(),
            },
        )
        .expect("r");
    store
        .put(
            s::REASONS,
            Reason {
                id: id("r2"),
                kind: ReasonKind::Recovery,
                text: "1. my cat".into(),
            },
        )
        .expect("r");
    let today = day("2026-06-30");
    for i in 0..30 {
        if i % 4 == 3 {
            continue;
        }
        let mut e = entry(plus(today, i - 29), (3 + i % 6) as u8, (i % 5) as u8);
        if i % 3 == 0 {
            e.triggers_met = vec![id("t-x")];
        }
        check_in(&store, e);
    }
    (d, store, today)
}

#[test]
fn the_summary_has_only_the_parts_picked_and_escapes_user_text() {
    let (_d, store, today) = summary_store();
    let options = SummaryOptions {
        lang: Lang::En,
        today,
        parts: vec![SummaryPart::Triggers, SummaryPart::LastThirtyDays],
    };
    let out = store.summary(&options).expect("summary");

    assert!(
        out.html.contains("Triggers") && !out.html.contains("My reasons"),
        "only the picked parts"
    );
    assert!(!out.html.contains("My niece") && !out.markdown.contains("My niece"));
    assert!(
        !out.html.contains("private words") && !out.markdown.contains("private words"),
        "notes never appear"
    );
    assert!(
        !out.html.to_lowercase().contains("<script"),
        "no scripts, and user text escaped"
    );
    assert!(out
        .html
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; **payday**"));
    assert!(out
        .markdown
        .contains("\\<script\\>alert('x')\\</script\\> \\& \\*\\*payday\\*\\*"));

    assert!(out
        .html
        .starts_with("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">"));
    assert!(out.html.contains("<svg") && out.html.contains("role=\"img\""));
    assert!(out
        .html
        .contains("<title id=\"chart-title\">Mood and craving over the last 30 days</title>"));
    assert!(out.html.contains("<desc id=\"chart-desc\">"));
    assert!(out.html.contains("<polyline") && out.html.contains("stroke-dasharray"));
    assert_eq!(
        out.html.matches("<tr>").count(),
        31,
        "a header row and one row per day"
    );
    assert!(out.html.contains("@media print"));
    assert!(out.markdown.contains("| Day | Mood | Craving |"));
    assert!(out.markdown.contains("Days with a check-in: 23 of 30"));
    assert!(out.markdown.contains("Triggers met most often"));
}

#[test]
fn the_summary_is_available_in_spanish() {
    let (_d, store, today) = summary_store();
    let options = SummaryOptions {
        lang: Lang::Es,
        today,
        parts: SummaryPart::ALL.to_vec(),
    };
    let out = store.summary(&options).expect("summary");
    assert!(out
        .html
        .starts_with("<!DOCTYPE html>\n<html lang=\"es\" dir=\"ltr\">"));
    assert!(out
        .markdown
        .contains("# Mi plan de recuperación y los últimos 30 días"));
    assert!(out
        .markdown
        .contains("Ánimo (0 muy bajo – 10 muy bueno): media "));
    assert!(out.markdown.contains("My niece"));
    assert!(
        out.markdown.contains("- 1\\. my cat"),
        "user text cannot open a list of its own"
    );
    assert!(out
        .markdown
        .contains("Personas a las que puedo pedir ayuda"));
    assert!(
        out.markdown.contains("Rosa") && !out.markdown.contains("Ex —"),
        "the ladder without the excluded person"
    );
    let avg_line = out
        .markdown
        .lines()
        .find(|l| l.contains("media "))
        .expect("average line");
    let chars: Vec<char> = avg_line.chars().collect();
    assert!(
        chars
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == ',' && w[2].is_ascii_digit()),
        "decimal comma: {avg_line}"
    );
}
