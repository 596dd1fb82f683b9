//! Expanding a long-running series near a far-off window without walking its whole past.
//!
//! `rrule` expands a rule from DTSTART onwards and filters by the window afterwards, so a
//! weekly meeting kept for ten years costs ten times what it costs after one, on every home
//! screen (issue 19: open + home must not grow with the years of history). For the rules where
//! moving DTSTART forward by whole periods provably keeps every later occurrence, the series is
//! expanded from such a later start instead.
//!
//! Which rules: DAILY and WEEKLY, without COUNT (a later start would restart the count), with
//! the rule alone (no RDATE, EXRULE or EXDATE in the set). Moving DTSTART by a whole number of
//! periods (`INTERVAL` days, or `INTERVAL` weeks) keeps the period boundaries where they were
//! (the day; the week starting on WKST), keeps DTSTART's weekday and time of day (the only
//! defaults these frequencies take from DTSTART: the BYDAY of a plain WEEKLY rule and the
//! BYHOUR/BYMINUTE/BYSECOND of both), and every BYxxx part is either an expansion inside a
//! period or a filter on a date, neither of which depends on where the series began. A period
//! that begins before the new start loses its occurrences before it, and BYSETPOS picks from
//! what is left of it: so the new start is kept a whole period before the window, and that
//! first period ends before the window begins.

use chrono::{Duration, NaiveDateTime, TimeZone};
use rrule::{Frequency, RRuleSet};

/// A later DTSTART for `set` that yields the same occurrences from `from` on, when the rule
/// is one of those above and the series began at least two whole periods before `from`; `None`
/// otherwise (expand from the real start).
fn later_start(set: &RRuleSet, start: NaiveDateTime, from: NaiveDateTime) -> Option<NaiveDateTime> {
    let [rule] = set.get_rrule().as_slice() else {
        return None;
    };
    if !set.get_exrule().is_empty() || !set.get_rdate().is_empty() || !set.get_exdate().is_empty() {
        return None;
    }
    if rule.get_count().is_some() {
        return None;
    }
    let days_per_period = match rule.get_freq() {
        Frequency::Daily => 1,
        Frequency::Weekly => 7,
        _ => return None,
    };
    let period = Duration::days(days_per_period * i64::from(rule.get_interval().max(1)));
    let whole_periods = (from - start).num_seconds() / period.num_seconds();
    // A whole period of margin: the first period is cut at DTSTART before BYSETPOS picks from
    // it, so the moved series' first period differs from the whole series' and must end
    // before the window (found by the property test below: WEEKLY;BYDAY=TU,TH;BYSETPOS=2).
    let skip = whole_periods.checked_sub(1).filter(|k| *k > 0)?;
    let later = start.checked_add_signed(period.checked_mul(i32::try_from(skip).ok()?)?)?;
    // An UNTIL before the new start would be refused by the rule's validation; the series has
    // ended before the window then anyway, and the caller expands it as it is.
    match rule.get_until() {
        Some(until) if until.naive_utc() < later => None,
        _ => Some(later),
    }
}

