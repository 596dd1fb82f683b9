//! Change listeners for foreign code: a foreign-implemented trait gets the current value first,
//! then a fresh value after every change of what it watches — local edits, imports, and later
//! changes from peers, whichever thread made them.
//!
//! Each subscription has one delivery thread. The core's listener (called on the writing
//! thread right after the commit, outside every lock) only pokes a channel; the delivery
//! thread then reads the new value and calls the foreign listener, holding no lock and no
//! reference to the store while the foreign code runs. Changes that arrive while a delivery is
//! under way are merged into the next one, so a slow listener sees the latest state rather
//! than a backlog. Dropping or cancelling the [`SubscriptionHandle`] stops deliveries; closing
//! the store ends them too.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Weak};

use twofold_core::{DocKind, Twofold};

use crate::error::{Result, TwofoldError};
use crate::model::documents::DocumentSnapshot;
use crate::model::home::HomeScreen;

/// Receives one document: its current state right after subscribing, then after each change.
#[uniffi::export(foreign)]
pub trait DocumentListener: Send + Sync {
    fn on_document(&self, snapshot: DocumentSnapshot);
}

/// Receives the home screen: right after subscribing, then after each change of any document
/// it shows (plan, contacts, schedule, journal).
#[uniffi::export(foreign)]
pub trait HomeScreenListener: Send + Sync {
    fn on_home_screen(&self, home: HomeScreen);
}

/// Keeps a listener subscribed. `cancel()` stops it; so does dropping the handle (in Kotlin
/// `close()`, in Swift releasing the last reference).
#[derive(Debug, uniffi::Object)]
pub struct SubscriptionHandle {
    cancelled: Arc<AtomicBool>,
    core_subscriptions: Mutex<Vec<twofold_core::Subscription>>,
}

#[uniffi::export]
impl SubscriptionHandle {
    /// Stops deliveries. A delivery already under way may still arrive; no later change is
    /// delivered. Calling it again does nothing.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        // Unsubscribing from the core drops the channel's senders, which ends the thread.
        let subs = std::mem::take(
            &mut *self
                .core_subscriptions
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        drop(subs);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

impl Drop for SubscriptionHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// What a subscription watches.
pub(crate) enum Watch<'a> {
    /// This device's own documents of these kinds.
    Own(&'a [DocKind]),
    /// One document shared with this device, by id.
    Shared(String),
}

/// Subscribes to what `watch` names and starts the delivery thread: `read` computes the value
/// from the store, `deliver` hands it to the foreign listener.
pub(crate) fn subscribe<V: Send + 'static>(
    core: &Arc<Twofold>,
    watch: Watch<'_>,
    read: impl Fn(&Twofold) -> Result<V> + Send + 'static,
    deliver: impl Fn(V) + Send + 'static,
) -> Result<Arc<SubscriptionHandle>> {
    let (tx, rx) = mpsc::channel::<()>();
    // Subscribe before reading the first value, so that no change can fall in between. The
    // receiver is gone only when the delivery thread ended; a failed send means nothing then.
    let core_subscriptions = match watch {
        Watch::Own(kinds) => kinds
            .iter()
            .map(|kind| {
                let tx = tx.clone();
                core.subscribe(*kind, move |_| {
                    let _ = tx.send(());
                })
            })
            .collect(),
        Watch::Shared(doc_id) => {
            let tx = tx.clone();
            vec![core.subscribe_shared(move |changed| {
                if changed.doc_id == doc_id {
                    let _ = tx.send(());
                }
            })]
        }
    };
    drop(tx);
    let cancelled = Arc::new(AtomicBool::new(false));
    let handle = Arc::new(SubscriptionHandle {
        cancelled: cancelled.clone(),
        core_subscriptions: Mutex::new(core_subscriptions),
    });
    let store = Arc::downgrade(core);
    std::thread::Builder::new()
        .name("twofold-listener".to_string())
        .spawn(move || deliver_loop(&store, &rx, &cancelled, &read, &deliver))
        .map_err(|_| TwofoldError::Internal {
            reason: "could not start a listener thread".to_string(),
        })?;
    Ok(handle)
}

fn deliver_loop<V>(
    store: &Weak<Twofold>,
    changes: &mpsc::Receiver<()>,
    cancelled: &AtomicBool,
    read: &impl Fn(&Twofold) -> Result<V>,
    deliver: &impl Fn(V),
) {
    loop {
        // The store is only borrowed while reading: a closed store is not kept open here.
        let Some(core) = store.upgrade() else { return };
        let value = catch_unwind(AssertUnwindSafe(|| read(&core)));
        drop(core);
        if cancelled.load(Ordering::SeqCst) {
            return;
        }
        if let Ok(Ok(value)) = value {
            // A listener that throws (a panic on this side) must not end the subscription.
            let _ = catch_unwind(AssertUnwindSafe(|| deliver(value)));
        }
        // Wait for the next change; merge any that piled up meanwhile.
        if changes.recv().is_err() {
            return;
        }
        while changes.try_recv().is_ok() {}
    }
}
