//! Which document something lives in. A document is the unit of sharing.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Plan,
    Contacts,
    Schedule,
    Journal,
    /// The wellbeing summary derived from the journal, to share instead of it.
    Summary,
    /// A mentor's notes and suggestions for one person; owned by the mentor.
    Notes,
    /// A peer circle (ADR 0019): a private support group, owned by the host's device and
    /// shared read-write with each member's. A device may hold many.
    Circle,
}

impl DocKind {
    /// The person's own four documents, made at first open.
    pub const ALL: [DocKind; 4] = [
        DocKind::Plan,
        DocKind::Contacts,
        DocKind::Schedule,
        DocKind::Journal,
    ];

    /// Every kind, including the three that exist for sharing.
    pub const EVERY: [DocKind; 7] = [
        DocKind::Plan,
        DocKind::Contacts,
        DocKind::Schedule,
        DocKind::Journal,
        DocKind::Summary,
        DocKind::Notes,
        DocKind::Circle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Plan => "plan",
            DocKind::Contacts => "contacts",
            DocKind::Schedule => "schedule",
            DocKind::Journal => "journal",
            DocKind::Summary => "summary",
            DocKind::Notes => "notes",
            DocKind::Circle => "circle",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        DocKind::EVERY
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    "is not one of plan, contacts, schedule, journal, summary, notes, circle",
                )
            })
    }
}

impl std::fmt::Display for DocKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
