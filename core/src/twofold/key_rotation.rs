//! Fresher keys (ADR 0026), before each send: this device's prekey rotated when it is older
//! than its period and announced to every paired device; prekey secrets no peer can still wrap
//! to deleted; and each shared document the store owns given a new epoch when its current one
//! is older than the epoch period — so a copy of a device's database stops opening what is
//! written once the devices have moved on.

use super::Twofold;
use crate::crypto::{next_channel_key, DocKey, KeyId, PrekeySecret};
use crate::error::{Error, Result};
use crate::store::peers::{self, PeerState};
use crate::store::streams::StreamRow;
use crate::store::{outbox, prekeys, recovery, settings, streams};
use crate::sync::control::{ControlMessage, PrekeyAnnouncement};
use crate::sync::payload::encode_control;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Days a prekey is the newest before the next one is made (a setting; this is its default).
pub const PREKEY_DAYS_SETTING: &str = "keys.prekey_days";
pub const DEFAULT_PREKEY_DAYS: i64 = 7;
/// Days a shared document keeps one epoch before the owner starts the next.
pub const EPOCH_DAYS_SETTING: &str = "keys.epoch_days";
pub const DEFAULT_EPOCH_DAYS: i64 = 30;
/// How long a replaced prekey's secret is kept at most for a peer that never acknowledged its
/// successor (a device older than ADR 0026 never does): a wrap still on its way to it opens.
const RETIRED_PREKEY_KEPT_MS: i64 = 30 * DAY_MS;

impl Twofold {
    /// Sets how often this device makes a new prekey and how often it starts a new epoch for
    /// each document it shares, in days (at least 1).
    pub fn set_key_rotation_days(&self, prekey_days: u32, epoch_days: u32) -> Result<()> {
        if prekey_days == 0 {
            return Err(Error::invalid("prekey_days", "must be at least 1"));
        }
        if epoch_days == 0 {
            return Err(Error::invalid("epoch_days", "must be at least 1"));
        }
        self.db.write(|tx| {
            settings::set(tx, PREKEY_DAYS_SETTING, &prekey_days.to_string())?;
            settings::set(tx, EPOCH_DAYS_SETTING, &epoch_days.to_string())
        })
    }

