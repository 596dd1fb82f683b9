//! Retention on the relay, the device's side (ADR 0023). The device that made a document
//! stream claims its owner right, trims it through the lowest position every member has read,
//! and deletes it once it is retired; members tell the owner how far they have read with a
//! small `read_through` message on their channel.
//!
//! Why this is safe: every change of consent starts a new epoch whose grants carry a snapshot
//! of everything so far (and a writer sends again what that snapshot lacked), so a retired
//! stream is needed by nobody, and the deletes go out only after the new grants were stored.
//! Within an epoch a record goes only once the owner and every member in the document read
//! past it; a member that never reports (offline, or an older version) holds the trim back.

use rusqlite::Transaction;

use super::control::{parse_id, ControlMessage, ReadPosition, MAX_READ_POSITIONS};
use super::payload::encode_control;
use super::receive::{Decided, Incoming};
use super::{Received, RejectReason, StreamClaim, StreamDelete, StreamTrim};
use crate::crypto::{owner_token, KeyId, StreamId};
use crate::error::Result;
use crate::store::retention::{self, OwnerState, Unreported};
use crate::store::{shares, streams};
use crate::twofold::Twofold;

/// A member reports its read position at most this often, unless it read many records since:
/// each report is an envelope on the channel (512 bytes at least), and the owner trims no
/// sooner than the slowest member reports anyway.
const REPORT_EVERY_MS: i64 = 6 * 60 * 60 * 1000;
const REPORT_AFTER_RECORDS: u64 = 64;

/// What the owner sends the relay about its streams.
pub(crate) struct RetentionRequests {
    pub claims: Vec<StreamClaim>,
    pub trims: Vec<StreamTrim>,
    pub deletes: Vec<StreamDelete>,
}

impl Twofold {
    /// The claims, trims and deletes due for the streams this device made.
    pub(crate) fn retention_requests(&self) -> Result<RetentionRequests> {
        let mut claims = Vec::new();
        for stream in self.db.read(retention::claims_due)? {
            let Some(row) = self.db.read(|c| streams::get(c, &stream))? else {
                continue;
            };
            let Some(append_token) = row.append_token() else {
                // Made here but not writable here: cannot be claimed, so it is not ours.
                self.db
                    .write(|tx| retention::set_owner_state(tx, &stream, None))?;
                continue;
            };
            claims.push(StreamClaim {
                stream,
                read_token_hash: row.read_token().hash(),
                append_token_hash: row.append_hash(),
                append_token,
                owner_token_hash: owner_token(&self.identity, &stream).hash(),
            });
        }
        let mut trims = Vec::new();
        for owned in self.db.read(retention::claimed)? {
            let stream = owned.stream;
            let through = self.db.read(|c| {
                let Some(row) = streams::get(c, &stream)? else {
                    return Ok(None);
                };
                let Some(doc_id) = row.doc_id.as_deref() else {
                    return Ok(None);
                };
                let members = shares::active_for_doc(c, doc_id)?;
                if members.is_empty() {
                    return Ok(None);
                }
                // The owner itself must have read what its writers appended.
                let mut through = row.cursor;
                for member in &members {
                    match retention::read_by(c, &stream, &member.peer_id)? {
                        Some(read) => through = through.min(read),
                        None => return Ok(None),
                    }
                }
                Ok(Some(through))
            })?;
            // Never past what a phone restored from the latest backup reads after.
            let through = through.map(|t| owned.backed_up.map_or(t, |b| t.min(b)));
            if let Some(through) = through.filter(|t| *t > owned.trimmed) {
                trims.push(StreamTrim {
                    stream,
                    owner_token: owner_token(&self.identity, &stream),
                    through,
                });
            }
        }
        let deletes = self
            .db
            .read(retention::deletes_due)?
            .into_iter()
            .map(|stream| StreamDelete {
                owner_token: owner_token(&self.identity, &stream),
                stream,
            })
            .collect();
        Ok(RetentionRequests {
            claims,
            trims,
            deletes,
        })
    }

