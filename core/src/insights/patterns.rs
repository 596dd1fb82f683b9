//! Patterns over 7, 30 and 90 days: mood and craving averages and their direction, the
//! triggers met most often, the coping strategies used and how craving looked the next day,
//! and meeting attendance beside mood. Plain numbers for the UI to draw; no interpretation.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::insights::daily::{self, mean, DayStats};
use crate::model::ids::ItemId;
use crate::model::plan::{CopingStrategy, Trigger};
use crate::model::schedule::{Attendance, AttendanceStatus};
use crate::model::time::Day;

/// The windows the issue asks for.
pub const WINDOWS: [u32; 3] = [7, 30, 90];
/// A change of less than this between a window and the one before it counts as steady.
pub const STEADY_BAND: f64 = 0.5;
/// Most frequent triggers listed per window.
pub const TOP_TRIGGERS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Rising,
    Falling,
    Steady,
    /// No check-ins in this window or the one before.
    Unknown,
}

impl Direction {
    /// The localisable code (`direction.rising`…).
    pub fn code(self) -> &'static str {
        match self {
            Direction::Rising => "rising",
            Direction::Falling => "falling",
            Direction::Steady => "steady",
            Direction::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// Mean of the daily means in the window.
    pub average: Option<f64>,
    /// The same over the window of equal length just before.
    pub previous_average: Option<f64>,
    pub direction: Direction,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerCount {
    pub trigger_id: ItemId,
    /// `None` when the trigger has since been removed from the plan.
    pub description: Option<String>,
    pub days: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopingOutcome {
    pub coping_id: ItemId,
    pub description: Option<String>,
    pub days_used: usize,
    /// Mean craving on the days it was used.
    pub craving_same_day: Option<f64>,
    /// Mean craving on the following days, where there was a check-in.
    pub craving_next_day: Option<f64>,
    pub next_day_check_ins: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttendanceMood {
    pub attended: usize,
    pub missed: usize,
    pub mood_on_meeting_days: Option<f64>,
    pub mood_day_after_meeting: Option<f64>,
    pub mood_other_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowPatterns {
    pub days: u32,
    pub from: Day,
    pub to: Day,
    pub days_with_check_in: usize,
    pub mood: Trend,
    pub craving: Trend,
    /// Most frequent first.
    pub triggers: Vec<TriggerCount>,
    /// Most used first.
    pub coping: Vec<CopingOutcome>,
    pub attendance: AttendanceMood,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Patterns {
    pub today: Day,
    pub windows: Vec<WindowPatterns>,
}

fn trend(now: Option<f64>, before: Option<f64>) -> Trend {
    let direction = match (now, before) {
        (Some(n), Some(b)) if n - b >= STEADY_BAND => Direction::Rising,
        (Some(n), Some(b)) if b - n >= STEADY_BAND => Direction::Falling,
        (Some(_), Some(_)) => Direction::Steady,
        _ => Direction::Unknown,
    };
    Trend {
        average: now,
        previous_average: before,
        direction,
    }
}

/// The day an attended or missed occurrence took place (its wall-clock date).
fn attendance_days(attendance: &[Attendance], from: Day, to: Day) -> (Vec<Day>, usize) {
    let mut attended = Vec::new();
    let mut missed = 0;
    for a in attendance {
        let day = Day(a.occurrence.0.date());
        if day < from || day > to {
            continue;
        }
        match a.status {
            AttendanceStatus::Attended => attended.push(day),
            AttendanceStatus::Missed => missed += 1,
            AttendanceStatus::Cancelled => {}
        }
    }
    crate::sorting::sort(&mut attended);
    (attended, missed)
}

/// Patterns of one window ending on `to`.
pub fn window(
    days: &BTreeMap<Day, DayStats>,
    attendance: &[Attendance],
    triggers: &[Trigger],
    coping: &[CopingStrategy],
    to: Day,
    length: u32,
) -> WindowPatterns {
    let n = i64::from(length.max(1));
    let from = daily::minus(to, n - 1);
    let in_window: Vec<&DayStats> = daily::window(days, from, to).collect();
    let before: Vec<&DayStats> =
        daily::window(days, daily::minus(from, n), daily::minus(from, 1)).collect();
    let mood = trend(
        mean(in_window.iter().map(|d| d.mood)),
        mean(before.iter().map(|d| d.mood)),
    );
    let craving = trend(
        mean(in_window.iter().map(|d| d.craving)),
        mean(before.iter().map(|d| d.craving)),
    );

    let mut trigger_days: BTreeMap<&ItemId, usize> = BTreeMap::new();
    for d in &in_window {
        for t in &d.triggers {
            *trigger_days.entry(t).or_default() += 1;
        }
    }
    let mut trigger_counts: Vec<TriggerCount> = trigger_days
        .into_iter()
        .map(|(id, count)| TriggerCount {
            trigger_id: id.clone(),
            description: triggers
                .iter()
                .find(|t| &t.id == id)
                .map(|t| t.description.clone()),
            days: count,
        })
        .collect();
    crate::sorting::sort_by(&mut trigger_counts, |a, b| {
        b.days
            .cmp(&a.days)
            .then_with(|| a.trigger_id.cmp(&b.trigger_id))
    });
    trigger_counts.truncate(TOP_TRIGGERS);

    let mut used: BTreeMap<&ItemId, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for d in &in_window {
        let next = days.get(&daily::plus(d.day, 1));
        for c in &d.coping {
            let entry = used.entry(c).or_default();
            entry.0.push(d.craving);
            if let Some(next) = next {
                entry.1.push(next.craving);
            }
        }
    }
    let mut coping_outcomes: Vec<CopingOutcome> = used
        .into_iter()
        .map(|(id, (same, next))| CopingOutcome {
            coping_id: id.clone(),
            description: coping
                .iter()
                .find(|c| &c.id == id)
                .map(|c| c.description.clone()),
            days_used: same.len(),
            craving_same_day: mean(same.iter().copied()),
            next_day_check_ins: next.len(),
            craving_next_day: mean(next),
        })
        .collect();
    crate::sorting::sort_by(&mut coping_outcomes, |a, b| {
        b.days_used
            .cmp(&a.days_used)
            .then_with(|| a.coping_id.cmp(&b.coping_id))
    });

    let (attended, missed) = attendance_days(attendance, from, to);
    let mood_of = |day: &Day| days.get(day).map(|d| d.mood);
    let attendance = AttendanceMood {
        attended: attended.len(),
        missed,
        mood_on_meeting_days: mean(attended.iter().filter_map(mood_of)),
        mood_day_after_meeting: mean(attended.iter().filter_map(|d| mood_of(&daily::plus(*d, 1)))),
        mood_other_days: mean(
            in_window
                .iter()
                .filter(|d| !attended.contains(&d.day))
                .map(|d| d.mood),
        ),
    };

    WindowPatterns {
        days: length,
        from,
        to,
        days_with_check_in: in_window.len(),
        mood,
        craving,
        triggers: trigger_counts,
        coping: coping_outcomes,
        attendance,
    }
}

/// The 7-, 30- and 90-day patterns ending on `today`. `days` must cover 180 days before it.
pub fn compute(
    days: &BTreeMap<Day, DayStats>,
    attendance: &[Attendance],
    triggers: &[Trigger],
    coping: &[CopingStrategy],
    today: Day,
) -> Patterns {
    Patterns {
        today,
        windows: WINDOWS
            .iter()
            .map(|w| window(days, attendance, triggers, coping, today, *w))
            .collect(),
    }
}
