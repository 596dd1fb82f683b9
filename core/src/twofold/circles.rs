//! Peer circles (ADR 0019): a private support group of up to about 30 people, kept in one
//! circle document that the host's device owns and shares read-write with each member's
//! device through the ordinary shares and epochs (ADR 0004).
//!
//! A member joins with a circle invite — a pairing invite with its own mark, answered with the
//! name they chose for this circle, approved on the host's device after the same six-digit
//! code comparison. The pairing is marked as one for circles only: such a peer is not one of
//! the person's people, and none of the person's own documents can be shared with it. Every
//! join, leave and removal is a change of consent and so a new epoch: a member who left or was
//! removed keeps what they had and gets nothing new. Members ask to leave, and co-hosts ask to
//! remove someone, by writing it into the circle; the host's device enacts it before its next
//! send.

use std::collections::BTreeSet;

use super::listeners::ChangeOrigin;
use super::{DocAccess, DocSel, Peer, Twofold};
use crate::crypto::{Invite, InviteMark, KeyId};
use crate::docs::circle::{self, Contents, MemberEntry};
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections as s;
use crate::error::{Error, Result};
use crate::model::circle::{
    validate_guidelines, validate_message, validate_name, validate_reaction, validate_status,
    CircleMeeting, CircleMember, CircleMessage, CircleReaction, CircleRole, CircleStatus,
    CircleSummary, CircleView,
};
use crate::model::ids::ItemId;
use crate::model::schedule::Meeting;
use crate::model::validate::Validate;
use crate::store::circles as table;
use crate::store::peers::{self, Link, PeerState};
use crate::store::shares;
use crate::sync::Access;

/// The purpose recorded on each member's share of a circle.
pub const CIRCLE_PURPOSE: &str = "peer circle";
/// The revocation reasons a member's device is told.
const LEFT: &str = "left";
const REMOVED: &str = "removed";

/// A circle's member entries, for the checks before a change, and the member this device
/// writes as.
struct Members {
    all: Vec<MemberEntry>,
    me: KeyId,
}

impl Members {
    fn role_of(&self, id: &KeyId) -> Option<CircleRole> {
        self.all
            .iter()
            .find(|m| m.id == *id && m.current())
            .map(|m| m.role)
    }

    /// The member whose device `device` is.
    fn person_of(&self, device: &KeyId) -> Option<KeyId> {
        circle::member_of(&self.all, device).map(|m| m.id)
    }
}

/// This device's person in a circle, and their role there (`None` once they are out).
struct Me {
    id: KeyId,
    role: Option<CircleRole>,
}

/// Who this device writes as in a circle: the member it belongs to (the device that joined,
/// or one of that person's linked devices the host named), else itself.
fn me_in(members: &[MemberEntry], device: &KeyId) -> Me {
    match circle::member_of(members, device) {
        Some(m) => Me {
            id: m.id,
            role: m.current().then_some(m.role),
        },
        None => Me {
            id: *device,
            role: None,
        },
    }
}

/// One circle as this device holds it.
struct Held {
    host: KeyId,
    access: DocAccess,
    contents: Contents,
}

impl Twofold {
    /// Starts a circle hosted on this device, under `my_name` (the name this person uses in
    /// it). Returns the circle's id.
    pub fn create_circle(&self, name: &str, my_name: &str) -> Result<String> {
        validate_name("name", name)?;
        validate_name("my_name", my_name)?;
        let now = self.now_ms();
        let doc = Self::create_doc(
            &self.db,
            &Self::actor_of(&self.identity),
            DocKind::Circle,
            None,
            now,
        )?;
        let id = doc.doc_id.clone();
        self.docs_write()?.others.insert(id.clone(), doc);
        let me = self.device_id();
        self.change_doc(DocSel::Id(&id), ChangeOrigin::Local, |_, am| {
            circle::set_name(am, name)?;
            circle::admit(am, &me, my_name, CircleRole::Host, now)
        })?;
        Ok(id)
    }

