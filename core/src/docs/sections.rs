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
use crate::model::ids::ItemId;
use crate::model::journal::{CheckIn, Lapse, Recovery};
use crate::model::plan::*;
use crate::model::schedule::{Attendance, Meeting};
use crate::model::sharing::{MentorNote, SharedAlert, SharedMilestone, Suggestion, WeekSummary};
use crate::model::validate::Validate;

macro_rules! sections {
    ($( $variant:ident => ($key:literal, $doc:ident, $ordered:literal) ),+ $(,)?) => {
        /// Names every section of every document.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SectionId { $($variant),+ }

        impl SectionId {
            pub const ALL: &'static [SectionId] = &[$(SectionId::$variant),+];

            /// The key of the section's map in the document root.
            pub fn key(self) -> &'static str {
                match self { $(SectionId::$variant => $key),+ }
            }

            pub fn doc(self) -> DocKind {
                match self { $(SectionId::$variant => DocKind::$doc),+ }
            }

            /// Whether the person orders the items (plan lists) or time does (check-ins).
            pub fn ordered(self) -> bool {
                match self { $(SectionId::$variant => $ordered),+ }
            }
        }
    };
}

sections! {
    DailyMaintenance => ("daily_maintenance", Plan, true),
    Triggers => ("triggers", Plan, true),
    WarningSigns => ("warning_signs", Plan, true),
    CopingStrategies => ("coping_strategies", Plan, true),
    Distractions => ("distractions", Plan, true),
    Reasons => ("reasons", Plan, true),
    Goals => ("goals", Plan, true),
    GoalSteps => ("goal_steps", Plan, true),
    TakeoverSigns => ("takeover_signs", Plan, true),
    CrisisContacts => ("crisis_contacts", Plan, true),
    DoNotInvolve => ("do_not_involve", Plan, true),
    Professionals => ("professionals", Plan, true),
    Medications => ("medications", Plan, true),
    Treatments => ("treatments", Plan, true),
    WhatHelps => ("what_helps", Plan, true),
    WhatDoesNotHelp => ("what_does_not_help", Plan, true),
    EnvironmentSafety => ("environment_safety", Plan, true),
    LapsePlan => ("lapse_plan", Plan, true),
    PostCrisisPlan => ("post_crisis_plan", Plan, true),
    Contacts => ("contacts", Contacts, true),
    Meetings => ("meetings", Schedule, false),
    Attendance => ("attendance", Schedule, false),
    CheckIns => ("check_ins", Journal, false),
    Recoveries => ("recoveries", Journal, false),
    Lapses => ("lapses", Journal, false),
    Weeks => ("weeks", Summary, false),
    Milestones => ("milestones", Summary, false),
    OpenAlerts => ("open_alerts", Summary, false),
    MentorNotes => ("mentor_notes", Notes, false),
    Suggestions => ("suggestions", Notes, false),
}

impl SectionId {
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        SectionId::ALL
            .iter()
            .copied()
            .find(|s| s.key() == raw)
            .ok_or_else(|| Error::invalid(field, "is not a known section"))
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
    Attendance => |a| vec![weak("meeting_id", SectionId::Meetings, &a.meeting_id)];
    Lapse => |l| vec![strong("recovery_id", SectionId::Recoveries, &l.recovery_id)];
    CheckIn => |c| {
        let triggers = c.triggers_met.iter().map(|id| weak("triggers_met", SectionId::Triggers, id));
        let coping = c.coping_used.iter().map(|id| weak("coping_used", SectionId::CopingStrategies, id));
        let signs = c.warning_signs.iter().map(|id| weak("warning_signs", SectionId::WarningSigns, id));
        triggers.chain(coping).chain(signs).collect()
    };
}

pub const DAILY_MAINTENANCE: Section<MaintenanceItem> = Section::new(SectionId::DailyMaintenance);
pub const TRIGGERS: Section<Trigger> = Section::new(SectionId::Triggers);
pub const WARNING_SIGNS: Section<WarningSign> = Section::new(SectionId::WarningSigns);
pub const COPING_STRATEGIES: Section<CopingStrategy> = Section::new(SectionId::CopingStrategies);
pub const DISTRACTIONS: Section<Distraction> = Section::new(SectionId::Distractions);
pub const REASONS: Section<Reason> = Section::new(SectionId::Reasons);
pub const GOALS: Section<Goal> = Section::new(SectionId::Goals);
pub const GOAL_STEPS: Section<GoalStep> = Section::new(SectionId::GoalSteps);
pub const TAKEOVER_SIGNS: Section<PlanNote> = Section::new(SectionId::TakeoverSigns);
pub const CRISIS_CONTACTS: Section<CrisisContact> = Section::new(SectionId::CrisisContacts);
pub const DO_NOT_INVOLVE: Section<DoNotInvolve> = Section::new(SectionId::DoNotInvolve);
pub const PROFESSIONALS: Section<Professional> = Section::new(SectionId::Professionals);
pub const MEDICATIONS: Section<Medication> = Section::new(SectionId::Medications);
pub const TREATMENTS: Section<Treatment> = Section::new(SectionId::Treatments);
pub const WHAT_HELPS: Section<PlanNote> = Section::new(SectionId::WhatHelps);
pub const WHAT_DOES_NOT_HELP: Section<PlanNote> = Section::new(SectionId::WhatDoesNotHelp);
pub const ENVIRONMENT_SAFETY: Section<SafetyStep> = Section::new(SectionId::EnvironmentSafety);
pub const LAPSE_PLAN: Section<PlanNote> = Section::new(SectionId::LapsePlan);
pub const POST_CRISIS_PLAN: Section<PlanNote> = Section::new(SectionId::PostCrisisPlan);
pub const CONTACTS: Section<Contact> = Section::new(SectionId::Contacts);
pub const MEETINGS: Section<Meeting> = Section::new(SectionId::Meetings);
pub const ATTENDANCE: Section<Attendance> = Section::new(SectionId::Attendance);
pub const CHECK_INS: Section<CheckIn> = Section::new(SectionId::CheckIns);
pub const RECOVERIES: Section<Recovery> = Section::new(SectionId::Recoveries);
pub const LAPSES: Section<Lapse> = Section::new(SectionId::Lapses);
pub const WEEKS: Section<WeekSummary> = Section::new(SectionId::Weeks);
pub const MILESTONES: Section<SharedMilestone> = Section::new(SectionId::Milestones);
pub const OPEN_ALERTS: Section<SharedAlert> = Section::new(SectionId::OpenAlerts);
pub const MENTOR_NOTES: Section<MentorNote> = Section::new(SectionId::MentorNotes);
pub const SUGGESTIONS: Section<Suggestion> = Section::new(SectionId::Suggestions);

/// Root-level text fields that are not lists (the plan's "when I'm well").
pub const WHEN_WELL: &str = "when_well";
