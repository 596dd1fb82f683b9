//! From documents to insights: reads what each insight needs — and no more — from the loaded
//! Automerge documents. Any document but the plan may be missing (a store that has only a
//! plan, or a mentor's copy); a missing one reads as empty.

use std::collections::BTreeMap;

use automerge::AutoCommit;

use crate::docs::items;
use crate::docs::sections::{self as s, SectionId};
use crate::error::Result;
use crate::insights::daily::{self, DayStats};
use crate::insights::doses;
use crate::insights::ladder::Network;
use crate::insights::milestones::{self, RecoveryProgress};
use crate::insights::patterns::{self, Patterns};
use crate::insights::rules::{self, Acknowledged, Alert, Evidence, PlanSteps, Rule};
use crate::insights::thresholds::Thresholds;
use crate::model::journal::CheckIn;
use crate::model::medication::ScheduledMedication;
use crate::model::schedule::Attendance;
use crate::model::time::Day;

/// The person's documents, as far as this device has them.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub plan: &'a AutoCommit,
    pub contacts: Option<&'a AutoCommit>,
    pub schedule: Option<&'a AutoCommit>,
    pub journal: Option<&'a AutoCommit>,
    /// Check-ins acknowledged and not yet folded into the journal (the intent log, ADR 0025),
    /// oldest first: read beside it, so that insights need no fold.
    pub pending: &'a [CheckIn],
}

/// Check-ins about `from..=to`. Check-in keys start with their day, so this is one key range.
pub fn check_ins(src: &Sources<'_>, from: Day, to: Day) -> Result<Vec<CheckIn>> {
    let mut found = match src.journal {
        Some(journal) => {
            let lo = CheckIn::key_of_day(from);
            let hi = CheckIn::key_of_day(daily::plus(to, 1));
            items::range(journal, s::CHECK_INS, &lo, &hi)?
        }
        None => Vec::new(),
    };
    found.retain(|c| c.day >= from && c.day <= to);
    if with_pending(&mut found, src.pending, |c| c.day >= from && c.day <= to) {
        // In key order, as the document's range comes.
        crate::sorting::sort_by(&mut found, |a, b| a.id.as_str().cmp(b.id.as_str()));
    }
    Ok(found)
}

/// Puts the pending check-ins that `keep` accepts into `found`, as the fold would: one whose
/// key `found` already holds replaces it (the fold reconciles it over the old one), the rest
/// are added; in recording order, so the later of two with one key wins. Returns whether it
/// put any.
pub(crate) fn with_pending(
    found: &mut Vec<CheckIn>,
    pending: &[CheckIn],
    keep: impl Fn(&CheckIn) -> bool,
) -> bool {
    let mut put = false;
    for check_in in pending.iter().filter(|c| keep(c)) {
        match found.iter_mut().find(|c| c.id == check_in.id) {
            Some(old) => *old = check_in.clone(),
            None => found.push(check_in.clone()),
        }
        put = true;
    }
    put
}

pub fn days(src: &Sources<'_>, from: Day, to: Day) -> Result<BTreeMap<Day, DayStats>> {
    Ok(daily::by_day(&check_ins(src, from, to)?))
}

/// The last day up to `today` with a check-in, from the keys alone (nothing is hydrated).
pub fn last_check_in(src: &Sources<'_>, today: Day) -> Result<Option<Day>> {
    let pending = src
        .pending
        .iter()
        .map(|c| c.day)
        .filter(|d| *d <= today)
        .max();
    let Some(journal) = src.journal else {
        return Ok(pending);
    };
    let ids = items::ids(journal, SectionId::CheckIns)?;
    let folded = ids
        .iter()
        .rev()
        .filter_map(|id| {
            id.as_str()
                .get(..8)
                .and_then(|k| chrono::NaiveDate::parse_from_str(k, "%Y%m%d").ok())
        })
        .map(Day)
        .find(|d| *d <= today);
    Ok(folded.max(pending))
}

/// Attendance records of occurrences on or after `from`. Their ids end in the occurrence's
/// start (`<meeting>@YYYYMMDDTHHMM`), so older records are skipped without being hydrated —
/// five years of weekly meetings would otherwise dominate every evaluation.
fn attendance(src: &Sources<'_>, from: Day) -> Result<Vec<Attendance>> {
    let Some(doc) = src.schedule else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for id in items::ids(doc, SectionId::Attendance)? {
        let occurred = id
            .as_str()
            .rsplit_once('@')
            .and_then(|(_, when)| when.get(..8))
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y%m%d").ok());
        // An id of another shape (an import) is read rather than guessed about.
        if occurred.is_some_and(|d| d < from.0) {
            continue;
        }
        if let Some(a) = items::get(doc, s::ATTENDANCE, &id)? {
            if a.occurrence.0.date() >= from.0 {
                out.push(a);
            }
        }
    }
    Ok(out)
}

