//! Requests for help and their answers from a paired device's channel (ADR 0013), checked and
//! applied in the receiving transaction like the other control messages. A request is stored
//! for the mentor's screen; an answer moves the person's request on (a "can't now" asks the
//! next person in the same transaction); a closing marks the stored request closed.

use rusqlite::Transaction;

use super::receive::{AfterCommit, Decided, Incoming};
use crate::crypto::KeyId;
use crate::error::Result;
use crate::store::peers::{self, PeerState};
use crate::store::sos::{self as table, ReceivedRow};
use crate::store::streams;
use crate::sync::control::{parse_id, ControlMessage};
use crate::sync::{Received, RejectReason};
use crate::twofold::{SosEvent, Twofold};

impl Twofold {
    /// Applies an SOS control message from `peer`'s channel, with the channel's sequence
    /// number and cursor, or refuses it.
    pub(crate) fn apply_sos_in_tx(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
        message: &ControlMessage,
        peer: KeyId,
        now_ms: i64,
    ) -> Result<Decided> {
        match self.sos_effect_in_tx(tx, message, peer, now_ms)? {
            Ok(events) => {
                streams::set_sender_next(
                    tx,
                    &incoming.row.stream,
                    &incoming.sender,
                    incoming.seq + 1,
                )?;
                streams::advance_cursor(tx, &incoming.row.stream, incoming.position)?;
                Ok(Decided {
                    received: Received::Control,
                    after: AfterCommit::Sos(events),
                })
            }
            Err(reason) => incoming.refuse_in_tx(tx, reason),
        }
    }

    fn sos_effect_in_tx(
        &self,
        tx: &Transaction<'_>,
        message: &ControlMessage,
        peer: KeyId,
        now_ms: i64,
    ) -> Result<std::result::Result<Vec<SosEvent>, RejectReason>> {
        // Only a paired device may ask or answer; an unpaired one's channel carries notices out.
        if !peers::get(tx, &peer)?.is_some_and(|p| p.state == PeerState::Paired) {
            return Ok(Err(RejectReason::NotAllowed));
        }
        let mut events = Vec::new();
        match message {
            ControlMessage::Sos(call) => {
                if call.check().is_err() {
                    return Ok(Err(RejectReason::BadControl));
                }
                let row = ReceivedRow {
                    peer_id: peer,
                    sos_id: call.sos_id.clone(),
                    text: call.text.clone(),
                    location: call.location,
                    sent_at: call.sent_at_ms,
                    received_at: now_ms,
                    rung: call.rung,
                    answer_within_ms: call.answer_within_ms,
                    reply: None,
                    replied_at: None,
                    closed_at: None,
                };
                if table::insert_received(tx, &row)? {
                    events.push(SosEvent::Received {
                        from: peer,
                        sos_id: call.sos_id.clone(),
                    });
                }
            }
            ControlMessage::SosAnswer(answer) => {
                if parse_id(&answer.sos_id).is_err() {
                    return Ok(Err(RejectReason::BadControl));
                }
                // Only someone this request asked may answer it.
                if !table::replied(tx, &answer.sos_id, &peer, answer.reply, now_ms)? {
                    return Ok(Err(RejectReason::NotAllowed));
                }
                events.push(SosEvent::Replied {
                    sos_id: answer.sos_id.clone(),
                    from: peer,
                    reply: answer.reply,
                });
                self.walk_ladder_in_tx(tx, &answer.sos_id, now_ms, &mut events)?;
            }
            ControlMessage::SosClosed { sos_id } => {
                if parse_id(sos_id).is_err() {
                    return Ok(Err(RejectReason::BadControl));
                }
                if table::close_received(tx, &peer, sos_id, now_ms)? {
                    events.push(SosEvent::Closed {
                        from: peer,
                        sos_id: sos_id.clone(),
                    });
                }
            }
            _ => return Ok(Err(RejectReason::BadControl)),
        }
        Ok(Ok(events))
    }
}
