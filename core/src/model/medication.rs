//! Medications as a schedule: a dose at times given by an RFC 5545 RRULE in the person's IANA
//! zone (as meetings are), an optional pickup place and refill date. Kept in the journal
//! document, which is private by default: a drug name says more about a person than almost
//! anything else in the app (ADR 0007).

use autosurgeon::{Hydrate, Reconcile};
use chrono::TimeZone;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::schedule::{check_rrule, MAX_REMINDER_MINUTES};
use crate::model::time::{parse_zone, Day, LocalDateTime};
use crate::model::validate::{self, optional, required, Validate, MAX_LONG, MAX_SHORT};

/// Above any real single dose in any unit people write (mg, ml, µg, tablets, puffs).
pub const MAX_DOSE_AMOUNT: f64 = 100_000.0;
pub const MAX_DOSE_UNIT_CHARS: usize = 32;
/// How long before a refill date a reminder may come.
pub const MAX_REFILL_REMIND_DAYS: u32 = 30;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct ScheduledMedication {
    pub id: ItemId,
    pub name: String,
    /// How much per dose, in `dose_unit`.
    pub dose_amount: f64,
    /// "mg", "ml", "tablet"…
    pub dose_unit: String,
    /// The first dose, wall-clock time in `time_zone`.
    pub start: LocalDateTime,
    pub time_zone: String,
    /// RFC 5545 RRULE value without the `RRULE:` prefix (`FREQ=DAILY;BYHOUR=8,20`); `None`
    /// for a single dose.
    pub rrule: Option<String>,
    /// Minutes before each dose at which to remind (0: at the time).
    pub reminder_offsets_minutes: Vec<u32>,
    /// Where it is picked up (a pharmacy, a clinic); may be empty.
    pub pickup_place: String,
    pub refill_date: Option<Day>,
    /// Days before `refill_date` to remind.
    pub refill_remind_days_before: u32,
    /// Reminders name the medication and the place only when the person allowed it: a lock
    /// screen is seen by others.
    pub show_name_in_reminders: bool,
}

impl Validate for ScheduledMedication {
    fn validate(&self) -> Result<()> {
        required("name", &self.name, MAX_SHORT)?;
        if !self.dose_amount.is_finite()
            || self.dose_amount <= 0.0
            || self.dose_amount > MAX_DOSE_AMOUNT
        {
            return Err(Error::invalid(
                "dose_amount",
                "must be a number above 0 and at most 100000",
            ));
        }
        required("dose_unit", &self.dose_unit, MAX_DOSE_UNIT_CHARS)?;
        let zone = parse_zone("time_zone", &self.time_zone)?;
        if zone.from_local_datetime(&self.start.0).earliest().is_none() {
            return Err(Error::invalid(
                "start",
                "does not exist in this time zone (skipped by a daylight-saving change)",
            ));
        }
        if let Some(rrule) = &self.rrule {
            check_rrule("rrule", rrule, &self.start, &self.time_zone)?;
        }
        validate::list_len("reminder_offsets_minutes", &self.reminder_offsets_minutes)?;
        if self
            .reminder_offsets_minutes
            .iter()
            .any(|m| *m > MAX_REMINDER_MINUTES)
        {
            return Err(Error::invalid(
                "reminder_offsets_minutes",
                "must be at most 14 days",
            ));
        }
        optional("pickup_place", &self.pickup_place, MAX_LONG)?;
        if self.refill_remind_days_before > MAX_REFILL_REMIND_DAYS {
            return Err(Error::invalid(
                "refill_remind_days_before",
                format!("must be at most {MAX_REFILL_REMIND_DAYS}"),
            ));
        }
        Ok(())
    }
}
