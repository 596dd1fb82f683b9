//! Change listeners for foreign code: a foreign-implemented trait gets the current value first,
//! then a fresh value after every change of what it watches — local edits, imports, and later
//! changes from peers, whichever thread made them.
//!
//! The semantics live in the core ([`twofold_core::Watcher`]: current value first, changes
//! coalesced, the store held weakly). This is the adapter: one task on the bindings' runtime
//! per subscription awaits the watcher and runs each read and delivery on the blocking pool,
//! so a slow foreign listener holds no runtime worker, no lock and no reference to the store
//! while its code runs. A slow listener sees the latest state rather than a backlog.
//! Cancelling or dropping the handle aborts the task (a delivery already under way may still
//! arrive; none starts after); closing the store ends it too.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::task::AbortHandle;
use twofold_core::{Twofold, Watched};

use crate::error::Result;
use crate::model::documents::DocumentSnapshot;
use crate::model::home::HomeScreen;
use crate::runtime::{runtime, Job};

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

/// The task that delivers to one listener. Cancelling it is final and idempotent.
#[derive(Debug)]
pub(crate) struct ListenerTask {
    cancelled: Arc<AtomicBool>,
    abort: AbortHandle,
}

impl ListenerTask {
    /// Runs `deliveries` on the bindings' runtime; it should check `cancelled` right before
    /// each delivery.
    pub(crate) fn spawn<F>(deliveries: impl FnOnce(Arc<AtomicBool>) -> F) -> Result<ListenerTask>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let cancelled = Arc::new(AtomicBool::new(false));
        // Boxed for the reason `Job` is: one task type for every listener.
        let deliveries: Pin<Box<dyn Future<Output = ()> + Send>> =
            Box::pin(deliveries(cancelled.clone()));
        let task = runtime()?.spawn(deliveries);
        Ok(ListenerTask {
            cancelled,
            abort: task.abort_handle(),
        })
    }

    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.abort.abort();
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Runs one read and one delivery on the blocking pool, unless cancelled before either. A
/// panic in the read or in the foreign listener (a throw on that side) must not end the
/// subscription.
pub(crate) async fn deliver_blocking<T: Send + 'static>(
    cancelled: &Arc<AtomicBool>,
    read: impl FnOnce() -> Option<T> + Send + 'static,
    deliver: impl FnOnce(T) + Send + 'static,
) {
    let cancelled = cancelled.clone();
    let job: Job = Box::new(move || {
        if cancelled.load(Ordering::SeqCst) {
            return;
        }
        let Ok(Some(value)) = catch_unwind(AssertUnwindSafe(read)) else {
            return;
        };
        if !cancelled.load(Ordering::SeqCst) {
            let _ = catch_unwind(AssertUnwindSafe(|| deliver(value)));
        }
    });
    let _ = tokio::task::spawn_blocking(job).await;
}

/// Keeps a listener subscribed. `cancel()` stops it; so does dropping the handle (in Kotlin
/// `close()`, in Swift releasing the last reference).
#[derive(Debug, uniffi::Object)]
pub struct SubscriptionHandle {
    task: ListenerTask,
}

#[uniffi::export]
impl SubscriptionHandle {
    /// Stops deliveries. A delivery already under way may still arrive; no later change is
    /// delivered. Calling it again does nothing.
    pub fn cancel(&self) {
        self.task.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.task.is_cancelled()
    }
}

impl SubscriptionHandle {
    pub(crate) fn from_task(task: ListenerTask) -> Arc<SubscriptionHandle> {
        Arc::new(SubscriptionHandle { task })
    }
}

impl Drop for SubscriptionHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Watches `what` in the core: `read` computes the value from the store, `deliver` hands it to
/// the foreign listener.
pub(crate) fn subscribe<V: Send + 'static>(
    core: &Arc<Twofold>,
    what: Watched,
    read: impl Fn(&Twofold) -> Result<V> + Send + Sync + 'static,
    deliver: impl Fn(V) + Send + Sync + 'static,
) -> Result<Arc<SubscriptionHandle>> {
    // Subscribed here, before the task first reads: no change can fall in between.
    let mut watcher = core.watch(what, move |core| Ok(read(core)));
    let deliver = Arc::new(deliver);
    let task = ListenerTask::spawn(|cancelled| async move {
        while watcher.changed().await {
            let reader = watcher.reader();
            let deliver = deliver.clone();
            deliver_blocking(
                &cancelled,
                move || match reader() {
                    Some(Ok(Ok(value))) => Some(value),
                    _ => None,
                },
                move |value| deliver(value),
            )
            .await;
        }
    })?;
    Ok(Arc::new(SubscriptionHandle { task }))
}
