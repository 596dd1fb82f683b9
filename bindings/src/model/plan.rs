//! The support plan (WRAP, Stanley-Brown safety plan, relapse prevention for co-occurring
//! disorders): `twofold_core::model::plan`. The items are hand mirrors (the app writes them,
//! and a malformed id or day is refused naming its field); their enums cross as they are.

use twofold_core as tc;

use crate::convert::mirror_record;

pub use tc::{
    DistractionKind, Domain, MedicationPreference, Priority, ReasonKind, TreatmentKind,
    TreatmentPreference, TriggerKind, WarningStage,
};

/// Which part of a dual diagnosis something belongs to.
#[uniffi::remote(Enum)]
pub enum Domain {
    Substance,
    MentalHealth,
    Both,
}

#[uniffi::remote(Enum)]
pub enum Priority {
    MustDo,
    ShouldDo,
}

#[uniffi::remote(Enum)]
pub enum TriggerKind {
    Internal,
    External,
}

#[uniffi::remote(Enum)]
pub enum WarningStage {
    Early,
    BreakingDown,
    Crisis,
}

#[uniffi::remote(Enum)]
pub enum DistractionKind {
    Person,
    Place,
}

#[uniffi::remote(Enum)]
pub enum ReasonKind {
    Living,
    Recovery,
}

#[uniffi::remote(Enum)]
pub enum MedicationPreference {
    Preferred,
    Acceptable,
    Unacceptable,
}

#[uniffi::remote(Enum)]
pub enum TreatmentKind {
    Treatment,
    Facility,
}

#[uniffi::remote(Enum)]
pub enum TreatmentPreference {
    Preferred,
    Avoid,
}

mirror_record! {
    /// A plain line of text with an id: takeover signs, what helps / does not help, the lapse
    /// and post-crisis plans.
    PlanNote => tc::PlanNote {
        id: String => id,
        text: String => plain,
    }
}

mirror_record! {
    /// A daily maintenance item (must-do / should-do).
    MaintenanceItem => tc::MaintenanceItem {
        id: String => id,
        text: String => plain,
        priority: Priority => plain,
    }
}

mirror_record! {
    Trigger => tc::Trigger {
        id: String => id,
        description: String => plain,
        kind: TriggerKind => plain,
        domain: Domain => plain,
        #[uniffi(default)] action_plan: String => plain,
    }
}

mirror_record! {
    WarningSign => tc::WarningSign {
        id: String => id,
        description: String => plain,
        stage: WarningStage => plain,
        domain: Domain => plain,
        #[uniffi(default)] action_plan: String => plain,
    }
}

mirror_record! {
    /// Something I can do on my own to get through a hard moment.
    CopingStrategy => tc::CopingStrategy {
        id: String => id,
        description: String => plain,
        domain: Domain => plain,
    }
}

mirror_record! {
    /// A person or place for distraction.
    Distraction => tc::Distraction {
        id: String => id,
        kind: DistractionKind => plain,
        name: String => plain,
        /// For a person who is also in the contacts.
        #[uniffi(default)] contact_id: Option<String> => opt_id,
        #[uniffi(default)] notes: String => plain,
    }
}

mirror_record! {
    /// A reason for living or for recovery.
    Reason => tc::Reason {
        id: String => id,
        kind: ReasonKind => plain,
        text: String => plain,
    }
}

mirror_record! {
    Goal => tc::Goal {
        id: String => id,
        title: String => plain,
        /// `YYYY-MM-DD`.
        #[uniffi(default)] target_date: Option<String> => opt_day,
        #[uniffi(default)] done: bool => plain,
    }
}

mirror_record! {
    /// A small step towards a goal (removed with its goal).
    GoalStep => tc::GoalStep {
        id: String => id,
        goal_id: String => id,
        text: String => plain,
        #[uniffi(default)] done: bool => plain,
    }
}

mirror_record! {
    /// One rung of the crisis ladder: who to contact, in the plan's order, and what they do.
    CrisisContact => tc::CrisisContact {
        id: String => id,
        contact_id: String => id,
        #[uniffi(default)] will_do: String => plain,
    }
}

mirror_record! {
    /// Someone not to involve in a crisis.
    DoNotInvolve => tc::DoNotInvolve {
        id: String => id,
        #[uniffi(default)] contact_id: Option<String> => opt_id,
        name: String => plain,
        #[uniffi(default)] reason: String => plain,
    }
}

mirror_record! {
    /// A professional or crisis line from the contacts, with what they are for in a crisis.
    Professional => tc::Professional {
        id: String => id,
        contact_id: String => id,
        #[uniffi(default)] role_note: String => plain,
    }
}

mirror_record! {
    Medication => tc::Medication {
        id: String => id,
        name: String => plain,
        preference: MedicationPreference => plain,
        #[uniffi(default)] reason: String => plain,
    }
}

mirror_record! {
    Treatment => tc::Treatment {
        id: String => id,
        name: String => plain,
        kind: TreatmentKind => plain,
        preference: TreatmentPreference => plain,
        #[uniffi(default)] reason: String => plain,
    }
}

mirror_record! {
    /// One step of making the environment safe (means safety).
    SafetyStep => tc::SafetyStep {
        id: String => id,
        description: String => plain,
        #[uniffi(default)] done: bool => plain,
    }
}
