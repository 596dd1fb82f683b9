//! Operator endpoints: health and metrics, and the answer for unknown routes.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::RelayError;
use crate::server::AppState;

pub async fn health(State(state): State<Arc<AppState>>) -> Response {
    if state.shutting_down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check: store unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "store unreachable").into_response()
        }
    }
}

pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let stats = match state.store.stats().await {
        Ok(stats) => Some(stats),
        Err(err) => {
            tracing::warn!(error = %err, "metrics: store statistics unavailable");
            None
        }
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(
            stats.as_ref(),
            state.waker.counts(),
            &[
                ("token", state.per_token.tracked()),
                ("address", state.per_ip.tracked()),
                ("stream_creation", state.creates_per_ip.tracked()),
                ("stored_bytes", state.bytes_per_ip.tracked()),
                ("auth_failures", state.auth_failures.tracked()),
            ],
        ),
    )
        .into_response()
}

pub async fn not_found() -> RelayError {
    RelayError::NotFound
}
