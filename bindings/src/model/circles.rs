//! Peer circles (ADR 0019): `twofold_core::model::circle`, crossing as it is where it can. A
//! circle's meetings and the whole view are mirrored, because they carry a schedule
//! `Meeting` (itself a mirror).
//!
//! Member ids are device ids (32 lowercase hex characters); circle ids are document ids (32
//! lowercase hex characters); message ids are item ids.

use twofold_core as tc;

use twofold_core::{ItemId, KeyId};

use crate::model::schedule::Meeting;

pub use tc::{
    CircleMember, CircleMessage, CircleReaction, CircleRole, CircleStatus, CircleSummary,
};

/// What a member may do in a circle.
#[uniffi::remote(Enum)]
pub enum CircleRole {
    /// Started the circle; its device lets people in and out.
    Host,
    /// Named by the host: hides messages for everyone, edits the pinned note, asks the host's
    /// device to remove a member.
    CoHost,
    Member,
}

/// One member, under the name they chose for this circle.
#[uniffi::remote(Record)]
pub struct CircleMember {
    pub id: KeyId,
    pub name: String,
    pub role: CircleRole,
    pub joined_at_ms: i64,
    pub is_me: bool,
}

/// One member's reaction to a message.
#[uniffi::remote(Record)]
pub struct CircleReaction {
    pub member: KeyId,
    pub reaction: String,
}

/// One message; `text` is empty when it was hidden for everyone.
#[uniffi::remote(Record)]
pub struct CircleMessage {
    pub id: ItemId,
    pub author: KeyId,
    pub author_name: String,
    pub sent_at_ms: i64,
    pub text: String,
    pub reply_to: Option<ItemId>,
    pub reactions: Vec<CircleReaction>,
    pub hidden: bool,
}

/// A member's "how I am today": a few words and a colour (`#rrggbb`).
#[uniffi::remote(Record)]
pub struct CircleStatus {
    pub member: KeyId,
    pub member_name: String,
    pub words: String,
    pub colour: String,
    pub set_at_ms: i64,
}

/// A circle in the list of circles. `my_role` is `None` once this device is no longer a
/// member (what arrived is kept); `active` says new messages arrive and can be posted.
#[uniffi::remote(Record)]
pub struct CircleSummary {
    pub doc_id: String,
    pub name: String,
    pub host: KeyId,
    pub my_role: Option<CircleRole>,
    pub active: bool,
    pub muted: bool,
    pub members: u32,
    pub last_message_at_ms: Option<i64>,
}

/// A meeting the circle goes to; `in_my_schedule` when the person copied it into their own
/// schedule (`add_circle_meeting_to_schedule`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CircleMeeting {
    pub meeting: Meeting,
    pub added_by: KeyId,
    pub in_my_schedule: bool,
}

impl From<tc::CircleMeeting> for CircleMeeting {
    fn from(c: tc::CircleMeeting) -> Self {
        CircleMeeting {
            meeting: c.meeting.into(),
            added_by: c.added_by,
            in_my_schedule: c.in_my_schedule,
        }
    }
}

/// Everything in one circle: current members, messages in their one order (by the author's
/// time, then author, then id; those hidden for this person left out), statuses, meetings
/// and the pinned "how we treat each other".
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CircleView {
    pub summary: CircleSummary,
    pub members: Vec<CircleMember>,
    pub messages: Vec<CircleMessage>,
    pub statuses: Vec<CircleStatus>,
    pub meetings: Vec<CircleMeeting>,
    pub guidelines: String,
}

impl From<tc::CircleView> for CircleView {
    fn from(v: tc::CircleView) -> Self {
        CircleView {
            summary: v.summary,
            members: v.members,
            messages: v.messages,
            statuses: v.statuses,
            meetings: v.meetings.into_iter().map(Into::into).collect(),
            guidelines: v.guidelines,
        }
    }
}
