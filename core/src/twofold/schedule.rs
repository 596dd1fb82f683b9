//! The schedule in time: occurrences, moved and cancelled occurrences, reminders and the
//! attendance log. The expansion itself lives in `crate::schedule`; this file reads the
//! schedule document and writes changes through the one write path.

use chrono::Duration;

use super::{ChangeOrigin, Twofold};
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections::{self as s, SectionId};
use crate::docs::snapshot::prefix;
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::schedule::{Attendance, AttendanceStatus, Meeting};
use crate::model::time::{Day, LocalDateTime};
use crate::model::validate::{optional, Validate, MAX_LONG};
use crate::schedule::attendance::{counts, AttendanceCount, CountPeriod};
use crate::schedule::occurrences::{self, instant, Occurrence};
use crate::schedule::overrides::{override_id, override_of};
use crate::schedule::recurrence::{wall_clock_starts, zone_of};
use crate::schedule::reminders::{self, Reminder};
use crate::schedule::zone::viewer_zone;

/// Whether the rule of `meeting` (ignoring exception dates) starts an occurrence at `at`.
fn is_occurrence(meeting: &Meeting, at: &LocalDateTime) -> Result<bool> {
    let zone = zone_of(meeting)?;
    Ok(!wall_clock_starts(meeting, zone, at.0, at.0, 1)?.is_empty())
}

impl Twofold {
    fn meetings(&self) -> Result<Vec<Meeting>> {
        self.list(s::MEETINGS)
    }

    fn series(&self, meeting_id: &ItemId, original: &LocalDateTime) -> Result<Meeting> {
        let meeting = self.get(s::MEETINGS, meeting_id)?;
        if !is_occurrence(&meeting, original)? {
            return Err(Error::invalid(
                "occurrence",
                "is not an occurrence of this meeting",
            ));
        }
        Ok(meeting)
    }

    /// Occurrences starting in `[from_ms, to_ms)`, in time order, with times in the
    /// viewer's zone as well as the meeting's.
    pub fn occurrences_between(
        &self,
        from_ms: i64,
        to_ms: i64,
        viewer_zone_name: &str,
    ) -> Result<Vec<Occurrence>> {
        let viewer = viewer_zone("viewer_zone", viewer_zone_name)?;
        let from = instant("from_ms", from_ms)?;
        let to = instant("to_ms", to_ms)?;
        if to < from || to - from > Duration::days(3 * 366) {
            return Err(Error::invalid(
                "to_ms",
                "must be after from_ms and at most three years later",
            ));
        }
        Ok(occurrences::between(&self.meetings()?, from, to, viewer))
    }

    /// The next `n` occurrences (at most 100) starting at or after `now_ms`.
    pub fn next_occurrences(
        &self,
        now_ms: i64,
        n: usize,
        viewer_zone_name: &str,
    ) -> Result<Vec<Occurrence>> {
        let viewer = viewer_zone("viewer_zone", viewer_zone_name)?;
        let now = instant("now_ms", now_ms)?;
        Ok(occurrences::next(
            &self.meetings()?,
            now,
            n.min(100),
            viewer,
        ))
    }

    /// What is on `day` in the viewer's zone.
    pub fn occurrences_on(&self, day: Day, viewer_zone_name: &str) -> Result<Vec<Occurrence>> {
        let viewer = viewer_zone("viewer_zone", viewer_zone_name)?;
        Ok(occurrences::on_day(&self.meetings()?, day, viewer))
    }

    /// What is under way at `now_ms`.
    pub fn occurrences_now(&self, now_ms: i64, viewer_zone_name: &str) -> Result<Vec<Occurrence>> {
        let viewer = viewer_zone("viewer_zone", viewer_zone_name)?;
        let now = instant("now_ms", now_ms)?;
        Ok(occurrences::under_way(&self.meetings()?, now, viewer))
    }

    /// The reminders to arm for the next `horizon_days` (at most 31). Without `show_detail`
    /// the text names no meeting or place.
    pub fn reminders(
        &self,
        now_ms: i64,
        horizon_days: u32,
        show_detail: bool,
        viewer_zone_name: &str,
    ) -> Result<Vec<Reminder>> {
        let viewer = viewer_zone("viewer_zone", viewer_zone_name)?;
        let now = instant("now_ms", now_ms)?;
        Ok(reminders::upcoming(
            &self.meetings()?,
            now,
            horizon_days,
            show_detail,
            viewer,
        ))
    }

    /// Cancels one occurrence of a meeting: it leaves the schedule and the reminders, and the
    /// attendance log records it as cancelled with `note`.
    pub fn cancel_occurrence(
        &self,
        meeting_id: &ItemId,
        original: LocalDateTime,
        note: &str,
    ) -> Result<()> {
        optional("note", note, MAX_LONG)?;
        let mut meeting = self.series(meeting_id, &original)?;
        if !meeting.exdates.contains(&original) {
            meeting.exdates.push(original);
        }
        meeting
            .validate()
            .map_err(|e| prefix(SectionId::Meetings, e))?;
        let record =
            self.attendance_record(meeting_id, original, AttendanceStatus::Cancelled, note)?;
        let moved = override_id(meeting_id, &original).ok();
        self.change(DocKind::Schedule, ChangeOrigin::Local, |_, am| {
            items::put(am, s::MEETINGS, &meeting)?;
            items::put(am, s::ATTENDANCE, &record)?;
            if let Some(moved) = moved {
                if items::contains(am, SectionId::Meetings, &moved)? {
                    items::remove(am, SectionId::Meetings, &moved)?;
                }
            }
            Ok(())
        })
    }