    /// An invite to `circle` for a QR code or a link (`twofold:circle:2:…`), valid once,
    /// until `expires_at_ms`. Only the host's device invites.
    pub fn create_circle_invite(
        &self,
        circle: &str,
        relay: &str,
        expires_at_ms: i64,
    ) -> Result<String> {
        self.hosted(circle)?;
        self.new_invite(relay, expires_at_ms, InviteMark::Circle, Some(circle))
    }

    /// Answers a circle invite under `my_name`, the name this person chooses for the circle
    /// (never a phone number). Compare the returned code with the host's screen; the circle
    /// arrives with the next syncs once the host approves.
    pub fn accept_circle_invite(&self, invite: &str, my_name: &str, now_ms: i64) -> Result<Peer> {
        validate_name("my_name", my_name)?;
        let now = u64::try_from(now_ms / 1000).unwrap_or(0);
        let invite =
            Invite::decode(invite, now).map_err(|e| Error::invalid("invite", e.to_string()))?;
        if invite.mark != InviteMark::Circle {
            return Err(Error::invalid("invite", "is not a circle invite"));
        }
        self.answer_invite(invite, my_name, now_ms, None)
    }

    /// Host side: people who answered an invite to `circle`, waiting for approval
    /// ([`Twofold::approve_pairing`] after comparing the codes, or `decline_pairing`).
    pub fn circle_join_requests(&self, circle: &str) -> Result<Vec<Peer>> {
        self.hosted(circle)?;
        let rows = self.db.read(peers::list)?;
        let mut out = Vec::new();
        for row in rows
            .iter()
            .filter(|r| r.circle && r.state == PeerState::PendingApproval)
        {
            if self.circle_of_pairing(&row.peer_id)?.as_deref() == Some(circle) {
                out.push(self.peer_view(row)?);
            }
        }
        Ok(out)
    }

    /// Every circle this device is in or hosts, except those the person left.
    pub fn circles(&self) -> Result<Vec<CircleSummary>> {
        let ids: Vec<String> = self.read(|docs| {
            Ok(docs
                .others
                .values()
                .filter(|d| d.kind == DocKind::Circle)
                .map(|d| d.doc_id.clone())
                .collect())
        })?;
        let device = self.device_id();
        let mut out = Vec::new();
        for id in ids {
            let held = self.held(&id)?;
            let (muted, left_at) = self.db.read(|c| table::settings(c, &id))?;
            let mine = held.contents.member_of_device(&device);
            let ended = matches!(held.access, DocAccess::Ended | DocAccess::Read);
            if left_at.is_some() && (ended || mine.is_some_and(|m| m.leaving)) {
                continue;
            }
            out.push(self.circle_summary(&id, &held, muted));
        }
        crate::sorting::sort_by(&mut out, |a, b| {
            (b.last_message_at_ms, &a.name, &a.doc_id).cmp(&(
                a.last_message_at_ms,
                &b.name,
                &b.doc_id,
            ))
        });
        Ok(out)
    }

    fn circle_summary(&self, id: &str, held: &Held, muted: bool) -> CircleSummary {
        let me = me_in(&held.contents.members, &self.device_id());
        // A member's device learns of its removal from the share's end (the circle's last
        // changes went to the others only, in the next epoch).
        let shared = matches!(held.access, DocAccess::Owner | DocAccess::Write);
        let my_role = me.role.filter(|_| shared);
        CircleSummary {
            doc_id: id.to_string(),
            name: held.contents.name.clone(),
            host: held.host,
            my_role,
            active: my_role.is_some(),
            muted,
            members: u32::try_from(held.contents.members.iter().filter(|m| m.current()).count())
                .unwrap_or(u32::MAX),
            last_message_at_ms: held.contents.messages.last().map(|m| m.sent_at_ms),
        }
    }

