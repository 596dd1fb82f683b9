//! Token buckets per key: a burst, then a sustained rate.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::bounded::make_room;
use super::DEFAULT_MAX_KEYS;
use crate::error::RelayError;

#[derive(Debug)]
pub struct RateLimiter<K> {
    rate: f64,
    burst: f64,
    max_keys: usize,
    buckets: Mutex<HashMap<K, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    pub fn new(rate_per_sec: f64, burst: f64) -> Self {
        Self {
            rate: rate_per_sec.max(f64::MIN_POSITIVE),
            burst: burst.max(1.0),
            max_keys: DEFAULT_MAX_KEYS,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn with_max_keys(mut self, max_keys: usize) -> Self {
        self.max_keys = max_keys.max(10);
        self
    }

    /// Takes one request's worth from `key`'s bucket, or says how long until one is there.
    pub fn check(&self, key: K) -> Result<(), RelayError> {
        let now = Instant::now();
        let mut buckets = self.buckets();
        if !buckets.contains_key(&key) {
            let idle_after = self.full_after();
            make_room(&mut buckets, self.max_keys, now, idle_after, |b| b.at);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        self.refill(bucket, now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.wait(bucket))
        }
    }

    /// Refuses when `key`'s bucket is empty, taking nothing and tracking no new key.
    pub fn ensure_available(&self, key: &K) -> Result<(), RelayError> {
        let now = Instant::now();
        let mut buckets = self.buckets();
        match buckets.get_mut(key) {
            Some(bucket) => {
                self.refill(bucket, now);
                if bucket.tokens >= 1.0 {
                    Ok(())
                } else {
                    Err(self.wait(bucket))
                }
            }
            None => Ok(()),
        }
    }

    /// Keys held now (for `/metrics` and the tests of the bound).
    pub fn tracked(&self) -> usize {
        self.buckets().len()
    }

    fn refill(&self, bucket: &mut Bucket, now: Instant) {
        let refilled = now.duration_since(bucket.at).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + refilled).min(self.burst);
        bucket.at = now;
    }

    fn wait(&self, bucket: &Bucket) -> RelayError {
        let wait = (1.0 - bucket.tokens) / self.rate;
        RelayError::RateLimited {
            retry_after_secs: wait.ceil().max(1.0) as u64,
        }
    }

    fn full_after(&self) -> Duration {
        Duration::try_from_secs_f64(self.burst / self.rate).unwrap_or(Duration::MAX)
    }

    fn buckets(&self) -> MutexGuard<'_, HashMap<K, Bucket>> {
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_refuses_with_retry_after() {
        let limiter = RateLimiter::new(0.5, 3.0);
        for _ in 0..3 {
            assert!(limiter.check("k").is_ok());
        }
        match limiter.check("k") {
            Err(RelayError::RateLimited { retry_after_secs }) => assert_eq!(retry_after_secs, 2),
            other => panic!("expected rate limit, got {other:?}"),
        }
        assert!(limiter.check("other").is_ok());
    }

    #[test]
    fn ensure_available_takes_nothing_and_tracks_no_new_key() {
        let limiter = RateLimiter::new(0.001, 2.0);
        assert!(limiter.ensure_available(&"new").is_ok());
        assert_eq!(limiter.tracked(), 0);
        limiter.check("k").expect("first");
        limiter.check("k").expect("second");
        assert!(limiter.ensure_available(&"k").is_err());
        assert_eq!(limiter.tracked(), 1);
    }

    /// Keys that are all busy (none idle) used to stay: the map held every one of them, and
    /// every new key past the old threshold scanned the whole map.
    #[test]
    fn a_flood_of_busy_keys_stays_within_the_budget() {
        let limiter = RateLimiter::new(0.001, 5.0).with_max_keys(1_000);
        for key in 0..50_000u32 {
            limiter.check(key).expect("a fresh key has its burst");
        }
        assert!(limiter.tracked() <= 1_000, "{} keys", limiter.tracked());
    }
}
