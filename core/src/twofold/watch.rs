//! Watching the store: a value that follows what it is read from — the current value at once,
//! then a fresh one after each change of the documents it depends on, whoever made the change
//! (a local edit, an import, a peer through sync).
//!
//! Changes are coalesced: a burst of changes while the watcher's owner is busy (a slow screen,
//! a listener in another language) gives one fresh read, never a backlog. The watcher holds the
//! store weakly, so watching never keeps a closed store open; once the store is gone,
//! [`Watcher::changed`] answers `false`. No thread is started: the owner awaits `changed` on
//! its own runtime and reads when it suits it.

use std::sync::{Arc, Weak};

use tokio::sync::watch;

use super::listeners::Subscription;
use super::Twofold;
use crate::docs::kind::DocKind;
use crate::error::Result;

/// What a watcher follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Watched {
    /// This device's own documents of these kinds.
    Own(Vec<DocKind>),
    /// One document shared with this device (or kept here for someone), by id.
    Shared(String),
}

type Read<V> = Arc<dyn Fn(&Twofold) -> Result<V> + Send + Sync>;

/// A value read from the store, kept current. Dropping it unsubscribes.
pub struct Watcher<V> {
    store: Weak<Twofold>,
    read: Read<V>,
    changes: watch::Receiver<()>,
    delivered_first: bool,
    _subscriptions: Vec<Subscription>,
}

impl<V> std::fmt::Debug for Watcher<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").finish_non_exhaustive()
    }
}

impl<V> Watcher<V> {
    /// Waits until there is something new to read: at once the first time, then after the
    /// next change (all changes since the last call count as one). `false` when the store is
    /// closed and nothing more will come.
    pub async fn changed(&mut self) -> bool {
        if !self.delivered_first {
            self.delivered_first = true;
            self.changes.borrow_and_update();
            return self.store.strong_count() > 0;
        }
        self.changes.changed().await.is_ok() && self.store.strong_count() > 0
    }

    /// Reads the current value; `None` when the store is closed.
    pub fn read(&self) -> Option<Result<V>> {
        let store = self.store.upgrade()?;
        Some((self.read)(&store))
    }

    /// The same read, detached from the watcher: for running it on a blocking thread while
    /// the watcher keeps waiting for changes.
    pub fn reader(&self) -> impl FnOnce() -> Option<Result<V>> + Send + 'static
    where
        V: 'static,
    {
        let store = self.store.clone();
        let read = self.read.clone();
        move || {
            let store = store.upgrade()?;
            Some(read(&store))
        }
    }
}

impl Twofold {
    /// Watches `what`, reading the value with `read`. Subscribes before the first read, so no
    /// change can fall between the first value and the next.
    pub fn watch<V>(
        self: &Arc<Self>,
        what: Watched,
        read: impl Fn(&Twofold) -> Result<V> + Send + Sync + 'static,
    ) -> Watcher<V> {
        let (poke, changes) = watch::channel(());
        let poke = Arc::new(poke);
        let subscriptions = match what {
            Watched::Own(kinds) => kinds
                .into_iter()
                .map(|kind| {
                    let poke = poke.clone();
                    self.subscribe(kind, move |_| poke.send_replace(()))
                })
                .collect(),
            Watched::Shared(doc_id) => {
                let poke = poke.clone();
                vec![self.subscribe_shared(move |changed| {
                    if changed.doc_id == doc_id {
                        poke.send_replace(());
                    }
                })]
            }
        };
        Watcher {
            store: Arc::downgrade(self),
            read: Arc::new(read),
            changes,
            delivered_first: false,
            _subscriptions: subscriptions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::database::KEY_LEN;

    fn open() -> (tempfile::TempDir, Arc<Twofold>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Twofold::open(dir.path().join("s"), &[3u8; KEY_LEN]).expect("open");
        (dir, Arc::new(store))
    }

    #[tokio::test]
    async fn the_current_value_first_then_one_read_per_burst_of_changes_then_the_end() {
        let (_dir, store) = open();
        store.set_when_well("first").expect("write");
        let mut watcher = store.watch(Watched::Own(vec![DocKind::Plan]), |s| s.when_well());
        assert!(watcher.changed().await, "the first value is there at once");
        assert_eq!(watcher.read().expect("open").expect("read"), "first");

        // Nothing changed: no value is offered.
        let idle =
            tokio::time::timeout(std::time::Duration::from_millis(50), watcher.changed()).await;
        assert!(idle.is_err(), "no change, no wake-up");

        // A burst of changes while nobody reads: one wake-up, the latest value.
        for text in ["second", "third", "fourth"] {
            store.set_when_well(text).expect("write");
        }
        assert!(watcher.changed().await);
        assert_eq!(watcher.read().expect("open").expect("read"), "fourth");
        let coalesced =
            tokio::time::timeout(std::time::Duration::from_millis(50), watcher.changed()).await;
        assert!(coalesced.is_err(), "the burst was one wake-up");

        // Another document's change is not this watcher's business.
        let mut journal = store.watch(Watched::Own(vec![DocKind::Journal]), |_| Ok(()));
        assert!(journal.changed().await);
        store.set_when_well("fifth").expect("write");
        let other =
            tokio::time::timeout(std::time::Duration::from_millis(50), journal.changed()).await;
        assert!(
            other.is_err(),
            "a plan change does not wake a journal watcher"
        );
        drop(journal);

        // The store closes: the watcher ends instead of keeping it open.
        drop(store);
        assert!(!watcher.changed().await);
        assert!(watcher.read().is_none());
    }

    #[tokio::test]
    async fn dropping_the_watcher_unsubscribes() {
        let (_dir, store) = open();
        let watcher = store.watch(Watched::Own(vec![DocKind::Plan]), |s| s.when_well());
        assert_eq!(store.listeners.count(), 1);
        drop(watcher);
        assert_eq!(store.listeners.count(), 0);
    }
}
