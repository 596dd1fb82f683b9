//! Property tests of recovery day counting: counts are calendar days in the person's zone, so
//! they are right across every IANA zone and every daylight-saving change, and milestones
//! follow from the count.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone};
use proptest::prelude::*;
use twofold_core::insights::milestones::{around, days_between, local_day, nth_milestone};
use twofold_core::Day;

fn zone() -> impl Strategy<Value = chrono_tz::Tz> {
    (0..chrono_tz::TZ_VARIANTS.len()).prop_map(|i| chrono_tz::TZ_VARIANTS[i])
}

fn date() -> impl Strategy<Value = NaiveDate> {
    // 1990..2045: decades of real, changing DST rules on both sides of today.
    (0i64..20_000)
        .prop_map(|d| NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + Duration::days(d))
}

/// The instant of a local wall-clock time, moved past a DST gap if it falls in one.
fn instant(tz: chrono_tz::Tz, date: NaiveDate, minute_of_day: u32) -> Option<i64> {
    let mut local = date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(
        minute_of_day * 60,
        0,
    )?);
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return Some(t.timestamp_millis());
        }
        local += Duration::minutes(30);
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any local time on day `start + n`, in any zone, counts `n` days — whatever the DST
    /// changes in between.
    #[test]
    fn a_local_time_n_days_after_the_start_counts_n(tz in zone(), start in date(), n in 0i64..4_000, minute in 0u32..(24 * 60)) {
        let target = start + Duration::days(n);
        if let Some(at) = instant(tz, target, minute) {
            let today = local_day(at, tz.name()).expect("local day");
            // Moving past a gap near midnight can reach the next day; every other time stays.
            prop_assert!(today.0 == target || today.0 == target + Duration::days(1));
            if today.0 == target {
                prop_assert_eq!(days_between(Day(start), today), n);
            }
        }
    }

    /// Counting never goes backwards as time passes, and steps by at most one a day: a 23- or
    /// 25-hour day is still one day.
    #[test]
    fn counts_move_forward_one_calendar_day_at_a_time(tz in zone(), start in date(), hours in 1i64..72, steps in 1usize..60) {
        let begin = instant(tz, start, 0);
        prop_assume!(begin.is_some(), "a day a zone skipped entirely");
        let begin = begin.unwrap_or_default();
        let mut previous = days_between(Day(start), local_day(begin, tz.name()).expect("day"));
        for i in 1..=steps {
            let at = begin + (i as i64) * hours * 3_600_000 / 3;
            let count = days_between(Day(start), local_day(at, tz.name()).expect("day"));
            prop_assert!(count >= previous);
            // A zone that skipped a whole calendar day (Samoa, 2011) jumps by two.
            prop_assert!(count - previous <= (hours / 3) / 24 + 2);
            previous = count;
        }
    }

    /// The same instant is at most two calendar days apart anywhere on Earth (UTC−12 to UTC+14).
    #[test]
    fn zones_disagree_by_at_most_two_days(a in zone(), b in zone(), at in 0i64..2_500_000_000_000) {
        let da = local_day(at, a.name()).expect("day");
        let db = local_day(at, b.name()).expect("day");
        prop_assert!(days_between(da, db).abs() <= 2);
    }

    /// The last milestone reached is at or before the count, the next one after it, and the
    /// sequence strictly increases.
    #[test]
    fn milestones_bracket_the_count(start in date(), days in 0i64..10_000) {
        let since = Day(start);
        let (reached, next) = around(since, days);
        prop_assert!(next.days > days);
        if let Some(r) = reached {
            prop_assert!(r.days <= days && r.days >= 1);
        } else {
            prop_assert_eq!(days, 0);
        }
        for i in 0..12 {
            prop_assert!(nth_milestone(since, i).days < nth_milestone(since, i + 1).days);
        }
    }
}

#[test]
fn a_count_across_spring_forward_and_fall_back_is_in_calendar_days() {
    for (zone, start, end) in [
        ("America/New_York", "2026-03-07", "2026-03-09"),
        ("America/New_York", "2026-10-31", "2026-11-02"),
        ("Europe/Madrid", "2026-03-28", "2026-03-30"),
        ("Australia/Lord_Howe", "2026-04-04", "2026-04-06"),
        ("Pacific/Apia", "2011-12-29", "2011-12-31"),
    ] {
        let tz: chrono_tz::Tz = zone.parse().expect("zone");
        let start = NaiveDate::parse_from_str(start, "%Y-%m-%d").expect("date");
        let end = NaiveDate::parse_from_str(end, "%Y-%m-%d").expect("date");
        let at = instant(tz, end, 0).expect("instant");
        let today = local_day(at, zone).expect("day");
        // Samoa skipped 30 December 2011 entirely: the calendar still says two days.
        assert_eq!(days_between(Day(start), today), 2, "{zone}");
    }
    assert!(local_day(0, "Mars/Olympus").is_err());
}
