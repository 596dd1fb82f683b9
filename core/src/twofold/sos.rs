//! Asking the ladder for help through the encrypted channel (ADR 0013). The person sends one
//! request; it goes to the first person on their crisis ladder who is linked to a paired
//! device, and walks down the ladder when that person says "can't now" or does not answer in
//! the time the person chose. Everything is in the store (a killed app loses nothing and
//! picks up where it was), the time is the store's clock, and the messages are control
//! messages on the paired channels, sealed like everything else.

use rusqlite::Transaction;

use super::Twofold;
use crate::crypto::{random_bytes, KeyId};
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::insights::help::HelpDefaults;
use crate::model::ids::ItemId;
use crate::model::sos::{NewSos, SosLocation, SosReply, SosState};
use crate::store::peers::{self, PeerState};
use crate::store::shares::{self, Disclosure};
use crate::store::sos::{self as table, RungRow, SentRow, SentState};
use crate::store::streams;
use crate::sync::control::{parse_id, ControlMessage};
use crate::sync::payload::encode_control;
use crate::sync::sos_control::{SosAnswer, SosCall};

/// One person on a sent request's ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SosRung {
    pub contact_id: ItemId,
    pub peer: KeyId,
    /// When they were asked; `None`: not (yet) their turn.
    pub asked_at_ms: Option<i64>,
    /// When the relay stored their copy. Asked but not relayed for long: no data, so the app
    /// offers the prepared SMS.
    pub relayed_at_ms: Option<i64>,
    pub reply: Option<SosReply>,
    pub replied_at_ms: Option<i64>,
}

/// A request the person sent, as their screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentSos {
    pub sos_id: String,
    pub text: Option<String>,
    pub location: Option<SosLocation>,
    pub wait_ms: i64,
    pub created_at_ms: i64,
    pub state: SosState,
    pub rungs: Vec<SosRung>,
    /// When the next person will be asked if nobody answers (open requests only).
    pub next_escalation_ms: Option<i64>,
}

/// A request someone sent to this device.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// What listeners of SOS hear, after the change is committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SosEvent {
    /// Someone asked this device for help (show it at once, quiet hours or not).
    Received { from: KeyId, sos_id: String },
    /// Someone answered this person's request.
    Replied {
        sos_id: String,
        from: KeyId,
        reply: SosReply,
    },
    /// The next person on the ladder was asked.
    Escalated { sos_id: String, rung: u32 },
    /// Everyone was asked and nobody can come: fall back to the SMS and the crisis lines.
    Exhausted { sos_id: String },
    /// The person closed a request this device received.
    Closed { from: KeyId, sos_id: String },
}

fn rung_view(r: RungRow) -> Result<SosRung> {
    Ok(SosRung {
        contact_id: ItemId::parse("sos_rungs.contact_id", &r.contact_id)?,
        peer: r.peer_id,
        asked_at_ms: r.asked_at,
        relayed_at_ms: r.relayed_at,
        reply: r.reply,
        replied_at_ms: r.replied_at,
    })
}

/// When the rung being waited on times out, if the request is still open.
fn deadline(sent: &SentRow, rungs: &[RungRow]) -> Option<i64> {
    if sent.state != SentState::Open {
        return None;
    }
    let current = rungs.iter().rev().find(|r| r.asked_at.is_some())?;
    if current.reply.is_some() {
        return current.replied_at;
    }
    current.asked_at.map(|at| at.saturating_add(sent.wait_ms))
}

impl Twofold {
    /// Links a contact on the crisis ladder to the paired device they answer on (`None`
    /// unlinks). Only linked contacts can be reached through the encrypted channel.
    pub fn link_sos_contact(&self, contact_id: &ItemId, peer: Option<&KeyId>) -> Result<()> {
        if let Some(peer) = peer {
            self.paired(peer)?;
            if self
                .db
                .read(|c| peers::get(c, peer))?
                .is_some_and(|p| p.circle)
            {
                // A circle member is not one of the person's people (ADR 0019).
                return Err(Error::invalid("peer", "is met only in a peer circle"));
            }
        }
        self.db
            .write(|tx| table::link(tx, contact_id.as_str(), peer))
    }

