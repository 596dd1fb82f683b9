//! The oracle: rrule's own text parser (still linked into test builds) against the reading in
//! `rrule_value`, on generated rules over every part, on garbage and on mutations of both.

use std::cell::Cell;
use std::panic::catch_unwind;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::*;
use crate::model::schedule::parse_rrule_set;

/// How the core built and parsed rules before: DTSTART and RRULE lines through `FromStr`, with
/// the ASCII guard and panic containment it had.
fn by_rrule_text(dtstart_line: &str, value: &str) -> Option<RRuleSet> {
    let text = format!("{dtstart_line}\nRRULE:{value}");
    if !text.is_ascii() {
        return None;
    }
    catch_unwind(|| text.parse::<RRuleSet>()).ok()?.ok()
}

fn printed(local: NaiveDateTime) -> String {
    local.format("%Y%m%dT%H%M%S").to_string()
}

/// Both ways for a start in a zone (`check_rrule`) or floating (`rule_starts`).
fn both(
    local: NaiveDateTime,
    zone: Option<&str>,
    value: &str,
) -> (Option<RRuleSet>, Option<RRuleSet>) {
    let (line, start) = match zone {
        Some(zone) => (
            format!("DTSTART;TZID={zone}:{}", printed(local)),
            zoned_start(local, zone),
        ),
        None => (
            format!("DTSTART:{}Z", printed(local)),
            floating_start(local),
        ),
    };
    let new = start.and_then(|start| parse_rrule_set("rrule", start, value).ok());
    (by_rrule_text(&line, value), new)
}

/// The first occurrences and those in a window after the start; `None` if expanding panics.
fn occurrences(set: &RRuleSet, window_days: i64) -> Option<(Vec<String>, Vec<String>)> {
    let set = set.clone();
    catch_unwind(move || {
        let start = *set.get_dt_start();
        let first = set.clone().all(40).dates;
        let window = set
            .after(start + Duration::days(window_days))
            .before(start + Duration::days(window_days + 60))
            .all(40)
            .dates;
        let text = |d: Vec<DateTime<rrule::Tz>>| d.iter().map(|d| d.to_rfc3339()).collect();
        (text(first), text(window))
    })
    .ok()
}

fn cased(word: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<bool>(), word.len()).prop_map(move |upper| {
        word.chars()
            .zip(upper)
            .map(|(c, u)| if u { c } else { c.to_ascii_lowercase() })
            .collect()
    })
}

/// Mostly upper case, as calendars write it; sometimes any case.
fn name(word: &'static str) -> BoxedStrategy<String> {
    prop_oneof![4 => Just(word.to_string()), 1 => cased(word)].boxed()
}

fn number(range: std::ops::RangeInclusive<i64>) -> BoxedStrategy<String> {
    prop_oneof![
        8 => range.clone().prop_map(|n| n.to_string()),
        1 => range.prop_map(|n| format!("+{n}")),
        1 => prop::sample::select(vec!["", "x", " 1", "1 ", "--1", "99999999999", "0x1", "٣"])
            .prop_map(str::to_string),
    ]
    .boxed()
}

fn list(item: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop_oneof![
        10 => prop::collection::vec(item.clone(), 1..4).prop_map(|v| v.join(",")),
        1 => Just(String::new()),
        1 => prop::collection::vec(item, 2..3).prop_map(|v| v.join(",,")),
    ]
    .boxed()
}

const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn day() -> BoxedStrategy<String> {
    let day = prop::sample::select(DAYS.to_vec()).prop_flat_map(name);
    let ordinal = prop_oneof![
        4 => Just(String::new()),
        4 => (-6i64..=6).prop_map(|n| n.to_string()),
        1 => (-60i64..=60).prop_map(|n| n.to_string()),
        1 => (1i64..=5).prop_map(|n| format!("+{n}")),
        1 => prop::sample::select(vec!["x", "99999", "-", " "]).prop_map(str::to_string),
    ];
    prop_oneof![
        12 => (ordinal, day).prop_map(|(o, d)| format!("{o}{d}")),
        1 => prop::sample::select(vec!["", "M", "XX", "MON", "1"]).prop_map(str::to_string),
    ]
    .boxed()
}

fn until() -> BoxedStrategy<String> {
    let date =
        (2023i32..=2027, 0u32..=13, 0u32..=32).prop_map(|(y, m, d)| format!("{y:04}{m:02}{d:02}"));
    let time =
        (0u32..=24, 0u32..=60, 0u32..=60).prop_map(|(h, m, s)| format!("{h:02}{m:02}{s:02}"));
    let suffix = prop::sample::select(vec!["Z", "Z", "Z", "", "z", "ZZ", "+01"]);
    prop_oneof![
        6 => (date.clone(), time.clone(), suffix).prop_map(|(d, t, z)| format!("{d}T{t}{z}")),
        2 => date.clone(),
        1 => (date, time).prop_map(|(d, t)| format!("{d}{t}")),
        1 => prop::sample::select(vec!["", "2024", "20240101T", "2024-01-01", "20240101T1200Z"])
            .prop_map(str::to_string),
    ]
    .boxed()
}

