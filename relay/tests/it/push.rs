//! Push registrations against real relay processes: who may register, change and delete one,
//! that a wake-up reaches a real HTTP gateway on loopback, and that registrations outlive the
//! relay process in both stores (SQLite; JetStream, read back by a new process).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::post;
use axum::Router;
use reqwest::StatusCode;
use twofold_testkit::NatsServer;

use crate::harness::{new_id, Client, RelayClients, RelayProcess, StreamKeys, Token};

const APP_ID: &str = "org.twofold.relaytest";

/// Counts the wake-ups it is sent.
struct Gateway {
    url: String,
    hits: Arc<AtomicUsize>,
}

async fn gateway() -> Gateway {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().route(
        "/_matrix/push/v1/notify",
        post(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { r#"{"rejected":[]}"# }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Gateway { url, hits }
}

impl Gateway {
    fn flags(&self) -> Vec<String> {
        vec![
            "--push-gateway".into(),
            format!("{APP_ID}={}", self.url),
            "--push-interval-ms".into(),
            "1".into(),
        ]
    }

    async fn wait_for(&self, n: usize) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.hits.load(Ordering::SeqCst) < n {
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    async fn quiet_at(&self, n: usize) -> bool {
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.hits.load(Ordering::SeqCst) == n
    }
}

async fn put(
    client: &Client,
    id: &str,
    token: Option<&Token>,
    body: serde_json::Value,
) -> StatusCode {
    let mut request = reqwest::Client::new()
        .put(format!("{}/v1/push/{id}", client.base))
        .body(body.to_string());
    if let Some(token) = token {
        request = request.bearer_auth(&token.text);
    }
    client.send(request).await.status
}

async fn delete(client: &Client, id: &str, token: &Token) -> StatusCode {
    client
        .send(
            reqwest::Client::new()
                .delete(format!("{}/v1/push/{id}", client.base))
                .bearer_auth(&token.text),
        )
        .await
        .status
}

fn body(gateway: &str, keys: &StreamKeys, read: &Token) -> serde_json::Value {
    serde_json::json!({
        "gateway": gateway,
        "pushkey": "pk-0001",
        "streams": [{"stream": keys.id, "token": read.text}],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_is_owned_by_its_token_and_proven_by_read_tokens() {
    let gw = gateway().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let flags = gw.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let mut relay = RelayProcess::sqlite(dir.path(), &flags);
    let client = relay.client();
    let keys = StreamKeys::new();
    assert_eq!(client.create(&keys).await.status, StatusCode::NO_CONTENT);
    let (id, token) = (new_id(), Token::new());

    // A gateway the relay was not given, a wrong read token, no token: refused.
    assert_eq!(
        put(
            &client,
            &id,
            Some(&token),
            body("org.elsewhere", &keys, &keys.read)
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        put(
            &client,
            &id,
            Some(&token),
            body(APP_ID, &keys, &keys.append)
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        put(&client, &id, None, body(APP_ID, &keys, &keys.read)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        put(
            &client,
            &id,
            Some(&token),
            serde_json::json!({"gateway": APP_ID})
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    client
        .append(&keys.id, Some(&keys.append.text), b"one".to_vec())
        .await;
    assert!(gw.quiet_at(0).await, "nothing registered, nobody woken");

    assert_eq!(
        put(&client, &id, Some(&token), body(APP_ID, &keys, &keys.read)).await,
        StatusCode::NO_CONTENT
    );
    // Someone else cannot take the id over, nor delete it.
    let other = Token::new();
    assert_eq!(
        put(&client, &id, Some(&other), body(APP_ID, &keys, &keys.read)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(delete(&client, &id, &other).await, StatusCode::NOT_FOUND);

    client
        .append(&keys.id, Some(&keys.append.text), b"two".to_vec())
        .await;
    assert!(gw.wait_for(1).await, "woken");
    // A duplicate append stores nothing and wakes nobody.
    client
        .append(&keys.id, Some(&keys.append.text), b"two".to_vec())
        .await;
    assert!(gw.quiet_at(1).await);

    // Kept in the store: a restarted relay still wakes.
    relay.restart();
    let client = relay.client();
    client
        .append(&keys.id, Some(&keys.append.text), b"three".to_vec())
        .await;
    assert!(gw.wait_for(2).await, "woken after a restart");

    assert_eq!(delete(&client, &id, &token).await, StatusCode::NO_CONTENT);
    assert_eq!(delete(&client, &id, &token).await, StatusCode::NOT_FOUND);
    client
        .append(&keys.id, Some(&keys.append.text), b"four".to_vec())
        .await;
    assert!(gw.quiet_at(2).await, "deleted: nobody woken");
    relay.restart();
    let client = relay.client();
    client
        .append(&keys.id, Some(&keys.append.text), b"five".to_vec())
        .await;
    assert!(gw.quiet_at(2).await, "deleted in the store too");
}

fn nats_or_skip(dir: &Path) -> Option<NatsServer> {
    match NatsServer::start(dir) {
        Ok(server) => Some(server),
        Err(why) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{why}, and CI must run the JetStream test (see .ci/run)"
            );
            eprintln!("SKIPPED: {why}");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jetstream_keeps_registrations_for_the_next_relay_process() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(nats) = nats_or_skip(dir.path()) else {
        return;
    };
    let gw = gateway().await;
    let mut args = vec!["--store".to_string(), nats.url.clone()];
    args.extend(gw.flags());
    let first = RelayProcess::start(&args, &dir.path().join("a.log"));
    let keys = StreamKeys::new();
    let (id, token) = (new_id(), Token::new());
    let a = first.client();
    assert_eq!(a.create(&keys).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        put(&a, &id, Some(&token), body(APP_ID, &keys, &keys.read)).await,
        StatusCode::NO_CONTENT
    );
    drop(first);

    // A new process over the same JetStream knows the registration.
    let second = RelayProcess::start(&args, &dir.path().join("b.log"));
    let b = second.client();
    b.append(&keys.id, Some(&keys.append.text), b"one".to_vec())
        .await;
    assert!(
        gw.wait_for(1).await,
        "woken by a process that did not take the registration"
    );
    assert_eq!(delete(&b, &id, &token).await, StatusCode::NO_CONTENT);
    drop(second);

    let third = RelayProcess::start(&args, &dir.path().join("c.log"));
    let c = third.client();
    c.append(&keys.id, Some(&keys.append.text), b"two".to_vec())
        .await;
    assert!(gw.quiet_at(1).await, "the deletion is in JetStream too");
}