/// The medication schedule, empty where there is no journal.
pub fn medications(src: &Sources<'_>) -> Result<Vec<ScheduledMedication>> {
    match src.journal {
        Some(journal) => items::list(journal, s::MEDICATION_SCHEDULE),
        None => Ok(Vec::new()),
    }
}

/// Every rule that fires on `today`, with next steps and the acknowledged flag.
pub fn alerts(
    src: &Sources<'_>,
    thresholds: &Thresholds,
    acknowledged: &Acknowledged,
    today: Day,
) -> Result<Vec<Alert>> {
    let from = daily::minus(today, rules::HISTORY_DAYS);
    let check_ins = check_ins(src, from, today)?;
    let mut days = daily::by_day(&check_ins);
    doses::mark_days(&mut days, &check_ins, &medications(src)?);
    let attendance = attendance(src, daily::minus(today, rules::MEETINGS_HISTORY_DAYS))?;
    let signs = items::list(src.plan, s::WARNING_SIGNS)?;
    let (lapse_days, abstinence_starts) = match src.journal {
        Some(journal) => (
            items::list(journal, s::LAPSES)?
                .into_iter()
                .map(|l| l.day)
                .filter(|d| *d >= from && *d <= today)
                .collect(),
            items::list(journal, s::RECOVERIES)?
                .into_iter()
                .map(|r| r.started)
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let evidence = Evidence {
        days: &days,
        last_check_in: last_check_in(src, today)?,
        attendance: &attendance,
        warning_signs: &signs,
        lapse_days: &lapse_days,
        abstinence_starts: &abstinence_starts,
    };
    let findings = rules::evaluate(&evidence, thresholds, today);
    if findings.is_empty() {
        return Ok(Vec::new());
    }
    let coping = items::list(src.plan, s::COPING_STRATEGIES)?;
    let network = Network::load(src.plan, src.contacts)?;
    let ladder = network.ladder(src.plan)?;
    let wants_harm_reduction = findings.iter().any(|f| f.rule == Rule::ToleranceLowered);
    let (lapse_plan, kits, lines, responders) = if wants_harm_reduction {
        (
            items::list(src.plan, s::LAPSE_PLAN)?,
            items::list(src.plan, s::NALOXONE_KITS)?,
            items::list(src.plan, s::NEVER_USE_ALONE)?,
            network.naloxone_responders(src.plan)?,
        )
    } else {
        Default::default()
    };
    let plan = PlanSteps {
        signs: &signs,
        coping: &coping,
        ladder: &ladder,
        lapse_plan: &lapse_plan,
        naloxone_kits: &kits,
        never_use_alone: &lines,
        naloxone_responders: &responders,
    };
    Ok(rules::alerts(findings, acknowledged, &plan))
}

/// The 7/30/90-day patterns ending on `today`.
pub fn patterns(src: &Sources<'_>, today: Day) -> Result<Patterns> {
    let longest = i64::from(patterns::WINDOWS.iter().copied().max().unwrap_or(90));
    // The window before the longest one too, for its direction; and the day after `today`
    // is never needed.
    let from = daily::minus(today, 2 * longest);
    let days = days(src, from, today)?;
    Ok(patterns::compute(
        &days,
        &attendance(src, from)?,
        &items::list(src.plan, s::TRIGGERS)?,
        &items::list(src.plan, s::COPING_STRATEGIES)?,
        today,
    ))
}

/// One 30-day window (for the summary).
pub fn month(
    src: &Sources<'_>,
    today: Day,
) -> Result<(patterns::WindowPatterns, BTreeMap<Day, DayStats>)> {
    let from = daily::minus(today, 60);
    let days = days(src, from, today)?;
    let window = patterns::window(
        &days,
        &attendance(src, from)?,
        &items::list(src.plan, s::TRIGGERS)?,
        &items::list(src.plan, s::COPING_STRATEGIES)?,
        today,
        30,
    );
    Ok((window, days))
}

/// Every recovery's day count, milestones and lapse history on `today`.
pub fn progress(src: &Sources<'_>, today: Day) -> Result<Vec<RecoveryProgress>> {
    let Some(journal) = src.journal else {
        return Ok(Vec::new());
    };
    let lapses = items::list(journal, s::LAPSES)?;
    Ok(items::list(journal, s::RECOVERIES)?
        .iter()
        .map(|r| milestones::progress(r, &lapses, today))
        .collect())
}
