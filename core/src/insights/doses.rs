//! Medication doses in time: which doses the schedule gives on which days, which of them the
//! check-ins mark taken, and what that makes of a day for the medication-missed rule.
//!
//! A day's doses are judged against the schedule when the person has one: a dose due by the
//! day's last check-in and not marked taken is missed. A day whose check-ins answer only the
//! old yes/no question (written before doses existed, or by someone without a schedule) keeps
//! that answer: old check-ins mean what they meant.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveTime;
use serde::Serialize;

use crate::error::Result;
use crate::insights::daily::DayStats;
use crate::model::ids::ItemId;
use crate::model::journal::CheckIn;
use crate::model::medication::ScheduledMedication;
use crate::model::time::{parse_zone, Day, LocalDateTime};
use crate::schedule::recurrence::{rule_starts, MAX_PER_QUERY};
use crate::schedule::zone;

/// One dose the schedule gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueDose {
    pub medication_id: ItemId,
    /// Wall clock in the medication's zone: what a check-in's answer names.
    pub due: LocalDateTime,
    pub at_ms: i64,
}

impl DueDose {
    pub fn day(&self) -> Day {
        Day(self.due.0.date())
    }
}

/// The doses of `med` on the days `from..=to` of its zone.
pub fn due_between(med: &ScheduledMedication, from: Day, to: Day) -> Result<Vec<DueDose>> {
    let tz = parse_zone("time_zone", &med.time_zone)?;
    let end =
        to.0.and_hms_opt(23, 59, 59)
            .unwrap_or_else(|| to.0.and_time(NaiveTime::MIN));
    let starts = rule_starts(
        med.start.0,
        med.rrule.as_deref(),
        tz,
        from.0.and_time(NaiveTime::MIN),
        end,
        MAX_PER_QUERY,
    )?;
    Ok(starts
        .into_iter()
        .map(|local| DueDose {
            medication_id: med.id.clone(),
            due: LocalDateTime(local),
            at_ms: zone::resolve(tz, local).timestamp_millis(),
        })
        .collect())
}

/// Every dose of every medication on `from..=to`. A medication whose stored rule cannot be
/// read (a peer's newer data) is left out rather than hiding the others.
pub fn all_due(meds: &[ScheduledMedication], from: Day, to: Day) -> Vec<DueDose> {
    meds.iter()
        .filter_map(|m| match due_between(m, from, to) {
            Ok(d) => Some(d),
            Err(e) => {
                tracing::warn!(medication = %m.id.as_str(), error = %e, "medication skipped");
                None
            }
        })
        .flatten()
        .collect()
}

/// Doses by (medication, due time).
pub type DoseKeys = BTreeSet<(ItemId, LocalDateTime)>;

/// The doses the check-ins mark taken, and those they mark missed.
pub fn answers(check_ins: &[CheckIn]) -> (DoseKeys, DoseKeys) {
    let mut taken = BTreeSet::new();
    let mut missed = BTreeSet::new();
    for c in check_ins {
        for d in &c.doses {
            let key = (d.medication_id.clone(), d.due);
            if d.taken {
                taken.insert(key);
            } else {
                missed.insert(key);
            }
        }
    }
    // Taken wins: a later check-in that says "took it after all" corrects an earlier one.
    missed.retain(|k| !taken.contains(k));
    (taken, missed)
}

/// Rewrites each day's `medication_taken` from the schedule where the schedule has a say.
pub fn mark_days(
    days: &mut BTreeMap<Day, DayStats>,
    check_ins: &[CheckIn],
    meds: &[ScheduledMedication],
) {
    let (Some(first), Some(last)) = (days.keys().next().copied(), days.keys().last().copied())
    else {
        return;
    };
    let due = all_due(meds, first, last);
    let (taken, missed) = answers(check_ins);
    let mut by_day: BTreeMap<Day, Vec<&CheckIn>> = BTreeMap::new();
    for c in check_ins {
        by_day.entry(c.day).or_default().push(c);
    }
    for (day, stats) in days.iter_mut() {
        let entries = by_day.get(day).map(Vec::as_slice).unwrap_or_default();
        let answered_doses = entries.iter().any(|c| !c.doses.is_empty());
        let answered_yes_no = entries.iter().any(|c| c.medication_taken.is_some());
        if answered_yes_no && !answered_doses {
            continue;
        }
        let last_at = entries.iter().map(|c| c.at_ms).max().unwrap_or(i64::MIN);
        let due_today: Vec<&DueDose> = due
            .iter()
            .filter(|d| d.day() == *day && d.at_ms <= last_at)
            .collect();
        let said_missed = missed.iter().any(|(_, due)| Day(due.0.date()) == *day);
        if due_today.is_empty() && !said_missed {
            continue;
        }
        let all_taken = due_today
            .iter()
            .all(|d| taken.contains(&(d.medication_id.clone(), d.due)));
        stats.medication_taken = Some(all_taken && !said_missed);
    }
}
