//! Care content (issue 22), through the public API: the crisis screen with the bundled lines of
//! the phone's region; summaries that say what they compare and the course within the window
//! (the worsening fortnight), the person's words quoted, in every catalogue language with
//! right-to-left HTML for Arabic; and the wellbeing summary computed on the person's local day,
//! sharing only the fields the owner chose, checked through a real share.

use twofold_core::insights::crisis::LocalCrisisLine;
use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::keys::random_key;
use twofold_tests::mem_devices::{pair, settle, MemDevice as Device};
use twofold_tests::net_devices::now_ms;
use twofold_tests::relay_sim::MemRelay;

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
        used_substance: false,
        triggers_met: vec![],
        coping_used: vec![],
        warning_signs: vec![],
        note: "private words".into(),
        doses: vec![],
    }
}

fn check_in(store: &Twofold, new: NewCheckIn) {
    let at = new
        .day
        .0
        .and_hms_opt(20, 0, 0)
        .expect("time")
        .and_utc()
        .timestamp_millis();
    store.record_check_in(new, at).expect("check-in");
}

fn rosa(store: &Twofold) {
    store
        .put(
            s::CONTACTS,
            Contact {
                id: id("c-rosa"),
                name: "Rosa".into(),
                roles: vec![ContactRole::Peer],
                phones: vec![Phone {
                    label: "mobile".into(),
                    number: "+34 600 000 001".into(),
                }],
                email: None,
                availability: "evenings".into(),
                notes: String::new(),
                crisis_order: None,
                do_not_involve: false,
            },
        )
        .expect("contact");
    store
        .put(
            s::CRISIS_CONTACTS,
            CrisisContact {
                id: id("cc-rosa"),
                contact_id: id("c-rosa"),
                will_do: "Comes over and stays".into(),
            },
        )
        .expect("ladder");
}

// ---------------------------------------------------------------- crisis lines

#[test]
fn the_phones_region_gives_the_crisis_screen_its_lines_and_emergency_number() {
    let (_d, store) = open();
    let mx = store.crisis_screen_for_region(Some("mx")).expect("screen");
    let emergency = mx.emergency.as_ref().expect("bundled for MX");
    assert_eq!(
        (emergency.region.as_str(), emergency.number.as_str()),
        ("MX", "911")
    );
    let line = &mx.crisis_lines[0];
    assert_eq!(line.phones[0].number, "800 911 2000");
    assert_eq!(line.bundled_region.as_deref(), Some("MX"));
    assert!(line.is_local_default && line.contact_id.is_none());

    // No region, or one with nothing bundled: no invented number.
    assert!(store
        .crisis_screen()
        .expect("screen")
        .crisis_lines
        .is_empty());
    let nowhere = store.crisis_screen_for_region(Some("AQ")).expect("screen");
    assert!(nowhere.emergency.is_none() && nowhere.crisis_lines.is_empty());
    assert!(matches!(
        store.crisis_screen_for_region(Some("Mexico")),
        Err(Error::Invalid(_))
    ));

    // The person's own line overrides the bundled default; the region's emergency number
    // stays.
    store
        .set_local_crisis_line(Some(LocalCrisisLine {
            name: "My local line".into(),
            number: "+52 55 0000 0000".into(),
            text_number: None,
            url: None,
            region: "MX".into(),
        }))
        .expect("set");
    let own = store.crisis_screen_for_region(Some("MX")).expect("screen");
    assert_eq!(own.crisis_lines.len(), 1);
    assert_eq!(own.crisis_lines[0].name, "My local line");
    assert_eq!(own.crisis_lines[0].bundled_region, None);
    assert_eq!(
        own.emergency.as_ref().map(|e| e.number.as_str()),
        Some("911")
    );
    // Without a region from the phone, the local line's region finds the emergency number.
    let screen = store.crisis_screen().expect("screen");
    assert_eq!(screen.emergency.map(|e| e.number), Some("911".to_string()));
}

#[test]
fn every_country_where_a_core_language_is_official_that_is_bundled_has_a_source() {
    let checked = [day("2026-12-03"), day("2026-12-04")];
    for region in [
        "US", "GB", "CA", "AU", "ES", "MX", "FR", "BR", "PT", "EG", "AE", "BO", "HN", "SV", "CM",
    ] {
        let lines = twofold_core::insights::crisis_lines::for_region(region)
            .expect("valid")
            .unwrap_or_else(|| panic!("{region} bundled"));
        assert!(lines.emergency.source.url.starts_with("http"), "{region}");
        assert!(
            lines
                .lines
                .iter()
                .all(|l| checked.contains(&l.source.checked)),
            "{region}"
        );
    }
}

