//! Recovery day counts, milestones and lapse history.
//!
//! A day count is a count of *calendar days in the person's zone*, never elapsed time divided
//! by 24 hours: across a daylight-saving change a day has 23 or 25 hours, and someone who
//! started on 1 March has 30 days on 31 March wherever they are. The app turns "now" into the
//! person's local day with [`local_day`]; everything else works on [`Day`]s.

use chrono::{Months, TimeZone};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::insights::i18n::Phrase;
use crate::model::ids::ItemId;
use crate::model::journal::{Lapse, Recovery};
use crate::model::time::{parse_zone, Day};

/// Day milestones before the yearly ones.
pub const DAY_MILESTONES: [i64; 6] = [1, 7, 30, 60, 90, 180];

/// The person's calendar day at instant `at_ms` in IANA zone `zone`.
pub fn local_day(at_ms: i64, zone: &str) -> Result<Day> {
    let tz = parse_zone("zone", zone)?;
    let utc = chrono::DateTime::from_timestamp_millis(at_ms)
        .ok_or_else(|| Error::invalid("at_ms", "is not a valid time"))?;
    Ok(Day(tz.from_utc_datetime(&utc.naive_utc()).date_naive()))
}

/// Calendar days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Day, to: Day) -> i64 {
    (to.0 - from.0).num_days()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    /// Days from the start of the run to the milestone.
    pub days: i64,
    /// The calendar day it is (or was) reached.
    pub on: Day,
    /// `milestone.days` or `milestone.years`, with `count`.
    pub name: Phrase,
}

/// The `index`-th milestone of a run that started on `since`: 1, 7, 30, 60, 90, 180 days, then
/// each anniversary (calendar years, so leap days fall where people expect them).
pub fn nth_milestone(since: Day, index: usize) -> Milestone {
    if let Some(&days) = DAY_MILESTONES.get(index) {
        let on = crate::insights::daily::plus(since, days);
        return Milestone {
            days,
            on,
            name: Phrase::new("milestone.days").with("count", days),
        };
    }
    let years = (index - DAY_MILESTONES.len() + 1) as u32;
    let name = Phrase::new("milestone.years").with("count", years);
    match since.0.checked_add_months(Months::new(12 * years)) {
        Some(on) => Milestone {
            days: (on - since.0).num_days(),
            on: Day(on),
            name,
        },
        // Past the end of the calendar: never reached, which also ends `around`'s search.
        None => Milestone {
            days: i64::MAX,
            on: since,
            name,
        },
    }
}

/// The last milestone reached with `days` done, and the next one.
pub fn around(since: Day, days: i64) -> (Option<Milestone>, Milestone) {
    let mut reached = None;
    // Each step moves at least a day, so this ends after at most `days`/365 + 7 steps.
    let mut index = 0;
    loop {
        let m = nth_milestone(since, index);
        if m.days > days {
            return (reached, m);
        }
        reached = Some(m);
        index += 1;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LapseHistory {
    pub count: usize,
    /// The longest run without a lapse, the current one included.
    pub longest_run_days: i64,
    /// Calendar days between consecutive lapses, oldest first.
    pub days_between_lapses: Vec<i64>,
    pub last_lapse: Option<Day>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryProgress {
    pub recovery_id: ItemId,
    pub substance: String,
    pub started: Day,
    /// The first day of the current run: the start, or the day after the last lapse.
    pub since: Day,
    pub days: i64,
    pub reached: Option<Milestone>,
    /// The reached milestone falls on `today`: worth a celebration.
    pub reached_today: bool,
    pub next: Milestone,
    pub days_to_next: i64,
    pub lapses: LapseHistory,
}

/// Progress of one recovery on `today`. Lapses after `today` are ignored; a lapse resets the
/// count and joins the history.
pub fn progress(recovery: &Recovery, lapses: &[Lapse], today: Day) -> RecoveryProgress {
    let mut own: Vec<Day> = lapses
        .iter()
        .filter(|l| l.recovery_id == recovery.id && l.day <= today && l.day >= recovery.started)
        .map(|l| l.day)
        .collect();
    crate::sorting::sort(&mut own);
    let mut run_start = recovery.started;
    let mut longest = 0;
    for lapse in &own {
        longest = longest.max(days_between(run_start, *lapse));
        run_start = run_start.max(crate::insights::daily::plus(*lapse, 1));
    }
    let since = run_start;
    let days = days_between(since, today).max(0);
    longest = longest.max(days);
    let (reached, next) = around(since, days);
    RecoveryProgress {
        recovery_id: recovery.id.clone(),
        substance: recovery.substance.clone(),
        started: recovery.started,
        since,
        days,
        reached_today: reached.as_ref().is_some_and(|m| m.on == today),
        reached,
        days_to_next: next.days - days,
        next,
        lapses: LapseHistory {
            count: own.len(),
            longest_run_days: longest,
            days_between_lapses: own.windows(2).map(|w| days_between(w[0], w[1])).collect(),
            last_lapse: own.last().copied(),
        },
    }
}
