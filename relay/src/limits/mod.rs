//! Abuse limits that live in memory: token buckets per key, fixed-window counters (streams
//! created, bytes stored) per client address, and the failed-authentication budget that guards
//! everything keyed by a presented token. Each relay process enforces its own share, and every
//! map is bounded (`bounded`), so a flood of fresh keys costs a fixed amount of memory.

mod bounded;
mod bucket;
mod client;
mod window;

pub use bucket::RateLimiter;
pub use client::ClientKey;
pub use window::WindowCounter;

use crate::error::RelayError;

/// Most keys one limiter tracks. A bucket is a few dozen bytes, so this bounds each map to a few
/// MiB; past it the longest-idle keys are forgotten (they come back with a full allowance).
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// Failed authentications (a missing, malformed or wrong token) per client address. A request
/// that carries a token is admitted only while its address has budget left, and only a token
/// that proved right gets a per-token bucket: guessing with fresh tokens costs the guesser its
/// address's budget and the relay nothing that grows.
#[derive(Debug)]
pub struct AuthFailures(RateLimiter<ClientKey>);

impl AuthFailures {
    pub fn new(rate_per_sec: f64, burst: f64, max_keys: usize) -> Self {
        AuthFailures(RateLimiter::new(rate_per_sec, burst).with_max_keys(max_keys))
    }

    /// Refuses (`rate_limited`) while `client` has no failures left to spend.
    pub fn admit(&self, client: ClientKey) -> Result<(), RelayError> {
        self.0.ensure_available(&client)
    }

    pub fn failed(&self, client: ClientKey) {
        // Over budget already means the next `admit` refuses; nothing more to do here.
        let _ = self.0.check(client);
    }

    pub fn tracked(&self) -> usize {
        self.0.tracked()
    }
}