    /// Everything in one circle, as this person sees it.
    pub fn circle(&self, circle: &str) -> Result<CircleView> {
        let held = self.held(circle)?;
        let me = me_in(&held.contents.members, &self.device_id()).id;
        let (muted, _) = self.db.read(|c| table::settings(c, circle))?;
        let hidden_for_me = self.db.read(|c| table::hidden_for_me(c, circle))?;
        let in_schedule: BTreeSet<String> = self.read(|docs| {
            Ok(crate::sorting::set(
                items::ids(docs.get(DocKind::Schedule)?, s::SectionId::Meetings)?
                    .into_iter()
                    .map(|id| id.as_str().to_string()),
            ))
        })?;
        let c = &held.contents;
        let name_of = |id: &KeyId| c.member(id).map(|m| m.name.clone()).unwrap_or_default();
        let members = c
            .members
            .iter()
            .filter(|m| m.current())
            .map(|m| CircleMember {
                id: m.id,
                name: m.name.clone(),
                role: m.role,
                joined_at_ms: m.joined_at_ms,
                is_me: m.id == me,
            })
            .collect();
        let messages = c
            .messages
            .iter()
            .filter(|m| !hidden_for_me.contains(m.id.as_str()))
            .map(|m| CircleMessage {
                id: m.id.clone(),
                author: m.author,
                author_name: name_of(&m.author),
                sent_at_ms: m.sent_at_ms,
                text: if m.hidden {
                    String::new()
                } else {
                    m.text.clone()
                },
                reply_to: m.reply_to.clone(),
                reactions: m
                    .reactions
                    .iter()
                    .filter(|(who, _)| c.member(who).is_some())
                    .map(|(member, reaction)| CircleReaction {
                        member: *member,
                        reaction: reaction.clone(),
                    })
                    .collect(),
                hidden: m.hidden,
            })
            .collect();
        let statuses = c
            .statuses
            .iter()
            .filter(|st| c.role_of(&st.member).is_some())
            .map(|st| CircleStatus {
                member: st.member,
                member_name: name_of(&st.member),
                words: st.words.clone(),
                colour: st.colour.clone(),
                set_at_ms: st.set_at_ms,
            })
            .collect();
        let meetings = c
            .meetings
            .iter()
            .map(|m| CircleMeeting {
                in_my_schedule: in_schedule.contains(m.meeting.id.as_str()),
                meeting: m.meeting.clone(),
                added_by: m.added_by,
            })
            .collect();
        Ok(CircleView {
            summary: self.circle_summary(circle, &held, muted),
            members,
            messages,
            statuses,
            meetings,
            guidelines: c.guidelines.clone(),
        })
    }

    /// Posts a message, optionally in reply to another. Returns its id.
    pub fn post_circle_message(
        &self,
        circle: &str,
        text: &str,
        reply_to: Option<&ItemId>,
    ) -> Result<ItemId> {
        validate_message(text)?;
        let now = self.now_ms();
        let id = ItemId::with_prefix(&now.to_string());
        self.change_circle(circle, |am, _, _| {
            if let Some(r) = reply_to {
                if !circle::has_message(am, r)? {
                    return Err(Error::invalid(
                        "reply_to",
                        "is not a message of this circle",
                    ));
                }
            }
            circle::add_message(am, &id, text, now, reply_to)
        })?;
        Ok(id)
    }

    /// Sets (or with `None` takes back) this person's reaction to a message.
    pub fn react_in_circle(
        &self,
        circle: &str,
        message: &ItemId,
        reaction: Option<&str>,
    ) -> Result<()> {
        if let Some(r) = reaction {
            validate_reaction(r)?;
        }
        self.change_circle(circle, |am, members, _| {
            circle::set_reaction(am, message, &members.me, reaction)
        })
    }

    /// Hides a message for everyone: a host or a co-host, or the message's author.
    pub fn hide_circle_message_for_everyone(&self, circle: &str, message: &ItemId) -> Result<()> {
        self.change_circle(circle, |am, members, role| {
            let author = circle::message_author(am, message)?;
            if !role.moderates() && members.person_of(&author) != Some(members.me) {
                return Err(Error::invalid(
                    "message",
                    "can be hidden for everyone only by a host, a co-host or its author",
                ));
            }
            circle::hide_message(am, message)
        })
    }

