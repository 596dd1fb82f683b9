//! The circle document (ADR 0019): its shape, its writes, and a read that believes each value
//! only from the device allowed to write it.
//!
//! Every member's device writes the whole document (Automerge cannot share part of one), so a
//! member's app could write anything anywhere. The read therefore checks who wrote each value,
//! from the actor of the operation (every device's actor is its key id, and a receiver checks
//! that each change is its sender's own): member entries, names and roles count only from the
//! host's device (a member may also rename themselves); a message's author is whoever created
//! it, and its text and time count only from the author; "hidden" counts from a host, a
//! co-host or the author; a reaction or a status only under its writer's own key; the pinned
//! note only from a host or co-host. A member's other devices (their linked tablet) are named
//! in their entry by the host's device alone, and what such a device writes counts as that
//! member's: "the author" and "its writer" above are the person, any of their devices. A member can still erase a value (a later write wins in
//! Automerge and the read then ignores it); it cannot put words in someone else's name.
//!
//! Root: `name`, `guidelines` (strings); `members` {key id hex → {name, role, joined_at,
//! removed_at?, leaving_at?, removal_by?, devices? {key id hex → added_at}}}; `messages` {id → {text, sent_at, reply_to?,
//! hidden?, reactions {key id hex → text}}}; `statuses` {key id hex → {words, colour, set_at}};
//! `meetings` {id → a schedule meeting}.

use std::collections::BTreeSet;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use autosurgeon::{hydrate_prop, reconcile_prop};

use crate::crypto::KeyId;
use crate::error::{Error, Result};
use crate::model::circle::CircleRole;
use crate::model::ids::ItemId;
use crate::model::schedule::Meeting;

const NAME: &str = "name";
const GUIDELINES: &str = "guidelines";
const MEMBERS: &str = "members";
const MESSAGES: &str = "messages";
const STATUSES: &str = "statuses";
const MEETINGS: &str = "meetings";
const REACTIONS: &str = "reactions";
const DEVICES: &str = "devices";
/// The devices the host's device took the place of (created when first needed, so it is not
/// part of the genesis every copy shares).
const PREDECESSORS: &str = "predecessors";

/// The circle's part of the deterministic genesis: every copy shares these maps.
pub(crate) fn genesis(doc: &mut AutoCommit) -> Result<()> {
    doc.put(ROOT, NAME, "")?;
    doc.put(ROOT, GUIDELINES, "")?;
    for key in [MEMBERS, MESSAGES, STATUSES, MEETINGS] {
        doc.put_object(ROOT, key, ObjType::Map)?;
    }
    Ok(())
}

/// A member entry as the host's device wrote it, with the requests members made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntry {
    pub id: KeyId,
    pub name: String,
    pub role: CircleRole,
    pub joined_at_ms: i64,
    pub removed: bool,
    /// The member asked to leave (written by the member's own device).
    pub leaving: bool,
    /// A co-host asked the host's device to remove this member.
    pub removal_requested: bool,
    /// The member's other devices (ADR 0012's linked devices), named by the host's device:
    /// what they write counts as the member's. The device that joined is `id`.
    pub devices: Vec<KeyId>,
}

impl MemberEntry {
    pub fn current(&self) -> bool {
        !self.removed
    }

    /// `device` is the member's: the one that joined or one the host named as theirs.
    pub fn has_device(&self, device: &KeyId) -> bool {
        self.id == *device || self.devices.contains(device)
    }
}

/// The member whose device `device` is, removed members included.
pub fn member_of<'a>(members: &'a [MemberEntry], device: &KeyId) -> Option<&'a MemberEntry> {
    members
        .iter()
        .find(|m| m.id == *device)
        .or_else(|| members.iter().find(|m| m.devices.contains(device)))
}

