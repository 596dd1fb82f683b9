//! Moved single occurrences.
//!
//! A moved occurrence is stored as an ordinary one-off [`Meeting`] whose id is derived from
//! the series and the original start (`<series id>:<YYYYMMDDTHHMM>`), plus an exception date
//! on the series at the original start. Deriving the id (as attendance ids are derived) means
//! two devices that move the same occurrence write the same item and merge field by field,
//! and the schema needs no new section: the schedule document's genesis change stays as it
//! is. A cancelled occurrence is just the exception date (with its note in the attendance
//! log, status `cancelled`).

use chrono::NaiveDateTime;

use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::schedule::Meeting;
use crate::model::time::LocalDateTime;

const FORMAT: &str = "%Y%m%dT%H%M";

/// The id of the one-off meeting that replaces the occurrence of `series` at `original`.
pub fn override_id(series: &ItemId, original: &LocalDateTime) -> Result<ItemId> {
    ItemId::parse(
        "meeting_id",
        &format!("{}:{}", series.as_str(), original.0.format(FORMAT)),
    )
    .map_err(|_| Error::invalid("meeting_id", "is too long to move one occurrence of"))
}

/// The series and original start an override id was derived from.
pub fn override_of(id: &ItemId) -> Option<(ItemId, LocalDateTime)> {
    let (series, stamp) = id.as_str().rsplit_once(':')?;
    if series.is_empty() || stamp.len() != 13 {
        return None;
    }
    let original = NaiveDateTime::parse_from_str(stamp, FORMAT).ok()?;
    Some((
        ItemId::from_trusted(series.to_string()),
        LocalDateTime(original),
    ))
}

/// Whether `meeting` replaces one occurrence of a series present in `all`.
pub fn replaced_occurrence(meeting: &Meeting, all: &[Meeting]) -> Option<(ItemId, LocalDateTime)> {
    if meeting.rrule.is_some() {
        return None;
    }
    let (series, original) = override_of(&meeting.id)?;
    all.iter()
        .any(|m| m.id == series && m.rrule.is_some())
        .then_some((series, original))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let series = ItemId::parse("id", "a:b").expect("valid");
        let original = LocalDateTime::parse("o", "2024-05-07T19:00").expect("valid");
        let id = override_id(&series, &original).expect("short enough");
        assert_eq!(id.as_str(), "a:b:20240507T1900");
        assert_eq!(override_of(&id), Some((series, original)));
        assert_eq!(
            override_of(&ItemId::parse("id", "plain").expect("valid")),
            None
        );
    }
}
