//! `TwofoldStore`'s requests for help through the encrypted channel (ADR 0013) and the
//! mentor's overview. The person links ladder contacts to paired devices, sends a request,
//! sees the answers and closes it; a mentor sees requests, answers them, and gets the
//! overview of everyone they support. Nobody linked is `NotAllowed`: offer the prepared SMS.

use std::sync::Arc;

use crate::convert;
use crate::error::Result;
use crate::listeners::{deliver_blocking, ListenerTask, SubscriptionHandle};
use crate::model::sos::{
    Interruption, MentorView, QuietHours, ReceivedSos, SentSos, SosEvent, SosLocation, SosReply,
};
use crate::store::TwofoldStore;

/// Receives each request for help and each answer, after it is committed.
#[uniffi::export(foreign)]
pub trait SosListener: Send + Sync {
    fn on_sos(&self, event: SosEvent);
}

/// One person an SOS would reach, in ladder order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SosLadderEntry {
    pub contact_id: twofold_core::ItemId,
    pub peer: twofold_core::KeyId,
}

#[uniffi::export]
impl TwofoldStore {
    /// Links a contact on the crisis ladder to the paired device they answer on (`None`
    /// unlinks). Only linked contacts are reached through the encrypted channel.
    pub async fn link_sos_contact(
        &self,
        contact_id: String,
        peer_id: Option<String>,
    ) -> Result<()> {
        self.write(move |core| {
            let contact = convert::id::to_core(contact_id, "", "contact_id")?;
            let peer = peer_id
                .map(|p| convert::key_id::to_core(p, "", "peer_id"))
                .transpose()?;
            Ok(core.link_sos_contact(&contact, peer.as_ref())?)
        })
        .await
    }

    /// Who a request would reach, in order.
    pub fn sos_ladder(&self) -> Result<Vec<SosLadderEntry>> {
        self.read(|core| {
            Ok(core
                .sos_ladder()?
                .into_iter()
                .map(|(contact_id, peer)| SosLadderEntry { contact_id, peer })
                .collect())
        })
    }

    /// Sends a request for help to the first person on the ladder: `text` in the person's
    /// words (`None`: their saved help text, or the reader's default), an optional location,
    /// and how long each person has to answer (`wait_ms`, one minute to one day).
    pub async fn send_sos(
        &self,
        text: Option<String>,
        location: Option<SosLocation>,
        wait_ms: i64,
    ) -> Result<SentSos> {
        self.write(move |core| {
            Ok(core.send_sos(twofold_core::NewSos {
                text,
                location,
                wait_ms,
            })?)
        })
        .await
    }

    /// One request the person sent.
    pub fn sos(&self, sos_id: String) -> Result<SentSos> {
        self.read(|core| Ok(core.sos(&sos_id)?))
    }

    /// Every request the person sent, newest first.
    pub fn sos_sent(&self) -> Result<Vec<SentSos>> {
        self.read(|core| Ok(core.sos_sent()?))
    }

    /// The person is safe or has help: everyone asked is told.
    pub async fn close_sos(&self, sos_id: String) -> Result<()> {
        self.write(move |core| Ok(core.close_sos(&sos_id)?)).await
    }

    /// Asks the next person where the current one's time is up; returns when to call again.
    pub async fn escalate_sos(&self) -> Result<Option<i64>> {
        self.write(|core| Ok(core.escalate_sos()?)).await
    }

    /// When `escalate_sos` is next due (milliseconds since the Unix epoch).
    pub fn next_sos_deadline(&self) -> Result<Option<i64>> {
        self.read(|core| Ok(core.next_sos_deadline()?))
    }

    /// Requests others sent to this device, newest first.
    pub fn sos_received(&self) -> Result<Vec<ReceivedSos>> {
        self.read(|core| Ok(core.sos_received()?))
    }

    /// Answers a request `from_id` sent.
    pub async fn answer_sos(&self, from_id: String, sos_id: String, reply: SosReply) -> Result<()> {
        self.write(move |core| {
            let from = convert::key_id::to_core(from_id, "", "from_id")?;
            Ok(core.answer_sos(&from, &sos_id, reply)?)
        })
        .await
    }

    /// Calls `listener` for each request for help and each answer.
    pub fn subscribe_sos(&self, listener: Arc<dyn SosListener>) -> Result<Arc<SubscriptionHandle>> {
        let core = self.core()?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let subscription = core.subscribe_sos(move |e| {
            let _ = tx.send(e.clone());
        });
        let task = ListenerTask::spawn(|cancelled| async move {
            // The core's subscription lives as long as this task.
            let _subscription = subscription;
            while let Some(event) = rx.recv().await {
                let listener = listener.clone();
                deliver_blocking(&cancelled, move || Some(event), move |e| listener.on_sos(e))
                    .await;
            }
        })?;
        Ok(SubscriptionHandle::from_task(task))
    }

    /// Everyone who shared something with this device or asked it for help, whoever needs
    /// attention first.
    pub fn mentor_view(&self) -> Result<MentorView> {
        self.read(|core| Ok(core.mentor_view()?.into()))
    }

    /// The mentor's own note on a person (empty removes it); it never leaves this device.
    pub async fn set_mentee_note(&self, peer_id: String, text: String) -> Result<()> {
        self.write(move |core| {
            let peer = convert::key_id::to_core(peer_id, "", "peer_id")?;
            Ok(core.set_mentee_note(&peer, &text)?)
        })
        .await
    }

    pub async fn set_quiet_hours(&self, hours: Option<QuietHours>) -> Result<()> {
        self.write(move |core| Ok(core.set_quiet_hours(hours)?))
            .await
    }

    pub fn quiet_hours(&self) -> Result<Option<QuietHours>> {
        self.read(|core| Ok(core.quiet_hours()?))
    }

    /// Whether to interrupt the mentor now; a request for help always does.
    pub fn should_interrupt(&self, what: Interruption) -> Result<bool> {
        self.read(|core| Ok(core.should_interrupt(what)?))
    }
}
