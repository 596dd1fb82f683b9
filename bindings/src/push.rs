//! `TwofoldStore`'s push wake-ups (ADR 0013): hand over the platform's push token and the
//! gateway's app id; the next sync registers them with the relay, which then wakes the phone
//! — with nothing but "wake up" — when something lands while it is not connected. The app
//! syncs on the wake-up and decides what to show.

use crate::error::Result;
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// Asks for wake-ups through `gateway` (an app id the relay is configured to call, e.g.
    /// `org.twofold.app.android`) with the platform's push `token`. Call again whenever the
    /// platform hands out a new token. Kept on this device only: never synced or backed up.
    pub async fn register_push(&self, token: String, gateway: String) -> Result<()> {
        self.write(move |core| Ok(core.register_push(&token, &gateway)?))
            .await
    }

    /// Stops wake-ups: forgotten here at once, and on the relay at the next sync.
    pub async fn unregister_push(&self) -> Result<()> {
        self.write(|core| Ok(core.unregister_push()?)).await
    }

    /// The gateway wake-ups are asked through, or `None`.
    pub fn push_gateway(&self) -> Result<Option<String>> {
        self.read(|core| Ok(core.push_gateway()?))
    }
}
