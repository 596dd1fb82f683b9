//! A paired device's prekey announcement (ADR 0026): its newest prekey, checked against its
//! identity key and kept as the one its next document keys are wrapped to, and which of this
//! device's prekeys it holds, so that older ones' secrets can go.

use rusqlite::Transaction;

use super::receive::{Decided, Incoming};
use crate::crypto::KeyId;
use crate::error::Result;
use crate::store::{peers, prekeys};
use crate::sync::control::PrekeyAnnouncement;
use crate::sync::{Received, RejectReason};
use crate::twofold::Twofold;

impl Twofold {
    pub(crate) fn apply_prekey_in_tx(
        &self,
        tx: &Transaction<'_>,
        incoming: &Incoming<'_>,
        announcement: &PrekeyAnnouncement,
        peer: KeyId,
        now_ms: i64,
    ) -> Result<Decided> {
        let Some(keys) = peers::keys(tx, &peer)? else {
            return incoming.refuse_in_tx(tx, RejectReason::UnknownSender);
        };
        let Ok((prekey, seen)) = announcement.parse(&keys) else {
            return incoming.refuse_in_tx(tx, RejectReason::BadControl);
        };
        // An acknowledgement of a prekey this device no longer keeps (or never made) says
        // nothing new: the one recorded before stands.
        let seen = match seen {
            Some(s) if prekeys::own_secret(tx, &s)?.is_some() => Some(s),
            _ => None,
        };
        prekeys::set_peer_prekey(tx, &peer, &prekey, seen.as_ref(), now_ms)?;
        self.consume_control(tx, incoming)?;
        // This may complete a prekey pair both ends hold: the channel is re-keyed.
        self.heal_channel_in_tx(tx, &peer, now_ms)?;
        Ok(Decided::just(Received::Control))
    }
}
