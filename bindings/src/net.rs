//! Sync over a relay for foreign callers: a [`SyncSession`] per store and relay, with
//! `sync_now` for background schedulers (Android WorkManager, iOS BGAppRefreshTask), live sync
//! for the foreground, and a status listener for the UI.
//!
//! Network calls run on the bindings' runtime; a session keeps its store's core alive, so
//! stop live sync and drop the session before closing the store.

use std::sync::{Arc, Mutex};

use twofold_core::{LiveSync, NetOptions, SyncClient};

use crate::error::{guard, Result, TwofoldError};
use crate::listeners::{deliver_blocking, ListenerTask};
use crate::model::net::{SyncReport, SyncStatus};
use crate::runtime::runtime;
use crate::store::TwofoldStore;

/// Receives the sync status: the current one right after subscribing, then every change.
#[uniffi::export(foreign)]
pub trait SyncStatusListener: Send + Sync {
    fn on_status(&self, status: SyncStatus);
}

/// Sync of one store over one relay.
#[derive(Debug, uniffi::Object)]
pub struct SyncSession {
    client: Arc<SyncClient>,
    live: Mutex<Option<LiveSync>>,
}

/// Keeps a status listener subscribed; `cancel()` (or dropping it) stops deliveries.
#[derive(Debug, uniffi::Object)]
pub struct StatusSubscription {
    task: ListenerTask,
}

#[uniffi::export]
impl StatusSubscription {
    pub fn cancel(&self) {
        self.task.cancel();
    }
}

impl Drop for StatusSubscription {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[uniffi::export]
impl TwofoldStore {
    /// A sync session with the relay at `relay_url` (the address in the invite; `https://…`).
    pub fn sync_session(&self, relay_url: String) -> Result<Arc<SyncSession>> {
        guard(|| {
            let client = SyncClient::new(self.core()?, &relay_url, NetOptions::default())?;
            Ok(Arc::new(SyncSession {
                client,
                live: Mutex::new(None),
            }))
        })
    }
}

#[uniffi::export]
impl SyncSession {
    /// Pushes everything waiting, pulls everything new, applies it. A network problem ends
    /// it early and is in the report (`interrupted`); what was done before is kept. Only a
    /// failure of the phone's own storage is an error.
    pub async fn sync_now(&self) -> Result<SyncReport> {
        let client = self.client.clone();
        let task = runtime()?.spawn(async move { client.sync_now().await });
        match task.await {
            Ok(report) => Ok(report?.into()),
            Err(_) => Err(TwofoldError::internal_failure()),
        }
    }

    /// Starts live sync (follow the relay, push each commit at once, reconnect with backoff).
    /// Calling it while it runs does nothing.
    pub fn start_live(&self) -> Result<()> {
        guard(|| {
            let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
            if live.is_none() {
                let _entered = runtime()?.enter();
                *live = Some(self.client.start_live());
            }
            Ok(())
        })
    }

    /// Stops live sync and waits until it has stopped. Nothing acknowledged is lost.
    pub async fn stop_live(&self) {
        let live = self.live.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let (Some(live), Ok(rt)) = (live, runtime()) {
            let _ = rt.spawn(live.stop()).await;
        }
    }

    pub fn is_live(&self) -> bool {
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    pub fn status(&self) -> SyncStatus {
        self.client.status().into()
    }

    /// Calls `listener` with the current status, then after every change; a burst of
    /// changes may arrive as its last state only.
    pub fn watch_status(
        &self,
        listener: Arc<dyn SyncStatusListener>,
    ) -> Result<Arc<StatusSubscription>> {
        guard(|| {
            let mut status = self.client.watch_status();
            let task = ListenerTask::spawn(|cancelled| async move {
                loop {
                    let current: SyncStatus = status.borrow_and_update().clone().into();
                    let listener = listener.clone();
                    deliver_blocking(
                        &cancelled,
                        move || Some(current),
                        move |s| listener.on_status(s),
                    )
                    .await;
                    if status.changed().await.is_err() {
                        return;
                    }
                }
            })?;
            Ok(Arc::new(StatusSubscription { task }))
        })
    }
}
