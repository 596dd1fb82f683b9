//! Every list in every document is a *section*: an Automerge map from item id to item, under a
//! fixed key of the document's root. Keyed maps (rather than lists) mean concurrent edits of
//! different items always merge, and an item keeps its identity when it is reordered; order,
//! where it matters, is a `pos` number stored beside the item's fields.

use std::marker::PhantomData;

use autosurgeon::{Hydrate, Reconcile};
use serde::{de::DeserializeOwned, Serialize};

use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::model::contacts::Contact;
use crate::model::harm_reduction::{NaloxoneKit, NaloxoneResponder, NeverUseAloneLine};
use crate::model::ids::ItemId;
use crate::model::journal::{CheckIn, Lapse, Recovery};
use crate::model::medication::ScheduledMedication;
use crate::model::plan::*;
use crate::model::schedule::{Attendance, Meeting};
use crate::model::sharing::{MentorNote, SharedAlert, SharedMilestone, Suggestion, WeekSummary};
use crate::model::validate::Validate;

/// The one list of sections: every section of every document, grouped by document. Everything
/// that names each section (the `SectionId` enum and its keys, the typed constants below, the
/// document snapshots, and in the FFI crate the per-section methods, `SectionName` and
/// `SectionItem`) is generated from it, so adding a section means adding one line here.
///
/// `for_each_section!(callback)` calls `callback!` with the list;
/// `for_each_section!(callback, tokens…)` puts the tokens first (to pass arguments through).
/// Each group is
/// `Kind(SnapshotType) { … }` (a `DocKind` variant and the snapshot struct of that document);
/// each line is
///
/// ```text
/// Variant key CONSTANT: ItemType, ordered: bool, suggest: bool[, ffi: put get list];
/// ```
///
/// - `key`: the section's map in the document root (and its snapshot field);
/// - `ordered`: whether the person orders the items (plan lists) or time does (check-ins);
/// - `suggest`: whether a mentor may suggest an item for it;
/// - `ffi`: the names of the FFI's typed methods, for the person's own four documents
///   (macro_rules cannot build `put_coping_strategy` from the key).
#[macro_export]
macro_rules! for_each_section {
    ($callback:path) => {
        $crate::for_each_section!($callback,);
    };
    ($callback:path, $($args:tt)*) => {
        $callback! {
            $($args)*
            Plan(PlanDocument) {
                DailyMaintenance daily_maintenance DAILY_MAINTENANCE: MaintenanceItem, ordered: true, suggest: true, ffi: put_maintenance_item get_maintenance_item list_daily_maintenance;
                Triggers triggers TRIGGERS: Trigger, ordered: true, suggest: true, ffi: put_trigger get_trigger list_triggers;
                WarningSigns warning_signs WARNING_SIGNS: WarningSign, ordered: true, suggest: true, ffi: put_warning_sign get_warning_sign list_warning_signs;
                CopingStrategies coping_strategies COPING_STRATEGIES: CopingStrategy, ordered: true, suggest: true, ffi: put_coping_strategy get_coping_strategy list_coping_strategies;
                Distractions distractions DISTRACTIONS: Distraction, ordered: true, suggest: true, ffi: put_distraction get_distraction list_distractions;
                Reasons reasons REASONS: Reason, ordered: true, suggest: true, ffi: put_reason get_reason list_reasons;
                Goals goals GOALS: Goal, ordered: true, suggest: true, ffi: put_goal get_goal list_goals;
                GoalSteps goal_steps GOAL_STEPS: GoalStep, ordered: true, suggest: true, ffi: put_goal_step get_goal_step list_goal_steps;
                TakeoverSigns takeover_signs TAKEOVER_SIGNS: PlanNote, ordered: true, suggest: false, ffi: put_takeover_sign get_takeover_sign list_takeover_signs;
                CrisisContacts crisis_contacts CRISIS_CONTACTS: CrisisContact, ordered: true, suggest: false, ffi: put_crisis_contact get_crisis_contact list_crisis_contacts;
                DoNotInvolve do_not_involve DO_NOT_INVOLVE: DoNotInvolve, ordered: true, suggest: false, ffi: put_do_not_involve get_do_not_involve list_do_not_involve;
                Professionals professionals PROFESSIONALS: Professional, ordered: true, suggest: false, ffi: put_professional get_professional list_professionals;
                Medications medications MEDICATIONS: Medication, ordered: true, suggest: false, ffi: put_medication get_medication list_medications;
                Treatments treatments TREATMENTS: Treatment, ordered: true, suggest: false, ffi: put_treatment get_treatment list_treatments;
                WhatHelps what_helps WHAT_HELPS: PlanNote, ordered: true, suggest: true, ffi: put_what_helps get_what_helps list_what_helps;
                WhatDoesNotHelp what_does_not_help WHAT_DOES_NOT_HELP: PlanNote, ordered: true, suggest: true, ffi: put_what_does_not_help get_what_does_not_help list_what_does_not_help;
                EnvironmentSafety environment_safety ENVIRONMENT_SAFETY: SafetyStep, ordered: true, suggest: true, ffi: put_safety_step get_safety_step list_environment_safety;
                LapsePlan lapse_plan LAPSE_PLAN: PlanNote, ordered: true, suggest: true, ffi: put_lapse_plan_step get_lapse_plan_step list_lapse_plan;
                PostCrisisPlan post_crisis_plan POST_CRISIS_PLAN: PlanNote, ordered: true, suggest: true, ffi: put_post_crisis_step get_post_crisis_step list_post_crisis_plan;
                NaloxoneKits naloxone_kits NALOXONE_KITS: NaloxoneKit, ordered: true, suggest: false, ffi: put_naloxone_kit get_naloxone_kit list_naloxone_kits;
                NeverUseAlone never_use_alone NEVER_USE_ALONE: NeverUseAloneLine, ordered: true, suggest: false, ffi: put_never_use_alone_line get_never_use_alone_line list_never_use_alone;
                NaloxoneResponders naloxone_responders NALOXONE_RESPONDERS: NaloxoneResponder, ordered: true, suggest: false, ffi: put_naloxone_responder get_naloxone_responder list_naloxone_responders;
            }
            Contacts(ContactsDocument) {
                Contacts contacts CONTACTS: Contact, ordered: true, suggest: true, ffi: put_contact get_contact list_contacts;
            }
            Schedule(ScheduleDocument) {
                Meetings meetings MEETINGS: Meeting, ordered: false, suggest: true, ffi: put_meeting get_meeting list_meetings;
                Attendance attendance ATTENDANCE: Attendance, ordered: false, suggest: false, ffi: put_attendance get_attendance list_attendance;
            }
            Journal(JournalDocument) {
                CheckIns check_ins CHECK_INS: CheckIn, ordered: false, suggest: false, ffi: put_check_in get_check_in list_check_ins;
                Recoveries recoveries RECOVERIES: Recovery, ordered: false, suggest: false, ffi: put_recovery get_recovery list_recoveries;
                Lapses lapses LAPSES: Lapse, ordered: false, suggest: false, ffi: put_lapse get_lapse list_lapses;
                MedicationSchedule medication_schedule MEDICATION_SCHEDULE: ScheduledMedication, ordered: true, suggest: false, ffi: put_scheduled_medication get_scheduled_medication list_medication_schedule;
            }
            Summary(SummaryDocument) {
                Weeks weeks WEEKS: WeekSummary, ordered: false, suggest: false;
                Milestones milestones MILESTONES: SharedMilestone, ordered: false, suggest: false;
                OpenAlerts open_alerts OPEN_ALERTS: SharedAlert, ordered: false, suggest: false;
            }
            Notes(NotesDocument) {
                MentorNotes mentor_notes MENTOR_NOTES: MentorNote, ordered: false, suggest: false;
                Suggestions suggestions SUGGESTIONS: Suggestion, ordered: false, suggest: false;
            }
        }
    };
}