    fn period_ms(&self, setting: &str, default_days: i64) -> Result<i64> {
        let days = self
            .db
            .read(|c| settings::get(c, setting))?
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|d| *d > 0)
            .unwrap_or(default_days);
        Ok(days.saturating_mul(DAY_MS))
    }

    /// Before each send: a new prekey if due, announcements to every paired device that has
    /// not had this device's newest prekey or the acknowledgement of its own, then the secrets
    /// of replaced prekeys deleted once nothing can still be wrapped to them.
    pub(crate) fn refresh_prekeys(&self, now_ms: i64) -> Result<()> {
        let period = self.period_ms(PREKEY_DAYS_SETTING, DEFAULT_PREKEY_DAYS)?;
        let newest = self.db.read(prekeys::newest_own)?;
        let newest = match newest {
            Some((prekey, at)) if at.saturating_add(period) > now_ms => prekey,
            _ => {
                let fresh = PrekeySecret::generate()
                    .map_err(|_| Error::invalid("prekey", "the system random generator failed"))?;
                self.db
                    .write(|tx| prekeys::insert_own(tx, &fresh, now_ms))?;
                fresh
            }
        };
        let signed = newest.sign(&self.identity);
        let paired: Vec<_> = self
            .db
            .read(peers::list)?
            .into_iter()
            .filter(|p| p.state == PeerState::Paired)
            .collect();
        self.db.write(|tx| {
            for peer in &paired {
                let known = prekeys::peer(tx, &peer.peer_id)?;
                if known.announced == Some(signed.public) && known.acked == known.current {
                    self.heal_channel_in_tx(tx, &peer.peer_id, now_ms)?;
                    continue;
                }
                let Some(channel) = streams::channel(tx, &peer.peer_id)? else {
                    continue;
                };
                let message = ControlMessage::Prekey(PrekeyAnnouncement::new(
                    &signed,
                    known.current.as_ref(),
                ));
                self.enqueue_on(tx, &channel, &encode_control(&message, &[]), None, 0)?;
                prekeys::set_announced(tx, &peer.peer_id, &signed.public, known.current.as_ref())?;
                // The announcement went on the channel both ends still have; what follows
                // goes on the re-keyed one if this completed a pair.
                self.heal_channel_in_tx(tx, &peer.peer_id, now_ms)?;
            }
            Ok(())
        })?;
        self.delete_retired_prekeys(&paired, now_ms)
    }

    /// Re-keys the channel with `peer` once both ends hold a prekey pair of each other's it
    /// was not re-keyed with: each end reaches that state after sending or reading the
    /// announcement that completes it, both on the old channel, and derives the same key.
    /// The old channel is still read (what the peer sent before it re-keyed); the one before
    /// it ends. Only a direct pairing: a channel the device the person linked others from
    /// handed over (ADR 0012) is known to a third device, which would lose it.
    pub(crate) fn heal_channel_in_tx(
        &self,
        tx: &rusqlite::Transaction<'_>,
        peer: &KeyId,
        now_ms: i64,
    ) -> Result<()> {
        let Some(row) = peers::get(tx, peer)? else {
            return Ok(());
        };
        if row.state != PeerState::Paired
            || row.link.is_some()
            || row.person.is_some()
            || row.introduced_by.is_some()
        {
            return Ok(());
        }
        let Some((mine, theirs)) = prekeys::peer(tx, peer)?.unhealed_pair() else {
            return Ok(());
        };
        let (Some(secret), Some(old)) =
            (prekeys::own_secret(tx, &mine)?, streams::channel(tx, peer)?)
        else {
            return Ok(());
        };
        let Some(next) = next_channel_key(old.key.secret_bytes(), &secret, &theirs) else {
            return Ok(());
        };
        let key = DocKey::from_secret_bytes(0, &next);
        // Certified by its key (ADR 0022): both ends derive the same id and tokens.
        let fresh = StreamRow::new_channel(*peer, streams::channel_stream(&key), key);
        for older in streams::channels(tx, peer)? {
            if older.stream == old.stream {
                continue;
            }
            if outbox::unsent_on(tx, &older.stream)? == 0 {
                streams::retire(tx, &older.stream)?;
            } else {
                // Its last messages still go out; the acknowledgement of the last retires it.
                streams::leave_channel(tx, &older.stream)?;
            }
        }
        streams::insert(tx, &fresh)?;
        streams::mark_newest_channel(tx, &fresh.stream, peer, now_ms)?;
        prekeys::set_healed(tx, peer, &mine, &theirs)
    }

    /// A replaced prekey's secret goes once every paired device has acknowledged a newer one
    /// of this device's (every wrap to the old one came before that acknowledgement on their
    /// channel, and has been read), or once its successor is old enough that a device that
    /// has not caught up since is not waited for.
    fn delete_retired_prekeys(&self, paired: &[peers::PeerRow], now_ms: i64) -> Result<()> {
        let own = self.db.read(prekeys::own)?;
        if own.len() < 2 {
            return Ok(());
        }
        let created = |public: &[u8; 32]| own.iter().find(|(p, _)| p == public).map(|o| o.1);
        let mut seen_at = Vec::with_capacity(paired.len());
        for peer in paired {
            let known = self.db.read(|c| prekeys::peer(c, &peer.peer_id))?;
            seen_at.push(known.seen.as_ref().and_then(created));
        }
        let retired: Vec<[u8; 32]> = own
            .windows(2)
            .filter(|pair| {
                let (old_at, next_at) = (pair[0].1, pair[1].1);
                let all_moved_on = seen_at.iter().all(|s| s.is_some_and(|at| at > old_at));
                all_moved_on || next_at.saturating_add(RETIRED_PREKEY_KEPT_MS) <= now_ms
            })
            .map(|pair| pair[0].0)
            .collect();
        if retired.is_empty() {
            return Ok(());
        }
        self.db.write(|tx| {
            retired
                .iter()
                .try_for_each(|public| prekeys::delete_own(tx, public))
        })?;
        // The secrets' pages are zeroed in the file (secure_delete) but may still sit in the
        // WAL until it is emptied (ADR 0014).
        self.db.checkpoint()
    }

    /// Before each send: every shared document this store owns whose epoch is older than the
    /// epoch period waits for a new one (made by `rotate_pending`, the consent changes' path).
    pub(crate) fn mark_old_epochs(&self, now_ms: i64) -> Result<()> {
        let period = self.period_ms(EPOCH_DAYS_SETTING, DEFAULT_EPOCH_DAYS)?;
        let owned = self.db.read(streams::owned_shared_epochs)?;
        if owned.is_empty() {
            return Ok(());
        }
        self.db.write(|tx| {
            for (stream, doc_id, started_at) in &owned {
                match started_at {
                    // Made before epochs were timed: its age counts from now.
                    None => streams::mark_started(tx, stream, now_ms)?,
                    Some(at) if at.saturating_add(period) <= now_ms => {
                        recovery::rotate_doc(tx, doc_id)?
                    }
                    Some(_) => {}
                }
            }
            Ok(())
        })
    }
}
