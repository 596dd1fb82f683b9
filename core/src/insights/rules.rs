//! The built-in early-warning rules.
//!
//! Each rule looks at days (not entries) and, when it fires, yields a finding: a rule, a reason
//! as a [`Phrase`] with its numbers, and a *situation* — a short fingerprint of the episode that
//! made it fire. Acknowledging an alert stores its situation; the alert stays quiet while the
//! situation is the same and comes back when it changes: the rule went quiet and fired again
//! (a new episode starts on a new day), or it got worse where worse has a meaning (a warning
//! sign of a later stage). Fingerprints are days and codes, never the person's words.
//!
//! Next steps come from the person's own plan: the action plan of a ticked warning sign, their
//! coping strategies (those of the rule's domain first), then their crisis ladder in order.
//! After a lapse that follows abstinence ([`Rule::ToleranceLowered`], high priority), their
//! lapse plan and harm-reduction items come first.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::insights::daily::{self, DayStats};
use crate::insights::i18n::Phrase;
use crate::insights::ladder::PersonToCall;
use crate::insights::thresholds::Thresholds;
use crate::insights::tolerance;
use crate::model::harm_reduction::{NaloxoneKit, NeverUseAloneLine};
use crate::model::ids::ItemId;
use crate::model::journal::CheckIn;
use crate::model::plan::{CopingStrategy, Domain, PlanNote, WarningSign, WarningStage};
use crate::model::schedule::{Attendance, AttendanceStatus};
use crate::model::time::Day;

/// How far back an episode is traced to find the day it started.
pub const EPISODE_LOOKBACK_DAYS: i64 = 60;
/// Missed meetings older than this no longer raise an alert: the log has simply stopped.
pub const MEETINGS_RECENT_DAYS: i64 = 28;
/// How far back the attendance log is read: a run of missed meetings longer than this is
/// counted from its part inside it.
pub const MEETINGS_HISTORY_DAYS: i64 = 180;
/// Days of check-ins the rules need before `today` (longest window plus the lookback).
pub const HISTORY_DAYS: i64 = 30 + EPISODE_LOOKBACK_DAYS + 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    ToleranceLowered,
    HighCraving,
    MoodDrop,
    WarningSign,
    MedicationMissed,
    MeetingsMissed,
    NoCheckIn,
}

impl Rule {
    /// In the order alerts are listed: the most urgent first.
    pub const ALL: [Rule; 7] = [
        Rule::ToleranceLowered,
        Rule::HighCraving,
        Rule::MoodDrop,
        Rule::WarningSign,
        Rule::MedicationMissed,
        Rule::MeetingsMissed,
        Rule::NoCheckIn,
    ];

    /// Stable code; the reason phrase is `alert.<code>`.
    pub fn code(self) -> &'static str {
        match self {
            Rule::ToleranceLowered => "tolerance_lowered",
            Rule::HighCraving => "high_craving",
            Rule::MoodDrop => "mood_drop",
            Rule::WarningSign => "warning_sign",
            Rule::MedicationMissed => "medication_missed",
            Rule::MeetingsMissed => "meetings_missed",
            Rule::NoCheckIn => "no_check_in",
        }
    }

    /// Which coping strategies to offer first.
    fn domain(self) -> Option<Domain> {
        match self {
            Rule::HighCraving | Rule::ToleranceLowered => Some(Domain::Substance),
            Rule::MoodDrop | Rule::MedicationMissed => Some(Domain::MentalHealth),
            _ => None,
        }
    }
}

/// How urgently an alert asks for attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertPriority {
    Normal,
    /// A risk to life now (lowered tolerance after a lapse): show it first, loudly.
    High,
}

impl Rule {
    pub fn priority(self) -> AlertPriority {
        match self {
            Rule::ToleranceLowered => AlertPriority::High,
            _ => AlertPriority::Normal,
        }
    }
}

