//! Imports in open formats (Meeting Guide JSON, iCalendar, vCard): their options (hand
//! mirrors: a malformed day or a day number above 255 is refused naming its field) and their
//! reports (the core's, as they are).

use twofold_core as tc;

use crate::convert::mirror_record;
use crate::model::schedule::MeetingKind;
use crate::model::values::Count;

pub use tc::{ImportEntry, ImportOutcome, ImportReport};

/// What happened to one entry of an import.
#[uniffi::remote(Enum)]
pub enum ImportOutcome {
    Added,
    Updated,
    Skipped { reason: String },
}

#[uniffi::remote(Record)]
pub struct ImportEntry {
    pub key: String,
    pub label: String,
    pub outcome: ImportOutcome,
    /// Parts of the entry that could not be kept.
    pub dropped: Vec<String>,
}

/// What an import did (or, as a dry run, would do).
#[uniffi::remote(Record)]
pub struct ImportReport {
    pub entries: Vec<ImportEntry>,
    pub added: Count,
    pub updated: Count,
    pub skipped: Count,
    pub dry_run: bool,
}

mirror_record! {
    /// Which entries of a Meeting Guide feed to take.
    MeetingGuideFilter => tc::MeetingGuideFilter {
        /// Every one of these type codes must be present (e.g. `DD`).
        #[uniffi(default)] types: Vec<String> => plain,
        /// At least one of these days (0 = Sunday … 6 = Saturday).
        #[uniffi(default)] days: Vec<u32> => small_ints,
        /// Only meetings one can join online or by phone.
        #[uniffi(default)] online_or_phone_only: bool => plain,
        /// A language type code (`EN`, `S`, `FR`…) or tag (`en`, `es`…).
        #[uniffi(default)] language: Option<String> => plain,
    }
}

mirror_record! {
    MeetingGuideImport => tc::MeetingGuideImport {
        filter: MeetingGuideFilter => record,
        /// When set, only these slugs are taken (the person's choice from a preview).
        #[uniffi(default)] choose: Option<Vec<String>> => plain,
        /// Zone of entries that name none.
        default_time_zone: String => plain,
        /// The first occurrence is on or after this day, `YYYY-MM-DD`.
        today: String => day,
        kind: MeetingKind => plain,
        /// Report what would happen without writing.
        #[uniffi(default)] dry_run: bool => plain,
    }
}