macro_rules! define_sections {
    ($( $doc:ident($snapshot:ident) {
        $( $variant:ident $key:ident $constant:ident: $item:ident,
           ordered: $ordered:literal, suggest: $suggest:literal $(, ffi: $($ffi:ident)+)?; )+
    } )+) => {
        /// Names every section of every document.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SectionId { $($($variant),+),+ }

        impl SectionId {
            pub const ALL: &'static [SectionId] = &[$($(SectionId::$variant),+),+];

            /// The key of the section's map in the document root.
            pub fn key(self) -> &'static str {
                match self { $($(SectionId::$variant => stringify!($key)),+),+ }
            }

            pub fn doc(self) -> DocKind {
                match self { $($(SectionId::$variant => DocKind::$doc),+),+ }
            }

            /// Whether the person orders the items (plan lists) or time does (check-ins).
            pub fn ordered(self) -> bool {
                match self { $($(SectionId::$variant => $ordered),+),+ }
            }

            /// Whether a mentor may suggest an item for the section (the journal and the
            /// parts of the plan that name people or treatments are the person's own).
            pub fn suggestible(self) -> bool {
                match self { $($(SectionId::$variant => $suggest),+),+ }
            }
        }

        $($(
            pub const $constant: Section<$item> = Section::new(SectionId::$variant);
        )+)+
    };
}

crate::for_each_section!(define_sections);

