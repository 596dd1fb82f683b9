//! In-process fan-out: live followers wait here for "this log now reaches position N". Only a
//! wake-up travels through the hub; followers then read the records themselves from the store,
//! which is what makes delivery gap-free and duplicate-free whatever notifications are lost.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;

use crate::store::LogRef;

#[derive(Debug, Default)]
pub struct Hub {
    heads: Mutex<HashMap<LogRef, watch::Sender<u64>>>,
}

impl Hub {
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
