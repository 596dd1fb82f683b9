//! The design's test data set, generated deterministically from a seed: five years of one
//! person's use — about 1,800 check-ins, 260 attended meetings with mentor notes, 60 plan
//! edits, 15 contacts — written through the public API, one change per action, as real use
//! would write it.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use twofold_core::sections as s;
use twofold_core::*;

#[derive(Debug, Clone, Copy)]
pub struct DatasetSpec {
    pub days: i64,
    pub check_ins: usize,
    pub attended_meetings: usize,
    pub plan_edits: usize,
    pub contacts: usize,
}

impl DatasetSpec {
    /// The design's five-year data set.
    pub const FIVE_YEARS: DatasetSpec = DatasetSpec {
        days: 5 * 365,
        check_ins: 1_800,
        attended_meetings: 260,
        plan_edits: 60,
        contacts: 15,
    };

    /// One year of the same habits: with [`DatasetSpec::TEN_YEARS`], shows whether a cost
    /// grows with the years of history.
    pub const ONE_YEAR: DatasetSpec = DatasetSpec {
        days: 365,
        check_ins: 360,
        attended_meetings: 52,
        plan_edits: 12,
        contacts: 15,
    };

    /// Ten years of the same habits.
    pub const TEN_YEARS: DatasetSpec = DatasetSpec {
        days: 10 * 365,
        check_ins: 3_600,
        attended_meetings: 520,
        plan_edits: 120,
        contacts: 15,
    };

    /// A small one for quick tests.
    pub const ONE_MONTH: DatasetSpec = DatasetSpec {
        days: 30,
        check_ins: 28,
        attended_meetings: 4,
        plan_edits: 12,
        contacts: 4,
    };
}

/// The last day of the data set ("today" for its home screen).
pub fn end_day() -> Day {
    Day(NaiveDate::from_ymd_opt(2026, 11, 1).expect("a real date"))
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub writes: usize,
    pub check_ins: usize,
    pub attendance: usize,
    pub contacts: usize,
}

const NAMES: &[&str] = &[
    "Sam", "Alex", "Jordan", "Rosa", "Mehmet", "Aiko", "Lena", "Tomás", "Priya", "Kofi", "Ines",
    "Noah", "Dana", "Yusuf", "Mara", "Eli", "Zoe", "Ravi",
];
const NOTES: &[&str] = &[
    "Slept badly, long day at work.",
    "Went for a walk with Sam, felt better after.",
    "Cravings in the evening, called my sponsor.",
    "Good day. Cooked dinner.",
    "Anxious before the appointment.",
    "",
    "",
];

fn id(rng: &mut ChaCha8Rng, prefix: &str) -> ItemId {
    ItemId::parse("id", &format!("{prefix}{:016x}", rng.random::<u64>()))
        .expect("generated ids are valid")
}

