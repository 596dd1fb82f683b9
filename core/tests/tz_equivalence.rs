//! The patched chrono-tz (third_party/chrono-tz: compact tables, ADR 0018) answers exactly as
//! upstream chrono-tz 0.10.4 for every zone: offsets, abbreviations and local-time resolution,
//! read from a fixture that upstream itself wrote through its public API
//! (third_party/chrono-tz/tests/upstream.txt, written by third_party/chrono-tz/generate/fixture).
//!
//! The fixture, line by line:
//!   `R FROM TO STEP`      samples are FROM, FROM + STEP, ... below TO (Unix seconds)
//!   `T I UTC DST ABBR`    span type I: base offset, DST offset (seconds), abbreviation or `-`
//!   `Z NAME...`           the zones the following block describes (they answer alike)
//!   `DELTA B LOCALS [a=A] [c=C] [l=R,...]`
//!                         a transition at T = previous T + DELTA (the first: DELTA itself): the
//!                         type at T is B, at T - 1 A (default: the previous line's B), at T + 1
//!                         C (default: B). With O1, O2 the offsets at T - 1 and T, the local
//!                         wall-clock times LO - 1, LO, (LO + HI) / 2, HI - 1, HI, where
//!                         LO, HI = T + min, max(O1, O2) (only the first two when LO = HI),
//!                         resolve as LOCALS says, a letter each: `n` none, `p` A, `q` B, `A`
//!                         ambiguous (A, B); `-` and `l=` list them when a letter cannot.
//!   `S V*N ...`           the types at the samples, run-length coded
//!   `L R*N ...`           the samples read as local wall-clock times, resolved (`n`, `I`, `I/J`)

use std::collections::BTreeSet;

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{OffsetComponents, OffsetName, Tz, TzOffset, TZ_VARIANTS};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../third_party/chrono-tz/tests/upstream.txt"
);

type Kind = (i64, i64, Option<String>);

fn kind(offset: &TzOffset) -> Kind {
    let (utc, dst) = (
        offset.base_utc_offset().num_seconds(),
        offset.dst_offset().num_seconds(),
    );
    assert_eq!(utc + dst, i64::from(offset.fix().local_minus_utc()));
    (utc, dst, offset.abbreviation().map(str::to_owned))
}

fn naive(t: i64) -> NaiveDateTime {
    DateTime::from_timestamp(t, 0)
        .expect("fixture instants are in chrono's range")
        .naive_utc()
}

#[derive(Debug, PartialEq)]
enum Local {
    None,
    Single(Kind),
    Ambiguous(Kind, Kind),
}

fn local(tz: Tz, t: i64) -> Local {
    match tz.offset_from_local_datetime(&naive(t)) {
        LocalResult::None => Local::None,
        LocalResult::Single(a) => Local::Single(kind(&a)),
        LocalResult::Ambiguous(a, b) => Local::Ambiguous(kind(&a), kind(&b)),
    }
}

struct Checker<'f> {
    types: Vec<Kind>,
    samples: Vec<i64>,
    zones: Vec<&'f str>,
    checks: usize,
    failures: Vec<String>,
}

