//! The relay's HTTP protocol (relay/README.md), one method per request, as the
//! [`RelayTransport`] the phones use (the live follow is `websocket`). Answers are mapped to
//! [`NetProblem`]s here, so the sync logic above never looks at status codes.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::header::{AUTHORIZATION, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, Response, StatusCode, Url};

use futures_util::future::BoxFuture;
use futures_util::FutureExt;

use super::problem::{NetProblem, RelayCode};
use super::records::decode_page;
use super::transport::{FollowConnection, NetResult, Page, RelayTransport};
use super::websocket;
use crate::crypto::{CapabilityToken, StreamId, MAX_ENVELOPE_LEN};
use crate::error::{Error, Result};
use crate::json_bytes;

/// Largest mailbox message the relay accepts (and so the most a mailbox record may hold).
const MAX_MAILBOX_LEN: usize = 4096;

/// Most bytes a page of records may take: the relay stops a read before 8 MiB, and one
/// record's framing is small. A larger answer is not the relay's, and is not read.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024 + 64 * 1024;

/// Most bytes of an append's answer or an error (small JSON).
const MAX_SMALL_BODY: usize = 4096;

/// A relay at one base URL.
#[derive(Debug, Clone)]
pub struct RelayApi {
    base: Url,
    http: Client,
    timeout: Duration,
}

fn bearer(token: &CapabilityToken) -> String {
    format!("Bearer {}", token_text(token))
}

pub(crate) fn token_text(token: &CapabilityToken) -> String {
    URL_SAFE_NO_PAD.encode(token.as_bytes())
}

impl RelayApi {
    /// `base` is the relay's address as the invite carries it: `https://…`, or `http://` only
    /// to this device's own loopback (tests, the walkthrough, a relay reached through
    /// `adb reverse`). The envelopes are end-to-end encrypted either way, but plain HTTP
    /// would show everyone on the network the capability tokens and who syncs when.
    pub fn new(base: &str, timeout: Duration) -> Result<RelayApi> {
        let invalid = |reason: &str| Error::invalid("relay", reason);
        // The URL parser is built without Unicode's domain tables (ADR 0018): an international
        // relay host is written in its ASCII (xn--) form, as a DNS query carries it anyway.
        if !base.is_ascii() {
            return Err(invalid(
                "must be written in ASCII (an international domain in its xn-- form)",
            ));
        }
        let mut base = Url::parse(base).map_err(|_| invalid("is not a URL"))?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            return Err(invalid("must be an http or https URL"));
        }
        if base.scheme() == "http" && !is_loopback(&base) {
            return Err(invalid(
                "must be https (plain http only to this device's loopback)",
            ));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = Client::builder()
            .connect_timeout(timeout)
            .timeout(timeout * 4)
            .build()
            .map_err(|_| invalid("could not set up the HTTP client"))?;
        Ok(RelayApi {
            base,
            http,
            timeout,
        })
    }

    fn url(&self, path: &str) -> Url {
        self.base
            .join(path)
            .expect("paths are built from hex ids and fixed text")
    }

    /// The WebSocket URL of the live follow.
    fn follow_url(&self) -> Url {
        let mut url = self.url("v1/follow");
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme)
            .expect("ws and wss are valid schemes");
        url
    }
}

