//! Reminders for care items: each scheduled medication dose, a refill date, a naloxone kit's
//! expiry. Built like the meetings' reminders (stable ids from item, time and offset; the same
//! notification-id folding) so arming the list again replaces rather than duplicates.
//!
//! Discreet by default: a dose reminder names no drug, dose or place unless the person allowed
//! it for that medication, and a kit's reminder does not say "naloxone" unless the caller asks
//! for details. A lock screen is seen by others, and a drug name can out someone's treatment.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::reminders::{notification_id, MAX_HORIZON_DAYS};
use super::zone;
use crate::insights::doses::due_between;
use crate::insights::i18n::Phrase;
use crate::model::harm_reduction::NaloxoneKit;
use crate::model::ids::ItemId;
use crate::model::medication::ScheduledMedication;
use crate::model::schedule::MAX_REMINDER_MINUTES;
use crate::model::time::{parse_zone, Day};

/// The wall-clock time of a day reminder (a refill, an expiry): morning, when a pharmacy is
/// open and the day can still be planned.
const DAY_REMINDER_AT: (u32, u32) = (9, 0);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CareReminderKind {
    Dose,
    Refill,
    KitExpiry,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CareReminder {
    /// Stable across calls: `<kind>:<item>@<YYYYMMDDTHHMM>-<offset>`.
    pub id: String,
    /// The same identity folded into a positive 31-bit number, for Android's notification ids.
    pub notification_id: i32,
    pub kind: CareReminderKind,
    /// The medication or the naloxone kit.
    pub item_id: ItemId,
    pub fire_at_utc_ms: i64,
    /// When the dose is due, or the morning of the refill or expiry day.
    pub due_utc_ms: i64,
    /// The text, for the app to render (`reminder.*` codes).
    pub message: Phrase,
}

/// The dose as people write it: "8 mg", "0.5 ml".
pub fn dose_text(med: &ScheduledMedication) -> String {
    format!("{} {}", med.dose_amount, med.dose_unit)
}

fn reminder(
    kind: CareReminderKind,
    item_id: &ItemId,
    due: DateTime<Utc>,
    due_local: chrono::NaiveDateTime,
    offset_minutes: i64,
    message: Phrase,
) -> CareReminder {
    let code = match kind {
        CareReminderKind::Dose => "dose",
        CareReminderKind::Refill => "refill",
        CareReminderKind::KitExpiry => "kit",
    };
    let id = format!(
        "{code}:{}@{}-{offset_minutes}",
        item_id.as_str(),
        due_local.format("%Y%m%dT%H%M")
    );
    CareReminder {
        notification_id: notification_id(&id),
        id,
        kind,
        item_id: item_id.clone(),
        fire_at_utc_ms: (due - Duration::minutes(offset_minutes)).timestamp_millis(),
        due_utc_ms: due.timestamp_millis(),
        message,
    }
}

fn dose_reminders(
    med: &ScheduledMedication,
    now: DateTime<Utc>,
    reach: DateTime<Utc>,
    viewer: Tz,
) -> Vec<CareReminder> {
    let from = Day(zone::local_in(viewer, now).date() - Duration::days(2));
    let to = Day(zone::local_in(viewer, reach).date() + Duration::days(2));
    let due = match due_between(med, from, to) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(medication = %med.id.as_str(), error = %e, "medication skipped");
            return Vec::new();
        }
    };
    let mut offsets = med.reminder_offsets_minutes.clone();
    crate::sorting::sort(&mut offsets);
    offsets.dedup();
    let mut out = Vec::new();
    for dose in due {
        let Some(at) = DateTime::<Utc>::from_timestamp_millis(dose.at_ms) else {
            continue;
        };
        for offset in &offsets {
            let time = zone::local_in(viewer, at).format("%H:%M").to_string();
            let message = if med.show_name_in_reminders {
                Phrase::new("reminder.dose_detailed")
                    .with("name", &med.name)
                    .with("dose", dose_text(med))
                    .with("time", time)
            } else {
                Phrase::new("reminder.dose_private").with("time", time)
            };
            out.push(reminder(
                CareReminderKind::Dose,
                &med.id,
                at,
                dose.due.0,
                i64::from(*offset),
                message,
            ));
        }
    }
    out
}

/// 09:00 on `day` − `days_before` in `zone`, and that day.
fn day_reminder_at(
    zone: Tz,
    day: Day,
    days_before: u32,
) -> Option<(DateTime<Utc>, chrono::NaiveDateTime)> {
    let (h, m) = DAY_REMINDER_AT;
    let local = (day.0 - Duration::days(i64::from(days_before)))
        .and_time(NaiveTime::from_hms_opt(h, m, 0)?);
    Some((zone::resolve(zone, local), local))
}

fn refill_reminder(med: &ScheduledMedication) -> Option<CareReminder> {
    let day = med.refill_date?;
    let zone = parse_zone("time_zone", &med.time_zone).ok()?;
    let (fire, local) = day_reminder_at(zone, day, med.refill_remind_days_before)?;
    let message = if med.show_name_in_reminders {
        Phrase::new("reminder.refill_detailed")
            .with("name", &med.name)
            .with("day", day)
            .with("place", &med.pickup_place)
    } else {
        Phrase::new("reminder.refill_private").with("day", day)
    };
    Some(reminder(
        CareReminderKind::Refill,
        &med.id,
        fire,
        local,
        0,
        message,
    ))
}

fn kit_reminder(kit: &NaloxoneKit, show_detail: bool, viewer: Tz) -> Option<CareReminder> {
    let day = kit.expires?;
    let (fire, local) = day_reminder_at(viewer, day, kit.remind_days_before)?;
    let message = if show_detail {
        Phrase::new("reminder.kit_expiry_detailed")
            .with("day", day)
            .with("place", &kit.location)
    } else {
        Phrase::new("reminder.kit_expiry_private").with("day", day)
    };
    Some(reminder(
        CareReminderKind::KitExpiry,
        &kit.id,
        fire,
        local,
        0,
        message,
    ))
}

/// Care reminders firing in `[now, now + horizon_days)`, in firing order. `show_detail`
/// applies to the kits; each medication carries its own choice.
pub fn upcoming(
    meds: &[ScheduledMedication],
    kits: &[NaloxoneKit],
    now: DateTime<Utc>,
    horizon_days: u32,
    show_detail: bool,
    viewer: Tz,
) -> Vec<CareReminder> {
    let horizon = now + Duration::days(i64::from(horizon_days.min(MAX_HORIZON_DAYS)));
    let reach = horizon + Duration::minutes(i64::from(MAX_REMINDER_MINUTES));
    let (now_ms, horizon_ms) = (now.timestamp_millis(), horizon.timestamp_millis());
    let mut out: Vec<CareReminder> = meds
        .iter()
        .flat_map(|m| dose_reminders(m, now, reach, viewer))
        .chain(meds.iter().filter_map(refill_reminder))
        .chain(
            kits.iter()
                .filter_map(|k| kit_reminder(k, show_detail, viewer)),
        )
        .filter(|r| r.fire_at_utc_ms >= now_ms && r.fire_at_utc_ms < horizon_ms)
        .collect();
    crate::sorting::sort_by(&mut out, |a, b| {
        (a.fire_at_utc_ms, &a.id).cmp(&(b.fire_at_utc_ms, &b.id))
    });
    out
}
