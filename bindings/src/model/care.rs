//! Harm reduction in the plan and the medication schedule in the journal
//! (`twofold_core::model::{harm_reduction, medication}`), and what the core works out from
//! them: the doses of a day, care reminders and adherence. The items are hand mirrors (a
//! malformed id, day or time is refused naming its field); the outputs cross as they are.

use twofold_core as tc;
use twofold_core::{ItemId, LocalDateTime};

use crate::convert::mirror_record;
use crate::model::insights::Phrase;

pub use tc::{Adherence, CareReminderKind, DueDose};

mirror_record! {
    /// A naloxone kit: where it is kept and when it expires.
    NaloxoneKit => tc::NaloxoneKit {
        id: String => id,
        /// Where it is kept, in the person's words.
        location: String => plain,
        /// The expiry date on the box, `YYYY-MM-DD`.
        #[uniffi(default)] expires: Option<String> => opt_day,
        /// Days before `expires` to remind (0–90).
        #[uniffi(default)] remind_days_before: u32 => plain,
        #[uniffi(default)] notes: String => plain,
    }
}

mirror_record! {
    /// A "never use alone" line or person the person knows of. The core never supplies one.
    NeverUseAloneLine => tc::NeverUseAloneLine {
        id: String => id,
        name: String => plain,
        phone: String => plain,
        #[uniffi(default)] notes: String => plain,
    }
}

mirror_record! {
    /// Someone in the contacts who knows how to give naloxone.
    NaloxoneResponder => tc::NaloxoneResponder {
        id: String => id,
        contact_id: String => id,
        #[uniffi(default)] note: String => plain,
    }
}

mirror_record! {
    /// A medication on a schedule.
    ScheduledMedication => tc::ScheduledMedication {
        id: String => id,
        name: String => plain,
        /// How much per dose, in `dose_unit` (above 0).
        dose_amount: f64 => plain,
        /// "mg", "ml", "tablet"…
        dose_unit: String => plain,
        /// The first dose, wall-clock `YYYY-MM-DDTHH:MM[:SS]` in `time_zone`.
        start: String => time,
        /// IANA zone name.
        time_zone: String => plain,
        /// RRULE value without the `RRULE:` prefix (`FREQ=DAILY;BYHOUR=8,20`); `None`: once.
        #[uniffi(default)] rrule: Option<String> => plain,
        #[uniffi(default)] reminder_offsets_minutes: Vec<u32> => plain,
        #[uniffi(default)] pickup_place: String => plain,
        /// `YYYY-MM-DD`.
        #[uniffi(default)] refill_date: Option<String> => opt_day,
        #[uniffi(default)] refill_remind_days_before: u32 => plain,
        /// Reminders name the medication only when this is on.
        #[uniffi(default)] show_name_in_reminders: bool => plain,
    }
}

/// One dose the schedule gives on a day: what a check-in's `DoseAnswer` names.
#[uniffi::remote(Record)]
pub struct DueDose {
    pub medication_id: ItemId,
    pub due: LocalDateTime,
    pub at_ms: i64,
}

#[uniffi::remote(Enum)]
pub enum CareReminderKind {
    Dose,
    Refill,
    KitExpiry,
}

mirror_record! {
    out
    /// A care notification to schedule: a dose, a refill, a kit's expiry. Discreet unless the
    /// person allowed details.
    CareReminder => tc::CareReminder {
        id: String => plain,
        notification_id: i32 => plain,
        kind: CareReminderKind => plain,
        item_id: String => id,
        fire_at_utc_ms: i64 => plain,
        due_utc_ms: i64 => plain,
        message: Phrase => plain,
    }
}

/// Doses taken of doses due for one medication over 30 days.
#[uniffi::remote(Record)]
pub struct Adherence {
    pub medication_id: ItemId,
    pub name: String,
    pub dose: String,
    pub due: u32,
    pub taken: u32,
}
