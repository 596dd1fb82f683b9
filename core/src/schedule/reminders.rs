//! Reminder notifications for the native scheduler to arm.
//!
//! Each reminder has an id that depends only on (series, original start, offset), so arming
//! the list again replaces rather than duplicates, and an edit or cancellation simply makes a
//! reminder disappear from the next list. The text is a code plus parameters that the app
//! renders in the person's language; by default it names no meeting, place or fellowship,
//! because a lock screen is seen by others.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::occurrences::{between, Occurrence};
use crate::model::ids::ItemId;
use crate::model::schedule::{Meeting, MAX_REMINDER_MINUTES};
use crate::model::time::LocalDateTime;

/// Longest look-ahead a caller may ask for.
pub const MAX_HORIZON_DAYS: u32 = 31;

/// What the notification says, for the app to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderCode {
    /// "Something on your schedule at {time}" — safe on a lock screen; params `time`,
    /// `minutes_before`.
    Private,
    /// "{name} at {time}, {place}" — only when the person chose to show details; params
    /// `time`, `minutes_before`, `name`, `place` (address, "online" or "phone").
    Detailed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reminder {
    /// Stable across calls: `<series>@<YYYYMMDDTHHMM>-<offset>`.
    pub id: String,
    /// The same identity folded into a positive 31-bit number, for Android's notification ids.
    pub notification_id: i32,
    pub meeting_id: ItemId,
    pub original_start: LocalDateTime,
    pub offset_minutes: u32,
    pub fire_at_utc_ms: i64,
    pub start_utc_ms: i64,
    pub code: ReminderCode,
    pub params: BTreeMap<String, String>,
}

/// Stable reminder id of (series, occurrence, offset).
pub fn reminder_id(meeting_id: &ItemId, original: &LocalDateTime, offset: u32) -> String {
    format!(
        "{}@{}-{}",
        meeting_id.as_str(),
        original.0.format("%Y%m%dT%H%M"),
        offset
    )
}

pub(crate) fn notification_id(id: &str) -> i32 {
    let digest = Sha256::digest(id.as_bytes());
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) & 0x7fff_ffff;
    i32::try_from(n).unwrap_or(0)
}

fn place(o: &Occurrence) -> String {
    use crate::model::schedule::MeetingFormat::*;
    match o.format {
        InPerson | Hybrid if !o.address.is_empty() => o.address.clone(),
        Phone => "phone".into(),
        _ if o.conference_url.is_some() => "online".into(),
        _ => String::new(),
    }
}

/// Reminders firing in `[now, now + horizon_days)`, in firing order.
pub fn upcoming(
    meetings: &[Meeting],
    now: DateTime<Utc>,
    horizon_days: u32,
    show_detail: bool,
    viewer: Tz,
) -> Vec<Reminder> {
    let horizon = now + Duration::days(i64::from(horizon_days.min(MAX_HORIZON_DAYS)));
    let reach = horizon + Duration::minutes(i64::from(MAX_REMINDER_MINUTES));
    let now_ms = now.timestamp_millis();
    let horizon_ms = horizon.timestamp_millis();
    let mut out = Vec::new();
    for o in between(meetings, now, reach, viewer) {
        let mut offsets = o.reminder_offsets_minutes.clone();
        crate::sorting::sort(&mut offsets);
        offsets.dedup();
        for offset in offsets {
            let fire = o.start_utc_ms - i64::from(offset) * 60_000;
            if fire < now_ms || fire >= horizon_ms {
                continue;
            }
            let id = reminder_id(&o.meeting_id, &o.original_start, offset);
            let mut params = BTreeMap::new();
            params.insert(
                "time".to_string(),
                o.viewer_start.0.format("%H:%M").to_string(),
            );
            params.insert("minutes_before".to_string(), offset.to_string());
            let code = if show_detail {
                params.insert("name".to_string(), o.name.clone());
                params.insert("place".to_string(), place(&o));
                ReminderCode::Detailed
            } else {
                ReminderCode::Private
            };
            out.push(Reminder {
                notification_id: notification_id(&id),
                id,
                meeting_id: o.meeting_id.clone(),
                original_start: o.original_start,
                offset_minutes: offset,
                fire_at_utc_ms: fire,
                start_utc_ms: o.start_utc_ms,
                code,
                params,
            });
        }
    }
    crate::sorting::sort_by(&mut out, |a, b| {
        (a.fire_at_utc_ms, &a.id).cmp(&(b.fire_at_utc_ms, &b.id))
    });
    out
}
