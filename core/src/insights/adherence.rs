//! Adherence: of the doses the schedule gave over a window, how many the check-ins mark taken,
//! per medication. Today's doses count once answered (taken or missed): a dose due tonight is
//! not yet a dose missed this morning.

use serde::Serialize;

use crate::error::Result;
use crate::insights::compute::{self, Sources};
use crate::insights::daily;
use crate::insights::doses::{all_due, answers};
use crate::model::ids::ItemId;
use crate::model::time::Day;

/// The summary's window, in days, ending on its `today`.
pub const WINDOW_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adherence {
    pub medication_id: ItemId,
    pub name: String,
    /// "8 mg".
    pub dose: String,
    pub due: u32,
    pub taken: u32,
}

/// Adherence per medication over the [`WINDOW_DAYS`] days ending on `today`, in the
/// schedule's order.
pub fn adherence(src: &Sources<'_>, today: Day) -> Result<Vec<Adherence>> {
    let meds = compute::medications(src)?;
    if meds.is_empty() {
        return Ok(Vec::new());
    }
    let from = daily::minus(today, WINDOW_DAYS - 1);
    // A dose's answer may sit in the next day's check-in ("I forgot yesterday's").
    let check_ins = compute::check_ins(src, from, daily::plus(today, 1))?;
    let (taken, missed) = answers(&check_ins);
    let due = all_due(&meds, from, today);
    Ok(meds
        .iter()
        .map(|m| {
            let mine = due.iter().filter(|d| d.medication_id == m.id).filter(|d| {
                let key = (d.medication_id.clone(), d.due);
                d.day() < today || taken.contains(&key) || missed.contains(&key)
            });
            let (mut n_due, mut n_taken) = (0u32, 0u32);
            for d in mine {
                n_due += 1;
                if taken.contains(&(d.medication_id.clone(), d.due)) {
                    n_taken += 1;
                }
            }
            Adherence {
                medication_id: m.id.clone(),
                name: m.name.clone(),
                dose: crate::schedule::care_reminders::dose_text(m),
                due: n_due,
                taken: n_taken,
            }
        })
        .collect())
}
