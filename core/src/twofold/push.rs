//! Push wake-ups (ADR 0013): the app hands over the platform's push token and the gateway's
//! name; the sync client registers them with the relay for the streams this device reads, so
//! the relay can wake the phone when something lands while it is not connected.
//!
//! The registration lives in the device-local settings, never synced and left out of backups:
//! the push token names this phone, and the registration's id and secret belong to this
//! device (a restored phone gets its own token and registers anew). Registering and
//! unregistering only record the wish; the sync client tells the relay at its next exchange,
//! so both work offline and survive a kill.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::Twofold;
use crate::crypto::random_bytes;
use crate::error::{Error, Result};
use crate::store::settings;

/// Settings keys; backups skip every key with this prefix.
pub(crate) const PUSH_PREFIX: &str = "push.";
const CURRENT: &str = "push.registration";
const RETIRED: &str = "push.retired";

/// FCM tokens are ~160 characters and APNs tokens 64 hex digits; the relay takes up to 4096.
const PUSHKEY_MAX: usize = 4096;
const GATEWAY_MAX: usize = 128;

/// What the relay knows this device by for wake-ups.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PushRegistration {
    /// 16 random bytes, hex: the registration's name on the relay.
    pub id: String,
    /// 32 random bytes, base64url: the registration's capability token.
    pub secret: String,
    pub pushkey: String,
    pub gateway: String,
}

/// The push token and secret identify the phone and authorise changes: never printed.
impl std::fmt::Debug for PushRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushRegistration")
            .field("gateway", &self.gateway)
            .finish_non_exhaustive()
    }
}

impl PushRegistration {
    pub fn id_bytes(&self) -> Result<[u8; 16]> {
        let mut out = [0u8; 16];
        hex::decode_to_slice(&self.id, &mut out)
            .map_err(|_| Error::invalid("push", "the stored registration id is malformed"))?;
        Ok(out)
    }

    pub fn secret_bytes(&self) -> Result<[u8; 32]> {
        URL_SAFE_NO_PAD
            .decode(&self.secret)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| Error::invalid("push", "the stored registration secret is malformed"))
    }
}

impl Twofold {
    /// Asks the relay to wake this phone through `gateway` (an app id the relay is configured
    /// to call) with the platform's push `token`. Takes effect at the next sync; calling it
    /// again with a new token (the platform rotates them) replaces the old one.
    pub fn register_push(&self, token: &str, gateway: &str) -> Result<()> {
        if token.is_empty()
            || token.len() > PUSHKEY_MAX
            || !token.bytes().all(|b| (0x21..=0x7e).contains(&b))
        {
            return Err(Error::invalid(
                "token",
                "must be 1-4096 printable ASCII characters",
            ));
        }
        if gateway.is_empty()
            || gateway.len() > GATEWAY_MAX
            || !gateway
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            return Err(Error::invalid(
                "gateway",
                "must be 1-128 letters, digits, '.', '_' or '-'",
            ));
        }
        let rng = |_| Error::invalid("push", "the system random generator failed");
        let (id, secret) = match self.push_registration()? {
            Some(current) => (current.id, current.secret),
            None => (
                hex::encode(random_bytes::<16>().map_err(rng)?),
                URL_SAFE_NO_PAD.encode(random_bytes::<32>().map_err(rng)?),
            ),
        };
        let registration = PushRegistration {
            id,
            secret,
            pushkey: token.to_owned(),
            gateway: gateway.to_owned(),
        };
        let json = serde_json::to_string(&registration)
            .map_err(|_| Error::invalid("push", "could not encode the registration"))?;
        self.db.write(|tx| settings::set(tx, CURRENT, &json))
    }

    /// Stops wake-ups: forgotten here at once, and on the relay at the next sync.
    pub fn unregister_push(&self) -> Result<()> {
        self.db.write(|tx| {
            if let Some(current) = settings::get(tx, CURRENT)? {
                settings::set(tx, RETIRED, &current)?;
                settings::remove(tx, CURRENT)?;
            }
            Ok(())
        })
    }

    /// Whether wake-ups are asked for, and through which gateway.
    pub fn push_gateway(&self) -> Result<Option<String>> {
        Ok(self.push_registration()?.map(|r| r.gateway))
    }

    pub(crate) fn push_registration(&self) -> Result<Option<PushRegistration>> {
        self.push_setting(CURRENT)
    }

    /// A registration unregistered here that the relay may still hold.
    pub(crate) fn retired_push(&self) -> Result<Option<PushRegistration>> {
        self.push_setting(RETIRED)
    }

    /// The relay forgot `id`; unless a newer retirement replaced it, stop asking.
    pub(crate) fn forget_retired_push(&self, id: &str) -> Result<()> {
        self.db.write(|tx| {
            let retired = settings::get(tx, RETIRED)?
                .and_then(|raw| serde_json::from_str::<PushRegistration>(&raw).ok());
            if retired.is_none_or(|r| r.id == id) {
                settings::remove(tx, RETIRED)?;
            }
            Ok(())
        })
    }

    fn push_setting(&self, key: &str) -> Result<Option<PushRegistration>> {
        let raw = self.db.read(|c| settings::get(c, key))?;
        raw.map(|raw| {
            serde_json::from_str(&raw)
                .map_err(|_| Error::invalid("push", "the stored registration is malformed"))
        })
        .transpose()
    }
}
