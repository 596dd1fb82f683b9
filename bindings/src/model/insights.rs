//! What the core works out from the journal and the plan: recovery milestones, patterns,
//! early-warning alerts and their thresholds, the crisis screen, asking for help, plan review
//! and the summary to share: `twofold_core::insights`, crossing as it is where it can.
//!
//! Mirrors remain for an alert and its next steps (the core's `NextStep::Contact` is a tuple
//! variant, whose generated field name would change), for values that carry hand-mirrored
//! items (a check-in's outcome, the crisis screen), and for inputs whose ids or days are
//! refused naming their field (help defaults, summary options).
//!
//! Texts the app shows are `Phrase`s (a code and parameters) for the app to translate, except
//! where the person wrote them.

use twofold_core as tc;
use twofold_core::insights as ti;
use twofold_core::{Day, ItemId};

use crate::convert::mirror_record;
use crate::model::care::{NaloxoneKit, NeverUseAloneLine};
use crate::model::contacts::{ContactRole, Phone};
use crate::model::journal::CheckIn;
use crate::model::plan::{CopingStrategy, DistractionKind, Reason, SafetyStep, WarningSign};
use crate::model::values::Count;

pub use tc::{
    AlertPriority, Direction, HelpDraft, HelpMessage, HelpRecipient, Lang, LapseHistory,
    LocalCrisisLine, Milestone, Patterns, Phrase, PlanReview, RecoveryProgress, Rule, Summary,
    SummaryPart, ThresholdSettings, ThresholdSuggestion, Thresholds,
};
pub use ti::crisis::{CrisisLineEntry, DistractionEntry, EmergencyEntry, ProfessionalEntry};
pub use ti::crisis_lines::{
    BundledLine, EmergencyNumber, EmergencyService, LineSource, RegionLines,
};
pub use ti::i18n::PhraseParam;
pub use ti::ladder::PersonToCall;
pub use ti::patterns::{AttendanceMood, CopingOutcome, Trend, TriggerCount, WindowPatterns};
pub use ti::review::SectionAge;

/// A language the core writes in (the summary, the default help text); every phrase code
/// exists in each.
#[uniffi::remote(Enum)]
pub enum Lang {
    En,
    Es,
    Fr,
    Pt,
    Ar,
}

#[uniffi::remote(Record)]
pub struct PhraseParam {
    pub name: String,
    pub value: String,
}

/// A text for the app to show in the person's language: a code and its parameters.
#[uniffi::remote(Record)]
pub struct Phrase {
    pub code: String,
    pub params: Vec<PhraseParam>,
}

// --- milestones ---------------------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct Milestone {
    pub days: i64,
    /// `YYYY-MM-DD`.
    pub on: Day,
    pub name: Phrase,
}

#[uniffi::remote(Record)]
pub struct LapseHistory {
    pub count: Count,
    pub longest_run_days: i64,
    pub days_between_lapses: Vec<i64>,
    pub last_lapse: Option<Day>,
}

/// One recovery's count of days, milestones and lapse history.
#[uniffi::remote(Record)]
pub struct RecoveryProgress {
    pub recovery_id: ItemId,
    pub substance: String,
    pub started: Day,
    pub since: Day,
    pub days: i64,
    pub reached: Option<Milestone>,
    pub reached_today: bool,
    pub next: Milestone,
    pub days_to_next: i64,
    pub lapses: LapseHistory,
}

// --- patterns -----------------------------------------------------------------------------------

#[uniffi::remote(Enum)]
pub enum Direction {
    Rising,
    Falling,
    Steady,
    Unknown,
}

#[uniffi::remote(Record)]
pub struct Trend {
    pub average: Option<f64>,
    pub previous_average: Option<f64>,
    pub direction: Direction,
}

#[uniffi::remote(Record)]
pub struct TriggerCount {
    pub trigger_id: ItemId,
    pub description: Option<String>,
    pub days: Count,
}