    /// Hides a message on this device only.
    pub fn hide_circle_message_for_me(&self, circle: &str, message: &ItemId) -> Result<()> {
        self.held(circle)?;
        self.db
            .write(|tx| table::hide_for_me(tx, circle, message.as_str()))
    }

    /// This person's "how I am today": a few words and a colour (`#rrggbb`).
    pub fn set_circle_status(&self, circle: &str, words: &str, colour: &str) -> Result<()> {
        validate_status(words, colour)?;
        let now = self.now_ms();
        self.change_circle(circle, |am, members, _| {
            circle::set_status(am, &members.me, words, colour, now)
        })
    }

    /// Adds or changes a meeting the circle goes to (any member).
    pub fn put_circle_meeting(&self, circle: &str, meeting: Meeting) -> Result<()> {
        ItemId::parse("meeting.id", meeting.id.as_str())?;
        meeting.validate()?;
        self.change_circle(circle, |am, _, _| circle::put_meeting(am, &meeting))
    }

    pub fn remove_circle_meeting(&self, circle: &str, meeting: &ItemId) -> Result<()> {
        self.change_circle(circle, |am, _, _| circle::remove_meeting(am, meeting))
    }

    /// Copies a circle's meeting into this person's own schedule, under the same id (so the
    /// circle shows it as in the schedule, and copying it again updates it).
    pub fn add_circle_meeting_to_schedule(&self, circle: &str, meeting: &ItemId) -> Result<()> {
        let held = self.held(circle)?;
        let found = held
            .contents
            .meetings
            .into_iter()
            .find(|m| m.meeting.id == *meeting)
            .ok_or_else(|| Error::not_found("circle meeting", meeting.as_str()))?;
        self.put(s::MEETINGS, found.meeting)
    }

    /// The pinned "how we treat each other" (a host or a co-host).
    pub fn set_circle_guidelines(&self, circle: &str, text: &str) -> Result<()> {
        validate_guidelines(text)?;
        self.change_circle(circle, |am, _, role| {
            if !role.moderates() {
                return Err(Error::invalid(
                    "guidelines",
                    "are written by a host or a co-host",
                ));
            }
            circle::set_guidelines(am, text)
        })
    }

    /// The name this person uses in the circle.
    pub fn rename_me_in_circle(&self, circle: &str, my_name: &str) -> Result<()> {
        validate_name("my_name", my_name)?;
        self.change_circle(circle, |am, members, _| {
            circle::rename(am, &members.me, my_name)
        })
    }

    /// Host only: names a member co-host, or makes a co-host a member again.
    pub fn set_circle_role(&self, circle: &str, member: &KeyId, role: CircleRole) -> Result<()> {
        self.hosted(circle)?;
        if role == CircleRole::Host {
            return Err(Error::invalid("role", "a circle has one host"));
        }
        self.change_circle(circle, |am, contents, _| match contents.role_of(member) {
            Some(CircleRole::Host) => Err(Error::invalid("member", "is the host")),
            Some(_) => circle::set_role(am, member, role),
            None => Err(Error::not_found("circle member", member.to_string())),
        })
    }

    /// Removes a member. On the host's device it happens now: a new epoch without them, so
    /// they get nothing new (they keep what they had). A co-host's device writes the request
    /// into the circle, and the host's device enacts it before its next send.
    pub fn remove_circle_member(&self, circle: &str, member: &KeyId) -> Result<()> {
        let held = self.held(circle)?;
        let me = self.device_id();
        match held.contents.role_of(member) {
            None => return Err(Error::not_found("circle member", member.to_string())),
            Some(CircleRole::Host) => {
                return Err(Error::invalid(
                    "member",
                    "is the host and cannot be removed",
                ))
            }
            Some(_) => {}
        }
        if held.host == me && held.access == DocAccess::Owner {
            return self.end_membership(circle, member, REMOVED);
        }
        // A co-host's device, or another device of the host's (their tablet), asks; the
        // host's device enacts it.
        self.change_circle(circle, |am, members, role| {
            if !role.moderates() {
                return Err(Error::invalid(
                    "member",
                    "can be removed only by a host or a co-host",
                ));
            }
            circle::request_removal(am, member, &members.me)
        })
    }

