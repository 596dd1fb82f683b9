//! Entry points for the relay's fuzz targets in `fuzz/` (ADR 0016), built only with the
//! `fuzzing` feature. A [`Harness`] is a whole relay — its real SQLite store, router and
//! WebSocket command handler — without a listening socket, so one fuzz input is one request or
//! one session's frames, handled exactly as over the network.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use axum::Router;
use tower::ServiceExt;

use crate::config::Config;
use crate::error::StartError;
use crate::server::{open_state, AppState};

/// Largest response body read back: the relay's own read limit.
const MAX_RESPONSE: usize = crate::config::READ_MAX_BYTES + 64 * 1024;

/// A relay on a current-thread runtime, its store in a directory the caller owns.
#[derive(Debug)]
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    state: Arc<AppState>,
    router: Router,
}

/// Why a fuzz input is not an HTTP request at all (hyper refuses these before the router).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotARequest;

impl Harness {
    /// A relay storing in `data_dir`, with rate limits lifted so that every input reaches the
    /// handlers instead of the limiter.
    pub fn new(data_dir: &Path) -> Result<Harness, StartError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(StartError::Listen)?;
        let mut config = Config::embedded(data_dir);
        config.token_rate = 1e12;
        config.token_burst = 1e12;
        config.ip_rate = 1e12;
        config.ip_burst = 1e12;
        config.streams_per_ip_per_hour = u32::MAX;
        let (state, _forgotten) = runtime.block_on(open_state(config))?;
        let router = crate::http::router(state.clone());
        Ok(Harness {
            runtime,
            state,
            router,
        })
    }

    /// One HTTP request through the router; the response's status and body length.
    pub fn http(
        &self,
        method: &[u8],
        uri: &str,
        headers: &[(&[u8], &[u8])],
        body: Vec<u8>,
    ) -> Result<(u16, usize), NotARequest> {
        let mut request = Request::builder()
            .method(Method::from_bytes(method).map_err(|_| NotARequest)?)
            .uri(uri);
        for (name, value) in headers {
            request = request.header(
                HeaderName::from_bytes(name).map_err(|_| NotARequest)?,
                HeaderValue::from_bytes(value).map_err(|_| NotARequest)?,
            );
        }
        let mut request = request.body(Body::from(body)).map_err(|_| NotARequest)?;
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((Ipv4Addr::LOCALHOST, 9))));
        let router = self.router.clone();
        self.runtime.block_on(async move {
            let response = match router.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let status = response.status().as_u16();
            let body = axum::body::to_bytes(response.into_body(), MAX_RESPONSE)
                .await
                .map_or(0, |b| b.len());
            Ok((status, body))
        })
    }

    /// Text frames through one WebSocket session's command handler; how many frames it sent.
    pub fn ws(&self, texts: &[&str]) -> usize {
        let state = self.state.clone();
        self.runtime.block_on(crate::ws::session::run_commands(
            state,
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            texts,
        ))
    }
}