fn part() -> BoxedStrategy<String> {
    let part = |key: &'static str, value: BoxedStrategy<String>| {
        (name(key), value)
            .prop_map(|(k, v)| format!("{k}={v}"))
            .boxed()
    };
    prop_oneof![
        3 => part("INTERVAL", number(0..=70000)),
        3 => part("COUNT", number(0..=30)),
        3 => part("UNTIL", until()),
        3 => part("BYDAY", list(day())),
        3 => part("BYWEEKDAY", list(day())),
        3 => part("BYMONTHDAY", list(number(-33..=33))),
        3 => part("BYMONTH", list(number(0..=13))),
        3 => part("BYSETPOS", list(number(-370..=370))),
        3 => part("BYYEARDAY", list(number(-370..=370))),
        3 => part("BYWEEKNO", list(number(-55..=55))),
        3 => part("BYHOUR", list(number(0..=25))),
        3 => part("BYMINUTE", list(number(0..=61))),
        3 => part("BYSECOND", list(number(0..=61))),
        3 => part("WKST", prop_oneof![3 => day(), 1 => Just("X".to_string())].boxed()),
        1 => prop::sample::select(vec!["BYEASTER=0", "X-NAME=1", "FREQ", "=", "RSCALE=GREGORIAN"])
            .prop_map(str::to_string),
    ]
    .boxed()
}

fn freq() -> BoxedStrategy<String> {
    let freqs = vec![
        "YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY",
    ];
    prop_oneof![
        12 => prop::sample::select(freqs).prop_flat_map(name).prop_map(|f| format!("FREQ={f}")),
        1 => Just("FREQ=FORTNIGHTLY".to_string()),
        1 => Just(String::new()),
    ]
    .boxed()
}

/// A rule of FREQ and up to five other parts in any order, sometimes with empty parts.
fn rule() -> BoxedStrategy<String> {
    (freq(), prop::collection::vec(part(), 0..5), any::<bool>())
        .prop_flat_map(|(freq, mut parts, trailing)| {
            parts.push(freq);
            Just(parts).prop_shuffle().prop_map(move |parts| {
                let mut rule = parts.join(";");
                if trailing {
                    rule.push(';');
                }
                rule
            })
        })
        .boxed()
}

/// Edits of a rule: characters inserted, removed or replaced, from what RRULEs are made of
/// and a few that they are not (no line feed: see `a_line_break_is_refused`).
fn mutated() -> BoxedStrategy<String> {
    let edits = prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0u8..3,
            prop::sample::select(
                ";=,:+-0123456789TZzMOUWEFRSAHxX \r\té"
                    .chars()
                    .collect::<Vec<_>>(),
            ),
        ),
        1..4,
    );
    (rule(), edits)
        .prop_map(|(rule, edits)| {
            let mut chars: Vec<char> = rule.chars().collect();
            for (at, op, c) in edits {
                let i = at.index(chars.len() + 1);
                match op {
                    0 => chars.insert(i, c),
                    1 if i < chars.len() => {
                        chars.remove(i);
                    }
                    _ if i < chars.len() => chars[i] = c,
                    _ => chars.push(c),
                }
            }
            chars.into_iter().collect()
        })
        .boxed()
}

fn start() -> impl Strategy<Value = NaiveDateTime> {
    // Dates near the daylight-saving changes of the zones below, times across the day,
    // sometimes inside a gap or a fold.
    (
        2024i32..=2025,
        1u32..=12,
        1u32..=28,
        0u32..=23,
        prop::sample::select(vec![0u32, 30, 59]),
        prop::sample::select(vec![0u32, 0, 45]),
    )
        .prop_filter_map("a calendar date", |(y, mo, d, h, mi, s)| {
            NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_opt(h, mi, s)
        })
}

fn zone() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(vec![
        None,
        None,
        Some("UTC"),
        Some("Europe/Madrid"),
        Some("America/New_York"),
        Some("Australia/Lord_Howe"),
        Some("Pacific/Chatham"),
    ])
}

