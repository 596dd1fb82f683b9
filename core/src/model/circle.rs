//! A peer circle as the app shows it (ADR 0019): who is in it under the names they chose for
//! it, the messages in a stable order, each member's "how I am today", the meetings the circle
//! goes to and the pinned "how we treat each other" note. Nothing here is a phone number or
//! anything from the person's own documents.

use crate::crypto::KeyId;
use crate::error::{Error, Result};
use crate::model::ids::ItemId;
use crate::model::schedule::Meeting;
use crate::model::validate::{optional, required, MAX_LONG, MAX_SHORT};

/// The longest message, in characters: a few paragraphs, as in a group chat.
pub const MAX_MESSAGE: usize = 4_000;
/// The longest "how I am today", in characters.
pub const MAX_STATUS: usize = 140;
/// The longest reaction, in characters (an emoji, or a short word).
pub const MAX_REACTION: usize = 16;

/// What a member may do in a circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CircleRole {
    /// Started the circle; its device holds the circle and lets people in and out.
    Host,
    /// Named by the host: may hide a message for everyone, change the pinned note and ask
    /// the host's device to remove a member.
    CoHost,
    Member,
}

impl CircleRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CircleRole::Host => "host",
            CircleRole::CoHost => "co_host",
            CircleRole::Member => "member",
        }
    }

    /// A role read from a document; anything unknown is the least one.
    pub fn parse_lenient(raw: &str) -> Self {
        match raw {
            "host" => CircleRole::Host,
            "co_host" => CircleRole::CoHost,
            _ => CircleRole::Member,
        }
    }

    /// Hosts and co-hosts look after the circle.
    pub fn moderates(self) -> bool {
        matches!(self, CircleRole::Host | CircleRole::CoHost)
    }
}

/// One member, as every member sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleMember {
    pub id: KeyId,
    /// The name they chose for this circle.
    pub name: String,
    pub role: CircleRole,
    pub joined_at_ms: i64,
    /// This device's own person.
    pub is_me: bool,
}

/// One reaction to a message: one per member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleReaction {
    pub member: KeyId,
    pub reaction: String,
}

/// One message. A message a host hid for everyone keeps its place, without its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleMessage {
    pub id: ItemId,
    pub author: KeyId,
    /// The author's name in this circle (also for a member who has since left).
    pub author_name: String,
    /// When the author wrote it, by the author's clock: the order messages are shown in.
    pub sent_at_ms: i64,
    /// Empty when `hidden`.
    pub text: String,
    pub reply_to: Option<ItemId>,
    pub reactions: Vec<CircleReaction>,
    /// Hidden for everyone by a host, a co-host or its author.
    pub hidden: bool,
}

/// A member's "how I am today".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleStatus {
    pub member: KeyId,
    pub member_name: String,
    pub words: String,
    /// `#rrggbb`.
    pub colour: String,
    pub set_at_ms: i64,
}

/// A meeting the circle goes to: a schedule meeting, which a member may copy into their own
/// schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct CircleMeeting {
    pub meeting: Meeting,
    pub added_by: KeyId,
    /// The same meeting (by id) is in this person's own schedule.
    pub in_my_schedule: bool,
}

/// A circle in the list of circles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleSummary {
    pub doc_id: String,
    pub name: String,
    pub host: KeyId,
    /// `None` when this device is no longer a member (removed; what arrived is kept).
    pub my_role: Option<CircleRole>,
    /// Still shared with this device: new messages arrive and can be posted.
    pub active: bool,
    pub muted: bool,
    pub members: u32,
    pub last_message_at_ms: Option<i64>,
}

/// Everything in one circle.
#[derive(Debug, Clone, PartialEq)]
pub struct CircleView {
    pub summary: CircleSummary,
    pub members: Vec<CircleMember>,
    /// In order: by the author's time, then author, then id. Messages this person hid for
    /// themselves are left out.
    pub messages: Vec<CircleMessage>,
    pub statuses: Vec<CircleStatus>,
    pub meetings: Vec<CircleMeeting>,
    /// The pinned "how we treat each other".
    pub guidelines: String,
}

pub fn validate_name(field: &str, name: &str) -> Result<()> {
    required(field, name, MAX_SHORT)?;
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(field, "contains a control character"));
    }
    Ok(())
}

pub fn validate_message(text: &str) -> Result<()> {
    required("text", text, MAX_MESSAGE)
}

pub fn validate_guidelines(text: &str) -> Result<()> {
    optional("guidelines", text, MAX_LONG)
}

pub fn validate_reaction(reaction: &str) -> Result<()> {
    required("reaction", reaction, MAX_REACTION)?;
    if reaction.chars().any(char::is_control) {
        return Err(Error::invalid("reaction", "contains a control character"));
    }
    Ok(())
}

pub fn validate_status(words: &str, colour: &str) -> Result<()> {
    required("words", words, MAX_STATUS)?;
    let hex = colour.strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid("colour", "is not #rrggbb"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_colour_is_hex_and_words_are_short() {
        assert!(validate_status("steady", "#3a7bd5").is_ok());
        for bad in ["3a7bd5", "#3a7bd", "#3a7bd5x", "#gggggg", ""] {
            assert!(validate_status("steady", bad).is_err(), "{bad:?}");
        }
        assert!(validate_status(&"a".repeat(MAX_STATUS + 1), "#000000").is_err());
        assert!(validate_status(" ", "#000000").is_err());
    }

    #[test]
    fn an_unknown_role_read_back_is_the_least_one() {
        for role in [CircleRole::Host, CircleRole::CoHost, CircleRole::Member] {
            assert_eq!(CircleRole::parse_lenient(role.as_str()), role);
        }
        assert_eq!(CircleRole::parse_lenient("admin"), CircleRole::Member);
    }
}