#[uniffi::remote(Record)]
pub struct CopingOutcome {
    pub coping_id: ItemId,
    pub description: Option<String>,
    pub days_used: Count,
    pub craving_same_day: Option<f64>,
    pub craving_next_day: Option<f64>,
    pub next_day_check_ins: Count,
}

#[uniffi::remote(Record)]
pub struct AttendanceMood {
    pub attended: Count,
    pub missed: Count,
    pub mood_on_meeting_days: Option<f64>,
    pub mood_day_after_meeting: Option<f64>,
    pub mood_other_days: Option<f64>,
}

#[uniffi::remote(Record)]
pub struct WindowPatterns {
    pub days: u32,
    pub from: Day,
    pub to: Day,
    pub days_with_check_in: Count,
    pub mood: Trend,
    pub craving: Trend,
    pub triggers: Vec<TriggerCount>,
    pub coping: Vec<CopingOutcome>,
    pub attendance: AttendanceMood,
}

#[uniffi::remote(Record)]
pub struct Patterns {
    pub today: Day,
    pub windows: Vec<WindowPatterns>,
}

// --- alerts -------------------------------------------------------------------------------------

/// An early-warning rule.
#[uniffi::remote(Enum)]
pub enum Rule {
    /// A use after a stretch of abstinence: lowered tolerance, overdose risk. High priority.
    ToleranceLowered,
    HighCraving,
    MoodDrop,
    WarningSign,
    MedicationMissed,
    MeetingsMissed,
    NoCheckIn,
}

/// Someone to call, from the plan's crisis ladder.
#[uniffi::remote(Record)]
pub struct PersonToCall {
    pub contact_id: ItemId,
    pub name: String,
    pub phones: Vec<Phone>,
    pub availability: String,
    /// What they agreed to do.
    pub will_do: String,
}

/// A step the person's own plan suggests for an alert.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum NextStep {
    WarningSignPlan {
        warning_sign_id: String,
        description: String,
        action_plan: String,
    },
    Coping {
        coping_id: String,
        description: String,
    },
    Contact {
        person: PersonToCall,
    },
    /// A step of the person's "if a lapse happens" plan.
    LapsePlan {
        step_id: String,
        text: String,
    },
    /// Where a naloxone kit is kept, and when it expires (`YYYY-MM-DD`).
    NaloxoneKit {
        kit_id: String,
        location: String,
        expires: Option<String>,
    },
    /// A "never use alone" line the person entered.
    NeverUseAlone {
        line_id: String,
        name: String,
        phone: String,
    },
    /// Someone who knows how to give naloxone (`will_do` is the person's note about them).
    NaloxoneResponder {
        person: PersonToCall,
    },
}

/// How urgently an alert asks for attention.
#[uniffi::remote(Enum)]
pub enum AlertPriority {
    Normal,
    High,
}

impl From<tc::NextStep> for NextStep {
    fn from(s: tc::NextStep) -> Self {
        match s {
            tc::NextStep::WarningSignPlan {
                warning_sign_id,
                description,
                action_plan,
            } => NextStep::WarningSignPlan {
                warning_sign_id: warning_sign_id.as_str().to_string(),
                description,
                action_plan,
            },
            tc::NextStep::Coping {
                coping_id,
                description,
            } => NextStep::Coping {
                coping_id: coping_id.as_str().to_string(),
                description,
            },
            tc::NextStep::Contact(person) => NextStep::Contact { person },
            tc::NextStep::LapsePlan { step_id, text } => NextStep::LapsePlan {
                step_id: step_id.as_str().to_string(),
                text,
            },
            tc::NextStep::NaloxoneKit {
                kit_id,
                location,
                expires,
            } => NextStep::NaloxoneKit {
                kit_id: kit_id.as_str().to_string(),
                location,
                expires: expires.map(|d| d.to_string()),
            },
            tc::NextStep::NeverUseAlone {
                line_id,
                name,
                phone,
            } => NextStep::NeverUseAlone {
                line_id: line_id.as_str().to_string(),
                name,
                phone,
            },
            tc::NextStep::NaloxoneResponder(person) => NextStep::NaloxoneResponder { person },
        }
    }
}