/// What the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// Days with check-ins, covering at least [`HISTORY_DAYS`] before `today`.
    pub days: &'a BTreeMap<Day, DayStats>,
    /// The last day with a check-in, however long ago.
    pub last_check_in: Option<Day>,
    pub attendance: &'a [Attendance],
    pub warning_signs: &'a [WarningSign],
    /// Days of recorded lapses (the journal's lapse history) in the history read.
    pub lapse_days: &'a [Day],
    /// Recovery start dates: the first days of abstinence the person recorded.
    pub abstinence_starts: &'a [Day],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub situation: String,
    pub reason: Phrase,
    /// The first day of the episode.
    pub since: Day,
    pub warning_sign_ids: Vec<ItemId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NextStep {
    /// The action plan the person wrote for a warning sign they ticked.
    WarningSignPlan {
        warning_sign_id: ItemId,
        description: String,
        action_plan: String,
    },
    Coping {
        coping_id: ItemId,
        description: String,
    },
    Contact(PersonToCall),
    /// A step of the person's "if a lapse happens" plan.
    LapsePlan {
        step_id: ItemId,
        text: String,
    },
    /// Where a naloxone kit is, and when it expires.
    NaloxoneKit {
        kit_id: ItemId,
        location: String,
        expires: Option<Day>,
    },
    /// A "never use alone" line the person entered.
    NeverUseAlone {
        line_id: ItemId,
        name: String,
        phone: String,
    },
    /// Someone who knows how to give naloxone.
    NaloxoneResponder(PersonToCall),
}

/// The parts of the person's plan next steps are drawn from.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanSteps<'a> {
    pub signs: &'a [WarningSign],
    pub coping: &'a [CopingStrategy],
    pub ladder: &'a [PersonToCall],
    pub lapse_plan: &'a [PlanNote],
    pub naloxone_kits: &'a [NaloxoneKit],
    pub never_use_alone: &'a [NeverUseAloneLine],
    pub naloxone_responders: &'a [PersonToCall],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub rule: Rule,
    pub priority: AlertPriority,
    /// Pass back with the rule to acknowledge.
    pub situation: String,
    pub reason: Phrase,
    pub since: Day,
    pub acknowledged: bool,
    pub warning_sign_ids: Vec<ItemId>,
    pub next_steps: Vec<NextStep>,
}

/// A recorded check-in and the open alerts right after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckInOutcome {
    pub check_in: CheckIn,
    pub alerts: Vec<Alert>,
}

/// Acknowledged situations by rule code (device-local).
pub type Acknowledged = BTreeMap<String, String>;

fn episode_start(today: Day, fires: impl Fn(Day) -> bool) -> Day {
    let mut start = today;
    for _ in 0..EPISODE_LOOKBACK_DAYS {
        let before = daily::minus(start, 1);
        if !fires(before) {
            break;
        }
        start = before;
    }
    start
}

fn high_craving_days(ev: &Evidence<'_>, th: &Thresholds, day: Day) -> usize {
    let from = daily::minus(day, i64::from(th.high_craving_window_days) - 1);
    daily::window(ev.days, from, day)
        .filter(|d| d.max_craving >= th.high_craving_level)
        .count()
}

fn high_craving(ev: &Evidence<'_>, th: &Thresholds, today: Day) -> Option<Finding> {
    let fires = |d| high_craving_days(ev, th, d) >= th.high_craving_days as usize;
    if !fires(today) {
        return None;
    }
    let since = episode_start(today, fires);
    Some(Finding {
        rule: Rule::HighCraving,
        situation: since.to_string(),
        reason: Phrase::new("alert.high_craving")
            .with("count", high_craving_days(ev, th, today))
            .with("window_days", th.high_craving_window_days)
            .with("level", th.high_craving_level),
        since,
        warning_sign_ids: Vec::new(),
    })
}

/// The fall of the least-squares line through the window's daily moods, in points over the
/// window; `None` with fewer than three days of data.
fn mood_drop(ev: &Evidence<'_>, th: &Thresholds, day: Day) -> Option<f64> {
    let span = i64::from(th.mood_drop_window_days) - 1;
    let from = daily::minus(day, span);
    let points: Vec<(f64, f64)> = daily::window(ev.days, from, day)
        .map(|d| ((d.day.0 - from.0).num_days() as f64, d.mood))
        .collect();
    if points.len() < 3 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx == 0.0 {
        return None;
    }
    Some(-(sxy / sxx) * span as f64)
}

