//! Overdose risk after a lapse: a use recorded after a stretch of abstinence (or a detox) meets
//! a body whose tolerance has dropped, and the dose that was usual before can now kill. The
//! rule fires on such a lapse; its next steps put the person's own lapse plan and their
//! harm-reduction items (naloxone, never-use-alone lines, who can give naloxone) first.
//!
//! A use is a check-in that says so or a recorded lapse. The abstinent stretch before a use
//! runs from the previous use; with none in the history read, from the latest recovery start
//! before it, else from the first check-in read. Days without a check-in count as abstinent
//! when they lie between two records that say so: a false alarm about tolerance costs a tap,
//! a missed one can cost a life.

use std::collections::BTreeSet;

use crate::insights::daily;
use crate::insights::i18n::Phrase;
use crate::insights::rules::{Evidence, Finding, Rule};
use crate::insights::thresholds::Thresholds;
use crate::model::time::Day;

/// For how many days (the lapse's day included) the alert stays up: tolerance does not come
/// back overnight.
pub const ALERT_DAYS: i64 = 3;

/// Every day with a recorded use.
pub fn use_days(ev: &Evidence<'_>) -> BTreeSet<Day> {
    ev.days
        .values()
        .filter(|d| d.used_substance)
        .map(|d| d.day)
        .chain(ev.lapse_days.iter().copied())
        .collect()
}

/// Whole abstinent days before a use on `day`, if anything says when abstinence began.
pub fn abstinent_days_before(ev: &Evidence<'_>, uses: &BTreeSet<Day>, day: Day) -> Option<i64> {
    if let Some(previous) = uses.range(..day).next_back() {
        return Some((day.0 - previous.0).num_days() - 1);
    }
    let started = ev
        .abstinence_starts
        .iter()
        .copied()
        .filter(|s| *s <= day)
        .max()
        .or_else(|| ev.days.keys().next().copied().filter(|d| *d <= day))?;
    Some((day.0 - started.0).num_days())
}

/// Fires when a use in the last [`ALERT_DAYS`] days followed at least
/// `tolerance_abstinent_days` abstinent days. The situation is that use's day: a later lapse
/// after a new stretch is a new episode.
pub fn tolerance_lowered(ev: &Evidence<'_>, th: &Thresholds, today: Day) -> Option<Finding> {
    let uses = use_days(ev);
    let from = daily::minus(today, ALERT_DAYS - 1);
    let (lapse, abstinent) = uses.range(from..=today).find_map(|day| {
        abstinent_days_before(ev, &uses, *day)
            .filter(|n| *n >= i64::from(th.tolerance_abstinent_days))
            .map(|n| (*day, n))
    })?;
    Some(Finding {
        rule: Rule::ToleranceLowered,
        situation: lapse.to_string(),
        reason: Phrase::new("alert.tolerance_lowered").with("count", abstinent),
        since: lapse,
        warning_sign_ids: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::insights::daily::{self, DayStats};
    use crate::insights::rules::evaluate;
    use crate::model::journal::CheckIn;

    fn check_in(day: Day, used: bool) -> CheckIn {
        let at_ms = day
            .0
            .and_hms_opt(20, 0, 0)
            .expect("time")
            .and_utc()
            .timestamp_millis();
        CheckIn {
            id: CheckIn::new_id(day, at_ms),
            day,
            at_ms,
            mood: 5,
            craving: 2,
            sleep_hours: None,
            medication_taken: None,
            doses: Vec::new(),
            used_substance: used,
            triggers_met: Vec::new(),
            coping_used: Vec::new(),
            warning_signs: Vec::new(),
            note: String::new(),
        }
    }

    fn fires(days: &BTreeMap<Day, DayStats>, lapses: &[Day], th: u32, today: Day) -> bool {
        let ev = Evidence {
            days,
            last_check_in: days.keys().last().copied(),
            attendance: &[],
            warning_signs: &[],
            lapse_days: lapses,
            abstinence_starts: &[],
        };
        let th = Thresholds {
            tolerance_abstinent_days: th,
            ..Thresholds::default()
        };
        evaluate(&ev, &th, today)
            .iter()
            .any(|f| f.rule == Rule::ToleranceLowered)
    }

    fn today() -> Day {
        Day::parse("day", "2026-06-30").expect("day")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any history, then three days of use (`P-2` … `P`, so none of them can be a lapse
        /// after abstinence inside the alert's window), then `n` days with no use (checked
        /// in or silent), then a use today: the alert fires exactly when `n` reaches the
        /// threshold, whatever came before and however the quiet days were recorded.
        #[test]
        fn fires_exactly_when_the_lapse_follows_the_threshold(
            noise in proptest::collection::vec(proptest::option::of(any::<bool>()), 0..20),
            quiet in proptest::collection::vec(any::<bool>(), 0..30),
            threshold in 1u32..=30,
            as_lapse_record in any::<bool>(),
        ) {
            let today = today();
            let n = quiet.len() as i64;
            let p = daily::minus(today, n + 1);
            let mut entries = Vec::new();
            let mut lapses = Vec::new();
            for (i, d) in noise.iter().enumerate() {
                if let Some(used) = d {
                    entries.push(check_in(daily::minus(p, 3 + i as i64), *used));
                }
            }
            for back in 0..3 {
                entries.push(check_in(daily::minus(p, back), true));
            }
            for (i, checked_in) in quiet.iter().enumerate() {
                if *checked_in {
                    entries.push(check_in(daily::plus(p, 1 + i as i64), false));
                }
            }
            if as_lapse_record {
                lapses.push(today);
                entries.push(check_in(today, false));
            } else {
                entries.push(check_in(today, true));
            }
            let days = daily::by_day(&entries);
            prop_assert_eq!(fires(&days, &lapses, threshold, today), n >= i64::from(threshold));
        }

        /// No use in the last three days: never.
        #[test]
        fn quiet_without_a_recent_use(
            history in proptest::collection::vec(any::<bool>(), 0..40),
            threshold in 1u32..=30,
        ) {
            let today = today();
            let entries: Vec<CheckIn> = history
                .iter()
                .enumerate()
                .map(|(i, used)| check_in(daily::minus(today, i as i64), *used && i >= ALERT_DAYS as usize))
                .collect();
            prop_assert!(!fires(&daily::by_day(&entries), &[], threshold, today));
        }
    }

    #[test]
    fn the_default_week_and_a_recovery_start() {
        let today = today();
        let th = Thresholds::default().tolerance_abstinent_days;
        assert_eq!(th, 7);
        // Only today's use is on record; abstinence counts from the recovery start.
        let days = daily::by_day(&[check_in(today, true)]);
        let starts = [daily::minus(today, 7), daily::minus(today, 6)];
        for (start, expected) in [(starts[0], true), (starts[1], false)] {
            let ev = Evidence {
                days: &days,
                last_check_in: Some(today),
                attendance: &[],
                warning_signs: &[],
                lapse_days: &[],
                abstinence_starts: &[start],
            };
            let found = evaluate(&ev, &Thresholds::default(), today);
            assert_eq!(
                found.iter().any(|f| f.rule == Rule::ToleranceLowered),
                expected,
                "{start}"
            );
        }
    }
}
