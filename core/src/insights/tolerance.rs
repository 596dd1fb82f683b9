//! Overdose risk after a lapse: a use recorded after a stretch of abstinence (or a detox) meets
//! a body whose tolerance has dropped, and the dose that was usual before can now kill. The
//! rule fires on such a lapse; its next steps put the person's own lapse plan and their
//! harm-reduction items (naloxone, never-use-alone lines, who can give naloxone) first.
//!
//! A use is a check-in that says so or a recorded lapse. The abstinent stretch before a use
//! runs from the previous use; with none in the history read, from the latest recovery start
//! before it, else from the first check-in read. Days without a check-in count as abstinent
//! when they lie between two records that say so: a false alarm about tolerance costs a tap,
//! a missed one can cost a life.

use std::collections::BTreeSet;

use crate::insights::daily;
use crate::insights::i18n::Phrase;
use crate::insights::rules::{Evidence, Finding, Rule};
use crate::insights::thresholds::Thresholds;
use crate::model::time::Day;

/// For how many days (the lapse's day included) the alert stays up: tolerance does not come
/// back overnight.
pub const ALERT_DAYS: i64 = 3;

/// Every day with a recorded use.
pub fn use_days(ev: &Evidence<'_>) -> BTreeSet<Day> {
    ev.days
        .values()
        .filter(|d| d.used_substance)
        .map(|d| d.day)
        .chain(ev.lapse_days.iter().copied())
        .collect()
}

/// Whole abstinent days before a use on `day`, if anything says when abstinence began.
pub fn abstinent_days_before(ev: &Evidence<'_>, uses: &BTreeSet<Day>, day: Day) -> Option<i64> {
    if let Some(previous) = uses.range(..day).next_back() {
        return Some((day.0 - previous.0).num_days() - 1);
    }
    let started = ev
        .abstinence_starts
        .iter()
        .copied()
        .filter(|s| *s <= day)
        .max()
        .or_else(|| ev.days.keys().next().copied().filter(|d| *d <= day))?;
    Some((day.0 - started.0).num_days())
}

/// Fires when a use in the last [`ALERT_DAYS`] days followed at least
/// `tolerance_abstinent_days` abstinent days. The situation is that use's day: a later lapse
/// after a new stretch is a new episode.
pub fn tolerance_lowered(ev: &Evidence<'_>, th: &Thresholds, today: Day) -> Option<Finding> {
    let uses = use_days(ev);
    let from = daily::minus(today, ALERT_DAYS - 1);
    let (lapse, abstinent) = uses.range(from..=today).find_map(|day| {
        abstinent_days_before(ev, &uses, *day)
            .filter(|n| *n >= i64::from(th.tolerance_abstinent_days))
            .map(|n| (*day, n))
    })?;
    Some(Finding {
        rule: Rule::ToleranceLowered,
        situation: lapse.to_string(),
        reason: Phrase::new("alert.tolerance_lowered").with("count", abstinent),
        since: lapse,
        warning_sign_ids: Vec::new(),
    })
}
