//! Mailbox routes: the 16-byte id is the capability, so limits are per client IP.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::extract::{read_body, records_response, Cursor};
use crate::access;
use crate::config::{MAILBOX_MAX_BYTES, READ_MAX_BYTES};
use crate::error::RelayError;
use crate::ids::Id;
use crate::server::AppState;
use crate::store::{AppendPolicy, Kind, LogRef};

pub async fn post(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, RelayError> {
    let log = mailbox(path)?;
    access::per_address(&state, peer.ip())?;
    let bytes = read_body(&headers, body, MAILBOX_MAX_BYTES).await?;
    access::charge_storage(&state, peer.ip(), bytes.len())?;
    let policy = AppendPolicy {
        max_records: state.config.mailbox_max_messages,
        max_bytes: u64::MAX,
        ttl: Some(state.config.mailbox_ttl()),
    };
    let appended = state.store.append(log, bytes, policy).await?;
    state.metrics.appended(Kind::Mailbox, appended.duplicate);
    Ok(Json(serde_json::json!({ "position": appended.position })).into_response())
}

pub async fn read(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Cursor>, QueryRejection>,
) -> Result<Response, RelayError> {
    let log = mailbox(path)?;
    access::per_address(&state, peer.ip())?;
    let Query(cursor) =
        query.map_err(|_| RelayError::BadRequest("after and limit are whole numbers"))?;
    let batch = state
        .store
        .read(log, cursor.after, cursor.limit()?, READ_MAX_BYTES)
        .await?;
    state.metrics.read(Kind::Mailbox);
    Ok(records_response(batch))
}

/// The pairing is over: its messages go now instead of at the end of their time to live.
/// Answers 204 whether or not the mailbox held anything (the id is the capability, as for
/// posting and reading).
pub async fn delete(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, RelayError> {
    let log = mailbox(path)?;
    access::per_address(&state, peer.ip())?;
    state.store.delete_mailbox(log.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn mailbox(path: Result<Path<String>, PathRejection>) -> Result<LogRef, RelayError> {
    let Path(text) = path.map_err(|_| RelayError::BadRequest("malformed path"))?;
    Ok(LogRef {
        kind: Kind::Mailbox,
        id: Id::parse(&text)?,
    })
}
