//! Abuse limits that live in memory: token buckets per key, and a fixed-window counter of
//! streams created per client IP. Each relay process enforces its own share.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::RelayError;

/// Past this many tracked keys, idle entries are dropped so a flood of fresh keys cannot grow
/// the map without bound.
const PRUNE_AT: usize = 100_000;

#[derive(Debug)]
pub struct RateLimiter<K> {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: Eq + Hash> RateLimiter<K> {
    pub fn new(rate_per_sec: f64, burst: f64) -> Self {
        Self {
            rate: rate_per_sec.max(f64::MIN_POSITIVE),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request's worth from `key`'s bucket, or says how long until one is there.
    pub fn check(&self, key: K) -> Result<(), RelayError> {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= PRUNE_AT {
            let full_after = Duration::from_secs_f64(self.burst / self.rate);
            buckets.retain(|_, bucket| now.duration_since(bucket.at) < full_after);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refilled = now.duration_since(bucket.at).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + refilled).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.rate;
            Err(RelayError::RateLimited {
                retry_after_secs: wait.ceil().max(1.0) as u64,
            })
        }
    }
}

/// Counts events per key in fixed windows (an hour for stream creation).
#[derive(Debug)]
pub struct WindowCounter<K> {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<K, (Instant, u32)>>,
}

impl<K: Eq + Hash> WindowCounter<K> {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, key: K) -> Result<(), RelayError> {
        let now = Instant::now();
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if counts.len() >= PRUNE_AT {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let (start, count) = counts.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        if *count >= self.limit {
            let left = self.window.saturating_sub(now.duration_since(*start));
            return Err(RelayError::RateLimited {
                retry_after_secs: left.as_secs().max(1),
            });
        }
        *count += 1;
        Ok(())
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
    fn window_counts_per_key() {
        let counter = WindowCounter::new(2, Duration::from_secs(3600));
        assert!(counter.check(1).is_ok());
        assert!(counter.check(1).is_ok());
        assert!(counter.check(1).is_err());
        assert!(counter.check(2).is_ok());
    }
}
