//! The wellbeing summary: weekly mood and craving averages, each recovery's milestone and the
//! open warnings, derived from the journal — never its notes, triggers or coping details — so
//! a person can share how they are doing without sharing their journal.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration};

use super::listeners::ChangeOrigin;
use super::Twofold;
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections as s;
use crate::error::Result;
use crate::model::ids::ItemId;
use crate::model::sharing::{SharedAlert, SharedMilestone, WeekSummary};
use crate::model::time::Day;

/// Weeks kept in the summary.
const WEEKS: i64 = 12;

fn one_decimal(sum: u32, n: u32) -> Option<f64> {
    (n > 0).then(|| (f64::from(sum) / f64::from(n) * 10.0).round() / 10.0)
}

impl Twofold {
    /// Rewrites the wellbeing summary from the journal as of `today`; only what changed is
    /// written. Runs before each sync when the summary is shared.
    pub fn refresh_wellbeing_summary(&self, today: Day) -> Result<()> {
        let monday = today.0 - Duration::days(i64::from(today.0.weekday().num_days_from_monday()));
        let first = monday - Duration::weeks(WEEKS - 1);
        let check_ins = self.check_ins_between(Day(first), today)?;
        let mut weeks: BTreeMap<
            chrono::NaiveDate,
            (
                u32,
                u32,
                u32,
                u32,
                std::collections::BTreeSet<chrono::NaiveDate>,
            ),
        > = BTreeMap::new();
        for c in &check_ins {
            let start =
                c.day.0 - Duration::days(i64::from(c.day.0.weekday().num_days_from_monday()));
            let w = weeks.entry(start).or_default();
            w.0 += 1;
            w.1 += u32::from(c.mood);
            w.2 += u32::from(c.craving);
            if c.used_substance {
                w.4.insert(c.day.0);
            }
            w.3 = u32::try_from(w.4.len()).unwrap_or(7);
        }
        let weeks: Vec<WeekSummary> = weeks
            .into_iter()
            .map(|(start, (n, mood, craving, use_days, _))| WeekSummary {
                id: ItemId::from_trusted(start.format("%Y-%m-%d").to_string()),
                week_start: Day(start),
                check_ins: n,
                mood_avg: one_decimal(mood, n),
                craving_avg: one_decimal(craving, n),
                use_days,
            })
            .collect();
        let milestones: Vec<SharedMilestone> = self
            .recovery_progress(today)?
            .into_iter()
            .map(|p| SharedMilestone {
                id: p.recovery_id,
                recovery: p.substance,
                since: p.since,
                days: p.days,
                milestone_days: p.reached.map(|m| m.days),
            })
            .collect();
        let alerts: Vec<SharedAlert> = self
            .open_alerts(today)?
            .into_iter()
            .map(|a| SharedAlert {
                id: ItemId::from_trusted(a.rule.code().to_string()),
                since: a.since,
            })
            .collect();
        self.change(DocKind::Summary, ChangeOrigin::Local, |_, am| {
            sync_section(am, s::WEEKS, &weeks)?;
            sync_section(am, s::MILESTONES, &milestones)?;
            sync_section(am, s::OPEN_ALERTS, &alerts)
        })
    }

    /// Before a sync: refresh the summary if it is shared and the journal moved on.
    pub(crate) fn refresh_shared_summary(&self, now_ms: i64) -> Result<()> {
        let shared =
            self.read(|docs| Ok(docs.owner.get(&DocKind::Summary).is_some_and(|d| d.outbox)))?;
        if !shared {
            return Ok(());
        }
        let today = chrono::DateTime::from_timestamp_millis(now_ms)
            .map(|t| Day(t.date_naive()))
            .unwrap_or(Day(chrono::NaiveDate::MIN));
        self.refresh_wellbeing_summary(today)
    }
}

/// Makes a section hold exactly `wanted`, writing only differences.
fn sync_section<T: crate::docs::sections::Item>(
    am: &mut automerge::AutoCommit,
    section: crate::docs::sections::Section<T>,
    wanted: &[T],
) -> Result<()> {
    let current = items::ids(am, section.id)?;
    for id in current {
        if !wanted.iter().any(|w| w.id() == &id) {
            items::remove(am, section.id, &id)?;
        }
    }
    for item in wanted {
        if items::get(am, section, item.id())?.as_ref() != Some(item) {
            items::put(am, section, item)?;
        }
    }
    Ok(())
}
