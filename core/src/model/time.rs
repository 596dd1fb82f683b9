//! Calendar dates and wall-clock times as the person lives them, stored as ISO 8601 strings so
//! any Automerge reader (and any human reading an export) understands them.

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A calendar day (no time zone): a check-in's day, a recovery start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day(pub NaiveDate);

impl Day {
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(Day)
            .map_err(|_| Error::invalid(field, "is not an existing date in the form YYYY-MM-DD"))
    }

    pub fn from_ymd(field: &str, y: i32, m: u32, d: u32) -> Result<Self> {
        NaiveDate::from_ymd_opt(y, m, d)
            .map(Day)
            .ok_or_else(|| Error::invalid(field, "is not an existing date"))
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl TryFrom<String> for Day {
    type Error = String;
    fn try_from(s: String) -> std::result::Result<Self, Self::Error> {
        Day::parse("day", &s).map_err(|e| e.to_string())
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.to_string()
    }
}

impl Reconcile for Day {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(self.to_string())
    }
}

impl Hydrate for Day {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        Day::parse("day", s)
            .map_err(|_| HydrateError::unexpected("a date", "a malformed date".into()))
    }
}

/// A wall-clock date and time in some named time zone (the zone is stored beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalDateTime(pub NaiveDateTime);

impl LocalDateTime {
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M"))
            .map(LocalDateTime)
            .map_err(|_| {
                Error::invalid(
                    field,
                    "is not an existing date and time in the form YYYY-MM-DDTHH:MM",
                )
            })
    }
}

impl std::fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S"))
    }
}

impl TryFrom<String> for LocalDateTime {
    type Error = String;
    fn try_from(s: String) -> std::result::Result<Self, Self::Error> {
        LocalDateTime::parse("date_time", &s).map_err(|e| e.to_string())
    }
}

impl From<LocalDateTime> for String {
    fn from(d: LocalDateTime) -> String {
        d.to_string()
    }
}

impl Reconcile for LocalDateTime {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(self.to_string())
    }
}

impl Hydrate for LocalDateTime {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        LocalDateTime::parse("date_time", s)
            .map_err(|_| HydrateError::unexpected("a date and time", "a malformed value".into()))
    }
}

/// Checks an IANA time zone name such as `Europe/Madrid`.
pub fn parse_zone(field: &str, raw: &str) -> Result<chrono_tz::Tz> {
    raw.parse::<chrono_tz::Tz>()
        .map_err(|_| Error::invalid(field, "is not a known IANA time zone name"))
}