    /// Leaves a circle: the host's device is told through the circle and ends this device's
    /// share on its next sync. The circle is no longer listed here from now on.
    pub fn leave_circle(&self, circle: &str) -> Result<()> {
        let held = self.held(circle)?;
        let me = me_in(&held.contents.members, &self.device_id());
        if held.host == self.device_id() || me.role == Some(CircleRole::Host) {
            return Err(Error::invalid(
                "circle",
                "is hosted by this person; the host cannot leave it",
            ));
        }
        let now = self.now_ms();
        self.change_circle(circle, |am, members, _| {
            circle::mark_leaving(am, &members.me, now)
        })?;
        self.db.write(|tx| table::set_left(tx, circle, Some(now)))
    }

    /// The circle's whole document as Automerge bytes, for a member to keep their copy.
    pub fn export_circle(&self, circle: &str) -> Result<Vec<u8>> {
        self.read(|docs| {
            docs.others
                .get(circle)
                .filter(|d| d.kind == DocKind::Circle)
                .map(|d| d.am.clone().save())
                .ok_or_else(|| Error::not_found("circle", circle.to_string()))
        })
    }

    /// Mutes or unmutes a circle on this device (the app shows no notifications for it).
    pub fn mute_circle(&self, circle: &str, muted: bool) -> Result<()> {
        self.held(circle)?;
        self.db.write(|tx| table::set_muted(tx, circle, muted))
    }

    /// The circle a pairing was made for: the one its invite asked to join.
    pub(crate) fn circle_of_pairing(&self, peer: &KeyId) -> Result<Option<String>> {
        let Some(row) = self.db.read(|c| peers::get(c, peer))? else {
            return Ok(None);
        };
        match (row.circle, row.invite_id) {
            (true, Some(invite)) => self.db.read(|c| table::invite_circle(c, &invite)),
            _ => Ok(None),
        }
    }

    /// Host side, after approving someone who answered a circle invite: they are written in
    /// under the name they chose, and the circle is shared with their device (a new epoch for
    /// everyone, so their device gets the circle in one grant with the current members).
    pub(crate) fn admit_to_circle(&self, circle: &str, peer: &KeyId) -> Result<()> {
        self.hosted(circle)?;
        let name = self
            .db
            .read(|c| peers::get(c, peer))?
            .map(|p| p.display_name)
            .unwrap_or_default();
        let now = self.now_ms();
        self.change_doc(DocSel::Id(circle), ChangeOrigin::Local, |_, am| {
            circle::admit(am, peer, &name, CircleRole::Member, now)
        })?;
        self.db.write(|tx| table::set_left(tx, circle, None))?;
        self.share_doc(
            DocSel::Id(circle),
            peer,
            Access::Write,
            CIRCLE_PURPOSE,
            None,
        )
    }