mirror_record! {
    out
    Alert => tc::Alert {
        rule: Rule => plain,
        priority: AlertPriority => plain,
        /// Identifies the situation; pass it back to `acknowledge_alert`.
        situation: String => plain,
        reason: Phrase => plain,
        since: String => day,
        acknowledged: bool => plain,
        warning_sign_ids: Vec<String> => ids,
        next_steps: Vec<NextStep> => each,
    }
}

mirror_record! {
    out
    CheckInOutcome => tc::CheckInOutcome {
        check_in: CheckIn => plain,
        alerts: Vec<Alert> => records,
    }
}

/// When the early-warning rules speak up.
#[uniffi::remote(Record)]
pub struct Thresholds {
    pub high_craving_level: u8,
    pub high_craving_days: u32,
    pub high_craving_window_days: u32,
    pub mood_drop_points: f64,
    pub mood_drop_window_days: u32,
    pub warning_sign_window_days: u32,
    pub medication_missed_days: u32,
    pub meetings_missed: u32,
    pub silence_days: u32,
    #[uniffi(default = 7)]
    pub tolerance_abstinent_days: u32,
}

/// Thresholds a mentor or clinician suggests; the owner accepts or dismisses them.
#[uniffi::remote(Record)]
pub struct ThresholdSuggestion {
    pub thresholds: Thresholds,
    pub suggested_by: String,
    pub at_ms: i64,
    #[uniffi(default)]
    pub note: String,
}

#[uniffi::remote(Record)]
pub struct ThresholdSettings {
    pub active: Thresholds,
    pub suggestion: Option<ThresholdSuggestion>,
}

// --- crisis screen and help ---------------------------------------------------------------------

/// The crisis line of the person's region, shown when the plan names none.
#[uniffi::remote(Record)]
pub struct LocalCrisisLine {
    pub name: String,
    pub number: String,
    #[uniffi(default)]
    pub text_number: Option<String>,
    #[uniffi(default)]
    pub url: Option<String>,
    pub region: String,
}

#[uniffi::remote(Record)]
pub struct DistractionEntry {
    pub id: ItemId,
    pub kind: DistractionKind,
    pub name: String,
    pub notes: String,
    pub phones: Vec<Phone>,
}

#[uniffi::remote(Record)]
pub struct ProfessionalEntry {
    pub contact_id: ItemId,
    pub name: String,
    pub roles: Vec<ContactRole>,
    pub phones: Vec<Phone>,
    pub availability: String,
    pub role_note: String,
}

#[uniffi::remote(Record)]
pub struct CrisisLineEntry {
    pub name: String,
    pub phones: Vec<Phone>,
    pub url: Option<String>,
    pub contact_id: Option<ItemId>,
    /// The region's default line: the one set on the device, or a bundled one.
    pub is_local_default: bool,
    /// The region whose bundled directory the line comes from.
    pub bundled_region: Option<String>,
    /// What a caller needs to know (an option to choose, the area served), in English.
    pub note: Option<String>,
}

/// What a country's emergency number reaches.
#[uniffi::remote(Enum)]
pub enum EmergencyService {
    All,
    Police,
    Ambulance,
    Fire,
}

/// The emergency number of the region the crisis screen was asked for.
#[uniffi::remote(Record)]
pub struct EmergencyEntry {
    pub region: String,
    pub number: String,
    pub services: Vec<EmergencyService>,
}

/// The public page a bundled number was confirmed against, and the day it was checked.
#[uniffi::remote(Record)]
pub struct LineSource {
    pub name: String,
    pub url: String,
    pub checked: Day,
}

