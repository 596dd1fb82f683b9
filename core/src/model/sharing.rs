//! The two documents that exist only for sharing: the wellbeing summary the core derives from
//! the journal (numbers and milestones, never notes), and a mentor's notes and suggestions for
//! one person, which that person accepts into their own plan or dismisses.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::time::Day;
use crate::model::validate::{optional, required, Validate, MAX_LONG, MAX_SHORT};

/// One week of check-ins, reduced to averages. The id is the Monday it starts on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct WeekSummary {
    pub id: ItemId,
    pub week_start: Day,
    pub check_ins: u32,
    /// Mean mood of the week's check-ins, 0–10, one decimal.
    pub mood_avg: Option<f64>,
    /// Mean craving, 0–10, one decimal.
    pub craving_avg: Option<f64>,
    /// Days of the week with substance use recorded; `None` when the owner does not share it.
    pub use_days: Option<u32>,
    /// Mood points gained (negative: lost) over the 14 days ending on the week's last day (on
    /// the day of the refresh, for the current week): the Theil–Sen course, so a worsening
    /// fortnight shows even when the averages look better. `None` with fewer than 4 days of
    /// check-ins in those 14, or when the owner does not share it. One decimal.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub mood_course: Option<f64>,
    /// The same for craving.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub craving_course: Option<f64>,
}

/// Which fields of the wellbeing summary the owner shares (a device-local setting). A field
/// not chosen is never written into the summary document, so it never leaves the device.
/// Everything is chosen until the owner says otherwise, as before the setting existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WellbeingFields {
    /// Weekly mood averages.
    pub mood: bool,
    /// Weekly craving averages.
    pub craving: bool,
    /// Days of each week with substance use.
    pub use_days: bool,
    /// The 14-day course of mood and of craving (each only with its averages).
    pub trends: bool,
    /// Each recovery's day count and milestone (with its name).
    pub milestones: bool,
    /// Which early warnings are open.
    pub alerts: bool,
}

impl Default for WellbeingFields {
    fn default() -> Self {
        WellbeingFields {
            mood: true,
            craving: true,
            use_days: true,
            trends: true,
            milestones: true,
            alerts: true,
        }
    }
}

/// A recovery run's latest milestone, without the lapse details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct SharedMilestone {
    /// The recovery's id in the journal.
    pub id: ItemId,
    /// What the person is recovering from, as they named it.
    pub recovery: String,
    pub since: Day,
    /// Days reached at the last refresh.
    pub days: i64,
    /// The last milestone reached (in days), if any.
    pub milestone_days: Option<i64>,
}

/// An open warning (a rule that fired and was not acknowledged), without the check-in behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct SharedAlert {
    /// The rule's name (`high_craving`, `mood_drop`, …): the reader's app words it.
    pub id: ItemId,
    pub since: Day,
}

/// A note a mentor writes for the person (after a session, encouragement).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct MentorNote {
    pub id: ItemId,
    pub text: String,
    /// Milliseconds since the Unix epoch.
    pub written_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionStatus {
    Open,
    Accepted,
    Dismissed,
}

/// A suggested item for one of the person's sections (a coping strategy, a meeting, a plan
/// change). The item travels as the JSON of its type and is validated like any other write
/// when the person accepts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Suggestion {
    pub id: ItemId,
    /// The section key the item would go into (`coping_strategies`, `meetings`, …).
    pub section: String,
    pub item_json: String,
    /// Why the mentor suggests it.
    pub message: String,
    pub status: SuggestionStatus,
    pub suggested_at_ms: i64,
    pub decided_at_ms: Option<i64>,
}

/// Longest JSON of one suggested item.
pub const MAX_ITEM_JSON: usize = 64 * 1024;

impl Validate for WeekSummary {
    fn validate(&self) -> Result<()> {
        for (field, value) in [
            ("mood_avg", self.mood_avg),
            ("craving_avg", self.craving_avg),
        ] {
            if value.is_some_and(|v| !(0.0..=10.0).contains(&v)) {
                return Err(Error::invalid(field, "must be between 0 and 10"));
            }
        }
        for (field, value) in [
            ("mood_course", self.mood_course),
            ("craving_course", self.craving_course),
        ] {
            if value.is_some_and(|v| !(-10.0..=10.0).contains(&v)) {
                return Err(Error::invalid(field, "must be between -10 and 10"));
            }
        }
        if self.use_days.is_some_and(|d| d > 7) {
            return Err(Error::invalid("use_days", "must be at most 7"));
        }
        Ok(())
    }
}

impl Validate for SharedMilestone {
    fn validate(&self) -> Result<()> {
        required("recovery", &self.recovery, MAX_SHORT)
    }
}

impl Validate for SharedAlert {
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

impl Validate for MentorNote {
    fn validate(&self) -> Result<()> {
        required("text", &self.text, MAX_LONG)
    }
}

impl Validate for Suggestion {
    fn validate(&self) -> Result<()> {
        required("section", &self.section, MAX_SHORT)?;
        required("item_json", &self.item_json, MAX_ITEM_JSON)?;
        optional("message", &self.message, MAX_LONG)
    }
}
