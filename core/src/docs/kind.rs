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
}

impl DocKind {
    pub const ALL: [DocKind; 4] = [
        DocKind::Plan,
        DocKind::Contacts,
        DocKind::Schedule,
        DocKind::Journal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Plan => "plan",
            DocKind::Contacts => "contacts",
            DocKind::Schedule => "schedule",
            DocKind::Journal => "journal",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        DocKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| Error::invalid(field, "is not one of plan, contacts, schedule, journal"))
    }
}

impl std::fmt::Display for DocKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
