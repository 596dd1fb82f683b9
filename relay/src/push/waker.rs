//! Deciding when to wake whom. Registrations are indexed by stream in memory (loaded from the
//! store at start); an append looks up the stream's registrations and, for each with no live
//! follow claiming it, sends a wake-up — at once if the registration's last one is at least
//! `--push-interval-ms` old, else once at the end of that interval, however many envelopes
//! landed meanwhile. Nothing here awaits: the append's answer never waits for a gateway.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::gateway::{GatewayError, Gateways, Wake};
use super::record::Registration;
use crate::error::RelayError;
use crate::ids::{Id, TokenHash};

/// More devices than this waking for one stream is not a pairing (two people, a few phones):
/// it would turn one append into a fan-out of gateway calls.
pub const REGISTRATIONS_PER_STREAM: usize = 8;

#[derive(Debug)]
pub struct Waker {
    gateways: Gateways,
    interval: Duration,
    inner: Mutex<Inner>,
    /// Registrations the gateway rejected, for the store to forget.
    forget: mpsc::UnboundedSender<Id>,
    pub sent: AtomicU64,
    pub failed: AtomicU64,
}

#[derive(Debug, Default)]
struct Inner {
    registrations: HashMap<Id, Entry>,
    by_stream: HashMap<Id, HashSet<Id>>,
}

#[derive(Debug)]
struct Entry {
    registration: Registration,
    /// Live WebSocket sessions that claimed this registration: while any is open, the phone is
    /// in the foreground and hears envelopes itself.
    live: usize,
    last_sent: Option<Instant>,
    /// A wake-up is scheduled for the end of the current interval.
    pending: bool,
}

impl Waker {
    pub fn new(
        gateways: Gateways,
        interval: Duration,
    ) -> (Arc<Waker>, mpsc::UnboundedReceiver<Id>) {
        let (forget, forgotten) = mpsc::unbounded_channel();
        let waker = Arc::new(Waker {
            gateways,
            interval,
            inner: Mutex::new(Inner::default()),
            forget,
            sent: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        });
        (waker, forgotten)
    }

