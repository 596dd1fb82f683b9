//! Attendance counts per ISO week or calendar month, for charts and for the mentor's summary.
//! Every period in the asked range is present, empty ones with zeros, so a chart has no holes.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::schedule::{Attendance, AttendanceStatus};
use crate::model::time::Day;

/// At most this many periods per call (about ten years of weeks).
pub const MAX_PERIODS: usize = 530;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountPeriod {
    /// ISO 8601 weeks, Monday first.
    Week,
    Month,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttendanceCount {
    /// `2024-W05` or `2024-05`.
    pub label: String,
    /// First day of the period.
    pub first_day: Day,
    pub attended: u32,
    pub missed: u32,
    pub cancelled: u32,
}

fn period_start(period: CountPeriod, day: NaiveDate) -> NaiveDate {
    match period {
        CountPeriod::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        CountPeriod::Month => day.with_day(1).unwrap_or(day),
    }
}

fn next_start(period: CountPeriod, start: NaiveDate) -> Option<NaiveDate> {
    match period {
        CountPeriod::Week => start.checked_add_signed(Duration::days(7)),
        CountPeriod::Month => start.checked_add_months(chrono::Months::new(1)),
    }
}

fn label(period: CountPeriod, start: NaiveDate) -> String {
    match period {
        CountPeriod::Week => {
            let w = start.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        CountPeriod::Month => start.format("%Y-%m").to_string(),
    }
}

/// Counts of `records` whose occurrence falls on `from..=to`, one entry per period.
pub fn counts(
    records: &[Attendance],
    period: CountPeriod,
    from: Day,
    to: Day,
) -> Result<Vec<AttendanceCount>> {
    if to < from {
        return Err(Error::invalid("to", "is before from"));
    }
    let mut out = Vec::new();
    let mut start = period_start(period, from.0);
    while start <= to.0 {
        if out.len() == MAX_PERIODS {
            return Err(Error::invalid("to", "asks for more than 530 periods"));
        }
        out.push(AttendanceCount {
            label: label(period, start),
            first_day: Day(start),
            attended: 0,
            missed: 0,
            cancelled: 0,
        });
        match next_start(period, start) {
            Some(next) => start = next,
            None => break,
        }
    }
    for r in records {
        let day = r.occurrence.0.date();
        if day < from.0 || day > to.0 {
            continue;
        }
        let first = period_start(period, day);
        if let Some(c) = out.iter_mut().find(|c| c.first_day.0 == first) {
            match r.status {
                AttendanceStatus::Attended => c.attended += 1,
                AttendanceStatus::Missed => c.missed += 1,
                AttendanceStatus::Cancelled => c.cancelled += 1,
            }
        }
    }
    Ok(out)
}
