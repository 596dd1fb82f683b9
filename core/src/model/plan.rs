//! The support plan, on recognised clinical structures: WRAP (wellness, daily maintenance,
//! triggers, early warning signs, crisis and post-crisis planning), the Stanley-Brown safety plan
//! (warning signs, things I can do alone, people and places for distraction, people to ask for
//! help, professionals, making the environment safe, reasons for living) and relapse-prevention
//! planning for co-occurring disorders (substance / mental-health / both domains, lapse plan).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::ids::ItemId;
use crate::model::time::Day;
use crate::model::validate::{optional, required, Validate, MAX_LONG, MAX_SHORT};

/// Which part of a dual diagnosis something belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    Substance,
    MentalHealth,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    MustDo,
    ShouldDo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum TriggerKind {
    Internal,
    External,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum WarningStage {
    Early,
    BreakingDown,
    Crisis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum DistractionKind {
    Person,
    Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    Living,
    Recovery,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum MedicationPreference {
    Preferred,
    Acceptable,
    Unacceptable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentKind {
    Treatment,
    Facility,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentPreference {
    Preferred,
    Avoid,
}

/// A plain line of text with an id: takeover signs, what helps, lapse and post-crisis steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct PlanNote {
    pub id: ItemId,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct MaintenanceItem {
    pub id: ItemId,
    pub text: String,
    pub priority: Priority,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Trigger {
    pub id: ItemId,
    pub description: String,
    pub kind: TriggerKind,
    pub domain: Domain,
    pub action_plan: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct WarningSign {
    pub id: ItemId,
    pub description: String,
    pub stage: WarningStage,
    pub domain: Domain,
    pub action_plan: String,
}

/// Something I can do on my own to get through a hard moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct CopingStrategy {
    pub id: ItemId,
    pub description: String,
    pub domain: Domain,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Distraction {
    pub id: ItemId,
    pub kind: DistractionKind,
    pub name: String,
    /// For a person who is also in the contacts.
    pub contact_id: Option<ItemId>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Reason {
    pub id: ItemId,
    pub kind: ReasonKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Goal {
    pub id: ItemId,
    pub title: String,
    pub target_date: Option<Day>,
    pub done: bool,
}

/// A small step towards a goal. Steps are items of their own so that two people ticking
/// different steps of one goal never collide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct GoalStep {
    pub id: ItemId,
    pub goal_id: ItemId,
    pub text: String,
    pub done: bool,
}

/// One rung of the crisis ladder: who to contact (in the plan's order) and what they will do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct CrisisContact {
    pub id: ItemId,
    pub contact_id: ItemId,
    pub will_do: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct DoNotInvolve {
    pub id: ItemId,
    pub contact_id: Option<ItemId>,
    pub name: String,
    pub reason: String,
}

/// A professional or crisis line from the contacts, with what they are for in a crisis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Professional {
    pub id: ItemId,
    pub contact_id: ItemId,
    pub role_note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Medication {
    pub id: ItemId,
    pub name: String,
    pub preference: MedicationPreference,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Treatment {
    pub id: ItemId,
    pub name: String,
    pub kind: TreatmentKind,
    pub preference: TreatmentPreference,
    pub reason: String,
}

/// One step of making the environment safe (means safety).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct SafetyStep {
    pub id: ItemId,
    pub description: String,
    pub done: bool,
}

impl Validate for PlanNote {
    fn validate(&self) -> Result<()> {
        required("text", &self.text, MAX_LONG)
    }
}

impl Validate for MaintenanceItem {
    fn validate(&self) -> Result<()> {
        required("text", &self.text, MAX_LONG)
    }
}

impl Validate for Trigger {
    fn validate(&self) -> Result<()> {
        required("description", &self.description, MAX_LONG)?;
        optional("action_plan", &self.action_plan, MAX_LONG)
    }
}

impl Validate for WarningSign {
    fn validate(&self) -> Result<()> {
        required("description", &self.description, MAX_LONG)?;
        optional("action_plan", &self.action_plan, MAX_LONG)
    }
}

impl Validate for CopingStrategy {
    fn validate(&self) -> Result<()> {
        required("description", &self.description, MAX_LONG)
    }
}

impl Validate for Distraction {
    fn validate(&self) -> Result<()> {
        required("name", &self.name, MAX_SHORT)?;
        optional("notes", &self.notes, MAX_LONG)
    }
}

impl Validate for Reason {
    fn validate(&self) -> Result<()> {
        required("text", &self.text, MAX_LONG)
    }
}

impl Validate for Goal {
    fn validate(&self) -> Result<()> {
        required("title", &self.title, MAX_SHORT)
    }
}

impl Validate for GoalStep {
    fn validate(&self) -> Result<()> {
        required("text", &self.text, MAX_LONG)
    }
}

impl Validate for CrisisContact {
    fn validate(&self) -> Result<()> {
        optional("will_do", &self.will_do, MAX_LONG)
    }
}

impl Validate for DoNotInvolve {
    fn validate(&self) -> Result<()> {
        required("name", &self.name, MAX_SHORT)?;
        optional("reason", &self.reason, MAX_LONG)
    }
}

impl Validate for Professional {
    fn validate(&self) -> Result<()> {
        optional("role_note", &self.role_note, MAX_LONG)
    }
}

impl Validate for Medication {
    fn validate(&self) -> Result<()> {
        required("name", &self.name, MAX_SHORT)?;
        optional("reason", &self.reason, MAX_LONG)
    }
}

impl Validate for Treatment {
    fn validate(&self) -> Result<()> {
        required("name", &self.name, MAX_SHORT)?;
        optional("reason", &self.reason, MAX_LONG)
    }
}

impl Validate for SafetyStep {
    fn validate(&self) -> Result<()> {
        required("description", &self.description, MAX_LONG)
    }
}
