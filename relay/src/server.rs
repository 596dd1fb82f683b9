//! Starting and stopping the relay: the shared state, the listener, and graceful shutdown.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::error::StartError;
use crate::hub::Hub;
use crate::ids::TokenHash;
use crate::limits::{AuthFailures, ClientKey, RateLimiter, WindowCounter};
use crate::metrics::Metrics;
use crate::push::{Gateways, Registration, Waker};
use crate::store::Store;

/// Everything a request handler or WebSocket session may need.
#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub store: Store,
    pub metrics: Metrics,
    pub per_token: RateLimiter<TokenHash>,
    pub per_ip: RateLimiter<ClientKey>,
    pub creates_per_ip: WindowCounter<ClientKey>,
    pub bytes_per_ip: WindowCounter<ClientKey>,
    pub auth_failures: AuthFailures,
    pub shutting_down: AtomicBool,
    /// Cancelled when shutdown begins; every WebSocket session watches it.
    pub shutdown: CancellationToken,
    pub sessions: TaskTracker,
    pub connections: AtomicUsize,
    pub waker: Arc<Waker>,
}

/// A running relay. Dropping it leaves the relay running until the runtime ends.
#[derive(Debug)]
pub struct RelayHandle {
    local_addr: SocketAddr,
    state: Arc<AppState>,
    server: JoinHandle<()>,
}

impl RelayHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting, lets in-flight requests finish, closes WebSockets, then closes the
    /// store. Every append acknowledged before this returns is durable.
    pub async fn shutdown(self) {
        begin_shutdown(&self.state);
        if let Err(err) = self.server.await {
            tracing::error!(error = %err, "server task failed");
        }
    }
}

fn begin_shutdown(state: &AppState) {
    state
        .shutting_down
        .store(true, std::sync::atomic::Ordering::SeqCst);
    state.shutdown.cancel();
}

/// Opens the store, binds the listener and starts serving in the background.
pub async fn serve(config: Config) -> Result<RelayHandle, StartError> {
    let (state, forgotten) = open_state(config).await?;
    let listener = TcpListener::bind(state.config.listen)
        .await
        .map_err(StartError::Listen)?;
    let local_addr = listener.local_addr().map_err(StartError::Listen)?;

    let sweeper = tokio::spawn(sweep_mailboxes(state.clone()));
    let forgetter = tokio::spawn(forget_rejected(state.clone(), forgotten));
    let catcher = tokio::spawn(catch_lost_wakeups(state.clone()));
    let app = crate::http::router(state.clone());
    let server_state = state.clone();
    let server = tokio::spawn(async move {
        let stop = server_state.shutdown.clone();
        // Live frames and acknowledgements are small writes: without TCP_NODELAY, Nagle's
        // algorithm holds one back until the peer's delayed ACK (~40 ms) — measured as the
        // p99 of an edit's delivery in tests/benches/net.rs.
        let listener = listener.tap_io(|tcp| {
            if tcp.set_nodelay(true).is_err() {
                tracing::debug!("could not set TCP_NODELAY on a connection");
            }
        });
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await;
        if let Err(err) = served {
            tracing::error!(error = %err, "server stopped with an error");
        }
        // WebSocket sessions outlive their HTTP connection; they saw the same cancellation and
        // are sending close frames now.
        server_state.sessions.close();
        let grace = Duration::from_secs(server_state.config.shutdown_grace_secs);
        if tokio::time::timeout(grace, server_state.sessions.wait())
            .await
            .is_err()
        {
            tracing::warn!("some WebSocket sessions did not close in time");
        }
        sweeper.abort();
        forgetter.abort();
        catcher.abort();
        server_state.store.close().await;
        tracing::info!("relay stopped");
    });

    tracing::info!(addr = %local_addr, store = %state.config.store, "relay started");
    Ok(RelayHandle {
        local_addr,
        state,
        server,
    })
}

/// The shared state of a relay with `config`: its store opened and its push registrations
/// loaded. Also the receiver of the registrations a gateway rejected, for `forget_rejected`.
pub(crate) async fn open_state(
    config: Config,
) -> Result<
    (
        Arc<AppState>,
        tokio::sync::mpsc::UnboundedReceiver<crate::ids::Id>,
    ),
    StartError,
