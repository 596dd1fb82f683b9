//! For tests of what waits for what: the database's writer held by another transaction, as a
//! long fsync would hold it, and a wait until some thread holds the writers' gate.

use std::sync::mpsc;
use std::thread::Scope;
use std::time::{Duration, Instant};

use super::Twofold;

/// Holds the database's writer on a thread of `scope` until the returned sender sends or is
/// dropped (30 s at most); returns once it is held.
pub(crate) fn hold_the_writer<'scope>(
    scope: &'scope Scope<'scope, '_>,
    store: &'scope Twofold,
) -> mpsc::Sender<()> {
    let (hold_tx, hold_rx) = mpsc::channel::<()>();
    let (held_tx, held_rx) = mpsc::channel::<()>();
    scope.spawn(move || {
        store
            .db
            .write(|_tx| {
                let _ = held_tx.send(());
                let _ = hold_rx.recv_timeout(Duration::from_secs(30));
                Ok(())
            })
            .expect("holding write");
    });
    held_rx.recv().expect("the writer is held");
    hold_tx
}

/// Returns once another thread holds the writers' gate (10 s at most), and 50 ms more for it
/// to reach what it waits for.
pub(crate) fn wait_for_the_gate(store: &Twofold) {
    let waited = Instant::now();
    while store.drafts.try_lock().is_ok() && waited.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(50));
}
