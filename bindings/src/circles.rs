//! `TwofoldStore`'s peer circles (ADR 0019): start one, invite with a circle invite and the
//! code comparison, post, react, hide, "how I am today", the circle's meetings, the pinned
//! note, roles, removal, leaving and muting. Someone met only in a circle is not listed by
//! `peers()`, and none of the person's own documents can be shared with them.

use crate::convert::{self, ToCore};
use crate::error::Result;
use crate::model::circles::{CircleRole, CircleSummary, CircleView};
use crate::model::schedule::Meeting;
use crate::model::sharing::Peer;
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// Starts a circle hosted on this device, under `my_name` (the name this person uses in
    /// it, never a phone number). Returns the circle's id.
    pub async fn create_circle(&self, name: String, my_name: String) -> Result<String> {
        self.write(move |core| Ok(core.create_circle(&name, &my_name)?))
            .await
    }

    /// Host side: an invite to the circle (`twofold:circle:2:…`) for a QR code or a link,
    /// valid once until `expires_at_ms`.
    pub async fn create_circle_invite(
        &self,
        circle_id: String,
        relay: String,
        expires_at_ms: i64,
    ) -> Result<String> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            Ok(core.create_circle_invite(&circle, &relay, expires_at_ms)?)
        })
        .await
    }

    /// Answers a circle invite under `my_name`. Compare the returned code with the host's
    /// screen; the circle arrives with the next syncs once the host approves. A pairing or
    /// link invite is `InvalidInput` on `invite`.
    #[uniffi::method(default(now_ms = None))]
    pub async fn accept_circle_invite(
        &self,
        invite: String,
        my_name: String,
        now_ms: Option<i64>,
    ) -> Result<Peer> {
        self.write(move |core| {
            let now = now_ms.unwrap_or_else(crate::store::now_ms);
            Ok(core.accept_circle_invite(&invite, &my_name, now)?)
        })
        .await
    }

    /// Host side: who answered an invite to the circle; approve with `approve_pairing` after
    /// comparing the codes.
    pub fn circle_join_requests(&self, circle_id: String) -> Result<Vec<Peer>> {
        self.read(|core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            Ok(core.circle_join_requests(&circle)?)
        })
    }

    /// Every circle this device hosts or is in, newest message first (left ones are not).
    pub fn circles(&self) -> Result<Vec<CircleSummary>> {
        self.read(|core| Ok(core.circles()?))
    }

    /// Everything in one circle.
    pub fn circle(&self, circle_id: String) -> Result<CircleView> {
        self.read(|core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            Ok(core.circle(&circle)?.into())
        })
    }

    /// Posts a message (optionally a reply); returns its id.
    #[uniffi::method(default(reply_to = None))]
    pub async fn post_circle_message(
        &self,
        circle_id: String,
        text: String,
        reply_to: Option<String>,
    ) -> Result<String> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            let reply_to = reply_to
                .map(|r| convert::id::to_core(r, "", "reply_to"))
                .transpose()?;
            Ok(core
                .post_circle_message(&circle, &text, reply_to.as_ref())?
                .as_str()
                .to_string())
        })
        .await
    }

    /// This person's reaction to a message; `None` takes it back.
    pub async fn react_in_circle(
        &self,
        circle_id: String,
        message_id: String,
        reaction: Option<String>,
    ) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            let message = convert::id::to_core(message_id, "", "message_id")?;
            Ok(core.react_in_circle(&circle, &message, reaction.as_deref())?)
        })
        .await
    }

    /// Hides a message for everyone (a host, a co-host or its author) or, with
    /// `for_everyone = false`, on this device only.
    pub async fn hide_circle_message(
        &self,
        circle_id: String,
        message_id: String,
        for_everyone: bool,
    ) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            let message = convert::id::to_core(message_id, "", "message_id")?;
            if for_everyone {
                Ok(core.hide_circle_message_for_everyone(&circle, &message)?)
            } else {
                Ok(core.hide_circle_message_for_me(&circle, &message)?)
            }
        })
        .await
    }

    /// This person's "how I am today": a few words and a colour (`#rrggbb`).
    pub async fn set_circle_status(
        &self,
        circle_id: String,
        words: String,
        colour: String,
    ) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            Ok(core.set_circle_status(&circle, &words, &colour)?)
        })
        .await
    }

    /// Adds or changes a meeting the circle goes to.
    pub async fn put_circle_meeting(&self, circle_id: String, meeting: Meeting) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            let meeting = meeting.to_core("meeting")?;
            Ok(core.put_circle_meeting(&circle, meeting)?)
        })
        .await
    }

    /// Copies one of the circle's meetings into this person's own schedule (same id).
    pub async fn add_circle_meeting_to_schedule(
        &self,
        circle_id: String,
        meeting_id: String,
    ) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            let meeting = convert::id::to_core(meeting_id, "", "meeting_id")?;
            Ok(core.add_circle_meeting_to_schedule(&circle, &meeting)?)
        })
        .await
    }

    /// The pinned "how we treat each other" (a host or a co-host).
    pub async fn set_circle_guidelines(&self, circle_id: String, text: String) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            Ok(core.set_circle_guidelines(&circle, &text)?)
        })
        .await
    }

    /// Host side: names a member co-host, or makes a co-host a member again.
    pub async fn set_circle_role(
        &self,
        circle_id: String,
        member_id: String,
        role: CircleRole,
    ) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            let member = convert::key_id::to_core(member_id, "", "member_id")?;
            Ok(core.set_circle_role(&circle, &member, role)?)
        })
        .await
    }

    /// Removes a member: at once on the host's device (a new epoch without them); from a
    /// co-host's device, as a request the host's device enacts on its next sync.
    pub async fn remove_circle_member(&self, circle_id: String, member_id: String) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            let member = convert::key_id::to_core(member_id, "", "member_id")?;
            Ok(core.remove_circle_member(&circle, &member)?)
        })
        .await
    }

    /// Leaves a circle; the host's device ends this device's share on its next sync.
    pub async fn leave_circle(&self, circle_id: String) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            Ok(core.leave_circle(&circle)?)
        })
        .await
    }

    /// Mutes or unmutes a circle on this device.
    pub async fn mute_circle(&self, circle_id: String, muted: bool) -> Result<()> {
        self.write(move |core| {
            let circle = convert::doc_id::to_core(circle_id, "", "circle_id")?;
            Ok(core.mute_circle(&circle, muted)?)
        })
        .await
    }
}
