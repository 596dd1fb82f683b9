//! Care items in time: the doses a day has (for the check-in's per-dose answer), the care
//! reminders (doses, refills, naloxone expiry) and medication adherence. The work is in
//! `crate::insights::{doses, adherence}` and `crate::schedule::care_reminders`.

use super::insights::sources;
use super::Twofold;
use crate::docs::sections as s;
use crate::error::Result;
use crate::insights::adherence::{self, Adherence};
use crate::insights::doses::{all_due, DueDose};
use crate::model::time::Day;
use crate::schedule::care_reminders::{self, CareReminder};
use crate::schedule::occurrences::instant;
use crate::schedule::zone::viewer_zone;

impl Twofold {
    /// The doses the medication schedule gives on `day` (each medication's own zone), in time
    /// order: what the check-in asks about.
    pub fn doses_on(&self, day: Day) -> Result<Vec<DueDose>> {
        let mut due = all_due(&self.list(s::MEDICATION_SCHEDULE)?, day, day);
        crate::sorting::sort_by(&mut due, |a, b| {
            (a.at_ms, &a.medication_id).cmp(&(b.at_ms, &b.medication_id))
        });
        Ok(due)
    }

    /// Reminders for doses, refills and naloxone expiry firing in the next `horizon_days` (at
    /// most 31). Dose and refill reminders name the medication only where the person allowed
    /// it; `show_detail` lets a kit's reminder say what and where it is.
    pub fn care_reminders(
        &self,
        now_ms: i64,
        horizon_days: u32,
        show_detail: bool,
        viewer_zone_name: &str,
    ) -> Result<Vec<CareReminder>> {
        let viewer = viewer_zone("viewer_zone", viewer_zone_name)?;
        let now = instant("now_ms", now_ms)?;
        let meds = self.list(s::MEDICATION_SCHEDULE)?;
        let kits = self.list(s::NALOXONE_KITS)?;
        Ok(care_reminders::upcoming(
            &meds,
            &kits,
            now,
            horizon_days,
            show_detail,
            viewer,
        ))
    }

    /// Doses taken of doses due per medication over the 30 days ending on `today`.
    pub fn medication_adherence(&self, today: Day) -> Result<Vec<Adherence>> {
        self.read_journal(|docs, pending| adherence::adherence(&sources(docs, pending)?, today))
    }
}
