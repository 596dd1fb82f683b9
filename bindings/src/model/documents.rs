//! Documents and sections by name, whole-document snapshots (what a document listener
//! receives), and field conflicts.

use twofold_core as tc;

use crate::convert::{mirror_enum, mirror_record};
use crate::model::contacts::Contact;
use crate::model::journal::{CheckIn, Lapse, Recovery};
use crate::model::plan::*;
use crate::model::schedule::{Attendance, Meeting};

mirror_enum! {
    /// A document: the person's four, the wellbeing summary derived from the journal (to
    /// share instead of it), and a mentor's notes and suggestions. A document is the unit of
    /// sharing, export and import.
    DocumentKind => tc::DocKind { Plan, Contacts, Schedule, Journal, Summary, Notes }
}

mirror_enum! {
    /// Every section of every document, for the operations that work on any section
    /// (`remove_item`, `move_item`, `item_conflicts`, `count_items`).
    SectionName => tc::SectionId {
        DailyMaintenance, Triggers, WarningSigns, CopingStrategies, Distractions, Reasons, Goals,
        GoalSteps, TakeoverSigns, CrisisContacts, DoNotInvolve, Professionals, Medications,
        Treatments, WhatHelps, WhatDoesNotHelp, EnvironmentSafety, LapsePlan, PostCrisisPlan,
        Contacts, Meetings, Attendance, CheckIns, Recoveries, Lapses, Weeks, Milestones,
        OpenAlerts, MentorNotes, Suggestions,
    }
}

mirror_record! {
    out
    /// A field of an item that holds concurrent values written on different devices.
    FieldConflict => tc::FieldConflict {
        field: String => plain,
        /// Every concurrent value as JSON; the first is the one the document shows.
        values: Vec<String> => plain,
    }
}

mirror_record! {
    out
    /// The whole plan, every section in the person's order.
    PlanDocument => tc::docs::snapshot::PlanDocument {
        when_well: String => plain,
        daily_maintenance: Vec<MaintenanceItem> => records,
        triggers: Vec<Trigger> => records,
        warning_signs: Vec<WarningSign> => records,
        coping_strategies: Vec<CopingStrategy> => records,
        distractions: Vec<Distraction> => records,
        reasons: Vec<Reason> => records,
        goals: Vec<Goal> => records,
        goal_steps: Vec<GoalStep> => records,
        takeover_signs: Vec<PlanNote> => records,
        crisis_contacts: Vec<CrisisContact> => records,
        do_not_involve: Vec<DoNotInvolve> => records,
        professionals: Vec<Professional> => records,
        medications: Vec<Medication> => records,
        treatments: Vec<Treatment> => records,
        what_helps: Vec<PlanNote> => records,
        what_does_not_help: Vec<PlanNote> => records,
        environment_safety: Vec<SafetyStep> => records,
        lapse_plan: Vec<PlanNote> => records,
        post_crisis_plan: Vec<PlanNote> => records,
    }
}

mirror_record! {
    out
    ContactsDocument => tc::docs::snapshot::ContactsDocument {
        contacts: Vec<Contact> => records,
    }
}

mirror_record! {
    out
    ScheduleDocument => tc::docs::snapshot::ScheduleDocument {
        meetings: Vec<Meeting> => records,
        attendance: Vec<Attendance> => records,
    }
}

mirror_record! {
    out
    JournalDocument => tc::docs::snapshot::JournalDocument {
        check_ins: Vec<CheckIn> => records,
        recoveries: Vec<Recovery> => records,
        lapses: Vec<Lapse> => records,
    }
}

/// The whole typed state of one document.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[allow(clippy::large_enum_variant)] // one per delivery; boxing buys nothing across the FFI
pub enum DocumentSnapshot {
    Plan {
        plan: PlanDocument,
    },
    Contacts {
        contacts: ContactsDocument,
    },
    Schedule {
        schedule: ScheduleDocument,
    },
    Journal {
        journal: JournalDocument,
    },
    /// The wellbeing summary and a mentor's notes travel as their export JSON until their
    /// records are mirrored here.
    Summary {
        json: String,
    },
    Notes {
        json: String,
    },
}

impl From<tc::DocumentSnapshot> for DocumentSnapshot {
    fn from(s: tc::DocumentSnapshot) -> Self {
        match s {
            tc::DocumentSnapshot::Plan(plan) => DocumentSnapshot::Plan { plan: plan.into() },
            tc::DocumentSnapshot::Contacts(c) => DocumentSnapshot::Contacts { contacts: c.into() },
            tc::DocumentSnapshot::Schedule(s) => DocumentSnapshot::Schedule { schedule: s.into() },
            tc::DocumentSnapshot::Journal(j) => DocumentSnapshot::Journal { journal: j.into() },
            other @ tc::DocumentSnapshot::Summary(_) => DocumentSnapshot::Summary {
                json: snapshot_json(&other),
            },
            other @ tc::DocumentSnapshot::Notes(_) => DocumentSnapshot::Notes {
                json: snapshot_json(&other),
            },
        }
    }
}

fn snapshot_json(s: &tc::DocumentSnapshot) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