    /// The ladder as an SOS walks it: the crisis ladder's people who are linked to a paired
    /// device, in the plan's order.
    pub fn sos_ladder(&self) -> Result<Vec<(ItemId, KeyId)>> {
        let links = self.db.read(table::links)?;
        let paired: Vec<KeyId> = self
            .db
            .read(peers::list)?
            .into_iter()
            .filter(|p| p.state == PeerState::Paired)
            .map(|p| p.peer_id)
            .collect();
        Ok(self
            .ladder()?
            .into_iter()
            .filter_map(|p| {
                let (_, peer) = links.iter().find(|(c, _)| *c == p.contact_id.as_str())?;
                paired.contains(peer).then_some((p.contact_id, *peer))
            })
            .collect())
    }

    /// Sends a request for help to the first person on the SOS ladder. Fails with
    /// [`Error::NotPaired`] when nobody on the ladder is linked to a paired device: the app
    /// then offers the prepared SMS (`help_draft`).
    pub fn send_sos(&self, sos: NewSos) -> Result<SentSos> {
        sos.validate()?;
        let ladder = self.sos_ladder()?;
        if ladder.is_empty() {
            return Err(Error::NotPaired);
        }
        let text = match sos.text {
            Some(t) => Some(t),
            None => {
                let saved: HelpDefaults = self.load_setting(super::insights::HELP)?;
                saved.text
            }
        };
        let id = hex::encode(
            random_bytes::<16>()
                .map_err(|_| Error::invalid("sos_id", "the system random generator failed"))?,
        );
        let now = self.now_ms();
        let row = SentRow {
            sos_id: id.clone(),
            text,
            location: sos.location,
            wait_ms: sos.wait_ms,
            created_at: now,
            state: SentState::Open,
            closed_at: None,
        };
        let ladder: Vec<(String, KeyId)> = ladder
            .into_iter()
            .map(|(c, p)| (c.as_str().to_string(), p))
            .collect();
        let events = self.db.write(|tx| {
            table::insert_sent(tx, &row, &ladder)?;
            let mut events = Vec::new();
            self.walk_ladder_in_tx(tx, &id, now, &mut events)?;
            Ok(events)
        })?;
        self.listeners.notify_sos(&events);
        self.sos(&id)
    }

    /// One request the person sent.
    pub fn sos(&self, sos_id: &str) -> Result<SentSos> {
        let row = self
            .db
            .read(|c| table::sent(c, sos_id))?
            .ok_or_else(|| Error::not_found("sos", sos_id.to_string()))?;
        self.sent_view(row)
    }

    /// Every request the person sent, newest first.
    pub fn sos_sent(&self) -> Result<Vec<SentSos>> {
        self.db
            .read(table::all_sent)?
            .into_iter()
            .map(|r| self.sent_view(r))
            .collect()
    }

    fn sent_view(&self, row: SentRow) -> Result<SentSos> {
        let rungs = self.db.read(|c| table::rungs(c, &row.sos_id))?;
        let next_escalation_ms = deadline(&row, &rungs);
        Ok(SentSos {
            next_escalation_ms,
            rungs: rungs.into_iter().map(rung_view).collect::<Result<_>>()?,
            sos_id: row.sos_id,
            text: row.text,
            location: row.location,
            wait_ms: row.wait_ms,
            created_at_ms: row.created_at,
            state: row.state,
        })
    }