    pub fn counts(&self) -> crate::metrics::PushCounts {
        crate::metrics::PushCounts {
            sent: self.sent.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }

    pub fn knows_gateway(&self, name: &str) -> bool {
        self.gateways.get(name).is_some()
    }

    /// The token hash a registration was created with, if it exists.
    pub fn token_of(&self, id: Id) -> Option<TokenHash> {
        self.lock()
            .registrations
            .get(&id)
            .map(|e| e.registration.token)
    }

    pub fn get(&self, id: Id) -> Option<Registration> {
        self.lock()
            .registrations
            .get(&id)
            .map(|e| e.registration.clone())
    }

    /// Adds or replaces a registration (its live claims and rate state carry over).
    pub fn register(&self, id: Id, registration: Registration) -> Result<(), RelayError> {
        let mut inner = self.lock();
        for stream in &registration.streams {
            let others = inner
                .by_stream
                .get(stream)
                .map_or(0, |ids| ids.iter().filter(|other| **other != id).count());
            if others >= REGISTRATIONS_PER_STREAM {
                return Err(RelayError::QuotaExceeded {
                    what: "too many push registrations for one stream",
                    storage_full: false,
                });
            }
        }
        let old = inner.registrations.remove(&id);
        if let Some(old) = &old {
            unindex(&mut inner, id, &old.registration.streams);
        }
        for stream in &registration.streams {
            inner.by_stream.entry(*stream).or_default().insert(id);
        }
        let (live, last_sent, pending) =
            old.map_or((0, None, false), |o| (o.live, o.last_sent, o.pending));
        inner.registrations.insert(
            id,
            Entry {
                registration,
                live,
                last_sent,
                pending,
            },
        );
        Ok(())
    }

    pub fn unregister(&self, id: Id) {
        let mut inner = self.lock();
        if let Some(old) = inner.registrations.remove(&id) {
            unindex(&mut inner, id, &old.registration.streams);
        }
    }

    /// Marks the registration live for as long as the returned claim is kept, if `token` is
    /// its token.
    pub fn claim(self: &Arc<Self>, id: Id, token: &TokenHash) -> Option<LiveClaim> {
        let mut inner = self.lock();
        let entry = inner.registrations.get_mut(&id)?;
        if !entry.registration.token.matches(token) {
            return None;
        }
        entry.live += 1;
        Some(LiveClaim {
            waker: self.clone(),
            id,
        })
    }

    /// An envelope was stored on `stream`: wake whoever should be woken.
    pub fn appended(self: &Arc<Self>, stream: Id) {
        let now = Instant::now();
        let mut at_once = Vec::new();
        let mut later = Vec::new();
        {
            let mut inner = self.lock();
            let Some(ids) = inner.by_stream.get(&stream).cloned() else {
                return;
            };
            for id in ids {
                let Some(entry) = inner.registrations.get_mut(&id) else {
                    continue;
                };
                if entry.live > 0 {
                    continue;
                }
                match entry.last_sent {
                    Some(last) if now.duration_since(last) < self.interval => {
                        if !entry.pending {
                            entry.pending = true;
                            later.push((id, last + self.interval));
                        }
                    }
                    _ => {
                        entry.last_sent = Some(now);
                        at_once.push((id, wake_of(&entry.registration)));
                    }
                }
            }
        }
        for (id, wake) in at_once {
            self.send(id, wake);
        }
        for (id, at) in later {
            let waker = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep_until(at).await;
                waker.deferred(id);
            });
        }
    }

    /// The end of an interval with envelopes in it: one wake-up for all of them, unless the
    /// phone came to the foreground or unregistered meanwhile.
    fn deferred(self: &Arc<Self>, id: Id) {
        let wake = {
            let mut inner = self.lock();
            let Some(entry) = inner.registrations.get_mut(&id) else {
                return;
            };
            if !std::mem::take(&mut entry.pending) || entry.live > 0 {
                return;
            }
            entry.last_sent = Some(Instant::now());
            wake_of(&entry.registration)
        };
        self.send(id, wake);
    }

    fn send(self: &Arc<Self>, id: Id, wake: Wake) {
        let Some(gateway) = self.gateways.get(&wake.app_id).cloned() else {
            // Its gateway left the configuration: nothing to call.
            return;
        };
        let waker = self.clone();
        tokio::spawn(async move {
            match gateway.notify(wake).await {
                Ok(()) => {
                    waker.sent.fetch_add(1, Ordering::Relaxed);
                }
                Err(GatewayError::Rejected) => {
                    waker.failed.fetch_add(1, Ordering::Relaxed);
                    tracing::info!("a push gateway rejected a push token; forgetting it");
                    waker.unregister(id);
                    let _ = waker.forget.send(id);
                }
                Err(err) => {
                    waker.failed.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %err, "push wake-up not delivered");
                }
            }
        });
    }

    fn release(&self, id: Id) {
        if let Some(entry) = self.lock().registrations.get_mut(&id) {
            entry.live = entry.live.saturating_sub(1);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn unindex(inner: &mut Inner, id: Id, streams: &[Id]) {
    for stream in streams {
        if let Some(ids) = inner.by_stream.get_mut(stream) {
            ids.remove(&id);
            if ids.is_empty() {
                inner.by_stream.remove(stream);
            }
        }
    }
}

fn wake_of(registration: &Registration) -> Wake {
    Wake {
        app_id: registration.gateway.clone(),
        pushkey: registration.pushkey.clone(),
    }
}

/// A live session's claim on a registration; dropping it (the session ended) lets wake-ups
/// through again.
#[derive(Debug)]
pub struct LiveClaim {
    waker: Arc<Waker>,
    id: Id,
}

impl Drop for LiveClaim {
    fn drop(&mut self) {
        self.waker.release(self.id);
    }
}

#[cfg(test)]
mod tests {
    use futures_util::future::BoxFuture;
    use futures_util::FutureExt;

    use super::super::gateway::Gateway;
    use super::*;

    /// Counts calls; stands in for the network only in these unit tests (the integration tests
    /// run a real HTTP gateway).
    #[derive(Debug, Default)]
    struct Counting(AtomicU64);

    impl Gateway for Counting {
        fn notify(&self, _wake: Wake) -> BoxFuture<'_, Result<(), GatewayError>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            async { Ok(()) }.boxed()
        }
    }

    fn setup(interval: Duration) -> (Arc<Waker>, Arc<Counting>) {
        let counting = Arc::new(Counting::default());
        let mut gateways = Gateways::default();
        gateways.insert("g", counting.clone());
        let (waker, _forgotten) = Waker::new(gateways, interval);
        (waker, counting)
    }

    fn registration(streams: &[Id]) -> Registration {
        Registration {
            token: TokenHash([1; 32]),
            gateway: "g".into(),
            pushkey: "pk".into(),
            streams: streams.to_vec(),
        }
    }

    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn many_appends_in_an_interval_make_two_wake_ups() {
        let (waker, calls) = setup(Duration::from_millis(300));
        waker
            .register(Id([1; 16]), registration(&[Id([9; 16])]))
            .expect("register");
        for _ in 0..50 {
            waker.appended(Id([9; 16]));
        }
        settle().await;
        assert_eq!(calls.0.load(Ordering::SeqCst), 1, "the first goes at once");
        tokio::time::sleep(Duration::from_millis(500)).await;
        settle().await;
        assert_eq!(
            calls.0.load(Ordering::SeqCst),
            2,
            "the rest are coalesced into one"
        );
        waker.appended(Id([8; 16]));
        settle().await;
        assert_eq!(
            calls.0.load(Ordering::SeqCst),
            2,
            "other streams wake nobody"
        );
    }

    #[tokio::test]
    async fn a_live_claim_holds_wake_ups_back_until_dropped() {
        let (waker, calls) = setup(Duration::from_millis(100));
        let id = Id([1; 16]);
        waker
            .register(id, registration(&[Id([9; 16])]))
            .expect("register");
        assert!(
            waker.claim(id, &TokenHash([2; 32])).is_none(),
            "wrong token"
        );
        let claim = waker.claim(id, &TokenHash([1; 32])).expect("claim");
        waker.appended(Id([9; 16]));
        settle().await;
        assert_eq!(calls.0.load(Ordering::SeqCst), 0);
        drop(claim);
        waker.appended(Id([9; 16]));
        settle().await;
        assert_eq!(calls.0.load(Ordering::SeqCst), 1);
        waker.unregister(id);
        tokio::time::sleep(Duration::from_millis(200)).await;
        waker.appended(Id([9; 16]));
        settle().await;
        assert_eq!(calls.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn one_stream_takes_a_bounded_number_of_registrations() {
        let (waker, _) = setup(Duration::from_secs(1));
        for i in 0..REGISTRATIONS_PER_STREAM as u8 {
            waker
                .register(Id([i; 16]), registration(&[Id([0xff; 16])]))
                .expect("within");
        }
        assert!(waker
            .register(Id([0xee; 16]), registration(&[Id([0xff; 16])]))
            .is_err());
        // Re-registering one already there is not one more.
        assert!(waker
            .register(Id([0; 16]), registration(&[Id([0xff; 16])]))
            .is_ok());
    }
}
