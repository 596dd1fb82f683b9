//! The mentor's overview of everyone they support: per person, what they shared and whether
//! each share is still in force, when their device was last heard from, the open alerts of
//! their wellbeing summary, the requests for help they sent, and the mentor's own note
//! (local, never synced). Sorted so that whoever needs attention is on top. Quiet hours on the
//! mentor's side hold back everything but a request for help.

use chrono::Timelike;
use serde::{Deserialize, Serialize};

use super::sos::ReceivedSos;
use super::{SharedDocument, Twofold};
use crate::crypto::KeyId;
use crate::docs::kind::DocKind;
use crate::docs::sections as s;
use crate::error::{Error, Result};
use crate::model::sharing::SharedAlert;
use crate::model::time::parse_zone;
use crate::model::validate::optional;
use crate::store::peers::{self, PeerState};
use crate::store::settings;
use crate::store::sos as table;

const QUIET_HOURS: &str = "mentor.quiet_hours";

/// The longest note a mentor keeps on one person.
pub const MAX_MENTEE_NOTE: usize = 4_000;

/// Someone sharing who has not been heard from in this long is flagged as silent.
pub const SILENT_AFTER_MS: i64 = 3 * 24 * 60 * 60_000;

/// Hours when the mentor's phone stays quiet, as minutes after local midnight in the store's
/// time zone (`set_time_zone`; UTC when none). `start > end` spans midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub start_minute: u16,
    pub end_minute: u16,
}

impl QuietHours {
    pub fn validate(&self) -> Result<()> {
        for (field, m) in [
            ("quiet_hours.start_minute", self.start_minute),
            ("quiet_hours.end_minute", self.end_minute),
        ] {
            if m >= 24 * 60 {
                return Err(Error::invalid(field, "is not a minute of the day"));
            }
        }
        Ok(())
    }

    pub fn contains(&self, minute: u16) -> bool {
        if self.start_minute <= self.end_minute {
            (self.start_minute..self.end_minute).contains(&minute)
        } else {
            minute >= self.start_minute || minute < self.end_minute
        }
    }
}

/// Why a person is where they are in the list, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attention {
    /// An open request for help.
    Sos,
    /// Their wellbeing summary has open alerts.
    Alerts,
    /// They share with this device but have not been heard from in [`SILENT_AFTER_MS`].
    Silent,
    Calm,
    /// Every share they made has ended (what arrived is kept).
    Ended,
}

/// What a mentor would be interrupted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    /// A request for help: always, quiet hours or not.
    Sos,
    Alert,
    Update,
}

/// One person the mentor supports.
#[derive(Debug, Clone, PartialEq)]
pub struct Mentee {
    pub peer: KeyId,
    pub name: String,
    /// What they shared with this device (an ended share has `access: None`).
    pub shared: Vec<SharedDocument>,
    /// When an envelope of theirs was last applied here.
    pub last_heard_ms: Option<i64>,
    pub open_alerts: Vec<SharedAlert>,
    /// Requests for help not closed, newest first.
    pub open_sos: Vec<ReceivedSos>,
    /// The mentor's own note (this device only).
    pub note: String,
    pub attention: Attention,
}

/// The overview.
#[derive(Debug, Clone, PartialEq)]
pub struct MentorView {
    pub mentees: Vec<Mentee>,
    pub quiet_now: bool,
}

