//! Stream routes: create with token hashes, append with the append token, read with the read
//! token.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::extract::{bearer, read_body, records_response, Cursor};
use crate::access;
use crate::config::READ_MAX_BYTES;
use crate::error::RelayError;
use crate::ids::{certified_stream_id, Id, TokenHash};
use crate::server::AppState;
use crate::store::{AppendPolicy, CreateOutcome, Kind, LogRef, StreamMeta};

/// A create request is two hashes; anything much larger is not one.
const CREATE_BODY_MAX: usize = 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    read_token_hash: String,
    append_token_hash: String,
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, RelayError> {
    let id = stream_id(path)?;
    access::per_address(&state, peer.ip())?;
    let body = read_body(&headers, body, CREATE_BODY_MAX).await?;
    let body: CreateBody = serde_json::from_slice(&body)
        .map_err(|_| RelayError::BadRequest("expected {read_token_hash, append_token_hash}"))?;
    let meta = StreamMeta {
        read: TokenHash::parse_hex(&body.read_token_hash)?,
        append: TokenHash::parse_hex(&body.append_token_hash)?,
    };
    // Repeating a create is free; only new streams count against the hourly allowance.
    // A stream registered before ids were certified (ADR 0022) is still found here.
    if let Some(existing) = state.store.stream_meta(id).await? {
        return if existing.same_as(&meta) {
            Ok(StatusCode::NO_CONTENT)
        } else {
            Err(RelayError::NotFound)
        };
    }
    // A new stream's id must be the one its token hashes make: whoever learns an id cannot
    // take it first with tokens of their own. Answered as any other mismatch.
    if certified_stream_id(&meta.read, &meta.append) != id {
        return Err(RelayError::NotFound);
    }
    access::new_stream(&state, peer.ip())?;
    match state.store.create_stream(id, meta).await? {
        CreateOutcome::Created => {
            state.metrics.stream_created();
            Ok(StatusCode::NO_CONTENT)
        }
        CreateOutcome::Exists => Ok(StatusCode::NO_CONTENT),
        CreateOutcome::Conflict => Err(RelayError::NotFound),
    }
}

pub async fn append(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, RelayError> {
    let id = stream_id(path)?;
    access::authenticate(&state, peer.ip(), bearer(&headers).ok(), |token| {
        authorise(&state, id, move |meta| meta.append.matches(&token))
    })
    .await?;
    let bytes = read_body(&headers, body, state.config.max_envelope_bytes).await?;
    access::charge_storage(&state, peer.ip(), bytes.len())?;
    let policy = AppendPolicy {
        max_records: state.config.stream_max_records,
        max_bytes: state.config.stream_max_bytes,
        ttl: None,
    };
    let log = LogRef {
        kind: Kind::Stream,
        id,
    };
    let appended = state.store.append(log, bytes, policy).await?;
    state.metrics.appended(Kind::Stream, appended.duplicate);
    if !appended.duplicate {
        // Never awaits a gateway: wake-ups go out on their own tasks.
        state.waker.appended(id);
    }
    Ok(Json(serde_json::json!({ "position": appended.position })).into_response())
}

pub async fn read(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Cursor>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, RelayError> {
    let id = stream_id(path)?;
    access::authenticate(&state, peer.ip(), bearer(&headers).ok(), |token| {
        authorise(&state, id, move |meta| meta.read.matches(&token))
    })
    .await?;
    let Query(cursor) =
        query.map_err(|_| RelayError::BadRequest("after and limit are whole numbers"))?;
    let log = LogRef {
        kind: Kind::Stream,
        id,
    };
    let batch = state
        .store
        .read(log, cursor.after, cursor.limit()?, READ_MAX_BYTES)
        .await?;
    state.metrics.read(Kind::Stream);
    Ok(records_response(batch))
}

fn stream_id(path: Result<Path<String>, PathRejection>) -> Result<Id, RelayError> {
    let Path(text) = path.map_err(|_| RelayError::BadRequest("malformed path"))?;
    Id::parse(&text)
}

/// Succeeds only if the stream exists and `allowed` accepts its token hashes.
pub async fn authorise(
    state: &AppState,
    id: Id,
    allowed: impl FnOnce(&StreamMeta) -> bool,
) -> Result<(), RelayError> {
    match state.store.stream_meta(id).await? {
        Some(meta) if allowed(&meta) => Ok(()),
        _ => Err(RelayError::NotFound),
    }
}