    /// The person is safe or has help: everyone asked is told, nobody more is asked.
    pub fn close_sos(&self, sos_id: &str) -> Result<()> {
        let now = self.now_ms();
        self.db.write(|tx| {
            let sent = table::sent(tx, sos_id)?
                .ok_or_else(|| Error::not_found("sos", sos_id.to_string()))?;
            if sent.state == SentState::Closed {
                return Ok(());
            }
            table::set_state(tx, sos_id, SentState::Closed, now)?;
            let closed = ControlMessage::SosClosed {
                sos_id: sos_id.to_string(),
            };
            for rung in table::rungs(tx, sos_id)? {
                if rung.asked_at.is_none() {
                    continue;
                }
                if let Some(channel) = streams::channel(tx, &rung.peer_id)? {
                    self.enqueue_on(tx, &channel, &encode_control(&closed, &[]), None, 0)?;
                }
            }
            Ok(())
        })
    }

    /// Asks the next person on every open request whose current person did not answer in
    /// time. Sync runs it before sending; the app also calls it at
    /// [`Twofold::next_sos_deadline`]. Returns that next deadline.
    pub fn escalate_sos(&self) -> Result<Option<i64>> {
        let now = self.now_ms();
        let open = self.db.read(table::open_sent)?;
        if open.is_empty() {
            return Ok(None);
        }
        let events = self.db.write(|tx| {
            let mut events = Vec::new();
            for sent in &open {
                self.walk_ladder_in_tx(tx, &sent.sos_id, now, &mut events)?;
            }
            Ok(events)
        })?;
        self.listeners.notify_sos(&events);
        self.next_sos_deadline()
    }

    /// When an open request next needs [`Twofold::escalate_sos`].
    pub fn next_sos_deadline(&self) -> Result<Option<i64>> {
        let mut next: Option<i64> = None;
        for sent in self.db.read(table::open_sent)? {
            let rungs = self.db.read(|c| table::rungs(c, &sent.sos_id))?;
            if let Some(d) = deadline(&sent, &rungs) {
                next = Some(next.map_or(d, |n| n.min(d)));
            }
        }
        Ok(next)
    }

    /// Moves one request on, in the caller's transaction: answered if someone is calling or
    /// coming; otherwise, when the current person said "can't now" or their time is up (or
    /// nobody was asked yet), the next person on the ladder with a channel is asked; with
    /// nobody left, the request is exhausted.
    pub(crate) fn walk_ladder_in_tx(
        &self,
        tx: &Transaction<'_>,
        sos_id: &str,
        now_ms: i64,
        events: &mut Vec<SosEvent>,
    ) -> Result<()> {
        let Some(sent) = table::sent(tx, sos_id)? else {
            return Ok(());
        };
        let rungs = table::rungs(tx, sos_id)?;
        if rungs.iter().any(|r| r.reply.is_some_and(SosReply::covers)) {
            if matches!(sent.state, SentState::Open | SentState::Exhausted) {
                table::set_state(tx, sos_id, SentState::Answered, now_ms)?;
            }
            return Ok(());
        }
        if sent.state != SentState::Open {
            return Ok(());
        }
        let current = rungs.iter().rev().find(|r| r.asked_at.is_some());
        let due = current.is_none_or(|r| {
            r.reply == Some(SosReply::CantNow)
                || r.asked_at
                    .is_some_and(|at| now_ms >= at.saturating_add(sent.wait_ms))
        });
        if !due {
            return Ok(());
        }
        let from = current.map_or(0, |r| r.idx + 1);
        for rung in rungs.iter().filter(|r| r.idx >= from) {
            let paired =
                peers::get(tx, &rung.peer_id)?.is_some_and(|p| p.state == PeerState::Paired);
            let Some(channel) = streams::channel(tx, &rung.peer_id)?.filter(|_| paired) else {
                continue;
            };
            let call = ControlMessage::Sos(SosCall {
                sos_id: sos_id.to_string(),
                text: sent.text.clone(),
                location: sent.location,
                sent_at_ms: sent.created_at,
                rung: rung.idx,
                answer_within_ms: sent.wait_ms,
            });
            self.enqueue_on(tx, &channel, &encode_control(&call, &[]), None, 0)?;
            table::asked(tx, sos_id, rung.idx, tx.last_insert_rowid(), now_ms)?;
            if current.is_some() {
                events.push(SosEvent::Escalated {
                    sos_id: sos_id.to_string(),
                    rung: rung.idx,
                });
            }
            return Ok(());
        }
        table::set_state(tx, sos_id, SentState::Exhausted, now_ms)?;
        events.push(SosEvent::Exhausted {
            sos_id: sos_id.to_string(),
        });
        Ok(())
    }