/// Requests are `async move` blocks, boxed: the trait is used as `dyn RelayTransport`.
impl RelayTransport for RelayApi {
    /// Registers a stream with its token hashes (idempotent).
    fn put_stream<'a>(
        &'a self,
        stream: &'a StreamId,
        read_hash: &'a [u8; 32],
        append_hash: &'a [u8; 32],
    ) -> BoxFuture<'a, NetResult<()>> {
        async move {
            let body = format!(
                r#"{{"read_token_hash":"{}","append_token_hash":"{}"}}"#,
                hex::encode(read_hash),
                hex::encode(append_hash)
            );
            let res = sent(
                self.http
                    .put(self.url(&format!("v1/streams/{}", hex::encode(stream.0))))
                    .header("content-type", "application/json")
                    .body(body),
            )
            .await?;
            check(res).await.map(drop)
        }
        .boxed()
    }

    /// Appends an envelope; the relay's position for it.
    fn append<'a>(
        &'a self,
        stream: &'a StreamId,
        token: &'a CapabilityToken,
        envelope: &'a [u8],
    ) -> BoxFuture<'a, NetResult<u64>> {
        async move {
            let res = sent(
                self.http
                    .post(self.url(&format!("v1/streams/{}/envelopes", hex::encode(stream.0))))
                    .header(AUTHORIZATION, bearer(token))
                    .body(envelope.to_vec()),
            )
            .await?;
            position(check(res).await?).await
        }
        .boxed()
    }

    fn read<'a>(
        &'a self,
        stream: &'a StreamId,
        token: &'a CapabilityToken,
        after: u64,
        limit: u32,
    ) -> BoxFuture<'a, NetResult<Page>> {
        async move {
            let res = sent(
                self.http
                    .get(self.url(&format!("v1/streams/{}/envelopes", hex::encode(stream.0))))
                    .query(&[("after", after), ("limit", u64::from(limit))])
                    .header(AUTHORIZATION, bearer(token)),
            )
            .await?;
            match check(res).await {
                Ok(res) => page(res, after, MAX_ENVELOPE_LEN).await,
                Err(p) => nothing_yet(p),
            }
        }
        .boxed()
    }

    fn claim_owner<'a>(
        &'a self,
        stream: &'a StreamId,
        append: &'a CapabilityToken,
        owner_hash: &'a [u8; 32],
    ) -> BoxFuture<'a, NetResult<()>> {
        async move {
            let body = format!(r#"{{"owner_token_hash":"{}"}}"#, hex::encode(owner_hash));
            let res = sent(
                self.http
                    .put(self.url(&format!("v1/streams/{}/owner", hex::encode(stream.0))))
                    .header(AUTHORIZATION, bearer(append))
                    .header("content-type", "application/json")
                    .body(body),
            )
            .await?;
            check(res).await.map(drop)
        }
        .boxed()
    }

    fn trim_stream<'a>(
        &'a self,
        stream: &'a StreamId,
        owner: &'a CapabilityToken,
        through: u64,
    ) -> BoxFuture<'a, NetResult<()>> {
        async move {
            let res = sent(
                self.http
                    .post(self.url(&format!("v1/streams/{}/trim", hex::encode(stream.0))))
                    .header(AUTHORIZATION, bearer(owner))
                    .header("content-type", "application/json")
                    .body(format!(r#"{{"through":{through}}}"#)),
            )
            .await?;
            check(res).await.map(drop)
        }
        .boxed()
    }

    fn delete_stream<'a>(
        &'a self,
        stream: &'a StreamId,
        owner: &'a CapabilityToken,
    ) -> BoxFuture<'a, NetResult<()>> {
        async move {
            let res = sent(
                self.http
                    .delete(self.url(&format!("v1/streams/{}", hex::encode(stream.0))))
                    .header(AUTHORIZATION, bearer(owner)),
            )
            .await?;
            check(res).await.map(drop)
        }
        .boxed()
    }

    fn post_mailbox<'a>(
        &'a self,
        mailbox: &'a [u8; 16],
        bytes: &'a [u8],
    ) -> BoxFuture<'a, NetResult<u64>> {
        async move {
            let res = sent(
                self.http
                    .post(self.url(&format!("v1/mailboxes/{}", hex::encode(mailbox))))
                    .body(bytes.to_vec()),
            )
            .await?;
            position(check(res).await?).await
        }
        .boxed()
    }

    fn delete_mailbox<'a>(&'a self, mailbox: &'a [u8; 16]) -> BoxFuture<'a, NetResult<()>> {
        async move {
            let res = sent(
                self.http
                    .delete(self.url(&format!("v1/mailboxes/{}", hex::encode(mailbox)))),
            )
            .await?;
            check(res).await.map(drop)
        }
        .boxed()
    }

    fn read_mailbox<'a>(
        &'a self,
        mailbox: &'a [u8; 16],
        after: u64,
    ) -> BoxFuture<'a, NetResult<Page>> {
        async move {
            let res = sent(
                self.http
                    .get(self.url(&format!("v1/mailboxes/{}", hex::encode(mailbox))))
                    .query(&[("after", after)]),
            )
            .await?;
            match check(res).await {
                Ok(res) => page(res, after, MAX_MAILBOX_LEN).await,
                Err(p) => nothing_yet(p),
            }
        }
        .boxed()
    }

    fn follow(&self) -> BoxFuture<'_, NetResult<Box<dyn FollowConnection>>> {
        websocket::connect(self.follow_url(), self.timeout).boxed()
    }

    fn put_push<'a>(
        &'a self,
        id: &'a [u8; 16],
        token: &'a [u8; 32],
        body: &'a [u8],
    ) -> BoxFuture<'a, NetResult<()>> {
        async move {
            let res = sent(
                self.http
                    .put(self.url(&format!("v1/push/{}", hex::encode(id))))
                    .header(
                        AUTHORIZATION,
                        format!("Bearer {}", URL_SAFE_NO_PAD.encode(token)),
                    )
                    .header("content-type", "application/json")
                    .body(body.to_vec()),
            )
            .await?;
            check(res).await.map(drop)
        }
        .boxed()
    }

    fn delete_push<'a>(
        &'a self,
        id: &'a [u8; 16],
        token: &'a [u8; 32],
    ) -> BoxFuture<'a, NetResult<()>> {
        async move {
            let res = sent(
                self.http
                    .delete(self.url(&format!("v1/push/{}", hex::encode(id))))
                    .header(
                        AUTHORIZATION,
                        format!("Bearer {}", URL_SAFE_NO_PAD.encode(token)),
                    ),
            )
            .await?;
            match check(res).await {
                Ok(_) => Ok(()),
                // Already gone (a relay reset, or the gateway rejected the token).
                Err(NetProblem::Refused {
                    code: RelayCode::NotFound,
                }) => Ok(()),
                Err(p) => Err(p),
            }
        }
        .boxed()
    }
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A stream its owner has not pushed to yet, or a mailbox nobody has posted to, is unknown
/// to the relay (which answers a wrong token the same way, on purpose): nothing to read.
fn nothing_yet(problem: NetProblem) -> Result<Page, NetProblem> {
    match problem {
        NetProblem::Refused {
            code: RelayCode::NotFound,
        } => Ok(Page {
            records: Vec::new(),
            head: None,
        }),
        other => Err(other),
    }
}

