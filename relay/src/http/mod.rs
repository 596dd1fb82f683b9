//! The HTTP surface: routes, and the middleware that counts and logs every response.

mod extract;
mod mailboxes;
mod ops;
mod push;
mod streams;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;

use crate::error::ErrorCode;
use crate::server::AppState;

pub use streams::authorise;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/streams/{stream}", put(streams::create))
        .route(
            "/v1/streams/{stream}/envelopes",
            post(streams::append).get(streams::read),
        )
        .route(
            "/v1/mailboxes/{mailbox}",
            post(mailboxes::post)
                .get(mailboxes::read)
                .delete(mailboxes::delete),
        )
        .route(
            "/v1/push/{registration}",
            put(push::put).delete(push::delete),
        )
        .route("/v1/follow", get(crate::ws::upgrade))
        .route("/health", get(ops::health))
        .route("/metrics", get(ops::metrics))
        .fallback(ops::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Counts rejections by reason and logs each request by its route pattern — never by its
/// concrete path, headers or body, so no id, token or payload reaches the logs.
async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    let code = response.extensions().get::<ErrorCode>().copied();
    if let Some(code) = code {
        state.metrics.rejected(code);
    }
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros() as u64;
    if response.status().is_server_error() {
        tracing::warn!(%method, route, status, micros, "request failed");
    } else {
        tracing::debug!(%method, route, status, micros, error = code.map(ErrorCode::as_str), "request");
    }
    response
}