/// One message as its author wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageEntry {
    pub id: ItemId,
    pub author: KeyId,
    pub sent_at_ms: i64,
    pub text: String,
    pub reply_to: Option<ItemId>,
    pub hidden: bool,
    pub reactions: Vec<(KeyId, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    pub member: KeyId,
    pub words: String,
    pub colour: String,
    pub set_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeetingEntry {
    pub meeting: Meeting,
    pub added_by: KeyId,
}

/// What a circle holds, each value believed only from its rightful writer.
#[derive(Debug, Clone, PartialEq)]
pub struct Contents {
    pub name: String,
    pub guidelines: String,
    /// Every member entry the host wrote, removed ones included (their messages keep a name).
    pub members: Vec<MemberEntry>,
    /// In order: the author's time, then the author, then the id.
    pub messages: Vec<MessageEntry>,
    pub statuses: Vec<StatusEntry>,
    pub meetings: Vec<MeetingEntry>,
}

impl Contents {
    pub fn member(&self, id: &KeyId) -> Option<&MemberEntry> {
        self.members.iter().find(|m| m.id == *id)
    }

    /// The role of a current member; `None` for anyone else.
    pub fn role_of(&self, id: &KeyId) -> Option<CircleRole> {
        self.member(id).filter(|m| m.current()).map(|m| m.role)
    }

    /// The member `device` belongs to (the device that joined, or one of their others).
    pub fn member_of_device(&self, device: &KeyId) -> Option<&MemberEntry> {
        member_of(&self.members, device)
    }
}

fn key_hex(id: &KeyId) -> String {
    hex::encode(id.0)
}

fn parse_key(raw: &str) -> Option<KeyId> {
    let bytes = hex::decode(raw).ok()?;
    Some(KeyId(bytes.try_into().ok()?))
}

/// The device that made an operation: its actor is its key id.
fn writer(id: &ObjId) -> Option<KeyId> {
    match id {
        ObjId::Id(_, actor, _) => Some(KeyId(actor.to_bytes().try_into().ok()?)),
        ObjId::Root => None,
    }
}

fn map_obj(doc: &AutoCommit, parent: &ObjId, key: &str) -> Result<Option<ObjId>> {
    Ok(match doc.get(parent, key)? {
        Some((Value::Object(ObjType::Map), id)) => Some(id),
        _ => None,
    })
}

fn root_map(doc: &AutoCommit, key: &'static str) -> Result<ObjId> {
    map_obj(doc, &ROOT, key)?.ok_or_else(|| Error::invalid(key, "is missing from the circle"))
}

/// Every concurrent value of `prop` with the device that wrote it.
fn written(doc: &AutoCommit, obj: &ObjId, prop: &str) -> Result<Vec<(ScalarValue, KeyId)>> {
    Ok(doc
        .get_all(obj, prop)?
        .into_iter()
        .filter_map(|(v, id)| match v {
            Value::Scalar(s) => Some((s.into_owned(), writer(&id)?)),
            Value::Object(_) => None,
        })
        .collect())
}

/// The value of `prop` written by a device `allowed` accepts (the first, in Automerge's
/// deterministic order, if several wrote at once).
fn by(
    doc: &AutoCommit,
    obj: &ObjId,
    prop: &str,
    allowed: impl Fn(&KeyId) -> bool,
) -> Result<Option<ScalarValue>> {
    Ok(written(doc, obj, prop)?
        .into_iter()
        .find(|(_, w)| allowed(w))
        .map(|(v, _)| v))
}

fn as_str(v: Option<ScalarValue>) -> Option<String> {
    match v? {
        ScalarValue::Str(s) => Some(s.to_string()),
        _ => None,
    }
}

fn as_i64(v: Option<ScalarValue>) -> Option<i64> {
    match v? {
        ScalarValue::Int(i) => Some(i),
        ScalarValue::Uint(u) => i64::try_from(u).ok(),
        ScalarValue::Timestamp(t) => Some(t),
        _ => None,
    }
}

/// Reads the circle. `hosts` is the host's line: the device that owns the circle, then each
/// device it took the place of (ADR 0010, 0012); what any of them wrote is the host's.
pub fn read(doc: &AutoCommit, hosts: &[KeyId]) -> Result<Contents> {
    let hosts = &host_line(doc, hosts)?;
    let is_host = |w: &KeyId| hosts.contains(w);
    let members = read_members(doc, hosts)?;
    // The member a writing device belongs to: values count per person, whichever of their
    // devices wrote them.
    let person = |w: &KeyId| member_of(&members, w).map(|m| m.id);
    let moderator = |w: &KeyId| {
        is_host(w) || member_of(&members, w).is_some_and(|m| m.current() && m.role.moderates())
    };
    let name = as_str(by(doc, &ROOT, NAME, is_host)?).unwrap_or_default();
    let guidelines = as_str(by(doc, &ROOT, GUIDELINES, moderator)?).unwrap_or_default();

    let mut messages = Vec::new();
    let messages_obj = root_map(doc, MESSAGES)?;
    for item in doc.map_range(&messages_obj, ..) {
        let obj = item.id();
        let Some(author) = writer(&obj).and_then(|w| person(&w)) else {
            continue;
        };
        let Ok(id) = ItemId::parse("messages.id", &item.key) else {
            continue;
        };
        let from_author = |w: &KeyId| person(w) == Some(author);
        let (Some(text), Some(sent_at_ms)) = (
            as_str(by(doc, &obj, "text", from_author)?),
            as_i64(by(doc, &obj, "sent_at", from_author)?),
        ) else {
            continue;
        };
        let reply_to = as_str(by(doc, &obj, "reply_to", from_author)?)
            .and_then(|r| ItemId::parse("messages.reply_to", &r).ok());
        let hidden = written(doc, &obj, "hidden")?
            .into_iter()
            .any(|(v, w)| v == ScalarValue::Boolean(true) && (from_author(&w) || moderator(&w)));
        let mut reactions = Vec::new();
        if let Some(r_obj) = map_obj(doc, &obj, REACTIONS)? {
            for r in doc.map_range(&r_obj, ..) {
                let Some(member) = parse_key(&r.key) else {
                    continue;
                };
                let own = |w: &KeyId| person(w) == Some(member);
                if let Some(text) = as_str(by(doc, &r_obj, &r.key, own)?) {
                    reactions.push((member, text));
                }
            }
        }
        messages.push(MessageEntry {
            id,
            author,
            sent_at_ms,
            text,
            reply_to,
            hidden,
            reactions,
        });
    }
    crate::sorting::sort_by(&mut messages, |a, b| {
        (a.sent_at_ms, a.author.0, a.id.as_str()).cmp(&(b.sent_at_ms, b.author.0, b.id.as_str()))
    });

    let mut statuses = Vec::new();
    let statuses_obj = root_map(doc, STATUSES)?;
    for item in doc.map_range(&statuses_obj, ..) {
        let obj = item.id();
        let Some(member) =
            parse_key(&item.key).filter(|m| writer(&obj).and_then(|w| person(&w)) == Some(*m))
        else {
            continue;
        };
        let own = |w: &KeyId| person(w) == Some(member);
        if let (Some(words), Some(colour), Some(set_at_ms)) = (
            as_str(by(doc, &obj, "words", own)?),
            as_str(by(doc, &obj, "colour", own)?),
            as_i64(by(doc, &obj, "set_at", own)?),
        ) {
            statuses.push(StatusEntry {
                member,
                words,
                colour,
                set_at_ms,
            });
        }
    }

    let mut meetings = Vec::new();
    let meetings_obj = root_map(doc, MEETINGS)?;
    let ids: Vec<(String, ObjId)> = doc
        .map_range(&meetings_obj, ..)
        .map(|m| (m.key.to_string(), m.id()))
        .collect();
    for (key, obj) in ids {
        let Some(added_by) = writer(&obj).and_then(|w| person(&w)) else {
            continue;
        };
        // A meeting another app wrote in a shape this one cannot read is left out, not fatal.
        if let Ok(meeting) = hydrate_prop::<_, Meeting, _, _>(doc, &meetings_obj, key.as_str()) {
            meetings.push(MeetingEntry { meeting, added_by });
        }
    }
    crate::sorting::sort_by(&mut meetings, |a, b| {
        (a.meeting.start, a.meeting.id.as_str()).cmp(&(b.meeting.start, b.meeting.id.as_str()))
    });

    Ok(Contents {
        name,
        guidelines,
        members,
        messages,
        statuses,
        meetings,
    })
}

/// The member entries alone (cheaper than [`read`] on a circle with a long history).
pub fn members(doc: &AutoCommit, hosts: &[KeyId]) -> Result<Vec<MemberEntry>> {
    read_members(doc, &host_line(doc, hosts)?)
}

/// Most devices a host's line is followed back through.
const MAX_HOSTS: usize = 16;

/// `known` (the owner) and every device a device already in the line wrote down as one it
/// succeeded: every copy, a member's who joined after the host's phone was lost included,
/// learns from the circle itself whose words were the host's. (A host writes only what its
/// own successor statement says; it is trusted with the member list in any case.)
fn host_line(doc: &AutoCommit, known: &[KeyId]) -> Result<Vec<KeyId>> {
    let mut line = known.to_vec();
    let maps: Vec<ObjId> = doc
        .get_all(ROOT, PREDECESSORS)?
        .into_iter()
        .filter(|(v, _)| matches!(v, Value::Object(ObjType::Map)))
        .map(|(_, id)| id)
        .collect();
    if maps.is_empty() {
        return Ok(line);
    }
    let mut named: Vec<(KeyId, KeyId)> = Vec::new();
    for map in &maps {
        let keys: Vec<String> = doc.map_range(map, ..).map(|i| i.key.to_string()).collect();
        for key in keys {
            let Some(old) = parse_key(&key) else {
                continue;
            };
            for (_, w) in written(doc, map, &key)? {
                named.push((w, old));
            }
        }
    }
    loop {
        let before = line.len();
        for (w, old) in &named {
            if line.contains(w) && !line.contains(old) && line.len() < MAX_HOSTS {
                line.push(*old);
            }
        }
        if line.len() == before {
            return Ok(line);
        }
    }
}

/// The host's device writes down a device it took the place of (a lost phone it succeeded):
/// what that device wrote stays the host's on every copy, a new member's included.
pub fn add_predecessor(doc: &mut AutoCommit, old: &KeyId, at_ms: i64) -> Result<()> {
    let map = match map_obj(doc, &ROOT, PREDECESSORS)? {
        Some(m) => m,
        None => doc.put_object(ROOT, PREDECESSORS, ObjType::Map)?,
    };
    doc.put(&map, key_hex(old), at_ms)?;
    Ok(())
}

fn read_members(doc: &AutoCommit, hosts: &[KeyId]) -> Result<Vec<MemberEntry>> {
    let is_host = |w: &KeyId| hosts.contains(w);
    let members_obj = root_map(doc, MEMBERS)?;
    // First who is in and with which devices (the host's word alone), then what each member
    // wrote into their own entry, from any of their devices.
    let mut entries = Vec::new();
    let mut objs = Vec::new();
    for item in doc.map_range(&members_obj, ..) {
        let obj = item.id();
        let Some(id) = parse_key(&item.key) else {
            continue;
        };
        // Only the host's device lets people in.
        if !writer(&obj).is_some_and(|w| is_host(&w)) {
            continue;
        }
        let role = if is_host(&id) {
            CircleRole::Host
        } else {
            match as_str(by(doc, &obj, "role", is_host)?) {
                Some(r) if r == CircleRole::CoHost.as_str() => CircleRole::CoHost,
                _ => CircleRole::Member,
            }
        };
        entries.push(MemberEntry {
            id,
            name: String::new(),
            role,
            joined_at_ms: as_i64(by(doc, &obj, "joined_at", is_host)?).unwrap_or(0),
            removed: by(doc, &obj, "removed_at", is_host)?.is_some(),
            leaving: false,
            removal_requested: false,
            devices: devices_named(doc, &obj, hosts)?,
        });
        objs.push(obj);
    }
    // A device is someone's other device only if it is no member itself. (The host's tablet
    // stays named in the host's entry when it takes the lost phone's place.)
    let ids: BTreeSet<KeyId> = crate::sorting::set(entries.iter().map(|m| m.id));
    for m in &mut entries {
        m.devices.retain(|d| !ids.contains(d));
    }
    let people = entries.clone();
    let person = |w: &KeyId| member_of(&people, w).map(|m| m.id);
    let mut removal_by: Vec<(KeyId, KeyId)> = Vec::new();
    for (m, obj) in entries.iter_mut().zip(&objs) {
        let id = m.id;
        let own = |w: &KeyId| person(w) == Some(id);
        let self_or_host = |w: &KeyId| own(w) || is_host(w);
        m.name = as_str(by(doc, obj, NAME, self_or_host)?).unwrap_or_default();
        m.leaving = by(doc, obj, "leaving_at", own)?.is_some();
        // The request names the person asking; one of their devices wrote it.
        if let Some(requester) = written(doc, obj, "removal_by")?
            .into_iter()
            .find_map(|(v, w)| match v {
                ScalarValue::Str(s) => parse_key(&s).filter(|r| person(&w) == Some(*r)),
                _ => None,
            })
        {
            removal_by.push((id, requester));
        }
    }
    // A removal request counts from a current co-host, and never against the host.
    for (target, requester) in removal_by {
        let allowed = entries
            .iter()
            .any(|m| m.id == requester && m.current() && m.role.moderates());
        if let Some(m) = entries.iter_mut().find(|m| m.id == target) {
            m.removal_requested = allowed && !is_host(&target);
        }
    }
    crate::sorting::sort_by_key(&mut entries, |a| (a.joined_at_ms, a.id.0));
    Ok(entries)
}

/// The devices the host's device named in a member entry, in key order.
fn devices_named(doc: &AutoCommit, entry: &ObjId, hosts: &[KeyId]) -> Result<Vec<KeyId>> {
    let mut out = Vec::new();
    let maps: Vec<ObjId> = doc
        .get_all(entry, DEVICES)?
        .into_iter()
        .filter(|(v, _)| matches!(v, Value::Object(ObjType::Map)))
        .map(|(_, id)| id)
        .collect();
    for map in maps {
        let keys: Vec<String> = doc.map_range(&map, ..).map(|i| i.key.to_string()).collect();
        for key in keys {
            let Some(device) = parse_key(&key) else {
                continue;
            };
            if by(doc, &map, &key, |w| hosts.contains(w))?.is_some() && !out.contains(&device) {
                out.push(device);
            }
        }
    }
    crate::sorting::sort_by_key(&mut out, |d| d.0);
    Ok(out)
}

pub fn set_name(doc: &mut AutoCommit, name: &str) -> Result<()> {
    doc.put(ROOT, NAME, name)?;
    Ok(())
}

pub fn set_guidelines(doc: &mut AutoCommit, text: &str) -> Result<()> {
    doc.put(ROOT, GUIDELINES, text)?;
    Ok(())
}

fn member_obj(doc: &mut AutoCommit, id: &KeyId) -> Result<ObjId> {
    let members = root_map(doc, MEMBERS)?;
    match map_obj(doc, &members, &key_hex(id))? {
        Some(obj) => Ok(obj),
        None => Ok(doc.put_object(&members, key_hex(id), ObjType::Map)?),
    }
}

/// The host's device lets someone in (again): a fresh entry state, the name they chose.
pub fn admit(
    doc: &mut AutoCommit,
    id: &KeyId,
    name: &str,
    role: CircleRole,
    at_ms: i64,
) -> Result<()> {
    let obj = member_obj(doc, id)?;
    doc.put(&obj, NAME, name)?;
    doc.put(&obj, "role", role.as_str())?;
    doc.put(&obj, "joined_at", at_ms)?;
    for stale in ["removed_at", "leaving_at", "removal_by"] {
        if doc.get(&obj, stale)?.is_some() {
            doc.delete(&obj, stale)?;
        }
    }
    Ok(())
}

/// The host's device names `device` as one of `member`'s devices (from ADR 0012's
/// introductions): what it writes counts as the member's from now on.
pub fn add_device(doc: &mut AutoCommit, member: &KeyId, device: &KeyId, at_ms: i64) -> Result<()> {
    let obj = existing_member(doc, member)?;
    let devices = match map_obj(doc, &obj, DEVICES)? {
        Some(d) => d,
        None => doc.put_object(&obj, DEVICES, ObjType::Map)?,
    };
    doc.put(&devices, key_hex(device), at_ms)?;
    Ok(())
}

pub fn set_role(doc: &mut AutoCommit, id: &KeyId, role: CircleRole) -> Result<()> {
    let obj = existing_member(doc, id)?;
    doc.put(&obj, "role", role.as_str())?;
    Ok(())
}

pub fn rename(doc: &mut AutoCommit, id: &KeyId, name: &str) -> Result<()> {
    let obj = existing_member(doc, id)?;
    doc.put(&obj, NAME, name)?;
    Ok(())
}

fn existing_member(doc: &AutoCommit, id: &KeyId) -> Result<ObjId> {
    let members = root_map(doc, MEMBERS)?;
    map_obj(doc, &members, &key_hex(id))?
        .ok_or_else(|| Error::not_found("circle member", key_hex(id)))
}

pub fn mark_removed(doc: &mut AutoCommit, id: &KeyId, at_ms: i64) -> Result<()> {
    let obj = existing_member(doc, id)?;
    doc.put(&obj, "removed_at", at_ms)?;
    Ok(())
}

pub fn mark_leaving(doc: &mut AutoCommit, me: &KeyId, at_ms: i64) -> Result<()> {
    let obj = existing_member(doc, me)?;
    doc.put(&obj, "leaving_at", at_ms)?;
    Ok(())
}

pub fn request_removal(doc: &mut AutoCommit, id: &KeyId, by: &KeyId) -> Result<()> {
    let obj = existing_member(doc, id)?;
    doc.put(&obj, "removal_by", key_hex(by))?;
    Ok(())
}

pub fn add_message(
    doc: &mut AutoCommit,
    id: &ItemId,
    text: &str,
    sent_at_ms: i64,
    reply_to: Option<&ItemId>,
) -> Result<()> {
    let messages = root_map(doc, MESSAGES)?;
    let obj = doc.put_object(&messages, id.as_str(), ObjType::Map)?;
    doc.put(&obj, "text", text)?;
    doc.put(&obj, "sent_at", sent_at_ms)?;
    if let Some(r) = reply_to {
        doc.put(&obj, "reply_to", r.as_str())?;
    }
    doc.put_object(&obj, REACTIONS, ObjType::Map)?;
    Ok(())
}

fn message_obj(doc: &AutoCommit, id: &ItemId) -> Result<ObjId> {
    let messages = root_map(doc, MESSAGES)?;
    map_obj(doc, &messages, id.as_str())?
        .ok_or_else(|| Error::not_found("circle message", id.as_str()))
}

/// The device that created a message.
pub fn message_author(doc: &AutoCommit, id: &ItemId) -> Result<KeyId> {
    writer(&message_obj(doc, id)?).ok_or_else(|| Error::not_found("circle message", id.as_str()))
}

pub fn has_message(doc: &AutoCommit, id: &ItemId) -> Result<bool> {
    let messages = root_map(doc, MESSAGES)?;
    Ok(map_obj(doc, &messages, id.as_str())?.is_some())
}

pub fn set_reaction(
    doc: &mut AutoCommit,
    message: &ItemId,
    me: &KeyId,
    reaction: Option<&str>,
) -> Result<()> {
    let obj = message_obj(doc, message)?;
    let reactions = match map_obj(doc, &obj, REACTIONS)? {
        Some(r) => r,
        None => doc.put_object(&obj, REACTIONS, ObjType::Map)?,
    };
    match reaction {
        Some(r) => doc.put(&reactions, key_hex(me), r)?,
        None if doc.get(&reactions, key_hex(me))?.is_some() => {
            doc.delete(&reactions, key_hex(me))?
        }
        None => {}
    }
    Ok(())
}

pub fn hide_message(doc: &mut AutoCommit, message: &ItemId) -> Result<()> {
    let obj = message_obj(doc, message)?;
    doc.put(&obj, "hidden", true)?;
    Ok(())
}

pub fn set_status(
    doc: &mut AutoCommit,
    me: &KeyId,
    words: &str,
    colour: &str,
    at_ms: i64,
) -> Result<()> {
    let statuses = root_map(doc, STATUSES)?;
    let obj = match map_obj(doc, &statuses, &key_hex(me))? {
        Some(o) => o,
        None => doc.put_object(&statuses, key_hex(me), ObjType::Map)?,
    };
    doc.put(&obj, "words", words)?;
    doc.put(&obj, "colour", colour)?;
    doc.put(&obj, "set_at", at_ms)?;
    Ok(())
}

pub fn put_meeting(doc: &mut AutoCommit, meeting: &Meeting) -> Result<()> {
    let meetings = root_map(doc, MEETINGS)?;
    reconcile_prop(doc, &meetings, meeting.id.as_str(), meeting)?;
    Ok(())
}

pub fn remove_meeting(doc: &mut AutoCommit, id: &ItemId) -> Result<()> {
    let meetings = root_map(doc, MEETINGS)?;
    if doc.get(&meetings, id.as_str())?.is_none() {
        return Err(Error::not_found("circle meeting", id.as_str()));
    }
    doc.delete(&meetings, id.as_str())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::genesis;
    use crate::docs::kind::DocKind;
    use automerge::ActorId;

    fn key(n: u8) -> KeyId {
        KeyId([n; 16])
    }

    fn doc_of(k: &KeyId) -> AutoCommit {
        genesis::genesis(DocKind::Circle, &ActorId::from(&k.0[..])).expect("genesis")
    }

    fn fork_as(doc: &mut AutoCommit, k: &KeyId) -> AutoCommit {
        doc.fork().with_actor(ActorId::from(&k.0[..]))
    }

    #[test]
    fn values_count_only_from_the_device_allowed_to_write_them() {
        let (host, anna, ben) = (key(1), key(2), key(3));
        let mut h = doc_of(&host);
        set_name(&mut h, "Tuesday group").expect("name");
        admit(&mut h, &host, "Sam", CircleRole::Host, 1).expect("host");
        admit(&mut h, &anna, "Anna", CircleRole::Member, 2).expect("anna");
        admit(&mut h, &ben, "Ben", CircleRole::Member, 3).expect("ben");
        let mut b = fork_as(&mut h, &ben);
        // Ben's app tries to make himself co-host, to let in a stranger, to post as Anna
        // and to write the pinned note.
        set_role(&mut b, &ben, CircleRole::CoHost).expect("write");
        admit(&mut b, &key(9), "Stranger", CircleRole::Member, 4).expect("write");
        set_guidelines(&mut b, "anything goes").expect("write");
        add_message(&mut b, &ItemId::from_trusted("m-1".into()), "hi", 10, None).expect("post");
        set_status(&mut b, &anna, "not Anna's words", "#000000", 10).expect("write");
        h.merge(&mut b).expect("merge");
        let c = read(&h, &[host]).expect("read");
        assert_eq!(c.role_of(&ben), Some(CircleRole::Member));
        assert!(c.member(&key(9)).is_none());
        assert_eq!(c.guidelines, "");
        assert_eq!(c.messages.len(), 1);
        assert_eq!(c.messages[0].author, ben, "the author is who created it");
        assert!(c.statuses.is_empty());
        assert_eq!(c.name, "Tuesday group");
    }

    #[test]
    fn a_members_other_device_counts_as_them_only_when_the_host_named_it() {
        let (host, anna, tablet, ben, bens_tablet) = (key(1), key(2), key(4), key(3), key(5));
        let mut h = doc_of(&host);
        admit(&mut h, &host, "Sam", CircleRole::Host, 1).expect("host");
        admit(&mut h, &anna, "Anna", CircleRole::CoHost, 2).expect("anna");
        admit(&mut h, &ben, "Ben", CircleRole::Member, 3).expect("ben");
        add_device(&mut h, &anna, &tablet, 4).expect("named by the host");
        // Ben's app names a device of his own, and one of his as Anna's: neither counts.
        let mut b = fork_as(&mut h, &ben);
        add_device(&mut b, &ben, &bens_tablet, 5).expect("write");
        add_device(&mut b, &anna, &bens_tablet, 5).expect("write");
        h.merge(&mut b).expect("merge");
        let mut t = fork_as(&mut h, &tablet);
        let m1 = ItemId::from_trusted("m-1".into());
        add_message(&mut t, &m1, "from the tablet", 10, None).expect("post");
        set_status(&mut t, &anna, "on the sofa", "#000000", 10).expect("status");
        set_reaction(&mut t, &m1, &anna, Some("ok")).expect("react");
        request_removal(&mut t, &ben, &anna).expect("request as Anna, a co-host");
        let mut bt = fork_as(&mut h, &bens_tablet);
        add_message(&mut bt, &ItemId::from_trusted("m-2".into()), "x", 11, None).expect("post");
        h.merge(&mut t).expect("merge");
        h.merge(&mut bt).expect("merge");
        let c = read(&h, &[host]).expect("read");
        assert_eq!(c.member(&anna).expect("anna").devices, [tablet]);
        assert!(c.member(&ben).expect("ben").devices.is_empty());
        assert_eq!(c.member_of_device(&tablet).map(|m| m.id), Some(anna));
        assert_eq!(c.messages.len(), 1, "a device nobody named writes nothing");
        assert_eq!(c.messages[0].author, anna);
        assert_eq!(c.statuses[0].member, anna);
        assert_eq!(c.messages[0].reactions, [(anna, "ok".to_string())]);
        assert!(c.member(&ben).expect("ben").removal_requested);
        assert_eq!(c.members.len(), 3, "the tablet is no member of its own");
    }

    #[test]
    fn a_successor_host_believes_the_lost_phone_only_when_it_wrote_it_down_itself() {
        let (phone, tablet, anna, stranger) = (key(1), key(2), key(3), key(9));
        let mut h = doc_of(&phone);
        admit(&mut h, &phone, "Sam", CircleRole::Host, 1).expect("host");
        admit(&mut h, &anna, "Anna", CircleRole::Member, 2).expect("anna");
        add_device(&mut h, &phone, &tablet, 3).expect("the host's tablet");
        // Anna's app claims a stranger's device was the host before.
        let mut a = fork_as(&mut h, &anna);
        add_predecessor(&mut a, &stranger, 4).expect("write");
        let mut s = fork_as(&mut h, &stranger);
        admit(&mut s, &stranger, "Stranger", CircleRole::Member, 4).expect("write");
        h.merge(&mut a).expect("merge");
        h.merge(&mut s).expect("merge");
        // Owned by the tablet now: without its word, nothing the phone wrote is the host's.
        assert!(read(&h, &[tablet]).expect("read").members.is_empty());
        let mut t = fork_as(&mut h, &tablet);
        add_predecessor(&mut t, &phone, 5).expect("the tablet took the phone's place");
        let c = read(&t, &[tablet]).expect("read");
        let names: Vec<&str> = c.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Sam", "Anna"]);
        assert_eq!(
            c.member_of_device(&tablet).map(|m| m.role),
            Some(CircleRole::Host)
        );
    }

    #[test]
    fn messages_keep_one_order_on_every_copy_whatever_the_merge_order() {
        let (host, anna, ben) = (key(1), key(2), key(3));
        let mut h = doc_of(&host);
        admit(&mut h, &host, "Sam", CircleRole::Host, 1).expect("host");
        admit(&mut h, &anna, "Anna", CircleRole::Member, 2).expect("anna");
        admit(&mut h, &ben, "Ben", CircleRole::Member, 3).expect("ben");
        let mut a = fork_as(&mut h, &anna);
        let mut b = fork_as(&mut h, &ben);
        for (i, t) in [5, 7, 7].into_iter().enumerate() {
            let id = ItemId::from_trusted(format!("a-{i}"));
            add_message(&mut a, &id, "from anna", t, None).expect("post");
        }
        for (i, t) in [7, 6].into_iter().enumerate() {
            let id = ItemId::from_trusted(format!("b-{i}"));
            add_message(&mut b, &id, "from ben", t, None).expect("post");
        }
        let mut one = h.fork();
        one.merge(&mut a).expect("merge");
        one.merge(&mut b).expect("merge");
        let mut two = h.fork();
        two.merge(&mut b).expect("merge");
        two.merge(&mut a).expect("merge");
        let order = |d: &AutoCommit| -> Vec<String> {
            read(d, &[host])
                .expect("read")
                .messages
                .into_iter()
                .map(|m| m.id.as_str().to_string())
                .collect()
        };
        assert_eq!(order(&one), order(&two));
        assert_eq!(order(&one), ["a-0", "b-1", "a-1", "a-2", "b-0"]);
    }

    #[test]
    fn hiding_counts_from_a_moderator_or_the_author_and_removal_requests_from_a_co_host() {
        let (host, anna, ben) = (key(1), key(2), key(3));
        let mut h = doc_of(&host);
        admit(&mut h, &host, "Sam", CircleRole::Host, 1).expect("host");
        admit(&mut h, &anna, "Anna", CircleRole::CoHost, 2).expect("anna");
        admit(&mut h, &ben, "Ben", CircleRole::Member, 3).expect("ben");
        let (m1, m2) = (
            ItemId::from_trusted("m-1".into()),
            ItemId::from_trusted("m-2".into()),
        );
        add_message(&mut h, &m1, "host's", 5, None).expect("post");
        add_message(&mut h, &m2, "host's too", 6, None).expect("post");
        let mut b = fork_as(&mut h, &ben);
        hide_message(&mut b, &m1).expect("write");
        request_removal(&mut b, &anna, &ben).expect("write");
        let mut a = fork_as(&mut h, &anna);
        hide_message(&mut a, &m2).expect("write");
        request_removal(&mut a, &ben, &anna).expect("write");
        h.merge(&mut b).expect("merge");
        h.merge(&mut a).expect("merge");
        let c = read(&h, &[host]).expect("read");
        assert!(
            !c.messages[0].hidden,
            "a member cannot hide the host's message"
        );
        assert!(c.messages[1].hidden, "a co-host can");
        assert!(!c.member(&anna).expect("anna").removal_requested);
        assert!(c.member(&ben).expect("ben").removal_requested);
    }
}
