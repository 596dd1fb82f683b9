//! `TwofoldStore`'s care items in time: the doses of a day (for the check-in's per-dose
//! answer), care reminders (doses, refills, naloxone expiry) and medication adherence.

use crate::convert;
use crate::error::Result;
use crate::model::care::{Adherence, CareReminder, DueDose};
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// The doses the medication schedule gives on `day` (`YYYY-MM-DD`), in time order.
    pub fn doses_on(&self, day: String) -> Result<Vec<DueDose>> {
        self.read(|core| {
            let day = convert::day::to_core(day, "", "day")?;
            Ok(core.doses_on(day)?)
        })
    }

    /// Care reminders firing from `now_ms` over `horizon_days` (at most 31). A dose or refill
    /// reminder names the medication only if the person allowed it for that medication;
    /// `show_detail` lets a naloxone kit's reminder say what and where it is.
    pub async fn care_reminders(
        &self,
        now_ms: i64,
        horizon_days: u32,
        show_detail: bool,
        viewer_zone: String,
    ) -> Result<Vec<CareReminder>> {
        self.write(move |core| {
            let list = core.care_reminders(now_ms, horizon_days, show_detail, &viewer_zone)?;
            Ok(list.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Doses taken of doses due per medication over the 30 days ending on `today`.
    pub fn medication_adherence(&self, today: String) -> Result<Vec<Adherence>> {
        self.read(|core| {
            let today = convert::day::to_core(today, "", "today")?;
            Ok(core.medication_adherence(today)?)
        })
    }
}
