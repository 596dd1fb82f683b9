//! Tunable thresholds of the early-warning rules.
//!
//! The owner sets them; when the journal is shared, a mentor may *suggest* a set. A suggestion
//! is stored beside the active set and changes nothing until the owner accepts it — the person
//! in recovery stays in charge of what alerts them. Both live in device-local settings, never
//! synced: the suggestion arrives through the mentor's notes document (a later issue) and is
//! copied here.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::validate::{optional, MAX_LONG, MAX_SHORT};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    /// Craving at or above this (0–10) makes a day a high-craving day.
    pub high_craving_level: u8,
    /// This many high-craving days …
    pub high_craving_days: u32,
    /// … within this many most recent days.
    pub high_craving_window_days: u32,
    /// Mood falling by at least this many points (on the 0–10 scale) …
    pub mood_drop_points: f64,
    /// … across this many days (the trend line over the window).
    pub mood_drop_window_days: u32,
    /// A warning sign ticked within this many most recent days.
    pub warning_sign_window_days: u32,
    /// Medication missed on this many consecutive days.
    pub medication_missed_days: u32,
    /// This many scheduled meetings missed in a row.
    pub meetings_missed: u32,
    /// No check-in for this many days.
    pub silence_days: u32,
    /// A use after at least this many abstinent days raises the lowered-tolerance alert.
    pub tolerance_abstinent_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            high_craving_level: 7,
            high_craving_days: 3,
            high_craving_window_days: 5,
            mood_drop_points: 2.0,
            mood_drop_window_days: 7,
            warning_sign_window_days: 2,
            medication_missed_days: 2,
            meetings_missed: 2,
            silence_days: 3,
            // A week without use is enough for tolerance to opioids to drop markedly.
            tolerance_abstinent_days: 7,
        }
    }
}

fn within(field: &str, value: u32, lo: u32, hi: u32) -> Result<()> {
    if value < lo || value > hi {
        return Err(Error::invalid(
            field,
            format!("must be between {lo} and {hi}"),
        ));
    }
    Ok(())
}

impl Thresholds {
    pub fn validate(&self) -> Result<()> {
        within(
            "high_craving_level",
            u32::from(self.high_craving_level),
            1,
            10,
        )?;
        within(
            "high_craving_window_days",
            self.high_craving_window_days,
            1,
            30,
        )?;
        within(
            "high_craving_days",
            self.high_craving_days,
            1,
            self.high_craving_window_days,
        )?;
        if !self.mood_drop_points.is_finite() || !(0.5..=10.0).contains(&self.mood_drop_points) {
            return Err(Error::invalid(
                "mood_drop_points",
                "must be between 0.5 and 10",
            ));
        }
        within("mood_drop_window_days", self.mood_drop_window_days, 3, 30)?;
        within(
            "warning_sign_window_days",
            self.warning_sign_window_days,
            1,
            14,
        )?;
        within("medication_missed_days", self.medication_missed_days, 1, 14)?;
        within("meetings_missed", self.meetings_missed, 1, 10)?;
        within("silence_days", self.silence_days, 1, 60)?;
        // At most the stretch the rules read back (`rules::HISTORY_DAYS`).
        within(
            "tolerance_abstinent_days",
            self.tolerance_abstinent_days,
            1,
            60,
        )
    }
}

/// A set of thresholds proposed by someone else (a mentor), waiting for the owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdSuggestion {
    pub thresholds: Thresholds,
    /// Who suggested it, as the app names the peer (a display name or a peer id).
    pub suggested_by: String,
    pub at_ms: i64,
    /// Why, in the mentor's words.
    pub note: String,
}

impl ThresholdSuggestion {
    pub fn validate(&self) -> Result<()> {
        self.thresholds.validate()?;
        optional("suggested_by", &self.suggested_by, MAX_SHORT)?;
        optional("note", &self.note, MAX_LONG)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ThresholdSettings {
    /// What the rules use.
    pub active: Thresholds,
    pub suggestion: Option<ThresholdSuggestion>,
}