    /// The relay stored outbox entry `outbox_id`: if it carried a request, that person's copy
    /// is on its way, and the disclosure log says what went to whom.
    pub(crate) fn sos_relayed_in_tx(
        &self,
        tx: &Transaction<'_>,
        outbox_id: i64,
        bytes: u64,
        now_ms: i64,
    ) -> Result<()> {
        let Some((sos_id, peer)) = table::relayed(tx, outbox_id, now_ms)? else {
            return Ok(());
        };
        let with_location = table::sent(tx, &sos_id)?.is_some_and(|s| s.location.is_some());
        // An SOS is the crisis plan's ladder acted on: it is logged under the plan, with
        // the request's id where a document's would be (ADR 0013).
        shares::disclose(
            tx,
            &Disclosure {
                at_ms: now_ms,
                doc_id: sos_id,
                kind: DocKind::Plan,
                peer_id: peer,
                changes: 0,
                bytes,
                what: if with_location {
                    "sos_with_location"
                } else {
                    "sos"
                }
                .to_string(),
            },
        )
    }

    /// Requests other people sent to this device, newest first.
    pub fn sos_received(&self) -> Result<Vec<ReceivedSos>> {
        let names = self.db.read(peers::list)?;
        Ok(self
            .db
            .read(table::received)?
            .into_iter()
            .map(|r| ReceivedSos {
                from_name: names
                    .iter()
                    .find(|p| p.peer_id == r.peer_id)
                    // From another device of a person (ADR 0012): the person's own name.
                    .map(|p| p.person.unwrap_or(p.peer_id))
                    .and_then(|id| names.iter().find(|p| p.peer_id == id))
                    .map(|p| p.display_name.clone())
                    .unwrap_or_default(),
                from: r.peer_id,
                sos_id: r.sos_id,
                text: r.text,
                location: r.location,
                sent_at_ms: r.sent_at,
                received_at_ms: r.received_at,
                rung: r.rung,
                answer_within_ms: r.answer_within_ms,
                reply: r.reply,
                closed: r.closed_at.is_some(),
            })
            .collect())
    }

    /// Answers a request `from` sent: "I'm calling you", "on my way" or "can't now".
    pub fn answer_sos(&self, from: &KeyId, sos_id: &str, reply: SosReply) -> Result<()> {
        parse_id(sos_id).map_err(|_| Error::invalid("sos_id", "is not 32 hex characters"))?;
        self.paired(from)?;
        let now = self.now_ms();
        self.db.write(|tx| {
            if !table::answer_received(tx, from, sos_id, reply, now)? {
                return Err(Error::not_found("sos", sos_id.to_string()));
            }
            let channel = streams::channel(tx, from)?.ok_or(Error::NotPaired)?;
            let answer = ControlMessage::SosAnswer(SosAnswer {
                sos_id: sos_id.to_string(),
                reply,
            });
            self.enqueue_on(tx, &channel, &encode_control(&answer, &[]), None, 0)
        })
    }
}

impl Twofold {
    /// Subscribes to requests for help and their answers, called after each is committed.
    pub fn subscribe_sos(
        &self,
        listener: impl Fn(&SosEvent) + Send + Sync + 'static,
    ) -> super::Subscription {
        self.listeners.subscribe_sos(std::sync::Arc::new(listener))
    }
}
