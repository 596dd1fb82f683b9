//! Reading requests defensively: bounded bodies, bearer tokens, cursors, and framing replies.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use serde::Deserialize;

use crate::config::{READ_DEFAULT_LIMIT, READ_MAX_LIMIT};
use crate::error::RelayError;
use crate::ids::{presented_token_hash, TokenHash};
use crate::store::Batch;

/// Reads a body of 1..=`limit` bytes, refusing as soon as it is known to be larger — from the
/// declared length if there is one, else while it streams in.
pub async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, RelayError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(RelayError::TooLarge { limit });
    }
    let mut buf = BytesMut::with_capacity(declared.map_or(0, |len| len as usize));
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| RelayError::BadRequest("the body could not be read"))?;
        if buf.len() + chunk.len() > limit {
            return Err(RelayError::TooLarge { limit });
        }
        buf.extend_from_slice(&chunk);
    }
    if buf.is_empty() {
        return Err(RelayError::BadRequest("the body is empty"));
    }
    Ok(buf.freeze())
}

/// The hash of the bearer token, or `NotFound` — a missing, malformed and wrong token must all
/// look the same as an unknown stream.
pub fn bearer(headers: &HeaderMap) -> Result<TokenHash, RelayError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(presented_token_hash)
        .ok_or(RelayError::NotFound)
}

#[derive(Debug, Deserialize)]
pub struct Cursor {
    #[serde(default)]
    pub after: u64,
    pub limit: Option<usize>,
}

impl Cursor {
    pub fn limit(&self) -> Result<usize, RelayError> {
        match self.limit {
            None => Ok(READ_DEFAULT_LIMIT),
            Some(0) => Err(RelayError::BadRequest("limit must be at least 1")),
            Some(n) => Ok(n.min(READ_MAX_LIMIT)),
        }
    }
}

pub const HEAD_HEADER: &str = "x-twofold-head";

pub fn records_response(batch: Batch) -> Response {
    let mut body = Vec::new();
    for record in &batch.records {
        crate::framing::encode_record(&mut body, record.position, &record.bytes);
    }
    let mut response = Body::from(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(HEAD_HEADER, HeaderValue::from(batch.head));
    response
}