impl SectionId {
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        SectionId::ALL
            .iter()
            .copied()
            .find(|s| s.key() == raw)
            .ok_or_else(|| Error::invalid(field, "is not a known section"))
    }

    /// The schema version whose change created the section: 1 for the genesis, later for
    /// sections added since (see [`crate::docs::genesis`]). A document from older code lacks
    /// a later section until its upgrade change arrives; until then it reads as empty.
    pub fn since_schema(self) -> u64 {
        match self {
            SectionId::NaloxoneKits
            | SectionId::NeverUseAlone
            | SectionId::NaloxoneResponders
            | SectionId::MedicationSchedule => 2,
            _ => 1,
        }
    }

    pub fn of(doc: DocKind) -> impl Iterator<Item = SectionId> {
        SectionId::ALL
            .iter()
            .copied()
            .filter(move |s| s.doc() == doc)
    }
}

/// A reference from one item to another, checked before the referring item is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub field: &'static str,
    pub target: SectionId,
    pub id: ItemId,
    /// A strong reference keeps its target from being removed (a contact on the crisis
    /// ladder); a weak one may dangle later (a trigger named in an old check-in).
    pub strong: bool,
}

/// What every stored item is.
pub trait Item:
    Reconcile
    + Hydrate
    + Validate
    + Serialize
    + DeserializeOwned
    + Clone
    + PartialEq
    + std::fmt::Debug
    + Send
    + 'static
{
    fn id(&self) -> &ItemId;

    fn references(&self) -> Vec<Reference> {
        Vec::new()
    }
}

/// A typed handle on one section: `sections::TRIGGERS` holds `Trigger`s.
#[derive(Debug)]
pub struct Section<T> {
    pub id: SectionId,
    _item: PhantomData<fn() -> T>,
}

impl<T> Clone for Section<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Section<T> {}

impl<T: Item> Section<T> {
    pub const fn new(id: SectionId) -> Self {
        Section {
            id,
            _item: PhantomData,
        }
    }
}

fn strong(field: &'static str, target: SectionId, id: &ItemId) -> Reference {
    Reference {
        field,
        target,
        id: id.clone(),
        strong: true,
    }
}

fn weak(field: &'static str, target: SectionId, id: &ItemId) -> Reference {
    Reference {
        field,
        target,
        id: id.clone(),
        strong: false,
    }
}

macro_rules! plain_items {
    ($($t:ty),+) => { $(impl Item for $t { fn id(&self) -> &ItemId { &self.id } })+ };
}

plain_items!(
    MaintenanceItem,
    Trigger,
    WarningSign,
    CopingStrategy,
    Reason,
    Goal,
    PlanNote,
    Medication,
    Treatment,
    SafetyStep,
    NaloxoneKit,
    NeverUseAloneLine,
    ScheduledMedication,
    Contact,
    Meeting,
    Recovery,
    WeekSummary,
    SharedMilestone,
    SharedAlert,
    MentorNote,
    Suggestion
);

/// Items that point at other items: `Type => |item| references;`.
macro_rules! referencing_items {
    ($($t:ty => |$item:ident| $refs:expr;)+) => {
        $(impl Item for $t {
            fn id(&self) -> &ItemId {
                &self.id
            }
            fn references(&self) -> Vec<Reference> {
                let $item = self;
                $refs
            }
        })+
    };
}

referencing_items! {
    Distraction => |d| d.contact_id.iter().map(|c| strong("contact_id", SectionId::Contacts, c)).collect();
    DoNotInvolve => |d| d.contact_id.iter().map(|c| strong("contact_id", SectionId::Contacts, c)).collect();
    GoalStep => |g| vec![strong("goal_id", SectionId::Goals, &g.goal_id)];
    CrisisContact => |c| vec![strong("contact_id", SectionId::Contacts, &c.contact_id)];
    Professional => |p| vec![strong("contact_id", SectionId::Contacts, &p.contact_id)];
    NaloxoneResponder => |r| vec![strong("contact_id", SectionId::Contacts, &r.contact_id)];
    Attendance => |a| vec![weak("meeting_id", SectionId::Meetings, &a.meeting_id)];
    Lapse => |l| vec![strong("recovery_id", SectionId::Recoveries, &l.recovery_id)];
    CheckIn => |c| {
        let triggers = c.triggers_met.iter().map(|id| weak("triggers_met", SectionId::Triggers, id));
        let coping = c.coping_used.iter().map(|id| weak("coping_used", SectionId::CopingStrategies, id));
        let signs = c.warning_signs.iter().map(|id| weak("warning_signs", SectionId::WarningSigns, id));
        let doses = c.doses.iter().map(|d| weak("doses", SectionId::MedicationSchedule, &d.medication_id));
        triggers.chain(coping).chain(signs).chain(doses).collect()
    };
}

/// Root-level text fields that are not lists (the plan's "when I'm well").
pub const WHEN_WELL: &str = "when_well";
