//! Plan review reminders: every N days (30–90, the owner's choice) the core says the plan is
//! due for a look, and which parts are oldest.
//!
//! A part's age comes from the plan document's own history, not from timestamps we add: every
//! Automerge change carries the time its device committed it, and diffing a change against its
//! dependencies says which root keys (sections) it touched. That needs no schema change and no
//! extra writes, counts a mentor's synced edits as well as the owner's, and is right for data
//! written before this feature existed. The cost is one diff per plan change — the plan gets a
//! few dozen edits a year, so this stays in the low milliseconds (see the insights benchmark);
//! the journal, which changes daily, is never walked. Clocks on phones can be wrong; a wrong
//! clock makes a section look older or newer, which at worst changes the order of a reminder.

use std::collections::BTreeMap;

use automerge::{AutoCommit, PatchAction, Prop, ROOT};
use serde::{Deserialize, Serialize};

use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections::{SectionId, WHEN_WELL};
use crate::error::{Error, Result};
use crate::insights::i18n::Phrase;

pub const MIN_INTERVAL_DAYS: u32 = 30;
pub const MAX_INTERVAL_DAYS: u32 = 90;
pub const DEFAULT_INTERVAL_DAYS: u32 = 60;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewSettings {
    pub interval_days: u32,
    pub last_reviewed_ms: Option<i64>,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        ReviewSettings {
            interval_days: DEFAULT_INTERVAL_DAYS,
            last_reviewed_ms: None,
        }
    }
}

pub fn check_interval(days: u32) -> Result<()> {
    if !(MIN_INTERVAL_DAYS..=MAX_INTERVAL_DAYS).contains(&days) {
        return Err(Error::invalid("interval_days", "must be between 30 and 90"));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionAge {
    /// The section key (`triggers`, `warning_signs`…, or `when_well`); the app's label code.
    pub section: String,
    pub items: usize,
    /// When it last changed (by anyone); `None` if never since the plan was created.
    pub last_changed_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanReview {
    pub interval_days: u32,
    pub last_reviewed_ms: Option<i64>,
    /// When the next review falls due; `None` while the plan is empty.
    pub due_ms: Option<i64>,
    pub due: bool,
    /// `review.due` (with `count` days since the last review) or `review.never`, when due.
    pub reminder: Option<Phrase>,
    /// Every part of the plan, oldest first: never-changed parts, then by last change.
    pub oldest_sections: Vec<SectionAge>,
}

/// Change times are seconds in this codebase; a value this large can only be milliseconds.
fn to_ms(timestamp: i64) -> i64 {
    if timestamp > 100_000_000_000 {
        timestamp
    } else {
        timestamp.saturating_mul(1000)
    }
}

fn root_key(action: &PatchAction) -> Option<&str> {
    match action {
        PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key),
        PatchAction::Increment {
            prop: Prop::Map(key),
            ..
        }
        | PatchAction::Conflict {
            prop: Prop::Map(key),
        } => Some(key),
        _ => None,
    }
}

/// The last change time (ms) of each root key of the plan. The genesis change (time 0) is
/// every device's common starting point, not an edit, and is skipped.
pub fn change_times(plan: &mut AutoCommit) -> BTreeMap<String, i64> {
    let mut times: BTreeMap<String, i64> = BTreeMap::new();
    for change in plan.get_changes(&[]) {
        if change.timestamp() <= 0 {
            continue;
        }
        let at = to_ms(change.timestamp());
        for patch in plan.diff(change.deps(), &[change.hash()]) {
            let key = match patch.path.first() {
                Some((_, Prop::Map(key))) => Some(key.as_str()),
                Some(_) => None,
                None if patch.obj == ROOT => root_key(&patch.action),
                None => None,
            };
            if let Some(key) = key {
                let t = times.entry(key.to_string()).or_insert(at);
                *t = (*t).max(at);
            }
        }
    }
    times
}

/// The review state at `now_ms`.
pub fn review(plan: &mut AutoCommit, settings: &ReviewSettings, now_ms: i64) -> Result<PlanReview> {
    let times = change_times(plan);
    let mut parts: Vec<SectionAge> = Vec::new();
    for section in SectionId::of(DocKind::Plan) {
        parts.push(SectionAge {
            section: section.key().to_string(),
            items: items::count(plan, section)?,
            last_changed_ms: times.get(section.key()).copied(),
        });
    }
    let well = items::get_text(plan, WHEN_WELL)?;
    parts.push(SectionAge {
        section: WHEN_WELL.to_string(),
        items: usize::from(!well.trim().is_empty()),
        last_changed_ms: times.get(WHEN_WELL).copied(),
    });
    // Stable: the plan's own order among equals.
    crate::sorting::sort_by_key(&mut parts, |p| p.last_changed_ms.unwrap_or(i64::MIN));

    // Never reviewed: count from the first edit of the plan, so a new plan is not due at once.
    let first_edit = times.values().copied().min();
    let base = settings.last_reviewed_ms.or(first_edit);
    let due_ms = base.map(|b| b.saturating_add(i64::from(settings.interval_days) * DAY_MS));
    let due = due_ms.is_some_and(|d| now_ms >= d);
    let reminder = due.then(|| match settings.last_reviewed_ms {
        Some(last) => Phrase::new("review.due").with("count", (now_ms - last) / DAY_MS),
        None => Phrase::new("review.never"),
    });
    Ok(PlanReview {
        interval_days: settings.interval_days,
        last_reviewed_ms: settings.last_reviewed_ms,
        due_ms,
        due,
        reminder,
        oldest_sections: parts,
    })
}
