//! Requests for help through the encrypted channel and the mentor's overview
//! (`twofold_core::{SentSos, ReceivedSos, MentorView, …}`), crossing as they are through
//! `#[uniffi::remote]`. Hand-written: a mentee (its open alerts are the summary's mirrored
//! items) and the request the person sends (its fields are checked on the way in).

use twofold_core as tc;

use twofold_core::{ItemId, KeyId};

use crate::model::sharing::{SharedAlert, SharedDocument};

pub use tc::{
    Attention, Interruption, QuietHours, ReceivedSos, SentSos, SosEvent, SosLocation, SosReply,
    SosRung, SosState,
};

/// A location the person chose to attach, in millionths of a degree.
#[uniffi::remote(Record)]
pub struct SosLocation {
    pub lat_e6: i32,
    pub lon_e6: i32,
    /// Radius of the fix's uncertainty, in metres.
    pub accuracy_m: u32,
}

/// What a contact answers.
#[uniffi::remote(Enum)]
pub enum SosReply {
    /// "I'm calling you."
    Calling,
    /// "On my way."
    OnMyWay,
    /// "Can't now, try the next person": the next person is asked at once.
    CantNow,
}

/// Where a request the person sent stands.
#[uniffi::remote(Enum)]
pub enum SosState {
    /// Waiting for someone to answer; the ladder is being walked.
    Open,
    /// Someone is calling or coming.
    Answered,
    /// Everyone was asked and nobody can come: offer the SMS and the crisis lines.
    Exhausted,
    /// The person closed it.
    Closed,
}

/// One person on a sent request's ladder. Times are milliseconds since the Unix epoch.
#[uniffi::remote(Record)]
pub struct SosRung {
    pub contact_id: ItemId,
    pub peer: KeyId,
    /// `None`: not (yet) their turn.
    pub asked_at_ms: Option<i64>,
    /// When the relay stored their copy. Asked but not relayed for long: no data, offer the
    /// prepared SMS.
    pub relayed_at_ms: Option<i64>,
    pub reply: Option<SosReply>,
    pub replied_at_ms: Option<i64>,
}

/// A request the person sent.
#[uniffi::remote(Record)]
pub struct SentSos {
    pub sos_id: String,
    pub text: Option<String>,
    pub location: Option<SosLocation>,
    pub wait_ms: i64,
    pub created_at_ms: i64,
    pub state: SosState,
    pub rungs: Vec<SosRung>,
    /// When the next person is asked if nobody answers; call `escalate_sos` then.
    pub next_escalation_ms: Option<i64>,
}

/// A request someone sent to this device.
#[uniffi::remote(Record)]
pub struct ReceivedSos {
    pub from: KeyId,
    pub from_name: String,
    pub sos_id: String,
    /// Their words; `None`: show the app's default help text.
    pub text: Option<String>,
    pub location: Option<SosLocation>,
    pub sent_at_ms: i64,
    pub received_at_ms: i64,
    /// Where this device is on their ladder, from 0.
    pub rung: u32,
    pub answer_within_ms: i64,
    pub reply: Option<SosReply>,
    /// They closed it: nobody needs to come any more.
    pub closed: bool,
}

/// What SOS listeners hear.
#[uniffi::remote(Enum)]
pub enum SosEvent {
    /// Someone asked this device for help: show it at once, quiet hours or not.
    Received { from: KeyId, sos_id: String },
    /// Someone answered this person's request.
    Replied {
        sos_id: String,
        from: KeyId,
        reply: SosReply,
    },
    /// The next person on the ladder was asked.
    Escalated { sos_id: String, rung: u32 },
    /// Everyone was asked and nobody can come.
    Exhausted { sos_id: String },
    /// The person closed a request this device received.
    Closed { from: KeyId, sos_id: String },
}

/// Why a person is where they are in the mentor's list, most urgent first.
#[uniffi::remote(Enum)]
pub enum Attention {
    Sos,
    Alerts,
    /// Sharing, but not heard from in three days.
    Silent,
    Calm,
    /// Every share they made has ended.
    Ended,
}

/// What the mentor would be interrupted for.
#[uniffi::remote(Enum)]
pub enum Interruption {
    /// Always, quiet hours or not.
    Sos,
    Alert,
    Update,
}

/// Quiet hours as minutes after local midnight (the store's time zone); `start > end` spans
/// midnight.
#[uniffi::remote(Record)]
pub struct QuietHours {
    pub start_minute: u16,
    pub end_minute: u16,
}

/// One person the mentor supports.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Mentee {
    pub peer: KeyId,
    pub name: String,
    pub shared: Vec<SharedDocument>,
    /// When an envelope of theirs was last applied here.
    pub last_heard_ms: Option<i64>,
    pub open_alerts: Vec<SharedAlert>,
    pub open_sos: Vec<ReceivedSos>,
    /// The mentor's own note (this device only).
    pub note: String,
    pub attention: Attention,
}

impl From<tc::Mentee> for Mentee {
    fn from(m: tc::Mentee) -> Self {
        let tc::Mentee {
            peer,
            name,
            shared,
            last_heard_ms,
            open_alerts,
            open_sos,
            note,
            attention,
        } = m;
        Mentee {
            peer,
            name,
            shared,
            last_heard_ms,
            open_alerts: open_alerts.into_iter().map(Into::into).collect(),
            open_sos,
            note,
            attention,
        }
    }
}

/// The mentor's overview: whoever needs attention first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MentorView {
    pub mentees: Vec<Mentee>,
    pub quiet_now: bool,
}

impl From<tc::MentorView> for MentorView {
    fn from(v: tc::MentorView) -> Self {
        MentorView {
            mentees: v.mentees.into_iter().map(Into::into).collect(),
            quiet_now: v.quiet_now,
        }
    }
}
