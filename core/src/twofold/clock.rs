//! The time, as the store sees it. Everything in the core that reads the clock — invites,
//! shares and their expiry, pairing decisions, suggestions, the home screen's next meetings,
//! the change timestamps — asks the store's [`Clock`], set once in the open options, so tests
//! and simulations can run at any date without sleeping.

use std::sync::Arc;

/// Milliseconds since the Unix epoch, from the system or from a test.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    /// The system's wall clock.
    pub fn system() -> Clock {
        Clock(Arc::new(|| chrono::Utc::now().timestamp_millis()))
    }

    /// Any source of milliseconds since the epoch (a test's controllable clock).
    pub fn from_fn(now_ms: impl Fn() -> i64 + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now_ms))
    }

    pub fn now_ms(&self) -> i64 {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Clock").field(&self.now_ms()).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use super::*;
    use crate::store::database::KEY_LEN;
    use crate::twofold::{OpenOptions, Twofold};

    #[test]
    fn the_store_reads_the_time_from_its_clock_not_the_systems() {
        const IN_2030: i64 = 1_900_000_000_000;
        let now = Arc::new(AtomicI64::new(IN_2030));
        let clock = {
            let now = now.clone();
            Clock::from_fn(move || now.load(Ordering::SeqCst))
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let options = OpenOptions {
            clock,
            ..OpenOptions::default()
        };
        let store =
            Twofold::open_with(dir.path().join("s"), &[5u8; KEY_LEN], options).expect("open");
        assert_eq!(store.now_ms(), IN_2030);

        // Ahead of the system's clock but behind the store's: already expired.
        let system_now = chrono::Utc::now().timestamp_millis();
        assert!(store
            .create_invite("https://relay.example", system_now + 60_000)
            .is_err());
        assert!(store
            .create_invite("https://relay.example", IN_2030 + 60_000)
            .is_ok());

        // The clock moves when the test says so.
        now.store(IN_2030 + 120_000, Ordering::SeqCst);
        assert!(store
            .create_invite("https://relay.example", IN_2030 + 60_000)
            .is_err());
    }
}