> {
    let gateways = Gateways::from_config(&config.push_gateways)?;
    if config.max_envelope_bytes == 0 || config.max_envelope_bytes > 64 * 1024 * 1024 {
        return Err(StartError::Config(
            "--max-envelope-bytes must be between 1 and 64 MiB".into(),
        ));
    }
    let hub = Arc::new(Hub::default());
    let store = Store::open(&config, hub).await?;
    let (waker, forgotten) = Waker::new(gateways, config.push_interval());
    load_registrations(&store, &waker).await?;

    let state = Arc::new(AppState {
        per_token: RateLimiter::new(config.token_rate, config.token_burst)
            .with_max_keys(config.limiter_max_keys),
        per_ip: RateLimiter::new(config.ip_rate, config.ip_burst)
            .with_max_keys(config.limiter_max_keys),
        creates_per_ip: WindowCounter::new(
            u64::from(config.streams_per_ip_per_hour),
            Duration::from_secs(3600),
        )
        .with_max_keys(config.limiter_max_keys),
        bytes_per_ip: WindowCounter::new(config.ip_bytes_per_day, Duration::from_secs(86_400))
            .with_max_keys(config.limiter_max_keys),
        auth_failures: AuthFailures::new(
            config.auth_failure_rate,
            config.auth_failure_burst,
            config.limiter_max_keys,
        ),
        config,
        store,
        metrics: Metrics::default(),
        shutting_down: AtomicBool::new(false),
        shutdown: CancellationToken::new(),
        sessions: TaskTracker::new(),
        connections: AtomicUsize::new(0),
        waker,
    });
    Ok((state, forgotten))
}

async fn sweep_mailboxes(state: Arc<AppState>) {
    let every =
        (state.config.mailbox_ttl() / 4).clamp(Duration::from_secs(1), Duration::from_secs(300));
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        if let Err(err) = state.store.sweep_expired().await {
            tracing::warn!(error = %err, "mailbox sweep failed");
        }
    }
}

/// One relay-wide check instead of every follower polling (JetStream only): every
/// `--follow-poll-ms`, compares the appends JetStream stored with the notifications this relay
/// heard. Appends that were already stored at the previous check and are still unheard lost
/// their notification (another relay died between its append and its notification, or NATS
/// dropped it): every follower is woken once and reads its log. A notification still on its
/// way is given one interval.
async fn catch_lost_wakeups(state: Arc<AppState>) {
    let every = state.config.follow_poll();
    // (appended, heard) when every append so far had been heard.
    let mut settled: Option<(u64, u64)> = None;
    // Appends stored at the previous check while some were unheard.
    let mut suspect: Option<u64> = None;
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let (appended, heard) = match state.store.appended_and_heard().await {
            Ok(Some(counts)) => counts,
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(error = %err, "checking for lost wake-ups failed");
                continue;
            }
        };
        let Some((appended_then, heard_then)) = settled else {
            settled = Some((appended, heard));
            continue;
        };
        let heard_since = heard.saturating_sub(heard_then);
        if appended.saturating_sub(appended_then) <= heard_since {
            settled = Some((appended, heard));
            suspect = None;
        } else if suspect.is_some_and(|s| s.saturating_sub(appended_then) > heard_since) {
            state.metrics.lost_wakeups_caught();
            state.store.hub().wake_everyone();
            settled = Some((appended, heard));
            suspect = None;
        } else {
            suspect = Some(appended);
        }
    }
}

async fn load_registrations(store: &Store, waker: &Waker) -> Result<(), StartError> {
    for (id, record) in store.load_pushes().await? {
        match Registration::from_bytes(&record) {
            Ok(registration) => {
                if waker.register(id, registration).is_err() {
                    tracing::warn!(
                        "a stored push registration is over its stream's limit; skipped"
                    );
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "a stored push registration is unreadable; skipped")
            }
        }
    }
    Ok(())
}

/// Push tokens a gateway rejected are deleted from the store too, so a restart does not bring
/// them back.
async fn forget_rejected(
    state: Arc<AppState>,
    mut forgotten: tokio::sync::mpsc::UnboundedReceiver<crate::ids::Id>,
) {
    while let Some(id) = forgotten.recv().await {
        if let Err(err) = state.store.delete_push(id).await {
            tracing::warn!(error = %err, "could not delete a rejected push registration");
        }
    }
}
