//! What the core works out from the journal and the plan: recovery milestones, patterns,
//! early-warning alerts and their thresholds, the crisis screen, asking for help, plan review
//! and the summary to share. Mirrors of `twofold_core::insights`.
//!
//! Texts the app shows are `Phrase`s (a code and parameters) for the app to translate, except
//! where the person wrote them.

use twofold_core as tc;
use twofold_core::insights as ti;

use crate::convert::{mirror_enum, mirror_record};
use crate::model::contacts::{ContactRole, Phone};
use crate::model::journal::CheckIn;
use crate::model::plan::{CopingStrategy, DistractionKind, Reason, SafetyStep, WarningSign};

mirror_enum! {
    Lang => tc::Lang { En, Es }
}

mirror_record! {
    out
    PhraseParam => ti::i18n::PhraseParam {
        name: String => plain,
        value: String => plain,
    }
}

mirror_record! {
    out
    /// A text for the app to show in the person's language: a code and its parameters.
    Phrase => tc::Phrase {
        code: String => plain,
        params: Vec<PhraseParam> => records,
    }
}

// --- milestones ---------------------------------------------------------------------------------

mirror_record! {
    out
    Milestone => tc::Milestone {
        days: i64 => plain,
        /// `YYYY-MM-DD`.
        on: String => day,
        name: Phrase => plain,
    }
}

mirror_record! {
    out
    LapseHistory => tc::LapseHistory {
        count: u64 => count,
        longest_run_days: i64 => plain,
        days_between_lapses: Vec<i64> => plain,
        last_lapse: Option<String> => opt_day,
    }
}

mirror_record! {
    out
    /// One recovery's count of days, milestones and lapse history.
    RecoveryProgress => tc::RecoveryProgress {
        recovery_id: String => id,
        substance: String => plain,
        started: String => day,
        since: String => day,
        days: i64 => plain,
        reached: Option<Milestone> => opt,
        reached_today: bool => plain,
        next: Milestone => plain,
        days_to_next: i64 => plain,
        lapses: LapseHistory => plain,
    }
}

// --- patterns -----------------------------------------------------------------------------------

mirror_enum! {
    Direction => tc::Direction { Rising, Falling, Steady, Unknown }
}

mirror_record! {
    out
    Trend => ti::patterns::Trend {
        average: Option<f64> => plain,
        previous_average: Option<f64> => plain,
        direction: Direction => plain,
    }
}

mirror_record! {
    out
    TriggerCount => ti::patterns::TriggerCount {
        trigger_id: String => id,
        description: Option<String> => plain,
        days: u64 => count,
    }
}

mirror_record! {
    out
    CopingOutcome => ti::patterns::CopingOutcome {
        coping_id: String => id,
        description: Option<String> => plain,
        days_used: u64 => count,
        craving_same_day: Option<f64> => plain,
        craving_next_day: Option<f64> => plain,
        next_day_check_ins: u64 => count,
    }
}

mirror_record! {
    out
    AttendanceMood => ti::patterns::AttendanceMood {
        attended: u64 => count,
        missed: u64 => count,
        mood_on_meeting_days: Option<f64> => plain,
        mood_day_after_meeting: Option<f64> => plain,
        mood_other_days: Option<f64> => plain,
    }
}

mirror_record! {
    out
    WindowPatterns => ti::patterns::WindowPatterns {
        days: u32 => plain,
        from: String => day,
        to: String => day,
        days_with_check_in: u64 => count,
        mood: Trend => plain,
        craving: Trend => plain,
        triggers: Vec<TriggerCount> => records,
        coping: Vec<CopingOutcome> => records,
        attendance: AttendanceMood => plain,
    }
}

mirror_record! {
    out
    Patterns => tc::Patterns {
        today: String => day,
        windows: Vec<WindowPatterns> => records,
    }
}

// --- alerts -------------------------------------------------------------------------------------

mirror_enum! {
    /// An early-warning rule.
    Rule => tc::Rule { HighCraving, MoodDrop, WarningSign, MedicationMissed, MeetingsMissed, NoCheckIn }
}

mirror_record! {
    out
    /// Someone to call, from the plan's crisis ladder.
    PersonToCall => ti::ladder::PersonToCall {
        contact_id: String => id,
        name: String => plain,
        phones: Vec<Phone> => records,
        availability: String => plain,
        /// What they agreed to do.
        will_do: String => plain,
    }
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
            tc::NextStep::Contact(person) => NextStep::Contact {
                person: person.into(),
            },
        }
    }
}