    /// Moves one occurrence of a recurring meeting to `new_start` (wall-clock time in the
    /// meeting's zone). Returns the id of the item that now holds that occurrence.
    pub fn move_occurrence(
        &self,
        meeting_id: &ItemId,
        original: LocalDateTime,
        new_start: LocalDateTime,
        note: &str,
    ) -> Result<ItemId> {
        optional("note", note, MAX_LONG)?;
        let mut meeting = self.series(meeting_id, &original)?;
        if meeting.rrule.is_none() {
            return Err(Error::invalid(
                "meeting_id",
                "is a one-off: edit its start instead",
            ));
        }
        let id = override_id(meeting_id, &original)?;
        let moved = Meeting {
            id: id.clone(),
            start: new_start,
            rrule: None,
            exdates: Vec::new(),
            notes: if note.is_empty() {
                meeting.notes.clone()
            } else {
                note.to_string()
            },
            ..meeting.clone()
        };
        if !meeting.exdates.contains(&original) {
            meeting.exdates.push(original);
        }
        moved
            .validate()
            .map_err(|e| prefix(SectionId::Meetings, e))?;
        meeting
            .validate()
            .map_err(|e| prefix(SectionId::Meetings, e))?;
        self.change(DocKind::Schedule, ChangeOrigin::Local, |_, am| {
            items::put(am, s::MEETINGS, &meeting)?;
            items::put(am, s::MEETINGS, &moved)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// Undoes a cancellation or a move: the occurrence takes place as the rule says.
    pub fn restore_occurrence(&self, meeting_id: &ItemId, original: LocalDateTime) -> Result<()> {
        let mut meeting = self.series(meeting_id, &original)?;
        meeting.exdates.retain(|x| *x != original);
        let moved = override_id(meeting_id, &original).ok();
        let record = Attendance::id_for(meeting_id, &original);
        self.change(DocKind::Schedule, ChangeOrigin::Local, |_, am| {
            items::put(am, s::MEETINGS, &meeting)?;
            if let Some(moved) = moved {
                if items::contains(am, SectionId::Meetings, &moved)? {
                    items::remove(am, SectionId::Meetings, &moved)?;
                }
            }
            if let Some(a) = items::get(am, s::ATTENDANCE, &record)? {
                if a.status == AttendanceStatus::Cancelled {
                    items::remove(am, SectionId::Attendance, &record)?;
                }
            }
            Ok(())
        })
    }

    /// Removes a meeting and its moved occurrences; its attendance log stays as history.
    pub fn remove_meeting(&self, meeting_id: &ItemId) -> Result<()> {
        self.change(DocKind::Schedule, ChangeOrigin::Local, |_, am| {
            if !items::contains(am, SectionId::Meetings, meeting_id)? {
                return Err(Error::not_found("item", meeting_id.as_str()));
            }
            let moved: Vec<ItemId> = items::ids(am, SectionId::Meetings)?
                .into_iter()
                .filter(|id| override_of(id).is_some_and(|(series, _)| &series == meeting_id))
                .collect();
            items::remove(am, SectionId::Meetings, meeting_id)?;
            for id in moved {
                items::remove(am, SectionId::Meetings, &id)?;
            }
            Ok(())
        })
    }

    fn attendance_record(
        &self,
        meeting_id: &ItemId,
        occurrence: LocalDateTime,
        status: AttendanceStatus,
        note: &str,
    ) -> Result<Attendance> {
        let id = Attendance::id_for(meeting_id, &occurrence);
        let mentor_note = match self.get(s::ATTENDANCE, &id) {
            Ok(existing) => existing.mentor_note,
            Err(Error::NotFound { .. }) => String::new(),
            Err(e) => return Err(e),
        };
        let record = Attendance {
            id,
            meeting_id: meeting_id.clone(),
            occurrence,
            status,
            note: note.to_string(),
            mentor_note,
        };
        record
            .validate()
            .map_err(|e| prefix(SectionId::Attendance, e))?;
        Ok(record)
    }

    /// Marks one occurrence (the series id and the start the rule gives) attended, missed or
    /// cancelled, with a note. A mentor's note already there is kept.
    pub fn mark_attendance(
        &self,
        meeting_id: &ItemId,
        occurrence: LocalDateTime,
        status: AttendanceStatus,
        note: &str,
    ) -> Result<()> {
        self.series(meeting_id, &occurrence)?;
        let record = self.attendance_record(meeting_id, occurrence, status, note)?;
        self.change(DocKind::Schedule, ChangeOrigin::Local, |_, am| {
            items::put(am, s::ATTENDANCE, &record)?;
            Ok(())
        })
    }

    /// Attendance counts per week or month over `from..=to`, every period present.
    pub fn attendance_counts(
        &self,
        period: CountPeriod,
        from: Day,
        to: Day,
    ) -> Result<Vec<AttendanceCount>> {
        counts(&self.list(s::ATTENDANCE)?, period, from, to)
    }
}
