//! `GET /v1/follow`: live delivery over a WebSocket.

mod follow;
mod outbox;
mod protocol;
pub(crate) mod session;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response};

use crate::error::RelayError;
use crate::server::AppState;

/// Client frames are small JSON commands; anything bigger is refused by the WebSocket layer.
const MAX_CLIENT_MESSAGE: usize = 16 * 1024;
const READ_BUFFER: usize = 4 * 1024;

pub async fn upgrade(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ws: WebSocketUpgrade,
) -> Response {
    if state.shutting_down.load(Ordering::SeqCst) {
        return RelayError::Unavailable("shutting down").into_response();
    }
    let Some(slot) = ConnectionSlot::take(state.clone()) else {
        return RelayError::Unavailable("too many connections").into_response();
    };
    let tracker = state.sessions.clone();
    ws.max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        // Tungstenite reads into a 128 KiB buffer per connection by default: that was nearly
        // all of an idle follower's 140 KiB (bench `scale`). Client frames are small commands.
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| {
            tracker.track_future(session::run(socket, state, peer.ip(), slot))
        })
}

/// One of the `--max-connections` places, given back when the session ends however it ends.
#[derive(Debug)]
pub struct ConnectionSlot {
    state: Arc<AppState>,
}

impl ConnectionSlot {
    fn take(state: Arc<AppState>) -> Option<Self> {
        let max = state.config.max_connections;
        state
            .connections
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        state.metrics.ws_opened();
        Some(ConnectionSlot { state })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.state.connections.fetch_sub(1, Ordering::SeqCst);
        self.state.metrics.ws_closed();
    }
}
