//! Imports in open formats (Meeting Guide JSON, iCalendar, vCard): their options and reports.

use twofold_core as tc;

use crate::convert::mirror_record;
use crate::model::schedule::MeetingKind;

/// What happened to one entry of an import.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ImportOutcome {
    Added,
    Updated,
    Skipped { reason: String },
}

impl From<tc::ImportOutcome> for ImportOutcome {
    fn from(o: tc::ImportOutcome) -> Self {
        match o {
            tc::ImportOutcome::Added => ImportOutcome::Added,
            tc::ImportOutcome::Updated => ImportOutcome::Updated,
            tc::ImportOutcome::Skipped { reason } => ImportOutcome::Skipped { reason },
        }
    }
}

mirror_record! {
    out
    ImportEntry => tc::ImportEntry {
        key: String => plain,
        label: String => plain,
        outcome: ImportOutcome => plain,
        /// Parts of the entry that could not be kept.
        dropped: Vec<String> => plain,
    }
}

mirror_record! {
    out
    /// What an import did (or, as a dry run, would do).
    ImportReport => tc::ImportReport {
        entries: Vec<ImportEntry> => records,
        added: u64 => count,
        updated: u64 => count,
        skipped: u64 => count,
        dry_run: bool => plain,
    }
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
