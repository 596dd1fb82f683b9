//! Change listeners: per own document, for documents shared with this device, and for "new
//! outgoing bytes" (what a transport pushes on). A listener is called after the change is
//! durably committed (a local edit, an import, a change from a peer), outside every lock, so it
//! may call back into the store.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use super::sos::SosEvent;
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
pub type SosListener = Arc<dyn Fn(&SosEvent) + Send + Sync>;

/// Listeners of one sort, by subscription id.
struct Registry<L>(Mutex<HashMap<u64, L>>);

impl<L: Clone> Registry<L> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, L>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn current(&self) -> Vec<L> {
        self.lock().values().cloned().collect()
    }
}

impl<L> Default for Registry<L> {
    fn default() -> Self {
        Registry(Mutex::new(HashMap::new()))
    }
}

/// Calls each listener; one failing must not stop the others or the write that triggered it.
fn call_each<L>(listeners: Vec<L>, call: impl Fn(&L)) {
    for listener in listeners {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&listener)));
    }
}

#[derive(Default)]
pub struct Listeners {
    next: AtomicU64,
    own: Registry<(DocKind, Listener)>,
    outgoing: Registry<OutgoingListener>,
    shared: Registry<SharedListener>,
    sos: Registry<SosListener>,
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
            reg.own.lock().remove(&self.id);
            reg.outgoing.lock().remove(&self.id);
            reg.shared.lock().remove(&self.id);
            reg.sos.lock().remove(&self.id);
        }
    }
}

impl Listeners {
    fn add<L: Clone>(
        self: &Arc<Self>,
        registry: impl FnOnce(&Self) -> &Registry<L>,
        listener: L,
    ) -> Subscription {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        registry(self).lock().insert(id, listener);
        Subscription {
            id,
            registry: Arc::downgrade(self),
        }
    }

    pub fn subscribe(self: &Arc<Self>, kind: DocKind, listener: Listener) -> Subscription {
        self.add(|l| &l.own, (kind, listener))
    }

    pub fn subscribe_outgoing(self: &Arc<Self>, listener: OutgoingListener) -> Subscription {
        self.add(|l| &l.outgoing, listener)
    }

    pub fn subscribe_shared(self: &Arc<Self>, listener: SharedListener) -> Subscription {
        self.add(|l| &l.shared, listener)
    }

    pub fn subscribe_sos(self: &Arc<Self>, listener: SosListener) -> Subscription {
        self.add(|l| &l.sos, listener)
    }

    /// How many listeners are subscribed, of every sort.
    #[cfg(test)]
    pub fn count(&self) -> usize {
        self.own.lock().len()
            + self.outgoing.lock().len()
            + self.shared.lock().len()
            + self.sos.lock().len()
    }

    pub fn notify(&self, event: DocChanged) {
        let targets = self.own.current();
        call_each(targets, |(kind, listener)| {
            if *kind == event.kind {
                listener(&event);
            }
        });
    }

    pub fn notify_shared(&self, event: &SharedChanged) {
        call_each(self.shared.current(), |listener| listener(event));
    }

    pub fn notify_outgoing(&self) {
        call_each(self.outgoing.current(), |listener| listener());
    }

    pub fn notify_sos(&self, events: &[SosEvent]) {
        if events.is_empty() {
            return;
        }
        let targets = self.sos.current();
        for event in events {
            call_each(targets.clone(), |listener| listener(event));
        }
    }
}
