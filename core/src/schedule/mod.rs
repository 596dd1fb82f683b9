//! The meeting schedule in time: recurrence expansion in each meeting's own zone, daylight
//! saving rules, moved and cancelled occurrences, queries in the viewer's zone, reminders for
//! the native scheduler and attendance counts.
//!
//! Recurrence uses the `rrule` crate (RFC 5545, the rule engine behind several calendar
//! servers) and zones use `chrono-tz` (the IANA database compiled in, so the phone's own
//! tz data, which may be old, plays no part).

pub mod attendance;
pub mod care_reminders;
mod fast_forward;
pub mod occurrences;
pub mod overrides;
pub mod recurrence;
pub mod reminders;
pub mod zone;

pub use attendance::{AttendanceCount, CountPeriod};
pub use care_reminders::{CareReminder, CareReminderKind};
pub use occurrences::Occurrence;
pub use reminders::{Reminder, ReminderCode};