/// Honduras has no crisis line apart from 911, whose crisis psychologists take the calls: the
/// screen shows 911 as the emergency number and as the bundled line, with the note that says
/// to ask for psychological support.
#[test]
fn a_region_whose_crisis_line_is_the_emergency_number_shows_it_with_its_note() {
    let (_d, store) = open();
    let hn = store.crisis_screen_for_region(Some("HN")).expect("screen");
    assert_eq!(
        hn.emergency.as_ref().map(|e| e.number.as_str()),
        Some("911")
    );
    let line = &hn.crisis_lines[0];
    assert_eq!(line.bundled_region.as_deref(), Some("HN"));
    assert_eq!(line.phones[0].number, "911");
    assert!(line
        .note
        .as_deref()
        .is_some_and(|n| n.contains("psychological support")));
}

// ---------------------------------------------------------------- summaries

/// The case: a better month than the one before, but mood falling and craving rising
/// over the last two weeks.
fn worsening_fortnight() -> (tempfile::TempDir, Twofold, Day) {
    let (d, store) = open();
    let today = day("2026-06-30");
    for i in 30..60 {
        check_in(&store, entry(plus(today, -i), 4, 3));
    }
    for i in 0..30i64 {
        let (mood, craving) = if i < 16 {
            (8, 1)
        } else {
            let k = (i - 16) as u8; // 0..=13
            (8 - (k * 5 + 6) / 13, 1 + (k * 6 + 6) / 13)
        };
        check_in(&store, entry(plus(today, i - 29), mood, craving));
    }
    (d, store, today)
}

#[test]
fn a_worsening_fortnight_reads_as_falling_mood_and_rising_craving_over_14_days() {
    let (_d, store, today) = worsening_fortnight();
    let out = store
        .summary(&SummaryOptions {
            lang: Lang::En,
            today,
            parts: vec![SummaryPart::LastThirtyDays],
        })
        .expect("summary");
    let line = |start: &str| {
        out.markdown
            .lines()
            .find(|l| l.contains(start))
            .unwrap_or_else(|| panic!("{start} line in {}", out.markdown))
            .to_string()
    };
    let mood = line("Mood (0 very low");
    assert!(mood.contains("up from 4.0 in the 30 days before"), "{mood}");
    assert!(
        mood.contains("over the last 14 days: falling, by about"),
        "{mood}"
    );
    let craving = line("Craving (0 none");
    assert!(craving.contains("in the 30 days before"), "{craving}");
    assert!(
        craving.contains("over the last 14 days: rising, by about"),
        "{craving}"
    );

    let es = store
        .summary(&SummaryOptions {
            lang: Lang::Es,
            today,
            parts: vec![SummaryPart::LastThirtyDays],
        })
        .expect("summary");
    assert!(es.markdown.contains("en los últimos 14 días: bajando"));
}

