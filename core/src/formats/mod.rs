//! Open formats in and out of the person's documents: Meeting Guide JSON feeds, iCalendar
//! (RFC 5545) and vCard 4.0 (RFC 6350).
//!
//! Every import first parses and checks the whole file within fixed bounds (size, nesting,
//! entries), then reports per entry what was taken or skipped and why, then writes everything
//! taken in one transaction: a file is imported completely or not at all.

pub mod contentline;
pub mod icalendar;
pub mod limits;
pub mod meeting_guide;
pub mod vcard;

use serde::Serialize;

pub use meeting_guide::{MeetingGuideFilter, MeetingGuideImport};

/// What happened to one entry of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum ImportOutcome {
    Added,
    /// An item from an earlier import of the same source was updated in place.
    Updated,
    Skipped {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportEntry {
    /// The entry's key in the file (slug, UID) or its position when it has none.
    pub key: String,
    /// The entry's name, for the person to recognise it; empty when it has none.
    pub label: String,
    pub outcome: ImportOutcome,
    /// Fields of a taken entry that were left out, and why.
    pub dropped: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub entries: Vec<ImportEntry>,
    pub added: usize,
    pub updated: usize,
    pub skipped: usize,
    /// True when nothing was written (a preview).
    pub dry_run: bool,
}

impl ImportReport {
    pub(crate) fn push(&mut self, entry: ImportEntry) {
        match entry.outcome {
            ImportOutcome::Added => self.added += 1,
            ImportOutcome::Updated => self.updated += 1,
            ImportOutcome::Skipped { .. } => self.skipped += 1,
        }
        self.entries.push(entry);
    }

    pub(crate) fn skip(&mut self, key: String, label: String, reason: impl Into<String>) {
        self.push(ImportEntry {
            key,
            label,
            outcome: ImportOutcome::Skipped {
                reason: reason.into(),
            },
            dropped: Vec::new(),
        });
    }
}

/// Fixed reason text for a refused field, without its value.
pub(crate) fn reason_of(e: &crate::error::Error) -> String {
    match e {
        crate::error::Error::Invalid(inv) => format!("{} {}", inv.field, inv.reason),
        other => other.to_string(),
    }
}
