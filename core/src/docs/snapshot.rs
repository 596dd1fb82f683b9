//! Whole-document snapshots: the typed, validated view of one document used for JSON export
//! and import (data portability) and to check imported Automerge bytes before they are kept.

use automerge::AutoCommit;
use serde::{Deserialize, Serialize};

use crate::docs::items;
use crate::docs::kind::DocKind;
use std::collections::{HashMap, HashSet};

use crate::docs::sections::{self as s, Item, Reference, Section, SectionId, WHEN_WELL};
use crate::error::{Error, Result};
use crate::model::contacts::Contact;
use crate::model::ids::ItemId;
use crate::model::journal::{CheckIn, Lapse, Recovery};
use crate::model::plan::*;
use crate::model::schedule::{Attendance, Meeting};
use crate::model::sharing::{MentorNote, SharedAlert, SharedMilestone, Suggestion, WeekSummary};

/// The name and version of the JSON export format.
pub const JSON_FORMAT: &str = "twofold-document";
pub const JSON_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanDocument {
    pub when_well: String,
    pub daily_maintenance: Vec<MaintenanceItem>,
    pub triggers: Vec<Trigger>,
    pub warning_signs: Vec<WarningSign>,
    pub coping_strategies: Vec<CopingStrategy>,
    pub distractions: Vec<Distraction>,
    pub reasons: Vec<Reason>,
    pub goals: Vec<Goal>,
    pub goal_steps: Vec<GoalStep>,
    pub takeover_signs: Vec<PlanNote>,
    pub crisis_contacts: Vec<CrisisContact>,
    pub do_not_involve: Vec<DoNotInvolve>,
    pub professionals: Vec<Professional>,
    pub medications: Vec<Medication>,
    pub treatments: Vec<Treatment>,
    pub what_helps: Vec<PlanNote>,
    pub what_does_not_help: Vec<PlanNote>,
    pub environment_safety: Vec<SafetyStep>,
    pub lapse_plan: Vec<PlanNote>,
    pub post_crisis_plan: Vec<PlanNote>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactsDocument {
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduleDocument {
    pub meetings: Vec<Meeting>,
    pub attendance: Vec<Attendance>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JournalDocument {
    pub check_ins: Vec<CheckIn>,
    pub recoveries: Vec<Recovery>,
    pub lapses: Vec<Lapse>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummaryDocument {
    pub weeks: Vec<WeekSummary>,
    pub milestones: Vec<SharedMilestone>,
    pub open_alerts: Vec<SharedAlert>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotesDocument {
    pub mentor_notes: Vec<MentorNote>,
    pub suggestions: Vec<Suggestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // one per export; boxing buys nothing
pub enum DocumentSnapshot {
    Plan(PlanDocument),
    Contacts(ContactsDocument),
    Schedule(ScheduleDocument),
    Journal(JournalDocument),
    Summary(SummaryDocument),
    Notes(NotesDocument),
}

/// The JSON export file: format marker, version, then the tagged document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonExport {
    pub format: String,
    pub version: u32,
    #[serde(flatten)]
    pub document: DocumentSnapshot,
}

/// Applies `f` to every (section, items) pair of a snapshot, typed.
trait SectionVisitor {
    fn visit<T: Item>(&mut self, section: Section<T>, items: &[T]) -> Result<()>;
}

impl DocumentSnapshot {
    pub fn kind(&self) -> DocKind {
        match self {
            DocumentSnapshot::Plan(_) => DocKind::Plan,
            DocumentSnapshot::Contacts(_) => DocKind::Contacts,
            DocumentSnapshot::Schedule(_) => DocKind::Schedule,
            DocumentSnapshot::Journal(_) => DocKind::Journal,
            DocumentSnapshot::Summary(_) => DocKind::Summary,
            DocumentSnapshot::Notes(_) => DocKind::Notes,
        }
    }

    /// Reads the whole typed state of `doc`.
    pub fn read(kind: DocKind, doc: &AutoCommit) -> Result<Self> {
        Ok(match kind {
            DocKind::Plan => DocumentSnapshot::Plan(PlanDocument {
                when_well: items::get_text(doc, WHEN_WELL)?,
                daily_maintenance: items::list(doc, s::DAILY_MAINTENANCE)?,
                triggers: items::list(doc, s::TRIGGERS)?,
                warning_signs: items::list(doc, s::WARNING_SIGNS)?,
                coping_strategies: items::list(doc, s::COPING_STRATEGIES)?,
                distractions: items::list(doc, s::DISTRACTIONS)?,
                reasons: items::list(doc, s::REASONS)?,
                goals: items::list(doc, s::GOALS)?,
                goal_steps: items::list(doc, s::GOAL_STEPS)?,
                takeover_signs: items::list(doc, s::TAKEOVER_SIGNS)?,
                crisis_contacts: items::list(doc, s::CRISIS_CONTACTS)?,
                do_not_involve: items::list(doc, s::DO_NOT_INVOLVE)?,
                professionals: items::list(doc, s::PROFESSIONALS)?,
                medications: items::list(doc, s::MEDICATIONS)?,
                treatments: items::list(doc, s::TREATMENTS)?,
                what_helps: items::list(doc, s::WHAT_HELPS)?,
                what_does_not_help: items::list(doc, s::WHAT_DOES_NOT_HELP)?,
                environment_safety: items::list(doc, s::ENVIRONMENT_SAFETY)?,
                lapse_plan: items::list(doc, s::LAPSE_PLAN)?,
                post_crisis_plan: items::list(doc, s::POST_CRISIS_PLAN)?,
            }),
            DocKind::Contacts => DocumentSnapshot::Contacts(ContactsDocument {
                contacts: items::list(doc, s::CONTACTS)?,
            }),
            DocKind::Schedule => DocumentSnapshot::Schedule(ScheduleDocument {
                meetings: items::list(doc, s::MEETINGS)?,
                attendance: items::list(doc, s::ATTENDANCE)?,
            }),
            DocKind::Journal => DocumentSnapshot::Journal(JournalDocument {
                check_ins: items::list(doc, s::CHECK_INS)?,
                recoveries: items::list(doc, s::RECOVERIES)?,
                lapses: items::list(doc, s::LAPSES)?,
            }),
            DocKind::Summary => DocumentSnapshot::Summary(SummaryDocument {
                weeks: items::list(doc, s::WEEKS)?,
                milestones: items::list(doc, s::MILESTONES)?,
                open_alerts: items::list(doc, s::OPEN_ALERTS)?,
            }),
            DocKind::Notes => DocumentSnapshot::Notes(NotesDocument {
                mentor_notes: items::list(doc, s::MENTOR_NOTES)?,
                suggestions: items::list(doc, s::SUGGESTIONS)?,
            }),
        })
    }

    fn visit(&self, v: &mut impl SectionVisitor) -> Result<()> {
        match self {
            DocumentSnapshot::Plan(p) => {
                v.visit(s::DAILY_MAINTENANCE, &p.daily_maintenance)?;
                v.visit(s::TRIGGERS, &p.triggers)?;
                v.visit(s::WARNING_SIGNS, &p.warning_signs)?;
                v.visit(s::COPING_STRATEGIES, &p.coping_strategies)?;
                v.visit(s::DISTRACTIONS, &p.distractions)?;
                v.visit(s::REASONS, &p.reasons)?;
                v.visit(s::GOALS, &p.goals)?;
                v.visit(s::GOAL_STEPS, &p.goal_steps)?;
                v.visit(s::TAKEOVER_SIGNS, &p.takeover_signs)?;
                v.visit(s::CRISIS_CONTACTS, &p.crisis_contacts)?;
                v.visit(s::DO_NOT_INVOLVE, &p.do_not_involve)?;
                v.visit(s::PROFESSIONALS, &p.professionals)?;
                v.visit(s::MEDICATIONS, &p.medications)?;
                v.visit(s::TREATMENTS, &p.treatments)?;
                v.visit(s::WHAT_HELPS, &p.what_helps)?;
                v.visit(s::WHAT_DOES_NOT_HELP, &p.what_does_not_help)?;
                v.visit(s::ENVIRONMENT_SAFETY, &p.environment_safety)?;
                v.visit(s::LAPSE_PLAN, &p.lapse_plan)?;
                v.visit(s::POST_CRISIS_PLAN, &p.post_crisis_plan)
            }
            DocumentSnapshot::Contacts(c) => v.visit(s::CONTACTS, &c.contacts),
            DocumentSnapshot::Schedule(sc) => {
                v.visit(s::MEETINGS, &sc.meetings)?;
                v.visit(s::ATTENDANCE, &sc.attendance)
            }
            DocumentSnapshot::Journal(j) => {
                v.visit(s::CHECK_INS, &j.check_ins)?;
                v.visit(s::RECOVERIES, &j.recoveries)?;
                v.visit(s::LAPSES, &j.lapses)
            }
            DocumentSnapshot::Summary(su) => {
                v.visit(s::WEEKS, &su.weeks)?;
                v.visit(s::MILESTONES, &su.milestones)?;
                v.visit(s::OPEN_ALERTS, &su.open_alerts)
            }
            DocumentSnapshot::Notes(n) => {
                v.visit(s::MENTOR_NOTES, &n.mentor_notes)?;
                v.visit(s::SUGGESTIONS, &n.suggestions)
            }
        }
    }

    /// Every item valid and ids unique per section. Returns every reference the items make;
    /// whether they resolve is the caller's question (a merge may legitimately leave one
    /// dangling — one device removed what another pointed at — a JSON import may not).
    pub fn validate(&self) -> Result<Vec<(SectionId, Reference)>> {
        struct Check {
            ids: HashMap<SectionId, HashSet<ItemId>>,
            refs: Vec<(SectionId, Reference)>,
        }
        impl SectionVisitor for Check {
            fn visit<T: Item>(&mut self, section: Section<T>, items: &[T]) -> Result<()> {
                let seen = self.ids.entry(section.id).or_default();
                for item in items {
                    ItemId::parse(&format!("{}.id", section.id.key()), item.id().as_str())?;
                    item.validate().map_err(|e| prefix(section.id, e))?;
                    if !seen.insert(item.id().clone()) {
                        return Err(Error::invalid(
                            format!("{}.id", section.id.key()),
                            "appears twice",
                        ));
                    }
                    self.refs
                        .extend(item.references().into_iter().map(|r| (section.id, r)));
                }
                Ok(())
            }
        }
        if let DocumentSnapshot::Plan(p) = self {
            crate::model::validate::optional(
                WHEN_WELL,
                &p.when_well,
                crate::model::validate::MAX_LONG,
            )?;
        }
        let mut check = Check {
            ids: HashMap::new(),
            refs: Vec::new(),
        };
        self.visit(&mut check)?;
        Ok(check.refs)
    }

    /// Whether this snapshot holds `id` in `section`.
    pub fn contains(&self, section: SectionId, id: &ItemId) -> bool {
        struct Find<'a>(SectionId, &'a ItemId, bool);
        impl SectionVisitor for Find<'_> {
            fn visit<T: Item>(&mut self, section: Section<T>, items: &[T]) -> Result<()> {
                if section.id == self.0 {
                    self.2 |= items.iter().any(|i| i.id() == self.1);
                }
                Ok(())
            }
        }
        let mut find = Find(section, id, false);
        // The visitor above never fails.
        let _ = self.visit(&mut find);
        find.2
    }

    /// Writes every item of the snapshot into `doc` (inserting or updating by id).
    pub fn write_into(&self, doc: &mut AutoCommit) -> Result<()> {
        struct Write<'a>(&'a mut AutoCommit);
        impl SectionVisitor for Write<'_> {
            fn visit<T: Item>(&mut self, section: Section<T>, items: &[T]) -> Result<()> {
                for item in items {
                    items::put(self.0, section, item)?;
                }
                Ok(())
            }
        }
        if let DocumentSnapshot::Plan(p) = self {
            items::put_text(doc, WHEN_WELL, &p.when_well)?;
        }
        self.visit(&mut Write(doc))
    }
}

/// Names the section in a field error: `triggers.description`.
pub fn prefix(section: SectionId, e: Error) -> Error {
    match e {
        Error::Invalid(mut inv) => {
            inv.field = format!("{}.{}", section.key(), inv.field);
            Error::Invalid(inv)
        }
        other => other,
    }
}
