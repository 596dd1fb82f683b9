//! Small clients for the relay's HTTP and WebSocket protocol, over the real relay processes of
//! the shared test kit (`twofold-testkit`).

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::Message;

pub use twofold_testkit::RelayProcess;

/// The protocol clients for a relay process.
pub trait RelayClients {
    fn client(&self) -> Client;
}

impl RelayClients for RelayProcess {
    fn client(&self) -> Client {
        Client::new(&self.url)
    }
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).expect("system randomness");
    out
}

pub fn new_id() -> String {
    hex::encode(random_bytes::<16>())
}

/// A capability token as a client holds it: the bearer text and the hash the relay keeps.
#[derive(Clone, Debug)]
pub struct Token {
    pub text: String,
    pub hash_hex: String,
}

impl Token {
    pub fn hash(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        hex::decode_to_slice(&self.hash_hex, &mut out).expect("written as hex above");
        out
    }

    pub fn new() -> Self {
        let bytes = random_bytes::<32>();
        Token {
            text: URL_SAFE_NO_PAD.encode(bytes),
            hash_hex: hex::encode(twofold_relay::token_hash(&bytes)),
        }
    }
}

/// A stream with both of its tokens.
#[derive(Clone, Debug)]
pub struct StreamKeys {
    pub id: String,
    pub read: Token,
    pub append: Token,
}

impl StreamKeys {
    /// A stream whose id is certified by its tokens, as the relay requires of a new one.
    pub fn new() -> Self {
        let (read, append) = (Token::new(), Token::new());
        StreamKeys {
            id: hex::encode(twofold_relay::stream_id_for_hashes(
                &read.hash(),
                &append.hash(),
            )),
            read,
            append,
        }
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }

    pub fn position(&self) -> u64 {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "append failed: {:?}",
            self.json()
        );
        self.json()["position"].as_u64().expect("position")
    }

    pub fn head(&self) -> u64 {
        self.headers
            .get("x-twofold-head")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("X-Twofold-Head")
    }

    pub fn records(&self) -> Vec<(u64, Vec<u8>)> {
        twofold_relay::framing::decode_records(&self.body).expect("well-framed records")
    }
}

#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    pub base: String,
}

impl Client {
    pub fn new(base: &str) -> Self {
        Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("http client"),
            base: base.to_owned(),
        }
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        self.try_send(request)
            .await
            .expect("request reaches the relay")
    }

    /// `None` when the connection fails (a relay being stopped, say).
    pub async fn try_send(&self, request: reqwest::RequestBuilder) -> Option<Reply> {
        let response = request.send().await.ok()?;
        Some(Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.ok()?.to_vec(),
        })
    }

    pub async fn try_append(&self, stream: &str, token: &str, bytes: Vec<u8>) -> Option<Reply> {
        self.try_send(
            self.http
                .post(format!("{}/v1/streams/{stream}/envelopes", self.base))
                .bearer_auth(token)
                .body(bytes),
        )
        .await
    }

    pub async fn create(&self, keys: &StreamKeys) -> Reply {
        let body = serde_json::json!({
            "read_token_hash": keys.read.hash_hex,
            "append_token_hash": keys.append.hash_hex,
        });
        self.send(
            self.http
                .put(format!("{}/v1/streams/{}", self.base, keys.id))
                .body(body.to_string()),
        )
        .await
    }

    pub async fn append(&self, stream: &str, token: Option<&str>, bytes: Vec<u8>) -> Reply {
        let mut request = self
            .http
            .post(format!("{}/v1/streams/{stream}/envelopes", self.base))
            .body(bytes);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    pub async fn read(&self, stream: &str, token: Option<&str>, query: &str) -> Reply {
        let mut request = self.http.get(format!(
            "{}/v1/streams/{stream}/envelopes?{query}",
            self.base
        ));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// Every record of the stream, following `limit`-sized pages.
    pub async fn read_all(&self, keys: &StreamKeys) -> Vec<(u64, Vec<u8>)> {
        let mut all = Vec::new();
        loop {
            let after = all.last().map_or(0, |(p, _)| *p);
            let reply = self
                .read(
                    &keys.id,
                    Some(&keys.read.text),
                    &format!("after={after}&limit=1024"),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK);
            let page = reply.records();
            if page.is_empty() {
                return all;
            }
            all.extend(page);
        }
    }

    pub async fn post_mailbox(&self, mailbox: &str, bytes: Vec<u8>) -> Reply {
        self.send(
            self.http
                .post(format!("{}/v1/mailboxes/{mailbox}", self.base))
                .body(bytes),
        )
        .await
    }

    pub async fn read_mailbox(&self, mailbox: &str, after: u64) -> Reply {
        self.send(self.http.get(format!(
            "{}/v1/mailboxes/{mailbox}?after={after}",
            self.base
        )))
        .await
    }

    pub async fn delete_mailbox(&self, mailbox: &str) -> Reply {
        self.send(
            self.http
                .delete(format!("{}/v1/mailboxes/{mailbox}", self.base)),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket follower.
pub struct Follower {
    socket: Socket,
}

/// What the relay sent on a follow connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    Record {
        kind: u8,
        id: String,
        position: u64,
        bytes: Vec<u8>,
    },
    Error(serde_json::Value),
    Closed,
}

impl Follower {
    pub async fn connect(url: &str) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("WebSocket connects");
        Follower { socket }
    }

    pub async fn send_text(&mut self, text: &str) {
        self.socket
            .send(Message::Text(text.to_owned().into()))
            .await
            .expect("send frame");
    }

    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.socket
            .send(Message::Binary(bytes.to_vec().into()))
            .await
            .expect("send frame");
    }

    pub async fn follow(&mut self, keys: &StreamKeys, after: u64) {
        let op = serde_json::json!({
            "op": "follow", "stream": keys.id, "token": keys.read.text, "after": after,
        });
        self.send_text(&op.to_string()).await;
    }

    /// The next data or error frame, or `None` if nothing arrives within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()?;
            match frame {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Some(Event::Closed),
                Some(Ok(Message::Binary(bytes))) => {
                    assert!(bytes.len() >= 25, "short data frame");
                    return Some(Event::Record {
                        kind: bytes[0],
                        id: hex::encode(&bytes[1..17]),
                        position: u64::from_be_bytes(bytes[17..25].try_into().expect("8 bytes")),
                        bytes: bytes[25..].to_vec(),
                    });
                }
                Some(Ok(Message::Text(text))) => {
                    return Some(Event::Error(
                        serde_json::from_str(text.as_str()).expect("JSON text frame"),
                    ))
                }
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Collects `count` records, failing on anything else or on a stall.
    pub async fn records(&mut self, count: usize) -> Vec<(u64, Vec<u8>)> {
        let mut out = Vec::new();
        while out.len() < count {
            match self.next(Duration::from_secs(15)).await {
                Some(Event::Record {
                    position, bytes, ..
                }) => out.push((position, bytes)),
                other => panic!(
                    "expected record {} of {count}, got {other:?}",
                    out.len() + 1
                ),
            }
        }
        out
    }
}

/// Asserts positions are exactly 1..=n in order.
pub fn assert_dense(positions: impl IntoIterator<Item = u64>) {
    for (expected, position) in (1u64..).zip(positions) {
        assert_eq!(position, expected, "positions must be dense and ordered");
    }
}