    /// A member's side: tells each owner, on their channel, how far this device has read
    /// their documents' streams, when that moved enough since the last report.
    pub(crate) fn report_reads(&self, now_ms: i64) -> Result<()> {
        let (due, first): (Vec<Unreported>, Vec<Unreported>) = self
            .db
            .read(retention::unreported)?
            .into_iter()
            .filter(|u| {
                u.reported_at
                    .is_none_or(|at| now_ms - at >= REPORT_EVERY_MS)
                    || u.cursor - u.reported >= REPORT_AFTER_RECORDS
            })
            .partition(|u| {
                u.reported_at.is_some() || u.cursor - u.reported >= REPORT_AFTER_RECORDS
            });
        // A stream read for the first time starts the interval instead of a report: a new
        // epoch is read in a burst of syncs, and one report after it is enough.
        if !first.is_empty() {
            self.db.write(|tx| {
                first
                    .iter()
                    .try_for_each(|u| retention::set_reported(tx, &u.stream, u.reported, now_ms))
            })?;
        }
        let mut owners: Vec<KeyId> = due.iter().map(|u| u.owner).collect();
        owners.dedup();
        for owner in owners {
            let mine: Vec<&Unreported> = due.iter().filter(|u| u.owner == owner).collect();
            self.db.write(|tx| {
                let Some(channel) = streams::channel(tx, &owner)? else {
                    return Ok(());
                };
                for part in mine.chunks(MAX_READ_POSITIONS) {
                    let message = ControlMessage::ReadThrough {
                        streams: part
                            .iter()
                            .map(|u| ReadPosition {
                                stream: hex::encode(u.stream.0),
                                through: u.cursor,
                            })
                            .collect(),
                    };
                    self.enqueue_on(tx, &channel, &encode_control(&message, &[]), None, 0)?;
                    for u in part {
                        retention::set_reported(tx, &u.stream, u.cursor, now_ms)?;
                    }
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    pub(crate) fn sync_owner_claimed(&self, stream: &StreamId, ours: bool) -> Result<()> {
        self.db.write(|tx| {
            if retention::owner_state(tx, stream)? != Some(OwnerState::ToClaim) {
                return Ok(());
            }
            let state = if ours {
                OwnerState::Claimed
            } else {
                tracing::warn!("the relay holds another owner claim on a stream made here");
                OwnerState::NotOurs
            };
            retention::set_owner_state(tx, stream, Some(state))
        })
    }

    pub(crate) fn sync_stream_trimmed(&self, stream: &StreamId, through: u64) -> Result<()> {
        self.db
            .write(|tx| retention::set_trimmed(tx, stream, through))
    }

    pub(crate) fn sync_stream_deleted(&self, stream: &StreamId) -> Result<()> {
        self.db.write(|tx| {
            if retention::owner_state(tx, stream)? == Some(OwnerState::ToDelete) {
                retention::set_owner_state(tx, stream, None)?;
            }
            Ok(())
        })
    }

    /// The owner's side of `read_through`: only a member of the stream's document, on its own
    /// channel, moves its own read position; streams that are not this device's current ones
    /// are passed over (a report can cross a new epoch).
    pub(super) fn apply_read_through_in_tx(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
        positions: &[ReadPosition],
        peer: KeyId,
    ) -> Result<Decided> {
        if positions.len() > MAX_READ_POSITIONS {
            return incoming.refuse_in_tx(tx, RejectReason::BadControl);
        }
        let Ok(parsed) = positions
            .iter()
            .map(|p| parse_id(&p.stream).map(|s| (StreamId(s), p.through)))
            .collect::<std::result::Result<Vec<_>, _>>()
        else {
            return incoming.refuse_in_tx(tx, RejectReason::BadControl);
        };
        for (stream, through) in parsed {
            let ours = matches!(
                retention::owner_state(tx, &stream)?,
                Some(OwnerState::ToClaim | OwnerState::Claimed)
            );
            let Some(row) = streams::get(tx, &stream)?.filter(|r| ours && r.active) else {
                continue;
            };
            let Some(doc_id) = row.doc_id.as_deref() else {
                continue;
            };
            let member = shares::active_for_doc(tx, doc_id)?
                .iter()
                .any(|s| s.peer_id == peer);
            if member {
                retention::record_read(tx, &stream, &peer, through)?;
            }
        }
        self.consume_control(tx, incoming)?;
        Ok(Decided::just(Received::Control))
    }
}
