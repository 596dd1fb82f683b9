//! The wellbeing summary: weekly mood and craving averages with their 14-day course, each
//! recovery's milestone and the open warnings, derived from the journal — never its notes,
//! triggers or coping details — so a person can share how they are doing without sharing their
//! journal. The owner chooses which of these fields are shared ([`WellbeingFields`], a
//! device-local setting): a field not chosen is never written into the document, so it never
//! leaves the device. The summary is computed on the person's local day, in the time zone they
//! set on the device.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration};

use super::listeners::ChangeOrigin;
use super::Twofold;
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections as s;
use crate::error::Result;
use crate::insights::course::{self, COURSE_DAYS};
use crate::insights::daily;
use crate::insights::milestones::local_day;
use crate::model::ids::ItemId;
use crate::model::sharing::{SharedAlert, SharedMilestone, WeekSummary, WellbeingFields};
use crate::model::time::{parse_zone, Day};
use crate::store::settings;

/// Weeks kept in the summary.
const WEEKS: i64 = 12;
const FIELDS: &str = "wellbeing.fields";
const TIME_ZONE: &str = "device.time_zone";

fn one_decimal(sum: u32, n: u32) -> Option<f64> {
    (n > 0).then(|| (f64::from(sum) / f64::from(n) * 10.0).round() / 10.0)
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The person's day at `now_ms`: in their zone when they set one, else in UTC.
pub fn summary_day(now_ms: i64, zone: Option<&str>) -> Result<Day> {
    local_day(now_ms, zone.unwrap_or("UTC"))
}

#[derive(Default)]
struct Week {
    check_ins: u32,
    mood: u32,
    craving: u32,
    use_days: BTreeSet<chrono::NaiveDate>,
}

impl Twofold {
    /// Rewrites the wellbeing summary from the journal as of `today`, with only the fields the
    /// owner chose; only what changed is written. Runs before each sync when the summary is
    /// shared.
    pub fn refresh_wellbeing_summary(&self, today: Day) -> Result<()> {
        let fields = self.wellbeing_fields()?;
        let monday = today.0 - Duration::days(i64::from(today.0.weekday().num_days_from_monday()));
        let first = monday - Duration::weeks(WEEKS - 1);
        // The first week's course reads the 14 days before its end.
        let check_ins =
            self.check_ins_between(daily::minus(Day(first), i64::from(COURSE_DAYS)), today)?;
        let by_day = daily::by_day(&check_ins);
        let mut weeks: BTreeMap<chrono::NaiveDate, Week> = BTreeMap::new();
        for c in check_ins.iter().filter(|c| c.day.0 >= first) {
            let start =
                c.day.0 - Duration::days(i64::from(c.day.0.weekday().num_days_from_monday()));
            let w = weeks.entry(start).or_default();
            w.check_ins += 1;
            w.mood += u32::from(c.mood);
            w.craving += u32::from(c.craving);
            if c.used_substance {
                w.use_days.insert(c.day.0);
            }
        }
        let weeks: Vec<WeekSummary> = weeks
            .into_iter()
            .map(|(start, w)| {
                let end = Day((start + Duration::days(6)).min(today.0));
                let course_of = |pick: fn(&daily::DayStats) -> f64| {
                    course::course(&by_day, end, COURSE_DAYS, pick)
                        .change
                        .map(round1)
                };
                WeekSummary {
                    id: ItemId::from_trusted(start.format("%Y-%m-%d").to_string()),
                    week_start: Day(start),
                    check_ins: w.check_ins,
                    mood_avg: one_decimal(w.mood, w.check_ins).filter(|_| fields.mood),
                    craving_avg: one_decimal(w.craving, w.check_ins).filter(|_| fields.craving),
                    use_days: fields
                        .use_days
                        .then(|| u32::try_from(w.use_days.len()).unwrap_or(7)),
                    mood_course: course_of(|d| d.mood).filter(|_| fields.mood && fields.trends),
                    craving_course: course_of(|d| d.craving)
                        .filter(|_| fields.craving && fields.trends),
                }
            })
            .collect();
        let milestones: Vec<SharedMilestone> = if fields.milestones {
            self.recovery_progress(today)?
                .into_iter()
                .map(|p| SharedMilestone {
                    id: p.recovery_id,
                    recovery: p.substance,
                    since: p.since,
                    days: p.days,
                    milestone_days: p.reached.map(|m| m.days),
                })
                .collect()
        } else {
            Vec::new()
        };
        let alerts: Vec<SharedAlert> = if fields.alerts {
            self.open_alerts(today)?
                .into_iter()
                .map(|a| SharedAlert {
                    id: ItemId::from_trusted(a.rule.code().to_string()),
                    since: a.since,
                })
                .collect()
        } else {
            Vec::new()
        };
        self.change(DocKind::Summary, ChangeOrigin::Local, |_, am| {
            sync_section(am, s::WEEKS, &weeks)?;
            sync_section(am, s::MILESTONES, &milestones)?;
            sync_section(am, s::OPEN_ALERTS, &alerts)
        })
    }

    /// Before a sync: refresh the summary if it is shared, as of the person's local day.
    pub(crate) fn refresh_shared_summary(&self, now_ms: i64) -> Result<()> {
        let shared =
            self.read(|docs| Ok(docs.owner.get(&DocKind::Summary).is_some_and(|d| d.outbox)))?;
        if !shared {
            return Ok(());
        }
        let zone = self.time_zone()?;
        self.refresh_wellbeing_summary(summary_day(now_ms, zone.as_deref())?)
    }

    /// Which fields of the wellbeing summary are shared.
    pub fn wellbeing_fields(&self) -> Result<WellbeingFields> {
        let raw = self.db.read(|c| settings::get(c, FIELDS))?;
        Ok(match raw {
            None => WellbeingFields::default(),
            Some(raw) => serde_json::from_str(&raw).unwrap_or_else(|_| {
                // A damaged setting must not widen what is shared: nothing is, until the owner
                // chooses again.
                tracing::warn!("unreadable wellbeing fields, sharing none");
                WellbeingFields {
                    mood: false,
                    craving: false,
                    use_days: false,
                    trends: false,
                    milestones: false,
                    alerts: false,
                }
            }),
        })
    }

    /// Chooses the shared fields; the summary is rewritten with them at its next refresh (every
    /// sync refreshes a shared summary before anything is sent).
    pub fn set_wellbeing_fields(&self, fields: WellbeingFields) -> Result<()> {
        let json = serde_json::to_string(&fields)
            .map_err(|_| crate::error::Error::invalid("fields", "could not be encoded"))?;
        self.db.write(|tx| settings::set(tx, FIELDS, &json))
    }

    /// The person's IANA time zone, if they set one on this device.
    pub fn time_zone(&self) -> Result<Option<String>> {
        self.db.read(|c| settings::get(c, TIME_ZONE))
    }

    /// Sets (or with `None` clears) the person's IANA time zone, used where the core itself
    /// decides what "today" is (the shared wellbeing summary).
    pub fn set_time_zone(&self, zone: Option<&str>) -> Result<()> {
        match zone {
            Some(zone) => {
                parse_zone("time_zone", zone)?;
                self.db.write(|tx| settings::set(tx, TIME_ZONE, zone))
            }
            None => self.db.write(|tx| settings::remove(tx, TIME_ZONE)),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_day_is_the_persons_not_utcs() {
        // 2026-03-02 02:00 UTC: Monday in UTC, still Sunday evening in Los Angeles.
        let at = 1_772_416_800_000;
        assert_eq!(
            summary_day(at, None).expect("utc").to_string(),
            "2026-03-02"
        );
        assert_eq!(
            summary_day(at, Some("America/Los_Angeles"))
                .expect("zone")
                .to_string(),
            "2026-03-01"
        );
        assert!(summary_day(at, Some("Mars/Olympus")).is_err());
    }
}