/// The relay's answer to `request`, or the problem of not getting one.
async fn sent(request: RequestBuilder) -> Result<Response, NetProblem> {
    request
        .send()
        .await
        .map_err(|e| NetProblem::from_reqwest(&e))
}

/// A successful answer, or the problem its status and error code say.
async fn check(res: Response) -> Result<Response, NetProblem> {
    let status = res.status();
    if status.is_success() {
        return Ok(res);
    }
    let retry_after = res
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    if status.is_server_error() && status != StatusCode::INSUFFICIENT_STORAGE {
        return Err(NetProblem::Unavailable);
    }
    // Error bodies are small JSON; a large one is not read at all.
    let code = match res.content_length() {
        Some(n) if n <= MAX_SMALL_BODY as u64 => body(res, MAX_SMALL_BODY)
            .await
            .ok()
            .and_then(|b| json_bytes::from_bytes::<serde_json::Value>(&b))
            .and_then(|v| {
                v.get("error")
                    .and_then(|c| c.as_str())
                    .map(RelayCode::parse)
            }),
        _ => None,
    };
    if status == StatusCode::TOO_MANY_REQUESTS && code != Some(RelayCode::QuotaExceeded) {
        return Err(NetProblem::RateLimited { retry_after });
    }
    Err(NetProblem::Refused {
        code: code.unwrap_or(match status {
            StatusCode::NOT_FOUND => RelayCode::NotFound,
            StatusCode::PAYLOAD_TOO_LARGE => RelayCode::TooLarge,
            _ => RelayCode::Other,
        }),
    })
}

/// The body, read chunk by chunk and refused as soon as it would pass `cap` bytes: a relay
/// (or something pretending to be one) cannot make the phone buffer without bound.
async fn body(mut res: Response, cap: usize) -> Result<Vec<u8>, NetProblem> {
    let too_large = NetProblem::Protocol {
        what: "an answer larger than the relay sends",
    };
    if res.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large);
    }
    let mut buf = Vec::new();
    while let Some(chunk) = res
        .chunk()
        .await
        .map_err(|e| NetProblem::from_reqwest(&e))?
    {
        if buf.len() + chunk.len() > cap {
            return Err(too_large);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

async fn position(res: Response) -> Result<u64, NetProblem> {
    let body = body(res, MAX_SMALL_BODY).await?;
    let v: serde_json::Value = json_bytes::from_bytes(&body).ok_or(NetProblem::Protocol {
        what: "append answer is not JSON",
    })?;
    v.get("position")
        .and_then(|p| p.as_u64())
        .filter(|p| *p > 0)
        .ok_or(NetProblem::Protocol {
            what: "append answer without a position",
        })
}

async fn page(res: Response, after: u64, max_len: usize) -> Result<Page, NetProblem> {
    let head = res
        .headers()
        .get("x-twofold-head")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = body(res, MAX_PAGE_BYTES).await?;
    Ok(Page {
        records: decode_page(&body, after, max_len)?,
        head,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_reaches_only_this_devices_loopback() {
        let t = Duration::from_secs(1);
        for ok in [
            "https://relay.example",
            "https://relay.example/twofold",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "http://localhost:8080",
        ] {
            assert!(RelayApi::new(ok, t).is_ok(), "{ok}");
        }
        // An international domain in the form its DNS query takes, and in no other.
        assert!(RelayApi::new("https://xn--bcher-kva.example/relay", t).is_ok());
        for bad in [
            "http://relay.example",
            "http://10.0.2.2:8080",
            "http://192.168.1.20:8080",
            "ftp://relay.example",
            "not a url",
            "https://b\u{fc}cher.example",
            "https://relay.example/p\u{e4}th",
        ] {
            match RelayApi::new(bad, t) {
                Err(Error::Invalid(inv)) => assert_eq!(inv.field, "relay", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
