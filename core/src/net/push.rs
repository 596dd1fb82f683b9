//! Keeping the relay's push registration in step with this device (ADR 0013): after each full
//! exchange, a registration unregistered here is deleted on the relay, and the current one is
//! sent with every stream this device reads (their read tokens prove it may). An unchanged
//! registration is sent once per process — enough to restore it after a relay lost it, without
//! a request per sync. Failing to register never fails a sync: wake-ups are a convenience on
//! top of it.

use sha2::{Digest, Sha256};

use super::client::{Net, SyncClient};
use super::relay_api::token_text;
use crate::error::Result;

/// The relay takes at most this many streams per registration.
const STREAMS_MAX: usize = 256;

impl SyncClient {
    pub(super) async fn sync_push_registration(&self) -> Result<Net> {
        let (current, retired) = self
            .engine(|s| Ok((s.push_registration()?, s.retired_push()?)))
            .await?;
        if let Some(retired) = retired {
            let (id, token) = (retired.id_bytes()?, retired.secret_bytes()?);
            if let Err(p) = self.api.delete_push(&id, &token).await {
                tracing::info!(problem = %p, "push registration not deleted yet");
                return Ok(Ok(()));
            }
            self.engine(move |s| s.forget_retired_push(&retired.id))
                .await?;
            *self.push_sent.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
        let Some(current) = current else {
            return Ok(Ok(()));
        };
        let mut follows = self.engine(|s| s.sync().follows()).await?;
        if follows.is_empty() {
            // Nothing to be woken for yet; the next exchange after a pairing sends it.
            return Ok(Ok(()));
        }
        crate::sorting::sort_by_key(&mut follows, |f| f.stream.0);
        follows.truncate(STREAMS_MAX);
        let streams: Vec<_> = follows
            .iter()
            .map(|f| {
                serde_json::json!({
                    "stream": hex::encode(f.stream.0),
                    "token": token_text(&f.read_token),
                })
            })
            .collect();
        let body = serde_json::json!({
            "gateway": current.gateway,
            "pushkey": current.pushkey,
            "streams": streams,
        })
        .to_string();
        let digest: [u8; 32] = Sha256::new()
            .chain_update(current.id.as_bytes())
            .chain_update(body.as_bytes())
            .finalize()
            .into();
        if *self.push_sent.lock().unwrap_or_else(|p| p.into_inner()) == Some(digest) {
            return Ok(Ok(()));
        }
        let (id, token) = (current.id_bytes()?, current.secret_bytes()?);
        // The relay may not call that gateway, or be down: wake-ups are a convenience on top
        // of sync, so that never fails the exchange; it is tried again at the next one.
        if let Err(p) = self.api.put_push(&id, &token, body.as_bytes()).await {
            tracing::info!(problem = %p, "push registration not accepted");
            return Ok(Ok(()));
        }
        *self.push_sent.lock().unwrap_or_else(|p| p.into_inner()) = Some(digest);
        Ok(Ok(()))
    }
}
