//! Insights benchmarks on the design's five-year data set: the crisis screen (target: a few
//! milliseconds; also with the bundled lines of a region), with the alerts, patterns, plan
//! review and summary beside it, and the summary in each catalogue language against English. Each figure is
//! printed next to baselines measured in the same run — a plain `list` of one plan section and
//! the home screen — as a ratio. These report; they do not fail.
//!
//! `cargo bench -p twofold-tests --bench insights` (add `-- --quick` for fewer rounds).
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::dataset::{end_day, populate, DatasetSpec};
use twofold_tests::keys::random_key;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> Duration {
    // One warm-up call: the first hydration of a document touches cold caches.
    std::hint::black_box(f());
    median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(name: &str, value: Duration, baseline_name: &str, baseline: Duration, target: &str) {
    println!(
        "{name:<34} {:>8.3} ms | {baseline_name:<26} {:>8.3} ms | ratio {:>6.2} | target {target}",
        ms(value),
        ms(baseline),
        value.as_secs_f64() / baseline.as_secs_f64()
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 11 } else { 101 };

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("five-years.twofold");
    let store = Twofold::open(&path, &random_key()).expect("open");
    let started = Instant::now();
    let summary = populate(&store, 2026, DatasetSpec::FIVE_YEARS).expect("populate");
    println!(
        "five-year data set: {} writes ({} check-ins) in {:.1} s",
        summary.writes,
        summary.check_ins,
        started.elapsed().as_secs_f64()
    );
    store
        .set_local_crisis_line(Some(insights::crisis::LocalCrisisLine {
            name: "Línea 024".into(),
            number: "024".into(),
            text_number: None,
            url: None,
            region: "ES".into(),
        }))
        .expect("local line");
    let today = end_day();

    let list = time(rounds, || store.list(s::WARNING_SIGNS).expect("list"));
    let home = time(rounds, || store.home_screen(today).expect("home"));
    let crisis = time(rounds, || {
        let screen = store.crisis_screen().expect("crisis");
        assert!(!screen.people_to_call.is_empty());
        screen
    });
    // What the rules read: about three months of check-ins.
    let from = Day(today.0 - chrono::Duration::days(91));
    let read_91 = time(rounds, || {
        store.check_ins_between(from, today).expect("read")
    });
    let alerts = time(rounds, || store.alerts(today).expect("alerts"));
    let patterns = time(rounds, || store.patterns(today).expect("patterns"));
    let review = time(rounds, || {
        store
            .plan_review(chrono::Utc::now().timestamp_millis())
            .expect("review")
    });
    let options = SummaryOptions {
        lang: Lang::Es,
        today,
        parts: SummaryPart::ALL.to_vec(),
    };
    let summary = time(rounds.min(31), || store.summary(&options).expect("summary"));
    let crisis_region = time(rounds, || {
        store
            .crisis_screen_for_region(Some("MX"))
            .expect("crisis for a region")
    });
    let in_lang = |lang| {
        let options = SummaryOptions {
            lang,
            ..options.clone()
        };
        time(rounds.min(31), || store.summary(&options).expect("summary"))
    };
    let english = in_lang(Lang::En);
    let languages: Vec<(Lang, Duration)> = [Lang::Es, Lang::Fr, Lang::Pt, Lang::Ar]
        .into_iter()
        .map(|l| (l, in_lang(l)))
        .collect();

    println!(
        "baselines: list(warning_signs) {:.3} ms, home_screen {:.3} ms",
        ms(list),
        ms(home)
    );
    report(
        "crisis_screen",
        crisis,
        "list(warning_signs)",
        list,
        "a few ms",
    );
    report("crisis_screen", crisis, "home_screen", home, "a few ms");
    report(
        "alerts (6 rules, 90 days)",
        alerts,
        "check_ins_between(91 days)",
        read_91,
        "-",
    );
    report(
        "alerts (6 rules, 90 days)",
        alerts,
        "home_screen",
        home,
        "-",
    );
    report(
        "patterns (7/30/90 days)",
        patterns,
        "home_screen",
        home,
        "-",
    );
    report(
        "plan_review (history walk)",
        review,
        "home_screen",
        home,
        "-",
    );
    report(
        "summary (all parts, md+html)",
        summary,
        "home_screen",
        home,
        "-",
    );
    report(
        "crisis_screen_for_region(MX)",
        crisis_region,
        "crisis_screen",
        crisis,
        "a few ms",
    );
    for (lang, took) in languages {
        report(
            &format!("summary in {}", lang.tag()),
            took,
            "summary in en",
            english,
            "<= 1.5x",
        );
    }
}
