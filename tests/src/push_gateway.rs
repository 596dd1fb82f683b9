//! A push gateway on loopback for the tests and the benchmark: a real HTTP server (axum) that
//! answers `POST /_matrix/push/v1/notify` as a Matrix push gateway does and keeps every body
//! it received, with when it arrived, so a test can check each byte.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// The app id the tests' relays are configured to call this gateway for.
pub const APP_ID: &str = "org.twofold.test";

#[derive(Debug, Default)]
struct Seen {
    hits: Mutex<Vec<(Instant, Vec<u8>)>>,
    arrived: Notify,
    /// Accept requests and never answer them: a gateway that hangs.
    hang: AtomicBool,
}

#[derive(Debug)]
pub struct LocalGateway {
    addr: SocketAddr,
    seen: Arc<Seen>,
    server: JoinHandle<()>,
}

impl LocalGateway {
    pub async fn start() -> LocalGateway {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind the gateway");
        let addr = listener.local_addr().expect("gateway address");
        let seen = Arc::new(Seen::default());
        let app = Router::new()
            .route("/_matrix/push/v1/notify", post(notify))
            .with_state(seen.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        LocalGateway { addr, seen, server }
    }

    /// The base URL to configure the relay with.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `--push-gateway` flag value for a relay.
    pub fn flag(&self) -> String {
        format!("{APP_ID}={}", self.url())
    }

    pub fn count(&self) -> usize {
        self.seen.hits.lock().expect("hits").len()
    }

    pub fn bodies(&self) -> Vec<Vec<u8>> {
        let hits = self.seen.hits.lock().expect("hits");
        hits.iter().map(|(_, b)| b.clone()).collect()
    }

    /// When the `n`th (from 1) wake-up arrived, waiting up to `timeout` for it.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Option<Instant> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.seen.arrived.notified();
            if let Some((at, _)) = self.seen.hits.lock().expect("hits").get(n - 1) {
                return Some(*at);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            let _ = tokio::time::timeout(left, notified).await;
        }
    }

    /// From now on, takes requests in and never answers (counting them still).
    pub fn hang(&self) {
        self.seen.hang.store(true, Ordering::SeqCst);
    }

    /// Stops answering: connections to its port are refused from now on.
    pub async fn stop(&self) {
        self.server.abort();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Drop for LocalGateway {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn notify(State(seen): State<Arc<Seen>>, body: Bytes) -> Json<serde_json::Value> {
    seen.hits
        .lock()
        .expect("hits")
        .push((Instant::now(), body.to_vec()));
    seen.arrived.notify_waiters();
    if seen.hang.load(Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    Json(serde_json::json!({ "rejected": [] }))
}
