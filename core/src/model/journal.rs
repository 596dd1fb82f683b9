//! Daily check-ins, recovery start dates and lapses. Private by default.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::time::{Day, LocalDateTime};
use crate::model::validate::{self, optional, required, scale_0_10, Validate, MAX_LONG, MAX_SHORT};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct CheckIn {
    /// Sortable: `YYYYMMDD` of `day`, then the recording time — so a day's check-ins are one
    /// key range even when entered later ("I forgot yesterday's").
    pub id: ItemId,
    /// The day as the person lived it (their local date).
    pub day: Day,
    /// When it was recorded, milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
    /// 0 (very low) … 10 (very good).
    pub mood: u8,
    /// 0 (none) … 10 (overwhelming).
    pub craving: u8,
    pub sleep_hours: Option<f64>,
    /// The whole day's yes/no answer: what every check-in had before medications became a
    /// schedule, and still the answer of someone without one. Kept as it was written.
    pub medication_taken: Option<bool>,
    /// One answer per scheduled dose (taken or missed). Check-ins written before doses
    /// existed have none: they load with an empty list and keep their yes/no.
    #[autosurgeon(missing = "Vec::new")]
    #[serde(default)]
    pub doses: Vec<DoseAnswer>,
    pub used_substance: bool,
    /// Plan trigger ids met today.
    pub triggers_met: Vec<ItemId>,
    /// Plan coping strategy ids used today.
    pub coping_used: Vec<ItemId>,
    /// Plan warning sign ids noticed today.
    pub warning_signs: Vec<ItemId>,
    pub note: String,
}

impl CheckIn {
    /// A new id for a check-in about `day`, recorded at `at_ms`.
    pub fn new_id(day: Day, at_ms: i64) -> ItemId {
        let time = chrono::DateTime::from_timestamp_millis(at_ms)
            .map(|t| t.format("%H%M%S%3f").to_string())
            .unwrap_or_else(|| "000000000".to_string());
        ItemId::with_prefix(&format!("{}T{time}", day.0.format("%Y%m%d")))
    }

    /// The first key of `day`'s range in the check-in map.
    pub fn key_of_day(day: Day) -> String {
        day.0.format("%Y%m%d").to_string()
    }
}

/// Whether one scheduled dose was taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct DoseAnswer {
    pub medication_id: ItemId,
    /// The dose's time as the schedule gives it (wall clock in the medication's zone): the
    /// key that ties an answer to one dose.
    pub due: LocalDateTime,
    pub taken: bool,
}

/// The day a person started (or restarted counting) recovery from one substance or behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Recovery {
    pub id: ItemId,
    /// "alcohol", "cannabis", "self-harm"… in the person's words.
    pub substance: String,
    pub started: Day,
}

/// A lapse resets the counter of one recovery; the history stays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Lapse {
    pub id: ItemId,
    pub recovery_id: ItemId,
    pub day: Day,
    pub note: String,
}

pub const MAX_SLEEP_HOURS: f64 = 24.0;

impl Validate for CheckIn {
    fn validate(&self) -> Result<()> {
        scale_0_10("mood", self.mood)?;
        scale_0_10("craving", self.craving)?;
        if let Some(h) = self.sleep_hours {
            if !h.is_finite() || !(0.0..=MAX_SLEEP_HOURS).contains(&h) {
                return Err(Error::invalid("sleep_hours", "must be between 0 and 24"));
            }
        }
        if chrono::DateTime::from_timestamp_millis(self.at_ms).is_none() || self.at_ms < 0 {
            return Err(Error::invalid("at_ms", "is not a valid time"));
        }
        validate::ids("triggers_met", &self.triggers_met)?;
        validate::ids("coping_used", &self.coping_used)?;
        validate::ids("warning_signs", &self.warning_signs)?;
        validate::list_len("doses", &self.doses)?;
        for (i, dose) in self.doses.iter().enumerate() {
            ItemId::parse("doses.medication_id", dose.medication_id.as_str())?;
            if self.doses[..i]
                .iter()
                .any(|d| d.medication_id == dose.medication_id && d.due == dose.due)
            {
                return Err(Error::invalid("doses", "answers one dose twice"));
            }
        }
        optional("note", &self.note, MAX_LONG)
    }
}

impl Validate for Recovery {
    fn validate(&self) -> Result<()> {
        required("substance", &self.substance, MAX_SHORT)
    }
}

impl Validate for Lapse {
    fn validate(&self) -> Result<()> {
        optional("note", &self.note, MAX_LONG)
    }
}
