//! Schedule queries over all meetings: occurrences in a range, the next N, today, now — each
//! shown in the viewer's zone as well as the meeting's own.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::overrides::replaced_occurrence;
use super::recurrence::{starts_between, MAX_PER_QUERY};
use super::zone;
use crate::error::Result;
use crate::model::ids::ItemId;
use crate::model::schedule::{Meeting, MeetingFormat, MeetingKind};
use crate::model::time::{Day, LocalDateTime};

/// One occurrence of a meeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occurrence {
    /// The series (for a moved occurrence, the meeting it was moved from).
    pub meeting_id: ItemId,
    /// The item holding this occurrence's details: the series, or its moved occurrence.
    pub item_id: ItemId,
    pub name: String,
    pub kind: MeetingKind,
    pub format: MeetingFormat,
    pub address: String,
    pub conference_url: Option<String>,
    pub conference_phone: Option<String>,
    pub time_zone: String,
    /// The start the rule gives, in the meeting's zone: the key of attendance and reminders.
    pub original_start: LocalDateTime,
    /// Where it really starts, in the meeting's zone (differs when moved).
    pub start: LocalDateTime,
    pub moved: bool,
    pub start_utc_ms: i64,
    pub end_utc_ms: i64,
    /// Start and end in the viewer's zone.
    pub viewer_start: LocalDateTime,
    pub viewer_end: LocalDateTime,
    pub duration_minutes: u32,
    pub reminder_offsets_minutes: Vec<u32>,
}

fn occurrence(
    details: &Meeting,
    series: ItemId,
    original: LocalDateTime,
    at: DateTime<Utc>,
    viewer: Tz,
) -> Occurrence {
    let end = at + Duration::minutes(i64::from(details.duration_minutes));
    let start = zone::zone_local(&details.time_zone, at).unwrap_or(original);
    Occurrence {
        moved: details.id != series || start != original,
        meeting_id: series,
        item_id: details.id.clone(),
        name: details.name.clone(),
        kind: details.kind,
        format: details.format,
        address: details.address.clone(),
        conference_url: details.conference_url.clone(),
        conference_phone: details.conference_phone.clone(),
        time_zone: details.time_zone.clone(),
        original_start: original,
        start,
        start_utc_ms: at.timestamp_millis(),
        end_utc_ms: end.timestamp_millis(),
        viewer_start: LocalDateTime(zone::local_in(viewer, at)),
        viewer_end: LocalDateTime(zone::local_in(viewer, end)),
        duration_minutes: details.duration_minutes,
        reminder_offsets_minutes: details.reminder_offsets_minutes.clone(),
    }
}

/// Every occurrence starting in `[from, to)`, in time order. A meeting whose stored rule or
/// zone cannot be read (a peer's newer data, say) is left out rather than hiding the rest.
pub fn between(
    meetings: &[Meeting],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    viewer: Tz,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for meeting in meetings {
        if !meeting.still_meets() {
            continue;
        }
        let starts = match starts_between(meeting, from, to, MAX_PER_QUERY) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(meeting = %meeting.id.as_str(), error = %e, "meeting skipped");
                continue;
            }
        };
        let (series, original) = match replaced_occurrence(meeting, meetings) {
            Some((series, original)) => (series, Some(original)),
            None => (meeting.id.clone(), None),
        };
        for s in starts {
            let original = original.unwrap_or(LocalDateTime(s.local));
            out.push(occurrence(meeting, series.clone(), original, s.at, viewer));
        }
    }
    crate::sorting::sort_by(&mut out, |a, b| {
        (a.start_utc_ms, &a.name).cmp(&(b.start_utc_ms, &b.name))
    });
    out
}

/// The next `n` occurrences starting at or after `now`.
pub fn next(meetings: &[Meeting], now: DateTime<Utc>, n: usize, viewer: Tz) -> Vec<Occurrence> {
    if n == 0 {
        return Vec::new();
    }
    // Widen the window only when the near future is too quiet: most calls stop at a week.
    let mut found = Vec::new();
    for days in [7, 62, 400, 3 * 366] {
        found = between(meetings, now, now + Duration::days(days), viewer);
        if found.len() >= n {
            break;
        }
    }
    found.truncate(n);
    found
}

/// Occurrences starting on `day` in the viewer's zone.
pub fn on_day(meetings: &[Meeting], day: Day, viewer: Tz) -> Vec<Occurrence> {
    let from = zone::resolve(viewer, day.0.and_time(NaiveTime::MIN));
    let next_day = day.0.succ_opt().unwrap_or(day.0);
    let to = zone::resolve(viewer, next_day.and_time(NaiveTime::MIN));
    between(meetings, from, to, viewer)
}

/// Occurrences under way at `now`.
pub fn under_way(meetings: &[Meeting], now: DateTime<Utc>, viewer: Tz) -> Vec<Occurrence> {
    let now_ms = now.timestamp_millis();
    let longest = Duration::minutes(i64::from(crate::model::schedule::MAX_DURATION_MINUTES));
    between(
        meetings,
        now - longest,
        now + Duration::milliseconds(1),
        viewer,
    )
    .into_iter()
    .filter(|o| o.start_utc_ms <= now_ms && now_ms < o.end_utc_ms)
    .collect()
}

/// Milliseconds since the epoch → instant, refusing values chrono cannot hold.
pub fn instant(field: &str, ms: i64) -> Result<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .ok_or_else(|| crate::error::Error::invalid(field, "is not a representable time"))
}