/// Fills `store` with a data set. Same seed, same content.
pub fn populate(store: &Twofold, seed: u64, spec: DatasetSpec) -> Result<Summary> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sum = Summary::default();
    let start = end_day().0 - Duration::days(spec.days - 1);

    // Contacts, the first three on the crisis ladder.
    let mut contact_ids = Vec::new();
    for i in 0..spec.contacts {
        let roles = match i {
            0 => vec![ContactRole::Mentor],
            1 => vec![ContactRole::Sponsor, ContactRole::Peer],
            2 => vec![ContactRole::Therapist],
            3 => vec![ContactRole::CrisisLine],
            _ => vec![*[
                ContactRole::Peer,
                ContactRole::Family,
                ContactRole::Friend,
                ContactRole::Doctor,
            ]
            .choose(&mut rng)
            .expect("non-empty")],
        };
        let contact = Contact {
            id: id(&mut rng, "c"),
            name: NAMES[i % NAMES.len()].to_string(),
            roles,
            phones: vec![Phone {
                label: "mobile".into(),
                number: format!(
                    "+34 6{:02} {:03} {:03}",
                    i,
                    rng.random_range(0..1000),
                    rng.random_range(0..1000)
                ),
            }],
            email: (i % 3 == 0).then(|| format!("person{i}@example.org")),
            availability: if i == 3 {
                "24/7".into()
            } else {
                "evenings".into()
            },
            notes: String::new(),
            crisis_order: (i < 3).then_some(i as u32 + 1),
            do_not_involve: false,
        };
        contact_ids.push(contact.id.clone());
        store.put(s::CONTACTS, contact)?;
        sum.writes += 1;
        sum.contacts += 1;
    }

    // The plan: one edit per action, spread over the sections.
    let mut trigger_ids = Vec::new();
    let mut coping_ids = Vec::new();
    for edit in 0..spec.plan_edits {
        match edit % 10 {
            0 => {
                let t = Trigger {
                    id: id(&mut rng, "t"),
                    description: format!("Trigger {edit}: payday and being alone in the evening"),
                    kind: TriggerKind::External,
                    domain: Domain::Both,
                    action_plan: "Leave the card at home, call someone, go to a meeting.".into(),
                };
                trigger_ids.push(t.id.clone());
                store.put(s::TRIGGERS, t)?;
            }
            1 => {
                let c = CopingStrategy {
                    id: id(&mut rng, "k"),
                    description: format!("Coping {edit}: box breathing, four counts each"),
                    domain: Domain::MentalHealth,
                };
                coping_ids.push(c.id.clone());
                store.put(s::COPING_STRATEGIES, c)?;
            }
            2 => store.put(
                s::WARNING_SIGNS,
                WarningSign {
                    id: id(&mut rng, "w"),
                    description: format!("Sign {edit}: skipping meals, not answering the phone"),
                    stage: [
                        WarningStage::Early,
                        WarningStage::BreakingDown,
                        WarningStage::Crisis,
                    ][edit % 3],
                    domain: Domain::Both,
                    action_plan: "Tell my mentor, double up on meetings.".into(),
                },
            )?,
            3 => store.put(
                s::DAILY_MAINTENANCE,
                MaintenanceItem {
                    id: id(&mut rng, "m"),
                    text: format!("Daily {edit}: take medication with breakfast"),
                    priority: Priority::MustDo,
                },
            )?,
            4 => store.put(
                s::REASONS,
                Reason {
                    id: id(&mut rng, "r"),
                    kind: ReasonKind::Living,
                    text: format!("Reason {edit}: my niece's birthday"),
                },
            )?,
            5 if edit / 10 < contact_ids.len().min(3) => store.put(
                s::CRISIS_CONTACTS,
                CrisisContact {
                    id: id(&mut rng, "l"),
                    contact_id: contact_ids[edit / 10].clone(),
                    will_do: "Come over and stay with me".into(),
                },
            )?,
            6 => store.put(
                s::ENVIRONMENT_SAFETY,
                SafetyStep {
                    id: id(&mut rng, "e"),
                    description: format!("Safety {edit}: no alcohol in the flat"),
                    done: edit % 2 == 0,
                },
            )?,
            7 => store.put(
                s::LAPSE_PLAN,
                PlanNote {
                    id: id(&mut rng, "p"),
                    text: format!("Lapse {edit}: a lapse is not a relapse; call my sponsor today"),
                },
            )?,
            8 => store.put(
                s::MEDICATIONS,
                Medication {
                    id: id(&mut rng, "d"),
                    name: format!("Medication {edit}"),
                    preference: MedicationPreference::Preferred,
                    reason: "Works without making me drowsy".into(),
                },
            )?,
            _ => store.set_when_well(&format!(
                "Version {edit}: I get up early, I laugh, I cook for friends."
            ))?,
        }
        sum.writes += 1;
    }

    // Recovery and a few lapses.
    let recovery = Recovery {
        id: id(&mut rng, "v"),
        substance: "alcohol".into(),
        started: Day(start),
    };
    store.put(s::RECOVERIES, recovery.clone())?;
    sum.writes += 1;

    // A weekly peer meeting on Tuesdays since the start, and its attendance log.
    let first_tuesday = (0..7)
        .map(|d| start + Duration::days(d))
        .find(|d| d.weekday() == Weekday::Tue)
        .expect("a week has a Tuesday");
    let meeting = Meeting {
        id: id(&mut rng, "g"),
        name: "Dual Recovery Anonymous — Tuesday".into(),
        kind: MeetingKind::DualRecoveryAnonymous,
        format: MeetingFormat::Hybrid,
        address: "Calle Mayor 1, Madrid".into(),
        location_notes: "Side door, second floor".into(),
        conference_url: Some("https://meet.example.org/dra-tuesday".into()),
        conference_phone: None,
        start: LocalDateTime(
            first_tuesday.and_time(NaiveTime::from_hms_opt(19, 0, 0).expect("valid time")),
        ),
        time_zone: "Europe/Madrid".into(),
        duration_minutes: 90,
        rrule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
        exdates: vec![],
        type_codes: vec!["DD".into(), "O".into(), "ONL".into()],
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
    };
    store.put(s::MEETINGS, meeting.clone())?;
    sum.writes += 1;
    let weeks = (spec.days / 7) as usize;
    let attended: Vec<usize> =
        rand::seq::index::sample(&mut rng, weeks.max(1), spec.attended_meetings.min(weeks))
            .into_iter()
            .collect();
    let mut attended_sorted = attended;
    attended_sorted.sort_unstable();

    // Check-ins: `check_ins` of the `days`, interleaved in time with the attendance log.
    let mut days: Vec<i64> = rand::seq::index::sample(
        &mut rng,
        spec.days as usize,
        spec.check_ins.min(spec.days as usize),
    )
    .into_iter()
    .map(|d| d as i64)
    .collect();
    days.sort_unstable();
    let mut next_meeting = attended_sorted.into_iter().peekable();
    for d in days {
        let day = start + Duration::days(d);
        while let Some(&w) = next_meeting.peek() {
            let meeting_day = first_tuesday + Duration::weeks(w as i64);
            if meeting_day > day {
                break;
            }
            let occurrence = LocalDateTime(
                meeting_day.and_time(NaiveTime::from_hms_opt(19, 0, 0).expect("valid")),
            );
            store.put(
                s::ATTENDANCE,
                Attendance {
                    id: Attendance::id_for(&meeting.id, &occurrence),
                    meeting_id: meeting.id.clone(),
                    occurrence,
                    status: AttendanceStatus::Attended,
                    note: "Shared for the first time in a while.".into(),
                    mentor_note: "Proud of you for going after a hard week.".into(),
                },
            )?;
            sum.writes += 1;
            sum.attendance += 1;
            next_meeting.next();
        }
        if d > 0 && d % 400 == 0 {
            store.record_lapse(
                &recovery.id,
                Day(day),
                "Drank at a wedding. Told my sponsor the next day.",
            )?;
            sum.writes += 1;
        }
        let mood: u8 = rng.random_range(2..=9);
        let craving: u8 = rng.random_range(0..=7);
        let at = day
            .and_time(NaiveTime::from_hms_opt(19, rng.random_range(0..60), 0).expect("valid"))
            .and_utc();
        store.record_check_in(
            NewCheckIn {
                day: Day(day),
                mood,
                craving,
                sleep_hours: Some(f64::from(rng.random_range(10..=18u8)) / 2.0),
                medication_taken: Some(rng.random_bool(0.9)),
                doses: Vec::new(),
                used_substance: false,
                triggers_met: if craving > 5 {
                    trigger_ids.choose(&mut rng).cloned().into_iter().collect()
                } else {
                    vec![]
                },
                coping_used: coping_ids.choose(&mut rng).cloned().into_iter().collect(),
                warning_signs: vec![],
                note: NOTES.choose(&mut rng).expect("non-empty").to_string(),
            },
            at.timestamp_millis(),
        )?;
        sum.writes += 1;
        sum.check_ins += 1;
    }
    Ok(sum)
}
