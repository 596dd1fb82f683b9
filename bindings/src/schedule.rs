//! `TwofoldStore`'s schedule in time: occurrences, moved and cancelled occurrences, reminders,
//! attendance; and the open formats (Meeting Guide JSON, iCalendar, vCard). One or two lines
//! each over `twofold_core::Twofold`.
//!
//! Times: `*_ms` are milliseconds since the Unix epoch (UTC); wall-clock times are
//! `YYYY-MM-DDTHH:MM[:SS]` in the meeting's zone; `viewer_zone` is the phone's IANA zone.

use crate::convert::{self, ToCore};
use crate::error::Result;
use crate::model::formats::{ImportReport, MeetingGuideImport};
use crate::model::schedule::{
    AttendanceCount, AttendanceStatus, CountPeriod, Occurrence, Reminder,
};
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// Occurrences starting in `[from_ms, to_ms)` (at most three years), in time order.
    pub async fn occurrences_between(
        &self,
        from_ms: i64,
        to_ms: i64,
        viewer_zone: String,
    ) -> Result<Vec<Occurrence>> {
        self.write(move |core| Ok(core.occurrences_between(from_ms, to_ms, &viewer_zone)?))
            .await
    }

    /// The next `count` occurrences (at most 100) starting at or after `now_ms`.
    pub fn next_occurrences(
        &self,
        now_ms: i64,
        count: u32,
        viewer_zone: String,
    ) -> Result<Vec<Occurrence>> {
        self.read(|core| {
            let n = convert::count::to_core(u64::from(count), "", "count")?;
            Ok(core.next_occurrences(now_ms, n, &viewer_zone)?)
        })
    }

    /// The occurrences on `day` (`YYYY-MM-DD`) in the viewer's zone.
    pub fn occurrences_on(&self, day: String, viewer_zone: String) -> Result<Vec<Occurrence>> {
        self.read(|core| {
            let day = convert::day::to_core(day, "", "day")?;
            Ok(core.occurrences_on(day, &viewer_zone)?)
        })
    }

    /// The occurrences under way at `now_ms`.
    pub fn occurrences_now(&self, now_ms: i64, viewer_zone: String) -> Result<Vec<Occurrence>> {
        self.read(|core| Ok(core.occurrences_now(now_ms, &viewer_zone)?))
    }

    /// The reminders to schedule from `now_ms` over `horizon_days`. Without `show_detail` a
    /// reminder does not name the meeting.
    pub async fn reminders(
        &self,
        now_ms: i64,
        horizon_days: u32,
        show_detail: bool,
        viewer_zone: String,
    ) -> Result<Vec<Reminder>> {
        self.write(move |core| {
            let list = core.reminders(now_ms, horizon_days, show_detail, &viewer_zone)?;
            Ok(list.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Cancels one occurrence (`original`: its start in the series) of a recurring meeting.
    pub async fn cancel_occurrence(
        &self,
        meeting_id: String,
        original: String,
        note: String,
    ) -> Result<()> {
        self.write(move |core| {
            let id = convert::id::to_core(meeting_id, "", "meeting_id")?;
            let original = convert::time::to_core(original, "", "original")?;
            Ok(core.cancel_occurrence(&id, original, &note)?)
        })
        .await
    }

    /// Moves one occurrence to `new_start`; returns the id of the moved occurrence's item.
    pub async fn move_occurrence(
        &self,
        meeting_id: String,
        original: String,
        new_start: String,
        note: String,
    ) -> Result<String> {
        self.write(move |core| {
            let id = convert::id::to_core(meeting_id, "", "meeting_id")?;
            let original = convert::time::to_core(original, "", "original")?;
            let new_start = convert::time::to_core(new_start, "", "new_start")?;
            let moved = core.move_occurrence(&id, original, new_start, &note)?;
            Ok(convert::id::from_core(moved))
        })
        .await
    }

    /// Undoes a cancellation or a move of one occurrence.
    pub async fn restore_occurrence(&self, meeting_id: String, original: String) -> Result<()> {
        self.write(move |core| {
            let id = convert::id::to_core(meeting_id, "", "meeting_id")?;
            let original = convert::time::to_core(original, "", "original")?;
            Ok(core.restore_occurrence(&id, original)?)
        })
        .await
    }

    /// Removes a meeting with its moved occurrences (its attendance log stays).
    pub async fn remove_meeting(&self, meeting_id: String) -> Result<()> {
        self.write(move |core| {
            let id = convert::id::to_core(meeting_id, "", "meeting_id")?;
            Ok(core.remove_meeting(&id)?)
        })
        .await
    }

    /// Records what happened at one occurrence.
    pub async fn mark_attendance(
        &self,
        meeting_id: String,
        occurrence: String,
        status: AttendanceStatus,
        note: String,
    ) -> Result<()> {
        self.write(move |core| {
            let id = convert::id::to_core(meeting_id, "", "meeting_id")?;
            let occurrence = convert::time::to_core(occurrence, "", "occurrence")?;
            Ok(core.mark_attendance(&id, occurrence, status, &note)?)
        })
        .await
    }

    /// Attendance per week or month over `from_day..=to_day` (`YYYY-MM-DD`).
    pub fn attendance_counts(
        &self,
        period: CountPeriod,
        from_day: String,
        to_day: String,
    ) -> Result<Vec<AttendanceCount>> {
        self.read(|core| {
            let from = convert::day::to_core(from_day, "", "from_day")?;
            let to = convert::day::to_core(to_day, "", "to_day")?;
            Ok(core.attendance_counts(period, from, to)?)
        })
    }

    // --- open formats ------------------------------------------------------------------

    /// Imports (or with `dry_run`, previews) a Meeting Guide JSON feed. Meetings from an
    /// earlier import of the same feed are updated by slug.
    pub async fn import_meeting_guide(
        &self,
        json: Vec<u8>,
        options: MeetingGuideImport,
    ) -> Result<ImportReport> {
        self.write(move |core| {
            let options = options.to_core("options")?;
            Ok(core.import_meeting_guide(&json, &options)?)
        })
        .await
    }

    /// The whole schedule as an iCalendar file (`now_ms`: the DTSTAMP; `None` means now).
    #[uniffi::method(default(now_ms = None))]
    pub async fn export_icalendar(&self, now_ms: Option<i64>) -> Result<String> {
        self.write(move |core| {
            Ok(core.export_icalendar(now_ms.unwrap_or_else(crate::store::now_ms))?)
        })
        .await
    }

    /// Imports the events of an iCalendar file; events without a zone are read in
    /// `default_time_zone`. Events exported by Twofold update the meetings they came from.
    pub async fn import_icalendar(
        &self,
        ics: Vec<u8>,
        default_time_zone: String,
    ) -> Result<ImportReport> {
        self.write(move |core| Ok(core.import_icalendar(&ics, &default_time_zone)?))
            .await
    }

    /// Every contact as vCard 4.0.
    pub async fn export_vcard(&self) -> Result<String> {
        self.write(|core| Ok(core.export_vcard()?)).await
    }

    /// Imports the cards of a vCard file; cards exported by Twofold update their contacts.
    pub async fn import_vcard(&self, vcf: Vec<u8>) -> Result<ImportReport> {
        self.write(move |core| Ok(core.import_vcard(&vcf)?)).await
    }
}