/// `set` expanded from [`later_start`]'s DTSTART (a floating time like the original's), or
/// `None` when the series must be expanded from its real start.
pub fn moved_near(set: &RRuleSet, start: NaiveDateTime, from: NaiveDateTime) -> Option<RRuleSet> {
    let later = later_start(set, start, from)?;
    let [rule] = set.get_rrule().as_slice() else {
        return None;
    };
    let zone = set.get_dt_start().timezone();
    Some(RRuleSet::new(zone.from_utc_datetime(&later)).rrule(rule.clone()))
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;

    use super::*;
    use crate::model::rrule_value::floating_start;
    use crate::model::schedule::parse_rrule_set;
    use crate::schedule::recurrence::expand;

    fn set_of(start: NaiveDateTime, rule: &str) -> Option<RRuleSet> {
        parse_rrule_set("rrule", floating_start(start)?, rule).ok()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .expect("a valid date")
    }

    fn joined<T: ToString>(values: &[T]) -> String {
        values
            .iter()
            .map(T::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// A DAILY or WEEKLY rule (now and then another frequency or a COUNT, which must not be
    /// moved) with any of the parts that expand inside a period or filter dates.
    fn rule() -> impl Strategy<Value = String> {
        let days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
        (
            prop_oneof![
                6 => Just("DAILY"),
                6 => Just("WEEKLY"),
                1 => Just("MONTHLY"),
                1 => Just("YEARLY"),
            ],
            prop::option::of(1u16..=5),
            prop::option::of(prop::sample::subsequence(days.to_vec(), 1..=4)),
            prop::option::of(prop::sample::subsequence(vec![6u8, 9, 13, 19, 23], 1..=2)),
            prop::option::of(prop::sample::subsequence(vec![0u8, 15, 30, 45], 1..=2)),
            prop::option::of(prop::sample::subsequence(vec![-2i32, -1, 1, 2, 3], 1..=2)),
            prop::option::of(prop::sample::subsequence(vec![1u8, 2, 3, 6, 7, 12], 1..=3)),
            prop::option::of(prop::sample::subsequence(vec![1i8, 13, 29, 31, -1], 1..=2)),
            prop::option::of(prop::sample::select(days.to_vec())),
            prop::option::of(0i64..6000),
            prop::option::of(1u32..20),
        )
            .prop_map(
                |(
                    freq,
                    interval,
                    by_day,
                    hours,
                    minutes,
                    set_pos,
                    months,
                    month_days,
                    wkst,
                    until,
                    count,
                )| {
                    let mut parts = vec![format!("FREQ={freq}")];
                    if let Some(i) = interval {
                        parts.push(format!("INTERVAL={i}"));
                    }
                    if let Some(d) = by_day {
                        parts.push(format!("BYDAY={}", joined(&d)));
                    }
                    if let Some(h) = hours {
                        parts.push(format!("BYHOUR={}", joined(&h)));
                    }
                    if let Some(m) = minutes {
                        parts.push(format!("BYMINUTE={}", joined(&m)));
                    }
                    if let Some(p) = set_pos {
                        parts.push(format!("BYSETPOS={}", joined(&p)));
                    }
                    if let Some(m) = months {
                        parts.push(format!("BYMONTH={}", joined(&m)));
                    }
                    if let Some(d) = month_days {
                        parts.push(format!("BYMONTHDAY={}", joined(&d)));
                    }
                    if let Some(w) = wkst {
                        parts.push(format!("WKST={w}"));
                    }
                    match (until, count) {
                        (Some(days), _) => parts.push(format!(
                            "UNTIL={}Z",
                            (at(2010, 1, 1, 0, 0) + Duration::days(days)).format("%Y%m%dT%H%M%S")
                        )),
                        (None, Some(c)) => parts.push(format!("COUNT={c}")),
                        (None, None) => {}
                    }
                    parts.join(";")
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Whatever the rule, the window and how long before it the series began, the moved
        /// series gives exactly the occurrences in the window the whole series gives.
        #[test]
        fn a_later_start_keeps_every_occurrence_in_the_window(
            rule in rule(),
            start_day in 0i64..3000,
            start_minute in 0i64..1440,
            gap_minutes in 0i64..(4000 * 1440),
            width_days in 1i64..100,
        ) {
            let start = at(2010, 1, 1, 0, 0)
                + Duration::days(start_day)
                + Duration::minutes(start_minute);
            let Some(set) = set_of(start, &rule) else {
                return Ok(());
            };
            let from = start + Duration::minutes(gap_minutes);
            let to = from + Duration::days(width_days);
            let whole = expand(set.clone(), from, to, 550);
            if let Some(later) = later_start(&set, start, from) {
                prop_assert!(later > start && later < from);
                let moved = moved_near(&set, start, from).expect("one rule");
                prop_assert_eq!(expand(moved, from, to, 550), whole, "{} from {}", rule, start);
            }
        }
    }

    #[test]
    fn a_weekly_meeting_kept_for_years_is_expanded_from_near_the_window() {
        let start = at(2016, 1, 5, 19, 0);
        let set = set_of(start, "FREQ=WEEKLY;BYDAY=TU").expect("valid");
        let from = at(2026, 3, 1, 0, 0);
        let later = later_start(&set, start, from).expect("moved");
        assert!(from - later < Duration::weeks(2), "{later}");
        assert_eq!(later.date().weekday(), start.date().weekday());
        let moved = moved_near(&set, start, from).expect("one rule");
        let to = from + Duration::days(62);
        assert_eq!(expand(moved, from, to, 550), expand(set, from, to, 550));
    }

    #[test]
    fn a_counted_or_monthly_rule_or_a_recent_start_is_not_moved() {
        let start = at(2016, 1, 5, 19, 0);
        let from = at(2026, 3, 1, 0, 0);
        for rule in [
            "FREQ=WEEKLY;COUNT=900",
            "FREQ=MONTHLY;BYDAY=1TU",
            "FREQ=YEARLY",
        ] {
            let set = set_of(start, rule).expect("valid");
            assert_eq!(later_start(&set, start, from), None, "{rule}");
        }
        let set = set_of(start, "FREQ=WEEKLY").expect("valid");
        assert_eq!(later_start(&set, start, start + Duration::days(13)), None);
    }
}
