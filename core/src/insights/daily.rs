//! Check-ins folded into one record per day. A person may check in more than once a day; every
//! rule and pattern counts days, not entries, so three anxious entries on one evening weigh as
//! one day.

use std::collections::BTreeMap;

use crate::model::ids::ItemId;
use crate::model::journal::CheckIn;
use crate::model::time::Day;

#[derive(Debug, Clone, PartialEq)]
pub struct DayStats {
    pub day: Day,
    pub check_ins: usize,
    /// Mean of the day's check-ins.
    pub mood: f64,
    pub craving: f64,
    pub max_craving: u8,
    /// `Some(false)` only when the day says "missed" and never "taken".
    pub medication_taken: Option<bool>,
    pub used_substance: bool,
    pub triggers: Vec<ItemId>,
    pub coping: Vec<ItemId>,
    pub warning_signs: Vec<ItemId>,
}

fn push_unique(into: &mut Vec<ItemId>, from: &[ItemId]) {
    for id in from {
        if !into.contains(id) {
            into.push(id.clone());
        }
    }
}

/// One entry per day that has at least one check-in.
pub fn by_day(check_ins: &[CheckIn]) -> BTreeMap<Day, DayStats> {
    let mut sums: BTreeMap<Day, (DayStats, u32, u32)> = BTreeMap::new();
    for c in check_ins {
        let (stats, mood_sum, craving_sum) = sums.entry(c.day).or_insert_with(|| {
            (
                DayStats {
                    day: c.day,
                    check_ins: 0,
                    mood: 0.0,
                    craving: 0.0,
                    max_craving: 0,
                    medication_taken: None,
                    used_substance: false,
                    triggers: Vec::new(),
                    coping: Vec::new(),
                    warning_signs: Vec::new(),
                },
                0,
                0,
            )
        });
        stats.check_ins += 1;
        *mood_sum += u32::from(c.mood);
        *craving_sum += u32::from(c.craving);
        stats.max_craving = stats.max_craving.max(c.craving);
        stats.medication_taken = match (stats.medication_taken, c.medication_taken) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), _) | (_, Some(false)) => Some(false),
            _ => None,
        };
        stats.used_substance |= c.used_substance;
        push_unique(&mut stats.triggers, &c.triggers_met);
        push_unique(&mut stats.coping, &c.coping_used);
        push_unique(&mut stats.warning_signs, &c.warning_signs);
    }
    crate::sorting::map(sums.into_iter().map(|(day, (mut stats, mood, craving))| {
        let n = stats.check_ins as f64;
        stats.mood = f64::from(mood) / n;
        stats.craving = f64::from(craving) / n;
        (day, stats)
    }))
}

/// The calendar day `n` days before `day` (saturating at chrono's range).
pub fn minus(day: Day, n: i64) -> Day {
    Day(day
        .0
        .checked_sub_signed(chrono::Duration::days(n))
        .unwrap_or(day.0))
}

/// The calendar day `n` days after `day`.
pub fn plus(day: Day, n: i64) -> Day {
    Day(day
        .0
        .checked_add_signed(chrono::Duration::days(n))
        .unwrap_or(day.0))
}

/// The days of `from..=to` that have stats, in order.
pub fn window(
    days: &BTreeMap<Day, DayStats>,
    from: Day,
    to: Day,
) -> impl Iterator<Item = &DayStats> {
    days.range(from..=to).map(|(_, s)| s)
}

pub fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}
