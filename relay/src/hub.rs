//! In-process fan-out: live followers wait here for "this log now reaches position N". Only a
//! wake-up travels through the hub; followers then read the records themselves from the store,
//! which is what makes delivery gap-free and duplicate-free whatever notifications are lost.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;

use crate::store::LogRef;

#[derive(Debug)]
pub struct Hub {
    heads: Mutex<HashMap<LogRef, watch::Sender<u64>>>,
    /// Bumped to wake every follower at once: one of another relay's notifications was lost.
    everyone: watch::Sender<u64>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            heads: Mutex::default(),
            everyone: watch::channel(0).0,
        }
    }
}

impl Hub {
    pub fn subscribe_everyone(&self) -> watch::Receiver<u64> {
        self.everyone.subscribe()
    }

    /// Makes every follower read its log once, as if each had been notified.
    pub fn wake_everyone(&self) {
        self.everyone.send_modify(|generation| *generation += 1);
    }

    pub fn subscribe(&self, log: LogRef) -> watch::Receiver<u64> {
        let mut heads = self
            .heads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        heads.retain(|_, tx| tx.receiver_count() > 0);
        heads
            .entry(log)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }

    pub fn notify(&self, log: LogRef, position: u64) {
        let mut heads = self
            .heads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(tx) = heads.get(&log) {
            if tx.receiver_count() == 0 {
                heads.remove(&log);
                return;
            }
            tx.send_if_modified(|head| {
                let newer = position > *head;
                if newer {
                    *head = position;
                }
                newer
            });
        }
    }
}
