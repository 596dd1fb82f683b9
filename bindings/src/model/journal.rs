//! Check-ins, recoveries and lapses: mirrors of `twofold_core::model::journal` and the
//! journal operations' inputs and outputs.

use twofold_core as tc;

use crate::convert::mirror_record;
use crate::model::plan::PlanNote;

mirror_record! {
    /// Whether one scheduled dose was taken.
    DoseAnswer => tc::DoseAnswer {
        medication_id: String => id,
        /// The dose's time as the schedule gives it (`doses_on` lists them), wall clock in the
        /// medication's zone.
        due: String => time,
        taken: bool => plain,
    }
}

mirror_record! {
    /// A recorded check-in.
    CheckIn => tc::CheckIn {
        /// Sortable by time; made by the store.
        id: String => id,
        /// The person's local day, `YYYY-MM-DD`.
        day: String => day,
        /// When it was recorded, milliseconds since the Unix epoch (UTC).
        at_ms: i64 => plain,
        /// 0 (very low) … 10 (very good).
        mood: u8 => plain,
        /// 0 (none) … 10 (overwhelming).
        craving: u8 => plain,
        sleep_hours: Option<f64> => plain,
        /// The day's yes/no answer (every check-in before dose answers existed).
        medication_taken: Option<bool> => plain,
        /// One answer per scheduled dose; empty in check-ins from before.
        doses: Vec<DoseAnswer> => records,
        used_substance: bool => plain,
        /// Trigger ids met that day.
        triggers_met: Vec<String> => ids,
        /// Coping strategy ids used that day.
        coping_used: Vec<String> => ids,
        /// Warning sign ids noticed that day.
        warning_signs: Vec<String> => ids,
        note: String => plain,
    }
}

mirror_record! {
    /// A check-in as the person enters it; the store adds the id and the time.
    NewCheckIn => tc::NewCheckIn {
        /// `YYYY-MM-DD`.
        day: String => day,
        mood: u8 => plain,
        craving: u8 => plain,
        #[uniffi(default)] sleep_hours: Option<f64> => plain,
        #[uniffi(default)] medication_taken: Option<bool> => plain,
        #[uniffi(default)] doses: Vec<DoseAnswer> => records,
        #[uniffi(default)] used_substance: bool => plain,
        #[uniffi(default)] triggers_met: Vec<String> => ids,
        #[uniffi(default)] coping_used: Vec<String> => ids,
        #[uniffi(default)] warning_signs: Vec<String> => ids,
        #[uniffi(default)] note: String => plain,
    }
}

mirror_record! {
    /// The day a person started (or restarted counting) recovery from one substance.
    Recovery => tc::Recovery {
        id: String => id,
        /// "alcohol", "cannabis", "self-harm"… in the person's words.
        substance: String => plain,
        /// `YYYY-MM-DD`.
        started: String => day,
    }
}

mirror_record! {
    /// A lapse resets the counter of one recovery; the history stays.
    Lapse => tc::Lapse {
        id: String => id,
        recovery_id: String => id,
        day: String => day,
        #[uniffi(default)] note: String => plain,
    }
}

mirror_record! {
    out
    /// A recorded lapse, with the person's own "if a lapse happens" plan to show right away.
    LapseRecorded => tc::LapseRecorded {
        lapse: Lapse => plain,
        lapse_plan: Vec<PlanNote> => records,
    }
}
