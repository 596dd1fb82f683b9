//! The core's domain types as uniffi records and enums, one file per document, plus the values
//! the store computes (home screen, document snapshots, conflicts, insights), sharing's and the
//! sync engine's records (`sharing`, `sync`), and sync reports and status (`net`). The core's
//! own types cross through `#[uniffi::remote]` where they can (with `values`' custom types for
//! ids, days, times and counts); hand mirrors remain where they cannot (see each file).
//!
//! Ids, days (`YYYY-MM-DD`) and wall-clock times (`YYYY-MM-DDTHH:MM[:SS]`) are strings; the
//! store checks them on the way in (see `convert`).

pub mod app_lock;
pub mod care;
pub mod circles;
pub mod contacts;
pub mod direct;
pub mod documents;
pub mod finder;
pub mod formats;
pub mod home;
pub mod insights;
pub mod journal;
pub mod net;
pub mod plan;
pub mod schedule;
pub mod sharing;
pub mod sos;
pub mod sync;
pub mod values;

/// Every section's item type under the core's name for it, for the code generated from the
/// core's list of sections (`twofold_core::for_each_section!`).
pub(crate) mod items {
    pub use super::care::{NaloxoneKit, NaloxoneResponder, NeverUseAloneLine, ScheduledMedication};
    pub use super::contacts::Contact;
    pub use super::journal::{CheckIn, Lapse, Recovery};
    pub use super::plan::{
        CopingStrategy, CrisisContact, Distraction, DoNotInvolve, Goal, GoalStep, MaintenanceItem,
        Medication, PlanNote, Professional, Reason, SafetyStep, Treatment, Trigger, WarningSign,
    };
    pub use super::schedule::{Attendance, Meeting};
    pub use super::sharing::{SharedAlert, SharedMilestone, WeekSummary};
}
