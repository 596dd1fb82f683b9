//! Push registration routes. The registration id (16 random bytes the device chose) names it;
//! its token (the first `PUT` binds the token's hash) is the capability, as for streams. Each
//! watched stream is proven readable with its read token, so a registration cannot listen to
//! streams its device could not read anyway.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};

use super::extract::{bearer, read_body};
use crate::access;
use crate::error::RelayError;
use crate::ids::Id;
use crate::push::{RegisterRequest, Registration};
use crate::server::AppState;

pub async fn put(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, RelayError> {
    let id = registration_id(path)?;
    let existing = state.waker.token_of(id);
    // A registration's own token is checked first; the streams' read tokens after the body.
    let token = access::authenticate(
        &state,
        peer.ip(),
        bearer(&headers).ok(),
        |token| async move {
            match existing {
                Some(hash) if !hash.matches(&token) => Err(RelayError::NotFound),
                _ => Ok(()),
            }
        },
    )
    .await?;
    let body = read_body(&headers, body, crate::push::BODY_MAX).await?;
    let request = RegisterRequest::decode(&body)?;
    if !state.waker.knows_gateway(&request.gateway) {
        return Err(RelayError::BadRequest(
            "this relay does not call that gateway",
        ));
    }
    for (stream, read) in &request.streams {
        access::authenticate(&state, peer.ip(), Some(*read), |read| {
            super::authorise(&state, *stream, move |meta| meta.read.matches(&read))
        })
        .await?;
    }
    if existing.is_none() {
        // A new registration costs storage, like a new stream.
        access::per_address(&state, peer.ip())?;
        access::new_stream(&state, peer.ip())?;
    }
    access::charge_storage(&state, peer.ip(), body.len())?;
    let registration = Registration {
        token,
        gateway: request.gateway,
        pushkey: request.pushkey,
        streams: request.streams.iter().map(|(stream, _)| *stream).collect(),
    };
    let record = registration.to_bytes();
    let previous = state.waker.get(id);
    state.waker.register(id, registration)?;
    if let Err(err) = state.store.save_push(id, record).await {
        match previous {
            Some(previous) => {
                let _ = state.waker.register(id, previous);
            }
            None => state.waker.unregister(id),
        }
        return Err(err.into());
    }
    state.metrics.push_registered();
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, RelayError> {
    let id = registration_id(path)?;
    let existing = state.waker.token_of(id);
    access::authenticate(
        &state,
        peer.ip(),
        bearer(&headers).ok(),
        |token| async move {
            match existing {
                Some(hash) if hash.matches(&token) => Ok(()),
                _ => Err(RelayError::NotFound),
            }
        },
    )
    .await?;
    state.store.delete_push(id).await?;
    state.waker.unregister(id);
    Ok(StatusCode::NO_CONTENT)
}

fn registration_id(path: Result<Path<String>, PathRejection>) -> Result<Id, RelayError> {
    let Path(text) = path.map_err(|_| RelayError::BadRequest("malformed path"))?;
    Id::parse(&text)
}
