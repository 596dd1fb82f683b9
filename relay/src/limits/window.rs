//! Amounts per key in fixed windows: streams created per hour, bytes stored per day.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::bounded::make_room;
use super::DEFAULT_MAX_KEYS;

#[derive(Debug)]
pub struct WindowCounter<K> {
    limit: u64,
    window: Duration,
    max_keys: usize,
    counts: Mutex<HashMap<K, (Instant, u64)>>,
}

/// The window's allowance is spent; the next window starts in `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spent {
    pub retry_after: Duration,
}

impl<K: Eq + Hash + Clone> WindowCounter<K> {
    pub fn new(limit: u64, window: Duration) -> Self {
        Self {
            limit,
            window,
            max_keys: DEFAULT_MAX_KEYS,
            counts: Mutex::new(HashMap::new()),
        }
    }

    pub fn with_max_keys(mut self, max_keys: usize) -> Self {
        self.max_keys = max_keys.max(10);
        self
    }

    /// Adds `amount` to `key`'s window if it still fits the limit; otherwise adds nothing.
    pub fn charge(&self, key: K, amount: u64) -> Result<(), Spent> {
        let now = Instant::now();
        let mut counts = self.counts();
        if !counts.contains_key(&key) {
            make_room(
                &mut counts,
                self.max_keys,
                now,
                self.window,
                |(start, _)| *start,
            );
        }
        let (start, count) = counts.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        if count.saturating_add(amount) > self.limit {
            let left = self.window.saturating_sub(now.duration_since(*start));
            return Err(Spent {
                retry_after: left.max(Duration::from_secs(1)),
            });
        }
        *count += amount;
        Ok(())
    }

    pub fn tracked(&self) -> usize {
        self.counts().len()
    }

    fn counts(&self) -> MutexGuard<'_, HashMap<K, (Instant, u64)>> {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_per_key() {
        let counter = WindowCounter::new(2, Duration::from_secs(3600));
        assert!(counter.charge(1, 1).is_ok());
        assert!(counter.charge(1, 1).is_ok());
        assert!(counter.charge(1, 1).is_err());
        assert!(counter.charge(2, 1).is_ok());
    }

    #[test]
    fn amounts_that_do_not_fit_are_not_charged() {
        let counter = WindowCounter::new(1000, Duration::from_secs(86_400));
        assert!(counter.charge("a", 600).is_ok());
        assert!(counter.charge("a", 600).is_err());
        assert!(counter.charge("a", 400).is_ok());
        assert!(counter.charge("a", 1).is_err());
    }

    #[test]
    fn a_flood_of_fresh_keys_stays_within_the_budget() {
        let counter = WindowCounter::new(10, Duration::from_secs(3600)).with_max_keys(500);
        for key in 0..20_000u32 {
            counter
                .charge(key, 1)
                .expect("a fresh key has its allowance");
        }
        assert!(counter.tracked() <= 500, "{} keys", counter.tracked());
    }
}
