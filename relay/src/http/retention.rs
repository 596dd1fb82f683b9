//! Stream retention routes (ADR 0023): claim the owner right with the append token, then trim
//! or delete with the owner token. The relay stores only the owner token's hash.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::extract::{bearer, read_body};
use super::streams::authorise;
use crate::access;
use crate::error::RelayError;
use crate::ids::{Id, TokenHash};
use crate::server::AppState;
use crate::store::CreateOutcome;

/// A claim or a trim is one small JSON object.
const BODY_MAX: usize = 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimBody {
    owner_token_hash: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrimBody {
    through: u64,
}

/// `PUT /v1/streams/{id}/owner`, with the append token: records the owner right once. The
/// same claim again is accepted; another one is refused as if the stream did not exist.
pub async fn claim(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, RelayError> {
    let id = stream_id(path)?;
    access::authenticate(&state, peer.ip(), bearer(&headers).ok(), |token| {
        authorise(&state, id, move |meta| meta.append.matches(&token))
    })
    .await?;
    let body = read_body(&headers, body, BODY_MAX).await?;
    let body: ClaimBody = serde_json::from_slice(&body)
        .map_err(|_| RelayError::BadRequest("expected {owner_token_hash}"))?;
    let owner = TokenHash::parse_hex(&body.owner_token_hash)?;
    match state.store.claim_owner(id, owner).await? {
        CreateOutcome::Created | CreateOutcome::Exists => Ok(StatusCode::NO_CONTENT),
        CreateOutcome::Conflict => Err(RelayError::NotFound),
    }
}

/// `POST /v1/streams/{id}/trim {through}`, with the owner token: drops the records up to
/// `through`. Positions do not move; a reader past `through` sees no difference.
pub async fn trim(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, RelayError> {
    let id = stream_id(path)?;
    access::authenticate(&state, peer.ip(), bearer(&headers).ok(), |token| {
        owner_only(&state, id, token)
    })
    .await?;
    let body = read_body(&headers, body, BODY_MAX).await?;
    let body: TrimBody = serde_json::from_slice(&body)
        .map_err(|_| RelayError::BadRequest("expected {through}, a whole number"))?;
    state.store.trim_stream(id, body.through).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /v1/streams/{id}`, with the owner token: the stream and everything in it is gone.
pub async fn delete(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, RelayError> {
    let id = stream_id(path)?;
    access::authenticate(&state, peer.ip(), bearer(&headers).ok(), |token| {
        owner_only(&state, id, token)
    })
    .await?;
    state.store.delete_stream(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Succeeds only if the stream has an owner right and `token` is it.
async fn owner_only(state: &AppState, id: Id, token: TokenHash) -> Result<(), RelayError> {
    match state.store.stream_owner(id).await? {
        Some(owner) if owner.matches(&token) => Ok(()),
        _ => Err(RelayError::NotFound),
    }
}

fn stream_id(path: Result<Path<String>, PathRejection>) -> Result<Id, RelayError> {
    let Path(text) = path.map_err(|_| RelayError::BadRequest("malformed path"))?;
    Id::parse(&text)
}
