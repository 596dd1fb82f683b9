//! Part one, on one device: fill a support plan, contacts, a weekly meeting and a week of
//! check-ins, close, reopen and print the home screen — with a wrong key and a bad input on
//! the way, to show what those look like.

use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveTime};
use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::keys::random_key;

pub fn id(raw: &str) -> ItemId {
    ItemId::parse("id", raw).expect("walkthrough ids are valid")
}

pub fn run(path: &Path, key: &[u8; 32], today: Day) -> Result<()> {
    println!("Creating an encrypted store at {}", path.display());
    let store = Twofold::open(path, key)?;

    println!("\n-- Contacts --");
    let people = [
        ("c-rosa", "Rosa", ContactRole::Mentor, "+34 600 111 222"),
        ("c-sam", "Sam", ContactRole::Sponsor, "+34 600 333 444"),
        (
            "c-dr",
            "Dr. Aiko Tanaka",
            ContactRole::Psychiatrist,
            "+34 910 000 000",
        ),
        ("c-line", "Crisis line", ContactRole::CrisisLine, "024"),
    ];
    for (cid, name, role, phone) in people {
        store.put(
            s::CONTACTS,
            Contact {
                id: id(cid),
                name: name.into(),
                roles: vec![role],
                phones: vec![Phone {
                    label: "mobile".into(),
                    number: phone.into(),
                }],
                email: None,
                availability: if role == ContactRole::CrisisLine {
                    "24/7".into()
                } else {
                    "evenings".into()
                },
                notes: String::new(),
                crisis_order: None,
                do_not_involve: false,
            },
        )?;
        println!("  + {name} ({role:?})");
    }

    println!("\n-- Support plan (WRAP + safety plan + relapse prevention) --");
    store.set_when_well("I get up early, cook for friends and go to my Tuesday meeting.")?;
    store.put(
        s::DAILY_MAINTENANCE,
        MaintenanceItem {
            id: id("dm-meds"),
            text: "Medication with breakfast".into(),
            priority: Priority::MustDo,
        },
    )?;
    store.put(
        s::TRIGGERS,
        Trigger {
            id: id("t-payday"),
            description: "Payday, alone in the evening".into(),
            kind: TriggerKind::External,
            domain: Domain::Both,
            action_plan: "Leave the card at home; call Sam.".into(),
        },
    )?;
    store.put(
        s::WARNING_SIGNS,
        WarningSign {
            id: id("w-sleep"),
            description: "Not sleeping, skipping meals".into(),
            stage: WarningStage::Early,
            domain: Domain::MentalHealth,
            action_plan: "Tell Rosa; book Dr. Tanaka.".into(),
        },
    )?;
    store.put(
        s::COPING_STRATEGIES,
        CopingStrategy {
            id: id("k-walk"),
            description: "A long walk by the river".into(),
            domain: Domain::Both,
        },
    )?;
    store.put(
        s::COPING_STRATEGIES,
        CopingStrategy {
            id: id("k-breathe"),
            description: "Box breathing, four counts".into(),
            domain: Domain::MentalHealth,
        },
    )?;
    store.put(
        s::DISTRACTIONS,
        Distraction {
            id: id("x-library"),
            kind: DistractionKind::Place,
            name: "The library".into(),
            contact_id: None,
            notes: String::new(),
        },
    )?;
    store.put(
        s::REASONS,
        Reason {
            id: id("r-niece"),
            kind: ReasonKind::Living,
            text: "My niece Lucía".into(),
        },
    )?;
    store.put(
        s::GOALS,
        Goal {
            id: id("g-job"),
            title: "Back to work part-time".into(),
            target_date: Some(Day(NaiveDate::from_ymd_opt(2027, 3, 1).expect("date"))),
            done: false,
        },
    )?;
    store.put(
        s::GOAL_STEPS,
        GoalStep {
            id: id("gs-cv"),
            goal_id: id("g-job"),
            text: "Update my CV".into(),
            done: true,
        },
    )?;
    store.put(
        s::TAKEOVER_SIGNS,
        PlanNote {
            id: id("ts-1"),
            text: "I stop answering the phone for two days".into(),
        },
    )?;
    store.put(
        s::CRISIS_CONTACTS,
        CrisisContact {
            id: id("l-rosa"),
            contact_id: id("c-rosa"),
            will_do: "Come over and stay with me".into(),
        },
    )?;
    store.put(
        s::CRISIS_CONTACTS,
        CrisisContact {
            id: id("l-sam"),
            contact_id: id("c-sam"),
            will_do: "Take me to a meeting".into(),
        },
    )?;
    store.put(
        s::PROFESSIONALS,
        Professional {
            id: id("p-dr"),
            contact_id: id("c-dr"),
            role_note: "Adjusts medication".into(),
        },
    )?;
    store.put(
        s::PROFESSIONALS,
        Professional {
            id: id("p-line"),
            contact_id: id("c-line"),
            role_note: "Any time, day or night".into(),
        },
    )?;
    store.put(
        s::DO_NOT_INVOLVE,
        DoNotInvolve {
            id: id("n-ex"),
            contact_id: None,
            name: "My ex-partner".into(),
            reason: "Still drinking".into(),
        },
    )?;
    store.put(
        s::MEDICATIONS,
        Medication {
            id: id("m-1"),
            name: "Sertraline".into(),
            preference: MedicationPreference::Preferred,
            reason: "Works for me".into(),
        },
    )?;
    store.put(
        s::TREATMENTS,
        Treatment {
            id: id("tr-1"),
            name: "Day hospital".into(),
            kind: TreatmentKind::Facility,
            preference: TreatmentPreference::Preferred,
            reason: "Close to home".into(),
        },
    )?;
    store.put(
        s::WHAT_HELPS,
        PlanNote {
            id: id("h-1"),
            text: "Someone sitting with me quietly".into(),
        },
    )?;
    store.put(
        s::WHAT_DOES_NOT_HELP,
        PlanNote {
            id: id("hn-1"),
            text: "Being lectured".into(),
        },
    )?;
    store.put(
        s::ENVIRONMENT_SAFETY,
        SafetyStep {
            id: id("e-1"),
            description: "No alcohol in the flat".into(),
            done: true,
        },
    )?;
    store.put(
        s::LAPSE_PLAN,
        PlanNote {
            id: id("lp-1"),
            text: "A lapse is not a relapse: call Sam the same day".into(),
        },
    )?;
    store.put(
        s::POST_CRISIS_PLAN,
        PlanNote {
            id: id("pc-1"),
            text: "Two quiet days, then back to the Tuesday meeting".into(),
        },
    )?;
    store.move_item(
        SectionId::CopingStrategies,
        &id("k-breathe"),
        Some(&id("k-walk")),
    )?;
    for section in SectionId::ALL.iter().filter(|s| s.doc() == DocKind::Plan) {
        println!("  {:<20} {} item(s)", section.key(), store.count(*section)?);
    }

    println!("\n-- A weekly meeting --");
    store.put(
        s::MEETINGS,
        Meeting {
            id: id("mt-dra"),
            name: "Dual Recovery Anonymous".into(),
            kind: MeetingKind::DualRecoveryAnonymous,
            format: MeetingFormat::Hybrid,
            address: "Calle Mayor 1, Madrid".into(),
            location_notes: "Side door, second floor".into(),
            conference_url: Some("https://meet.example.org/dra".into()),
            conference_phone: None,
            start: LocalDateTime::parse("start", "2026-11-03T19:00")?,
            time_zone: "Europe/Madrid".into(),
            duration_minutes: 90,
            rrule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
            exdates: vec![],
            type_codes: vec!["DD".into(), "O".into()],
            accessibility: "Wheelchair access".into(),
            language: "es".into(),
            cost: "free".into(),
            reminder_offsets_minutes: vec![60],
            source_slug: None,
            attendance_option: None,
            latitude: None,
            longitude: None,
            region: None,
            conference_url_notes: None,
            conference_phone_notes: None,
            notes: String::new(),
        },
    )?;
    println!("  + Dual Recovery Anonymous, Tuesdays 19:00 Europe/Madrid (FREQ=WEEKLY;BYDAY=TU)");

    println!("\n-- A bad input is refused, and nothing is written --");
    let before = store.count(SectionId::Meetings)?;
    let mut bad = store.get(s::MEETINGS, &id("mt-dra"))?;
    bad.id = id("mt-bad");
    bad.rrule = Some("FREQ=SOMETIMES".into());
    match store.put(s::MEETINGS, bad) {
        Err(e) => println!("  refused: {e}"),
        Ok(()) => println!("  UNEXPECTED: accepted"),
    }
    println!(
        "  meetings before {before}, after {}",
        store.count(SectionId::Meetings)?
    );

    println!("\n-- A week of check-ins --");
    store.put(
        s::RECOVERIES,
        Recovery {
            id: id("v-alcohol"),
            substance: "alcohol".into(),
            started: Day(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")),
        },
    )?;
    for d in 0..7 {
        let day = today.0 - Duration::days(6 - d);
        let at = day
            .and_time(NaiveTime::from_hms_opt(21, 0, 0).expect("time"))
            .and_utc();
        let c = store.record_check_in(
            NewCheckIn {
                day: Day(day),
                mood: [5, 6, 4, 3, 5, 7, 8][d as usize],
                craving: [3, 2, 6, 7, 4, 2, 1][d as usize],
                sleep_hours: Some(7.0),
                medication_taken: Some(true),
                doses: Vec::new(),
                used_substance: false,
                triggers_met: if d == 3 { vec![id("t-payday")] } else { vec![] },
                coping_used: vec![id("k-walk")],
                warning_signs: vec![],
                note: String::new(),
            },
            at.timestamp_millis(),
        )?;
        println!("  {}  mood {:>2}  craving {:>2}", c.day, c.mood, c.craving);
    }
    store.close();

    println!("\n-- Reopen with the wrong key --");
    match Twofold::open(path, &random_key()) {
        Err(Error::WrongKey) => println!("  refused: wrong key (nothing touched)"),
        Err(e) => println!("  UNEXPECTED: {e}"),
        Ok(_) => println!("  UNEXPECTED: opened"),
    }

    println!("\n-- Reopen with the right key: the home screen --");
    let started = std::time::Instant::now();
    let store = Twofold::open(path, key)?;
    let home = store.home_screen(today)?;
    let elapsed = started.elapsed();
    println!(
        "  (opened and answered in {:.1} ms)",
        elapsed.as_secs_f64() * 1000.0
    );
    println!(
        "  Today {}: {}",
        home.today,
        if home.checked_in_today {
            "checked in"
        } else {
            "not checked in yet"
        }
    );
    println!("  Crisis ladder:");
    for (i, rung) in home.crisis_ladder.iter().enumerate() {
        let phone = rung
            .phones
            .first()
            .map(|p| p.number.as_str())
            .unwrap_or("-");
        println!(
            "    {}. {:<8} {:<16} {}",
            i + 1,
            rung.name,
            phone,
            rung.will_do
        );
    }
    for streak in &home.streaks {
        println!(
            "  {} free: {} days since {} ({} lapses)",
            streak.substance, streak.days, streak.since, streak.lapses
        );
    }
    println!("  Meetings:");
    for m in &home.meetings {
        println!(
            "    {} — {} {} ({})",
            m.name,
            m.start.0.format("%H:%M"),
            m.time_zone,
            m.rrule.as_deref().unwrap_or("once")
        );
    }
    println!("  Last check-ins:");
    for c in &home.last_check_ins {
        println!(
            "    {}  mood {:>2}  craving {:>2}",
            c.day, c.mood, c.craving
        );
    }
    println!(
        "  Integrity check: {}",
        if store.integrity_check()? {
            "ok"
        } else {
            "FAILED"
        }
    );
    let json = store.export_json(DocKind::Plan)?;
    println!(
        "  Plan export: {} bytes of JSON, {} bytes of Automerge",
        json.len(),
        store.export_bytes(DocKind::Plan)?.len()
    );
    store.close();
    Ok(())
}