#[uniffi::remote(Record)]
pub struct EmergencyNumber {
    pub number: String,
    pub services: Vec<EmergencyService>,
    pub source: LineSource,
}

#[uniffi::remote(Record)]
pub struct BundledLine {
    pub name: String,
    pub number: String,
    pub text_number: Option<String>,
    pub url: Option<String>,
    pub note: Option<String>,
    pub source: LineSource,
}

/// One country's bundled emergency number and crisis lines.
#[uniffi::remote(Record)]
pub struct RegionLines {
    /// ISO 3166-1 alpha-2.
    pub region: String,
    pub emergency: EmergencyNumber,
    pub lines: Vec<BundledLine>,
}

mirror_record! {
    out
    /// Everything the safety plan offers in a crisis, in the plan's order, in one value.
    CrisisScreen => tc::CrisisScreen {
        warning_signs: Vec<WarningSign> => records,
        coping_strategies: Vec<CopingStrategy> => records,
        distractions: Vec<DistractionEntry> => each,
        people_to_call: Vec<PersonToCall> => each,
        professionals: Vec<ProfessionalEntry> => each,
        crisis_lines: Vec<CrisisLineEntry> => each,
        emergency: Option<EmergencyEntry> => plain,
        environment_safety: Vec<SafetyStep> => records,
        reasons: Vec<Reason> => records,
        /// Where each naloxone kit is kept and when it expires, in the plan's order.
        naloxone_kits: Vec<NaloxoneKit> => records,
        never_use_alone: Vec<NeverUseAloneLine> => records,
        /// Who can give naloxone, with their numbers (`will_do`: the person's note).
        naloxone_responders: Vec<PersonToCall> => each,
    }
}

#[uniffi::remote(Record)]
pub struct HelpRecipient {
    pub contact_id: ItemId,
    pub name: String,
    pub number: String,
    pub will_do: String,
}

mirror_record! {
    /// The person's own help text and preselected recipients.
    HelpDefaults => tc::HelpDefaults {
        #[uniffi(default)] text: Option<String> => plain,
        #[uniffi(default)] recipients: Vec<String> => ids,
    }
}

#[uniffi::remote(Record)]
pub struct HelpDraft {
    pub candidates: Vec<HelpRecipient>,
    pub selected: Vec<ItemId>,
    pub text: String,
    pub own_words: bool,
}

/// A message ready for the phone's own messaging app to send.
#[uniffi::remote(Record)]
pub struct HelpMessage {
    pub recipients: Vec<HelpRecipient>,
    pub text: String,
}

// --- plan review and summary --------------------------------------------------------------------

#[uniffi::remote(Record)]
pub struct SectionAge {
    pub section: String,
    pub items: Count,
    pub last_changed_ms: Option<i64>,
}

#[uniffi::remote(Record)]
pub struct PlanReview {
    pub interval_days: u32,
    pub last_reviewed_ms: Option<i64>,
    pub due_ms: Option<i64>,
    pub due: bool,
    pub reminder: Option<Phrase>,
    pub oldest_sections: Vec<SectionAge>,
}

#[uniffi::remote(Enum)]
pub enum SummaryPart {
    WhenWell,
    DailyMaintenance,
    Triggers,
    WarningSigns,
    CopingStrategies,
    Distractions,
    PeopleToCall,
    Professionals,
    EnvironmentSafety,
    Reasons,
    Goals,
    Medications,
    MedicationAdherence,
    Treatments,
    WhatHelps,
    LapsePlan,
    PostCrisisPlan,
    Milestones,
    LastThirtyDays,
    Alerts,
}

mirror_record! {
    SummaryOptions => tc::SummaryOptions {
        lang: Lang => plain,
        /// `YYYY-MM-DD`.
        today: String => day,
        parts: Vec<SummaryPart> => each,
    }
}

/// A summary to bring to an appointment, as Markdown and as HTML.
#[uniffi::remote(Record)]
pub struct Summary {
    pub markdown: String,
    pub html: String,
}
