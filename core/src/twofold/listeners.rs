//! Change listeners, per document. A listener is called after a change to its document is
//! durably committed (a local edit, an import, later a change from a peer), outside every lock,
//! so it may call back into the store.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use crate::docs::kind::DocKind;

/// Where a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOrigin {
    Local,
    Import,
    /// Changes from a paired device, through sync.
    Peer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocChanged {
    pub kind: DocKind,
    pub origin: ChangeOrigin,
}

/// A document someone shared with this device changed: their changes arrived, a grant
/// brought it or replaced it (new epoch), the share ended, or this device wrote to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedChanged {
    pub doc_id: String,
    pub kind: DocKind,
    pub origin: ChangeOrigin,
}

pub type Listener = Arc<dyn Fn(&DocChanged) + Send + Sync>;
pub type OutgoingListener = Arc<dyn Fn() + Send + Sync>;
pub type SharedListener = Arc<dyn Fn(&SharedChanged) + Send + Sync>;

#[derive(Default)]
pub struct Listeners {
    next: AtomicU64,
    by_id: Mutex<HashMap<u64, (DocKind, Listener)>>,
    outgoing: Mutex<HashMap<u64, OutgoingListener>>,
    shared: Mutex<HashMap<u64, SharedListener>>,
}

impl std::fmt::Debug for Listeners {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listeners").finish_non_exhaustive()
    }
}

/// Keeps a listener subscribed; dropping it unsubscribes.
#[derive(Debug)]
pub struct Subscription {
    id: u64,
    registry: Weak<Listeners>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(reg) = self.registry.upgrade() {
            reg.by_id
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&self.id);
            reg.outgoing
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&self.id);
            reg.shared
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&self.id);
        }
    }
}

impl Listeners {
    pub fn subscribe(self: &Arc<Self>, kind: DocKind, listener: Listener) -> Subscription {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.by_id
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, (kind, listener));
        Subscription {
            id,
            registry: Arc::downgrade(self),
        }
    }

    pub fn subscribe_outgoing(self: &Arc<Self>, listener: OutgoingListener) -> Subscription {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.outgoing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, listener);
        Subscription {
            id,
            registry: Arc::downgrade(self),
        }
    }

    pub fn subscribe_shared(self: &Arc<Self>, listener: SharedListener) -> Subscription {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.shared
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, listener);
        Subscription {
            id,
            registry: Arc::downgrade(self),
        }
    }

    pub fn notify_shared(&self, event: &SharedChanged) {
        let targets: Vec<SharedListener> = self
            .shared
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        for listener in targets {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| listener(event)));
        }
    }

    pub fn notify_outgoing(&self) {
        let targets: Vec<OutgoingListener> = self
            .outgoing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        for listener in targets {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| listener()));
        }
    }

    pub fn notify(&self, event: DocChanged) {
        let targets: Vec<Listener> = self
            .by_id
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .filter(|(k, _)| *k == event.kind)
            .map(|(_, l)| l.clone())
            .collect();
        for listener in targets {
            // One failing listener must not stop the others or the write that triggered it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| listener(&event)));
        }
    }
}