fn mood_dropping(ev: &Evidence<'_>, th: &Thresholds, today: Day) -> Option<Finding> {
    let fires = |d| mood_drop(ev, th, d).is_some_and(|drop| drop >= th.mood_drop_points);
    if !fires(today) {
        return None;
    }
    let drop = mood_drop(ev, th, today).unwrap_or_default();
    let since = episode_start(today, fires);
    Some(Finding {
        rule: Rule::MoodDrop,
        situation: since.to_string(),
        reason: Phrase::new("alert.mood_drop")
            .with("drop", format!("{drop:.1}"))
            .with("days", th.mood_drop_window_days),
        since,
        warning_sign_ids: Vec::new(),
    })
}

fn stage_rank(stage: WarningStage) -> u8 {
    match stage {
        WarningStage::Early => 0,
        WarningStage::BreakingDown => 1,
        WarningStage::Crisis => 2,
    }
}

fn stage_code(rank: u8) -> &'static str {
    match rank {
        0 => "early",
        1 => "breaking_down",
        _ => "crisis",
    }
}

fn signs_between(ev: &Evidence<'_>, from: Day, to: Day) -> Vec<ItemId> {
    let mut ids: Vec<ItemId> = Vec::new();
    for d in daily::window(ev.days, from, to) {
        for id in &d.warning_signs {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    ids
}

fn warning_signs(ev: &Evidence<'_>, th: &Thresholds, today: Day) -> Option<Finding> {
    let back = i64::from(th.warning_sign_window_days) - 1;
    let fires = |d| !signs_between(ev, daily::minus(d, back), d).is_empty();
    if !fires(today) {
        return None;
    }
    let since = episode_start(today, fires);
    let recent = signs_between(ev, daily::minus(today, back), today);
    // The highest stage over the whole episode: it can only rise while the episode lasts, so a
    // crisis sign re-alerts but an early sign after it does not.
    let rank = signs_between(ev, daily::minus(since, back), today)
        .iter()
        .map(|id| {
            ev.warning_signs
                .iter()
                .find(|w| &w.id == id)
                .map_or(0, |w| stage_rank(w.stage))
        })
        .max()
        .unwrap_or(0);
    Some(Finding {
        rule: Rule::WarningSign,
        situation: format!("{since}/{}", stage_code(rank)),
        reason: Phrase::new("alert.warning_sign")
            .with("count", recent.len())
            .with("stage", stage_code(rank)),
        since,
        warning_sign_ids: recent,
    })
}

fn medication_missed(ev: &Evidence<'_>, th: &Thresholds, today: Day) -> Option<Finding> {
    // The latest day that says anything about medication, if it is today or yesterday (today's
    // check-in may simply not be done yet); a day without a check-in breaks the run, because
    // "not recorded" is not "missed".
    let latest = ev
        .days
        .range(..=today)
        .rev()
        .find(|(_, d)| d.medication_taken.is_some())
        .map(|(day, _)| *day)?;
    if latest < daily::minus(today, 1) {
        return None;
    }
    let mut run = 0u32;
    let mut start = latest;
    let mut day = latest;
    while ev.days.get(&day).and_then(|d| d.medication_taken) == Some(false) {
        run += 1;
        start = day;
        day = daily::minus(day, 1);
    }
    if run < th.medication_missed_days || run == 0 {
        return None;
    }
    Some(Finding {
        rule: Rule::MedicationMissed,
        situation: start.to_string(),
        reason: Phrase::new("alert.medication_missed").with("count", run),
        since: start,
        warning_sign_ids: Vec::new(),
    })
}

fn meetings_missed(ev: &Evidence<'_>, th: &Thresholds, today: Day) -> Option<Finding> {
    let mut log: Vec<&Attendance> = ev
        .attendance
        .iter()
        .filter(|a| a.status != AttendanceStatus::Cancelled && a.occurrence.0.date() <= today.0)
        .collect();
    crate::sorting::sort_by(&mut log, |a, b| {
        a.occurrence
            .cmp(&b.occurrence)
            .then_with(|| a.id.cmp(&b.id))
    });
    let missed: Vec<&Attendance> = log
        .iter()
        .rev()
        .take_while(|a| a.status == AttendanceStatus::Missed)
        .copied()
        .collect();
    let (latest, first) = (missed.first()?, missed.last()?);
    if (missed.len() as u32) < th.meetings_missed
        || Day(latest.occurrence.0.date()) < daily::minus(today, MEETINGS_RECENT_DAYS)
    {
        return None;
    }
    Some(Finding {
        rule: Rule::MeetingsMissed,
        situation: first.id.to_string(),
        reason: Phrase::new("alert.meetings_missed").with("count", missed.len()),
        since: Day(first.occurrence.0.date()),
        warning_sign_ids: Vec::new(),
    })
}

fn no_check_in(ev: &Evidence<'_>, th: &Thresholds, today: Day) -> Option<Finding> {
    let last = ev.last_check_in?;
    let gap = (today.0 - last.0).num_days();
    if gap < i64::from(th.silence_days) {
        return None;
    }
    Some(Finding {
        rule: Rule::NoCheckIn,
        situation: last.to_string(),
        reason: Phrase::new("alert.no_check_in").with("count", gap),
        since: daily::plus(last, 1),
        warning_sign_ids: Vec::new(),
    })
}

/// Every rule that fires on `today`, in [`Rule::ALL`] order.
pub fn evaluate(ev: &Evidence<'_>, th: &Thresholds, today: Day) -> Vec<Finding> {
    [
        tolerance::tolerance_lowered(ev, th, today),
        high_craving(ev, th, today),
        mood_dropping(ev, th, today),
        warning_signs(ev, th, today),
        medication_missed(ev, th, today),
        meetings_missed(ev, th, today),
        no_check_in(ev, th, today),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The lapse plan and the harm-reduction items, for an alert about lowered tolerance.
fn harm_reduction_steps(plan: &PlanSteps<'_>) -> Vec<NextStep> {
    let lapse = plan.lapse_plan.iter().map(|n| NextStep::LapsePlan {
        step_id: n.id.clone(),
        text: n.text.clone(),
    });
    let kits = plan.naloxone_kits.iter().map(|k| NextStep::NaloxoneKit {
        kit_id: k.id.clone(),
        location: k.location.clone(),
        expires: k.expires,
    });
    let lines = plan
        .never_use_alone
        .iter()
        .map(|l| NextStep::NeverUseAlone {
            line_id: l.id.clone(),
            name: l.name.clone(),
            phone: l.phone.clone(),
        });
    let responders = plan
        .naloxone_responders
        .iter()
        .cloned()
        .map(NextStep::NaloxoneResponder);
    lapse.chain(kits).chain(lines).chain(responders).collect()
}

/// The next steps for a finding, from the person's own plan.
pub fn next_steps(finding: &Finding, plan: &PlanSteps<'_>) -> Vec<NextStep> {
    let mut steps: Vec<NextStep> = if finding.rule == Rule::ToleranceLowered {
        harm_reduction_steps(plan)
    } else {
        Vec::new()
    };
    steps.extend(
        finding
            .warning_sign_ids
            .iter()
            .filter_map(|id| plan.signs.iter().find(|w| &w.id == id))
            .filter(|w| !w.action_plan.trim().is_empty())
            .map(|w| NextStep::WarningSignPlan {
                warning_sign_id: w.id.clone(),
                description: w.description.clone(),
                action_plan: w.action_plan.clone(),
            }),
    );
    let mut ordered: Vec<&CopingStrategy> = plan.coping.iter().collect();
    if let Some(domain) = finding.rule.domain() {
        // Stable: the plan's order within each group.
        crate::sorting::sort_by_key(&mut ordered, |c| {
            !(c.domain == domain || c.domain == Domain::Both)
        });
    }
    steps.extend(ordered.into_iter().map(|c| NextStep::Coping {
        coping_id: c.id.clone(),
        description: c.description.clone(),
    }));
    steps.extend(plan.ladder.iter().cloned().map(NextStep::Contact));
    steps
}

/// Findings as alerts, marked acknowledged where the same situation was acknowledged.
pub fn alerts(
    findings: Vec<Finding>,
    acknowledged: &Acknowledged,
    plan: &PlanSteps<'_>,
) -> Vec<Alert> {
    findings
        .into_iter()
        .map(|f| Alert {
            acknowledged: acknowledged.get(f.rule.code()) == Some(&f.situation),
            next_steps: next_steps(&f, plan),
            priority: f.rule.priority(),
            rule: f.rule,
            situation: f.situation,
            reason: f.reason,
            since: f.since,
            warning_sign_ids: f.warning_sign_ids,
        })
        .collect()
}
