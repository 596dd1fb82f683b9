//! The journal's own operations: recording a check-in in one call, reading recent ones,
//! recovery start dates and lapses.

use serde::{Deserialize, Serialize};

use super::Twofold;
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections as s;
use crate::docs::snapshot::prefix;
use crate::error::Result;
use crate::insights::compute::with_pending;
use crate::model::ids::ItemId;
use crate::model::journal::{CheckIn, DoseAnswer, Lapse};
use crate::model::plan::PlanNote;
use crate::model::time::Day;
use crate::model::validate::Validate;

/// A check-in as the person enters it; the store adds the id and the time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCheckIn {
    pub day: Day,
    pub mood: u8,
    pub craving: u8,
    pub sleep_hours: Option<f64>,
    pub medication_taken: Option<bool>,
    /// One answer per scheduled dose (see [`DoseAnswer`]).
    #[serde(default)]
    pub doses: Vec<DoseAnswer>,
    pub used_substance: bool,
    pub triggers_met: Vec<ItemId>,
    pub coping_used: Vec<ItemId>,
    pub warning_signs: Vec<ItemId>,
    pub note: String,
}

/// A recorded lapse, with the person's own "if a lapse happens" plan to show right away.
#[derive(Debug, Clone, PartialEq)]
pub struct LapseRecorded {
    pub lapse: Lapse,
    pub lapse_plan: Vec<PlanNote>,
}

impl Twofold {
    /// Records a check-in durably and returns it. More than one a day is fine; all are kept.
    /// Every read of the journal sees it from then on (the home screen from its read model,
    /// everything else after the fold that reading does first).
    pub fn record_check_in(&self, new: NewCheckIn, at_ms: i64) -> Result<CheckIn> {
        let check_in = CheckIn {
            id: CheckIn::new_id(new.day, at_ms),
            day: new.day,
            at_ms,
            mood: new.mood,
            craving: new.craving,
            sleep_hours: new.sleep_hours,
            medication_taken: new.medication_taken,
            doses: new.doses,
            used_substance: new.used_substance,
            triggers_met: new.triggers_met,
            coping_used: new.coping_used,
            warning_signs: new.warning_signs,
            note: new.note,
        };
        check_in
            .validate()
            .map_err(|e| prefix(s::CHECK_INS.id, e))?;
        // Acknowledged once it is in the intent log; the journal's Automerge change is made
        // by the next fold (`twofold/fold.rs`, ADR 0025), off this call's path.
        self.record_pending(&check_in)?;
        Ok(check_in)
    }

    /// Check-ins whose day lies in `from..=to`, oldest first.
    pub fn check_ins_between(&self, from: Day, to: Day) -> Result<Vec<CheckIn>> {
        // Keys sort by UTC time; a local day can start up to 14 h before or end 12 h after
        // its UTC date, so read one day of margin each side and filter on the local day.
        let lo = from
            .0
            .pred_opt()
            .unwrap_or(from.0)
            .format("%Y%m%d")
            .to_string();
        let hi =
            to.0.succ_opt()
                .and_then(|d| d.succ_opt())
                .unwrap_or(to.0)
                .format("%Y%m%d")
                .to_string();
        // Beside the intent log rather than after a fold: no wait at the writers' gate.
        self.read_journal(|docs, pending| {
            let all = items::range(docs.get(DocKind::Journal)?, s::CHECK_INS, &lo, &hi)?;
            let mut in_range: Vec<CheckIn> = all
                .into_iter()
                .filter(|c| c.day >= from && c.day <= to)
                .collect();
            with_pending(&mut in_range, pending, |c| c.day >= from && c.day <= to);
            // Ties in key order, as the document's range gives them.
            crate::sorting::sort_by(&mut in_range, |a, b| {
                (a.day, a.at_ms, a.id.as_str()).cmp(&(b.day, b.at_ms, b.id.as_str()))
            });
            Ok(in_range)
        })
    }

    /// Records a lapse of one recovery. The counter restarts; the history stays.
    pub fn record_lapse(
        &self,
        recovery_id: &ItemId,
        day: Day,
        note: &str,
    ) -> Result<LapseRecorded> {
        let lapse = Lapse {
            id: ItemId::random(),
            recovery_id: recovery_id.clone(),
            day,
            note: note.to_string(),
        };
        self.put(s::LAPSES, lapse.clone())?;
        let lapse_plan = self.list(s::LAPSE_PLAN)?;
        Ok(LapseRecorded { lapse, lapse_plan })
    }
}