#[test]
fn the_persons_words_are_quoted_and_every_language_renders_with_its_direction() {
    let (_d, store, today) = worsening_fortnight();
    rosa(&store);
    let options = |lang| SummaryOptions {
        lang,
        today,
        parts: SummaryPart::ALL.to_vec(),
    };
    let en = store.summary(&options(Lang::En)).expect("summary");
    assert!(
        en.markdown.contains("will: “Comes over and stays”"),
        "{}",
        en.markdown
    );
    assert!(!en.markdown.contains("will Comes"));
    assert!(en.markdown.contains("available: “evenings”"));
    assert!(en
        .html
        .starts_with("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">"));

    let fr = store.summary(&options(Lang::Fr)).expect("summary");
    assert!(fr.html.contains("<html lang=\"fr\" dir=\"ltr\">"));
    assert!(fr
        .markdown
        .contains("fera\u{a0}: «\u{a0}Comes over and stays\u{a0}»"));
    assert!(fr.markdown.contains("Mon plan de rétablissement"));

    let pt = store.summary(&options(Lang::Pt)).expect("summary");
    assert!(pt.markdown.contains("fará: “Comes over and stays”"));
    assert!(pt.markdown.contains("nos últimos 14 dias: descendo"));

    let ar = store.summary(&options(Lang::Ar)).expect("summary");
    assert!(ar
        .html
        .starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"));
    assert!(ar.html.contains("خطة تعافيّ وآخر 30 يومًا"));
    assert!(
        ar.markdown.contains("«Comes over and stays»")
            || ar.markdown.contains("Comes over and stays")
    );
    assert!(
        ar.markdown.contains("في انخفاض"),
        "the mood line says falling"
    );
    for out in [&en, &fr, &pt, &ar] {
        assert!(
            !out.markdown.contains("private words"),
            "never a check-in's note"
        );
        assert!(!out.markdown.contains("summary."), "no untranslated code");
    }
}

// ---------------------------------------------------------------- the wellbeing summary

/// Moves a device's clock to `at_ms` (its clock is the system's plus an offset).
fn set_clock(device: &Device, at_ms: i64) {
    device.advance_clock(at_ms - now_ms());
}

#[test]
fn the_wellbeing_summary_counts_the_persons_day_and_shares_only_the_chosen_fields() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    // Monday 2026-03-02, 02:00 UTC: still Sunday evening, 1 March, in Los Angeles.
    let utc_monday_2am = 1_772_416_800_000;
    set_clock(&owner, utc_monday_2am);
    set_clock(&mentor, utc_monday_2am);
    let mentor_id = pair(&owner, &mentor, &relay);
    let o = owner.s();
    o.set_time_zone(Some("America/Los_Angeles")).expect("zone");
    assert!(matches!(
        o.set_time_zone(Some("Nowhere/Else")),
        Err(Error::Invalid(_))
    ));
    o.put(
        s::RECOVERIES,
        Recovery {
            id: id("rec-canary"),
            substance: "CANARY-substance".into(),
            started: day("2026-02-28"),
        },
    )
    .expect("recovery");
    let mut used = entry(day("2026-03-01"), 9, 2);
    used.used_substance = true;
    check_in(o, used);
    o.set_wellbeing_fields(WellbeingFields {
        mood: false,
        use_days: false,
        milestones: false,
        ..WellbeingFields::default()
    })
    .expect("fields");
    o.share(
        DocKind::Summary,
        &mentor_id,
        Access::Read,
        "how I'm doing",
        None,
    )
    .expect("share");
    settle(&[&owner, &mentor], &relay);

    let summary = mentor
        .s()
        .shared_with_me()
        .expect("list")
        .into_iter()
        .find(|d| d.kind == DocKind::Summary)
        .expect("summary shared");
    let weeks = mentor
        .s()
        .shared_list(&summary.doc_id, s::WEEKS)
        .expect("weeks");
    // The check-in of Sunday 1 March is in the week that started on Monday 23 February.
    let last = weeks.last().expect("a week");
    assert_eq!(last.week_start, day("2026-02-23"));
    assert_eq!(last.check_ins, 1);
    assert_eq!(last.craving_avg, Some(2.0), "craving is chosen");
    assert_eq!(last.mood_avg, None, "mood is not");
    assert_eq!(last.use_days, None, "substance use is not");
    assert!(mentor
        .s()
        .shared_list(&summary.doc_id, s::MILESTONES)
        .expect("milestones")
        .is_empty());
    let json = serde_json::to_string(
        &mentor
            .s()
            .shared_snapshot(&summary.doc_id)
            .expect("snapshot"),
    )
    .expect("json");
    assert!(
        !json.contains("CANARY"),
        "an unchosen field never leaves the phone"
    );
    assert!(!relay
        .all_bytes()
        .iter()
        .any(|b| b.windows(6).any(|w| w == b"CANARY")));

    // Chosen again, the milestone arrives, counted in local days: 1 March is day 1 since
    // 28 February (UTC's 2 March would make it 2).
    o.set_wellbeing_fields(WellbeingFields::default())
        .expect("fields");
    settle(&[&owner, &mentor], &relay);
    let milestones = mentor
        .s()
        .shared_list(&summary.doc_id, s::MILESTONES)
        .expect("milestones");
    assert_eq!(milestones.len(), 1);
    assert_eq!(milestones[0].days, 1);
    let weeks = mentor
        .s()
        .shared_list(&summary.doc_id, s::WEEKS)
        .expect("weeks");
    assert_eq!(weeks.last().and_then(|w| w.use_days), Some(1));
}