mirror_record! {
    out
    Alert => tc::Alert {
        rule: Rule => plain,
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

mirror_record! {
    /// When the early-warning rules speak up.
    Thresholds => tc::Thresholds {
        high_craving_level: u8 => plain,
        high_craving_days: u32 => plain,
        high_craving_window_days: u32 => plain,
        mood_drop_points: f64 => plain,
        mood_drop_window_days: u32 => plain,
        warning_sign_window_days: u32 => plain,
        medication_missed_days: u32 => plain,
        meetings_missed: u32 => plain,
        silence_days: u32 => plain,
    }
}

mirror_record! {
    /// Thresholds a mentor or clinician suggests; the owner accepts or dismisses them.
    ThresholdSuggestion => tc::ThresholdSuggestion {
        thresholds: Thresholds => record,
        suggested_by: String => plain,
        at_ms: i64 => plain,
        #[uniffi(default)] note: String => plain,
    }
}

mirror_record! {
    out
    ThresholdSettings => tc::ThresholdSettings {
        active: Thresholds => plain,
        suggestion: Option<ThresholdSuggestion> => opt,
    }
}

// --- crisis screen and help ---------------------------------------------------------------------

mirror_record! {
    /// The crisis line of the person's region, shown when the plan names none.
    LocalCrisisLine => tc::LocalCrisisLine {
        name: String => plain,
        number: String => plain,
        #[uniffi(default)] text_number: Option<String> => plain,
        #[uniffi(default)] url: Option<String> => plain,
        region: String => plain,
    }
}

mirror_record! {
    out
    DistractionEntry => ti::crisis::DistractionEntry {
        id: String => id,
        kind: DistractionKind => plain,
        name: String => plain,
        notes: String => plain,
        phones: Vec<Phone> => records,
    }
}

mirror_record! {
    out
    ProfessionalEntry => ti::crisis::ProfessionalEntry {
        contact_id: String => id,
        name: String => plain,
        roles: Vec<ContactRole> => each,
        phones: Vec<Phone> => records,
        availability: String => plain,
        role_note: String => plain,
    }
}

mirror_record! {
    out
    CrisisLineEntry => ti::crisis::CrisisLineEntry {
        name: String => plain,
        phones: Vec<Phone> => records,
        url: Option<String> => plain,
        contact_id: Option<String> => opt_id,
        is_local_default: bool => plain,
    }
}

mirror_record! {
    out
    /// Everything the safety plan offers in a crisis, in the plan's order, in one value.
    CrisisScreen => tc::CrisisScreen {
        warning_signs: Vec<WarningSign> => records,
        coping_strategies: Vec<CopingStrategy> => records,
        distractions: Vec<DistractionEntry> => records,
        people_to_call: Vec<PersonToCall> => records,
        professionals: Vec<ProfessionalEntry> => records,
        crisis_lines: Vec<CrisisLineEntry> => records,
        environment_safety: Vec<SafetyStep> => records,
        reasons: Vec<Reason> => records,
    }
}

mirror_record! {
    out
    HelpRecipient => tc::HelpRecipient {
        contact_id: String => id,
        name: String => plain,
        number: String => plain,
        will_do: String => plain,
    }
}

mirror_record! {
    /// The person's own help text and preselected recipients.
    HelpDefaults => tc::HelpDefaults {
        #[uniffi(default)] text: Option<String> => plain,
        #[uniffi(default)] recipients: Vec<String> => ids,
    }
}

mirror_record! {
    out
    HelpDraft => tc::HelpDraft {
        candidates: Vec<HelpRecipient> => records,
        selected: Vec<String> => ids,
        text: String => plain,
        own_words: bool => plain,
    }
}

mirror_record! {
    out
    /// A message ready for the phone's own messaging app to send.
    HelpMessage => tc::HelpMessage {
        recipients: Vec<HelpRecipient> => records,
        text: String => plain,
    }
}

// --- plan review and summary --------------------------------------------------------------------

mirror_record! {
    out
    SectionAge => ti::review::SectionAge {
        section: String => plain,
        items: u64 => count,
        last_changed_ms: Option<i64> => plain,
    }
}

mirror_record! {
    out
    PlanReview => tc::PlanReview {
        interval_days: u32 => plain,
        last_reviewed_ms: Option<i64> => plain,
        due_ms: Option<i64> => plain,
        due: bool => plain,
        reminder: Option<Phrase> => opt,
        oldest_sections: Vec<SectionAge> => records,
    }
}

mirror_enum! {
    SummaryPart => tc::SummaryPart {
        WhenWell, DailyMaintenance, Triggers, WarningSigns, CopingStrategies, Distractions,
        PeopleToCall, Professionals, EnvironmentSafety, Reasons, Goals, Medications, Treatments,
        WhatHelps, LapsePlan, PostCrisisPlan, Milestones, LastThirtyDays, Alerts,
    }
}

mirror_record! {
    SummaryOptions => tc::SummaryOptions {
        lang: Lang => plain,
        /// `YYYY-MM-DD`.
        today: String => day,
        parts: Vec<SummaryPart> => each,
    }
}

mirror_record! {
    out
    /// A summary to bring to an appointment, as Markdown and as HTML.
    Summary => tc::Summary {
        markdown: String => plain,
        html: String => plain,
    }
}