impl Checker<'_> {
    fn kind_of(&self, index: &str) -> Kind {
        self.types[index.parse::<usize>().expect("type index")].clone()
    }

    fn local_of(&self, token: &str) -> Local {
        match token.split_once('/') {
            _ if token == "n" => Local::None,
            Some((a, b)) => Local::Ambiguous(self.kind_of(a), self.kind_of(b)),
            None => Local::Single(self.kind_of(token)),
        }
    }

    fn expect<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, t: i64, want: T, got: T) {
        self.checks += 1;
        if want != got {
            let zones = self.zones.join(" ");
            self.failures.push(format!(
                "{zones}: {what} at {t}: upstream {want:?}, patched {got:?}"
            ));
        }
    }

    fn transition(&mut self, tz: Tz, line: &str, previous: &mut (i64, Option<Kind>)) {
        let mut words = line.split(' ');
        let delta: i64 = words.next().and_then(|w| w.parse().ok()).expect("delta");
        let b = self.kind_of(words.next().expect("type at T"));
        let letters = words.next().expect("local results");
        let (mut a, mut c, mut listed) = (previous.1.clone(), b.clone(), None);
        for word in words {
            match word.split_once('=') {
                Some(("a", v)) => a = Some(self.kind_of(v)),
                Some(("c", v)) => c = self.kind_of(v),
                Some(("l", v)) => listed = Some(v.split(',').map(|r| self.local_of(r)).collect()),
                _ => panic!("unknown field {word:?}"),
            }
        }
        let a = a.expect("the type before a zone's first transition");
        let t = previous.0 + delta;
        *previous = (t, Some(b.clone()));

        self.expect(
            "offset at T - 1",
            t,
            &a,
            &kind(&tz.offset_from_utc_datetime(&naive(t - 1))),
        );
        self.expect(
            "offset at T",
            t,
            &b,
            &kind(&tz.offset_from_utc_datetime(&naive(t))),
        );
        self.expect(
            "offset at T + 1",
            t,
            &c,
            &kind(&tz.offset_from_utc_datetime(&naive(t + 1))),
        );

        let (o1, o2) = (a.0 + a.1, b.0 + b.1);
        let (lo, hi) = (t + o1.min(o2), t + o1.max(o2));
        let mut points = vec![lo - 1, lo];
        if hi != lo {
            points.extend([(lo + hi) / 2, hi - 1, hi]);
        }
        let wanted: Vec<Local> = listed.unwrap_or_else(|| {
            letters
                .chars()
                .map(|l| match l {
                    'n' => Local::None,
                    'p' => Local::Single(a.clone()),
                    'q' => Local::Single(b.clone()),
                    'A' => Local::Ambiguous(a.clone(), b.clone()),
                    _ => panic!("unknown local result {l:?}"),
                })
                .collect()
        });
        assert_eq!(wanted.len(), points.len(), "local results at {t}");
        for (p, want) in points.into_iter().zip(wanted) {
            self.expect("local resolution", p, want, local(tz, p));
        }
    }

    fn runs<'l>(&self, line: &'l str) -> Vec<&'l str> {
        let mut values = Vec::new();
        for run in line.split(' ').skip(1) {
            let (value, count) = run.rsplit_once('*').expect("a run");
            let count: usize = count.parse().expect("a run's length");
            values.extend(std::iter::repeat_n(value, count));
        }
        assert_eq!(values.len(), self.samples.len(), "one value per sample");
        values
    }
}

#[test]
fn every_zone_answers_as_upstream_chrono_tz() {
    let text = std::fs::read_to_string(FIXTURE).expect("the fixture is committed");
    let mut checker = Checker {
        types: Vec::new(),
        samples: Vec::new(),
        zones: Vec::new(),
        checks: 0,
        failures: Vec::new(),
    };
    let mut named = BTreeSet::new();
    let mut previous = vec![];
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
        match tag {
            "R" => {
                let r: Vec<i64> = rest.split(' ').map(|w| w.parse().expect("R")).collect();
                checker.samples = (0..)
                    .map(|k| r[0] + k * r[2])
                    .take_while(|t| *t < r[1])
                    .collect();
            }
            "T" => {
                let w: Vec<&str> = rest.split(' ').collect();
                assert_eq!(w[0].parse::<usize>().ok(), Some(checker.types.len()));
                let abbr = (w[3] != "-").then(|| w[3].to_owned());
                checker
                    .types
                    .push((w[1].parse().expect("utc"), w[2].parse().expect("dst"), abbr));
            }
            "Z" => {
                checker.zones = rest.split(' ').collect();
                for name in &checker.zones {
                    let tz: Tz = name.parse().expect("every upstream zone name parses");
                    assert_eq!(tz.name(), *name);
                    assert!(named.insert(*name), "{name} twice in the fixture");
                }
                previous = vec![(0, None); checker.zones.len()];
            }
            "S" | "L" => {
                let values = checker.runs(line);
                for i in 0..checker.zones.len() {
                    let tz: Tz = checker.zones[i].parse().expect("zone");
                    for (k, value) in values.iter().enumerate() {
                        let t = checker.samples[k];
                        if tag == "S" {
                            let got = kind(&tz.offset_from_utc_datetime(&naive(t)));
                            let want = checker.kind_of(value);
                            checker.expect("sampled offset", t, want, got);
                        } else {
                            let want = checker.local_of(value);
                            checker.expect("sampled local resolution", t, want, local(tz, t));
                        }
                    }
                }
            }
            _ => {
                for (i, before) in previous.iter_mut().enumerate() {
                    let tz: Tz = checker.zones[i].parse().expect("zone");
                    checker.transition(tz, line, before);
                }
            }
        }
    }

    let all: BTreeSet<&str> = TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    assert_eq!(named, all, "the fixture covers exactly the crate's zones");
    assert!(checker.checks > 1_000_000, "{} checks", checker.checks);
    assert!(
        checker.failures.is_empty(),
        "{} of {} checks differ from upstream; the first:\n{}",
        checker.failures.len(),
        checker.checks,
        checker.failures[..checker.failures.len().min(20)].join("\n")
    );
}