    /// Host side, before each send: members who asked to leave, and members a co-host asked
    /// to remove, are let go.
    pub(crate) fn enact_circle_requests(&self) -> Result<()> {
        let mine = self.my_line();
        let due: Vec<(String, KeyId, &'static str)> = self.read(|docs| {
            let mut due = Vec::new();
            for d in docs
                .others
                .values()
                .filter(|d| d.kind == DocKind::Circle && d.access == DocAccess::Owner)
            {
                for m in circle::members(&d.am, &mine)? {
                    if m.current() && !mine.contains(&m.id) && (m.leaving || m.removal_requested) {
                        let reason = if m.leaving { LEFT } else { REMOVED };
                        due.push((d.doc_id.clone(), m.id, reason));
                    }
                }
            }
            Ok(due)
        })?;
        for (circle, member, reason) in due {
            self.end_membership(&circle, &member, reason)?;
        }
        Ok(())
    }

    /// Host side: marks the member gone, ends their share (a new epoch for the rest), and
    /// ends the pairing if it existed only for circles and nothing else is shared either way,
    /// so that joining again starts with a new invite and code comparison.
    fn end_membership(&self, circle: &str, member: &KeyId, reason: &str) -> Result<()> {
        let now = self.now_ms();
        let mine = self.my_line();
        // The member's other devices leave with them, in the same epoch.
        let devices = self.change_doc(DocSel::Id(circle), ChangeOrigin::Local, |_, am| {
            circle::mark_removed(am, member, now)?;
            Ok(circle::members(am, &mine)?
                .into_iter()
                .find(|m| m.id == *member)
                .map(|m| m.devices)
                .unwrap_or_default())
        })?;
        self.end_shares(
            DocSel::Id(circle),
            |s| s.peer_id == *member || devices.contains(&s.peer_id),
            reason,
        )?;
        let circle_only = self
            .db
            .read(|c| peers::get(c, member))?
            .is_some_and(|p| p.circle && p.state == PeerState::Paired);
        let still_shared = self
            .db
            .read(shares::active)?
            .iter()
            .any(|s| s.peer_id == *member);
        let theirs = self.read(|docs| {
            Ok(docs.others.values().any(|d| {
                d.owner == Some(*member) && matches!(d.access, DocAccess::Read | DocAccess::Write)
            }))
        })?;
        if circle_only && !still_shared && !theirs {
            self.end_pairing(member, reason)?;
        }
        Ok(())
    }

    /// Host side, before each send (before the person's devices are given what the person
    /// gets): each current member's other devices this device was told of (ADR 0012's
    /// introductions) are named in their entry, so that what those devices write counts as
    /// the member's. A device stays named once named: its earlier posts keep their author,
    /// and once its person removes it, it gets nothing new and its writes are refused.
    pub(crate) fn name_circle_devices(&self) -> Result<()> {
        let rows = self.db.read(peers::list)?;
        // Each member's introduced devices (with their person), and this device's person's
        // own linked devices (`None`: the host's tablet gets the host's circles as the host).
        let devices: Vec<(Option<KeyId>, KeyId)> = rows
            .iter()
            .filter(|p| p.state == PeerState::Paired)
            .filter_map(|p| match (p.person, p.link) {
                (Some(person), _) if p.circle => Some((Some(person), p.peer_id)),
                (None, Some(Link::Device)) => Some((None, p.peer_id)),
                _ => None,
            })
            .collect();
        if devices.is_empty() {
            return Ok(());
        }
        let mine = self.my_line();
        let due: Vec<(String, KeyId, KeyId)> = self.read(|docs| {
            let mut due = Vec::new();
            for d in docs
                .others
                .values()
                .filter(|d| d.kind == DocKind::Circle && d.access == DocAccess::Owner)
            {
                let members = circle::members(&d.am, &mine)?;
                // A device that is a member in its own right stays one (the read would not
                // take it as another's, and naming it again and again would never settle).
                let own = |device: &KeyId| members.iter().any(|x| x.id == *device);
                for m in members.iter().filter(|m| m.current()) {
                    let host_entry = mine.contains(&m.id);
                    for (person, device) in &devices {
                        let theirs = match person {
                            Some(p) => *p == m.id,
                            None => host_entry,
                        };
                        if theirs && !m.devices.contains(device) && !own(device) {
                            due.push((d.doc_id.clone(), m.id, *device));
                        }
                    }
                }
            }
            Ok(due)
        })?;
        let now = self.now_ms();
        for (circle, member, device) in due {
            self.change_doc(DocSel::Id(&circle), ChangeOrigin::Local, |_, am| {
                circle::add_device(am, &member, &device, now)
            })?;
        }
        Ok(())
    }

    /// Host side, before each send, after [`Twofold::name_circle_devices`]: every circle this
    /// device hosts is shared read-write with each device it linked (ADR 0012), which is named
    /// in the host's entry and so takes part as the host — reads, posts, hides, asks for
    /// removals like a co-host — while letting people in and out stays with this device.
    pub(crate) fn share_hosted_circles_with_linked_devices(&self) -> Result<()> {
        let Some((devices, shared)) = self.linked_devices_and_shares()? else {
            return Ok(());
        };
        let hosted = self.hosted_circle_ids()?;
        for circle in &hosted {
            for device in &devices {
                if !shared.contains(&(circle.clone(), *device)) {
                    self.share_doc(
                        DocSel::Id(circle),
                        device,
                        Access::Write,
                        CIRCLE_PURPOSE,
                        None,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// The circles this device hosts.
    fn hosted_circle_ids(&self) -> Result<Vec<String>> {
        self.read(|docs| {
            Ok(docs
                .others
                .values()
                .filter(|d| d.kind == DocKind::Circle && d.owner.is_none())
                .filter(|d| d.access == DocAccess::Owner)
                .map(|d| d.doc_id.clone())
                .collect())
        })
    }

    /// This device took `old`'s place (a takeover, a restore): each circle it hosts now
    /// records it, so every copy, a later member's included, believes what `old` wrote as
    /// the host's.
    pub(crate) fn record_host_succession(&self, old: &KeyId) -> Result<()> {
        let hosted = self.hosted_circle_ids()?;
        let now = self.now_ms();
        for circle in hosted {
            self.change_doc(DocSel::Id(&circle), ChangeOrigin::Local, |_, am| {
                circle::add_predecessor(am, old, now)
            })?;
        }
        Ok(())
    }

    /// `circle` is hosted on this device.
    fn hosted(&self, circle: &str) -> Result<()> {
        let owned = self.read(|docs| {
            docs.others
                .get(circle)
                .filter(|d| d.kind == DocKind::Circle)
                .map(|d| d.owner.is_none() && d.access == DocAccess::Owner)
                .ok_or_else(|| Error::not_found("circle", circle.to_string()))
        })?;
        if !owned {
            return Err(Error::invalid("circle", "is hosted on another device"));
        }
        Ok(())
    }

    fn held(&self, circle: &str) -> Result<Held> {
        let hosts = self.hosts_of(circle)?;
        self.read(|docs| {
            let d = docs
                .others
                .get(circle)
                .filter(|d| d.kind == DocKind::Circle)
                .ok_or_else(|| Error::not_found("circle", circle.to_string()))?;
            Ok(Held {
                host: hosts[0],
                access: d.access,
                contents: circle::read(&d.am, &hosts)?,
            })
        })
    }

    /// This device, as the host of the circles it owns (the circle adds the devices it took
    /// the place of, [`circle::add_predecessor`]).
    fn my_line(&self) -> Vec<KeyId> {
        vec![self.device_id()]
    }

    /// The device that owns the circle, the host now (the circle adds the devices it took the
    /// place of).
    fn hosts_of(&self, circle: &str) -> Result<Vec<KeyId>> {
        let me = self.device_id();
        let owner = self.read(|docs| {
            docs.others
                .get(circle)
                .filter(|d| d.kind == DocKind::Circle)
                .map(|d| d.owner.unwrap_or(me))
                .ok_or_else(|| Error::not_found("circle", circle.to_string()))
        })?;
        Ok(vec![owner])
    }

    /// A change of the circle by a current member, with the circle as it stands and their
    /// role; a member who left or was removed changes nothing.
    fn change_circle<R>(
        &self,
        circle: &str,
        f: impl FnOnce(&mut automerge::AutoCommit, &Members, CircleRole) -> Result<R>,
    ) -> Result<R> {
        let me = self.device_id();
        // The owner changes only when a successor takes its place; the line read before the
        // change still names the one it succeeded.
        let hosts = self.hosts_of(circle)?;
        self.change_doc(DocSel::Id(circle), ChangeOrigin::Local, |_, am| {
            // The member entries only: a post must not read the whole history.
            let all = circle::members(am, &hosts)?;
            let me_here = me_in(&all, &me);
            let role = me_here
                .role
                .ok_or_else(|| Error::invalid("circle", "this person is no longer a member"))?;
            f(
                am,
                &Members {
                    all,
                    me: me_here.id,
                },
                role,
            )
        })
    }
}