impl Twofold {
    /// Everyone who shared something with this device or asked it for help, whoever needs
    /// attention first.
    pub fn mentor_view(&self) -> Result<MentorView> {
        let now = self.now_ms();
        let shared = self.shared_with_me()?;
        let received = self.sos_received()?;
        let seen = self.db.read(table::last_seen)?;
        let notes = self.db.read(table::notes)?;
        let paired = self.db.read(peers::list)?;
        let mut mentees = Vec::new();
        // A person's other devices (ADR 0012) are shown as the person: what they send counts
        // as theirs.
        let devices_of = |person: &KeyId| -> Vec<KeyId> {
            paired
                .iter()
                .filter(|d| d.person == Some(*person))
                .map(|d| d.peer_id)
                .chain(std::iter::once(*person))
                .collect()
        };
        for p in paired
            .iter()
            .filter(|p| p.state == PeerState::Paired && p.person.is_none() && !p.circle)
        {
            let theirs = devices_of(&p.peer_id);
            let docs: Vec<SharedDocument> = shared
                .iter()
                .filter(|d| d.owner == p.peer_id)
                .cloned()
                .collect();
            let sos: Vec<ReceivedSos> = received
                .iter()
                .filter(|r| theirs.contains(&r.from))
                .cloned()
                .collect();
            if docs.is_empty() && sos.is_empty() {
                continue;
            }
            let open_sos: Vec<ReceivedSos> = sos.into_iter().filter(|r| !r.closed).collect();
            let mut open_alerts = Vec::new();
            for d in docs
                .iter()
                .filter(|d| d.kind == DocKind::Summary && d.access.is_some())
            {
                open_alerts.extend(self.shared_list(&d.doc_id, s::OPEN_ALERTS)?);
            }
            let last_heard_ms = seen
                .iter()
                .filter(|(k, _)| theirs.contains(k))
                .map(|(_, at)| *at)
                .max();
            let sharing = docs.iter().any(|d| d.access.is_some());
            let attention = if !open_sos.is_empty() {
                Attention::Sos
            } else if !open_alerts.is_empty() {
                Attention::Alerts
            } else if sharing && last_heard_ms.is_none_or(|at| now - at > SILENT_AFTER_MS) {
                Attention::Silent
            } else if sharing {
                Attention::Calm
            } else {
                Attention::Ended
            };
            mentees.push(Mentee {
                peer: p.peer_id,
                name: p.display_name.clone(),
                shared: docs,
                last_heard_ms,
                open_alerts,
                open_sos,
                note: notes
                    .iter()
                    .find(|(k, _)| *k == p.peer_id)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default(),
                attention,
            });
        }
        // Most urgent first; among equals, the newest request, then the most alerts, then
        // the longest silence, then by name.
        crate::sorting::sort_by(&mut mentees, |a, b| {
            let newest = |m: &Mentee| m.open_sos.iter().map(|r| r.received_at_ms).max();
            a.attention
                .cmp(&b.attention)
                .then_with(|| newest(b).cmp(&newest(a)))
                .then_with(|| b.open_alerts.len().cmp(&a.open_alerts.len()))
                .then_with(|| a.last_heard_ms.cmp(&b.last_heard_ms))
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(MentorView {
            mentees,
            quiet_now: self.quiet_now()?,
        })
    }

    /// The mentor's own note on a person they support; empty removes it. Kept on this device.
    pub fn set_mentee_note(&self, peer: &KeyId, text: &str) -> Result<()> {
        optional("note", text, MAX_MENTEE_NOTE)?;
        self.paired(peer)?;
        let now = self.now_ms();
        self.db.write(|tx| table::set_note(tx, peer, text, now))
    }

    pub fn set_quiet_hours(&self, hours: Option<QuietHours>) -> Result<()> {
        match hours {
            Some(h) => {
                h.validate()?;
                self.save_setting(QUIET_HOURS, &Some(h))
            }
            None => self.db.write(|tx| settings::remove(tx, QUIET_HOURS)),
        }
    }

    pub fn quiet_hours(&self) -> Result<Option<QuietHours>> {
        self.load_setting(QUIET_HOURS)
    }

    /// Whether it is quiet hours now, by the store's clock and time zone.
    pub fn quiet_now(&self) -> Result<bool> {
        let Some(hours) = self.quiet_hours()? else {
            return Ok(false);
        };
        let zone = self.time_zone()?.unwrap_or_else(|| "UTC".to_string());
        let tz = parse_zone("time_zone", &zone)?;
        let at = chrono::DateTime::from_timestamp_millis(self.now_ms())
            .ok_or_else(|| Error::invalid("clock", "is out of range"))?
            .with_timezone(&tz);
        let minute = u16::try_from(at.hour() * 60 + at.minute()).unwrap_or(0);
        Ok(hours.contains(minute))
    }

    /// Whether to interrupt the mentor now: a request for help always breaks through.
    pub fn should_interrupt(&self, what: Interruption) -> Result<bool> {
        Ok(what == Interruption::Sos || !self.quiet_now()?)
    }
}