/// Runs the oracle over `cases` inputs; returns how many both accepted.
fn agree(values: BoxedStrategy<String>, cases: u32) -> u32 {
    let accepted = Cell::new(0u32);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(
        &(start(), zone(), values, 0i64..=30),
        |(start, zone, value, window)| {
            let (old, new) = both(start, zone, &value);
            prop_assert_eq!(
                old.is_some(),
                new.is_some(),
                "accept/refuse differ on {:?}",
                value
            );
            if let (Some(old), Some(new)) = (old, new) {
                accepted.set(accepted.get() + 1);
                prop_assert_eq!(&old, &new, "different rules from {:?}", value);
                prop_assert_eq!(occurrences(&old, window), occurrences(&new, window));
            }
            Ok(())
        },
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
    accepted.get()
}

#[test]
fn generated_rules_read_as_rrules_parser_reads_them() {
    let accepted = agree(rule(), 400);
    // The generator must reach rules that are accepted, not only refusals.
    assert!(
        accepted > 60,
        "only {accepted} of 400 generated rules accepted"
    );
}

#[test]
fn mutated_rules_read_as_rrules_parser_reads_them() {
    // Most edits break a rule; what matters is that both readings break on the same ones.
    let accepted = agree(mutated(), 2000);
    assert!(accepted > 0, "no mutated rule of 2000 accepted");
}

#[test]
fn garbage_is_refused_as_rrules_parser_refuses_it() {
    agree("[ -~\r\t]{0,40}".boxed(), 1500);
}

#[test]
fn rrules_quirks_are_kept() {
    let start = NaiveDate::from_ymd_opt(2024, 6, 4)
        .and_then(|d| d.and_hms_opt(19, 0, 0))
        .expect("a time");
    for (value, accepted) in [
        ("FREQ=WEEKLY;BYDAY=TU", true),
        ("freq=weekly;byday=tu", true),
        ("FREQ=WEEKLY;BYWEEKDAY=TU", true),
        ("FREQ=WEEKLY;BYDAY=TU;BYWEEKDAY=TU", false),
        ("FREQ=MONTHLY;BYDAY=xxTU", true),
        ("FREQ=MONTHLY;BYDAY=+2TU", true),
        ("FREQ=MONTHLY;BYDAY=-1SU;BYSETPOS=", true),
        ("FREQ=DAILY;COUNT=+3", true),
        ("FREQ=DAILY;COUNT=-3", false),
        ("FREQ=DAILY;COUNT= 3", false),
        ("FREQ=DAILY;;INTERVAL=2;", true),
        ("FREQ=DAILY;INTERVAL=70000", false),
        ("FREQ=DAILY;UNTIL=20250101T000000Z", true),
        ("FREQ=DAILY;UNTIL=20250101T000000z", false),
        ("FREQ=DAILY;UNTIL=20250101T000000", false),
        ("FREQ=DAILY;UNTIL=20250101", false),
        ("FREQ=DAILY;BYEASTER=0", false),
        ("FREQ=WEEKLY;WKST=SU;BYDAY=TU,TH;INTERVAL=2", true),
        ("FREQ=WEEKLY;WKST=1SU", false),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", true),
        ("FREQ=MONTHLY;BYWEEKNO=20", false),
        ("FREQ=DAILY\r", false),
        ("FREQ=DAILY;X=1", false),
    ] {
        for zone in [None, Some("Europe/Madrid")] {
            let (old, new) = both(start, zone, value);
            assert_eq!(
                old.is_some(),
                accepted,
                "rrule's parser on {value:?} in {zone:?}"
            );
            assert_eq!(new, old, "{value:?} in {zone:?}");
        }
    }
}

#[test]
fn a_start_in_a_fold_or_gap_is_no_start() {
    let at = |d: u32, h: u32, m: u32| {
        NaiveDate::from_ymd_opt(2024, 11, d)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("a time")
    };
    let fold = at(3, 1, 30); // New York falls back at 02:00 on 3 November 2024
    assert!(zoned_start(fold, "America/New_York").is_none());
    assert!(floating_start(fold).is_some());
    assert!(zoned_start(at(4, 1, 30), "America/New_York").is_some());
    assert!(zoned_start(at(4, 1, 30), "Mars/Olympus").is_none());
}

#[test]
fn a_line_break_is_refused() {
    // rrule's parser would have read a second line as a second rule; only a document not
    // written by this app can hold one, and check_rrule always refused it.
    let start = floating_start(
        NaiveDate::from_ymd_opt(2024, 6, 4)
            .and_then(|d| d.and_hms_opt(19, 0, 0))
            .expect("a time"),
    )
    .expect("a start");
    assert!(parse_rrule_set("rrule", start, "FREQ=DAILY\nFREQ=WEEKLY").is_err());
    assert!(parse_rrule_set("rrule", start, "FREQ=DAILY").is_ok());
}

#[test]
fn a_start_rrule_could_not_read_back_is_refused() {
    let year = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("a time")
    };
    for (start, accepted) in [
        (year(10_000), false),
        (year(-1), false),
        (year(9999), true),
        (year(0), true),
    ] {
        let (old, new) = both(start, None, "FREQ=YEARLY;COUNT=2");
        assert_eq!(old.is_some(), accepted, "{start}");
        assert_eq!(new, old, "{start}");
    }
}
