//! Meeting Guide import and the offline finder on a generated 2,000-meeting region (the forms
//! real TSML feeds mix; `twofold_tests::feeds`). Import speed in meetings per second against
//! a plain JSON parse of the same bytes; finder queries as p50 / p99 against a plain scan of
//! the same listings (decoded, one type-code test each) — both baselines measured in this run,
//! reported as ratios. Target: a query over 2,000 meetings in a few milliseconds. These report;
//! they do not fail.
//!
//! `cargo bench -p twofold-tests --bench finder` (add `-- --quick` for fewer rounds).
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use chrono::TimeZone;
use twofold_core::formats::meeting_guide;
use twofold_core::*;
use twofold_tests::feeds;
use twofold_tests::keys::random_key;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn samples<T>(rounds: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    std::hint::black_box(f());
    let mut v: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    v.sort();
    v
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 101 } else { 1001 };
    let import_rounds = if quick { 5 } else { 21 };
    let n = 2_000;
    let feed = feeds::large_feed(n, 23);
    println!("generated feed: {n} meetings, {} KiB", feed.len() / 1024);

    // --- import speed ------------------------------------------------------------------
    let json_parse = samples(import_rounds, || {
        serde_json::from_slice::<serde_json::Value>(&feed).expect("json")
    });
    let check = samples(import_rounds, || {
        let entries = meeting_guide::parse(&feed).expect("parse");
        meeting_guide::listings(&entries, feeds::DEFAULT_ZONE)
    });
    let options = MeetingGuideImport {
        filter: MeetingGuideFilter::default(),
        choose: None,
        default_time_zone: feeds::DEFAULT_ZONE.into(),
        today: Day::parse("today", "2026-03-02").expect("day"),
        kind: MeetingKind::TwelveStep,
        dry_run: true,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Twofold::open(dir.path().join("finder.twofold"), &random_key()).expect("open");
    let plan = samples(import_rounds, || {
        store
            .import_meeting_guide(&feed, &options)
            .expect("preview")
    });
    let save = samples(import_rounds, || {
        store
            .save_region_feed("chi", "Chicago", &feed, feeds::DEFAULT_ZONE)
            .expect("save")
    });
    let per_s = |d: Duration| n as f64 / d.as_secs_f64();
    let base = percentile(&json_parse, 0.5);
    println!(
        "baseline: serde_json parse of the feed {:.2} ms ({:.0} meetings/s)",
        ms(base),
        per_s(base)
    );
    for (name, v) in [
        ("read + check (listings)", &check),
        ("import preview (to meetings)", &plan),
        ("save_region_feed (stored)", &save),
    ] {
        let p50 = percentile(v, 0.5);
        println!(
            "{name:<30} {:>8.2} ms | {:>9.0} meetings/s | ratio to JSON parse {:>5.2}",
            ms(p50),
            per_s(p50),
            p50.as_secs_f64() / base.as_secs_f64()
        );
    }

    // --- finder queries ----------------------------------------------------------------
    let entries = meeting_guide::parse(&feed).expect("parse");
    let (_, listed) = meeting_guide::listings(&entries, feeds::DEFAULT_ZONE);
    let listings: Vec<meeting_guide::Listing> = listed.into_iter().map(|(l, _)| l).collect();
    let scan = samples(rounds, || {
        listings
            .iter()
            .filter(|l| l.type_codes.iter().any(|t| t == "DD"))
            .count()
    });
    let now = chrono_tz::America::Chicago
        .with_ymd_and_hms(2026, 3, 3, 18, 0, 0)
        .single()
        .expect("time")
        .timestamp_millis();
    let zone = "America/Chicago";
    let query = |f: &dyn Fn(&mut FinderQuery)| {
        let mut q = FinderQuery::new(now, zone);
        f(&mut q);
        q
    };
    let queries = [
        (
            "next 2 hours",
            query(&|q| q.when = FinderWhen::StartingWithin { minutes: 120 }),
        ),
        (
            "Tuesday evening, DD",
            query(&|q| {
                q.when = FinderWhen::Weekday {
                    day: 2,
                    from_minute: 1020,
                    to_minute: 1320,
                };
                q.types_all = vec!["DD".into()];
            }),
        ),
        (
            "W or LGBTQ, any time",
            query(&|q| q.types_any = vec!["W".into(), "LGBTQ".into()]),
        ),
        (
            "in person within 5 km",
            query(&|q| {
                q.near = Some(Near {
                    latitude: feeds::CENTER.0,
                    longitude: feeds::CENTER.1,
                    radius_km: 5.0,
                });
            }),
        ),
        (
            "online now",
            query(&|q| {
                q.when = FinderWhen::UnderWay;
                q.join = FinderJoin::Online;
            }),
        ),
        ("by phone", query(&|q| q.join = FinderJoin::Phone)),
    ];
    let scan50 = percentile(&scan, 0.5);
    println!(
        "baseline: plain scan of {} decoded listings p50 {:.3} ms, p99 {:.3} ms",
        listings.len(),
        ms(scan50),
        ms(percentile(&scan, 0.99))
    );
    for (name, q) in &queries {
        let found = store.find_meetings(q).expect("query").len();
        let v = samples(rounds, || store.find_meetings(q).expect("query"));
        let (p50, p99) = (percentile(&v, 0.5), percentile(&v, 0.99));
        println!(
            "find: {name:<24} {found:>4} found | p50 {:>7.3} ms | p99 {:>7.3} ms | p50 ratio to scan {:>6.1} | target a few ms",
            ms(p50),
            ms(p99),
            p50.as_secs_f64() / scan50.as_secs_f64()
        );
    }
}
