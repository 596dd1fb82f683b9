use std::collections::BTreeSet;
use std::io::{Read, Write};

use reqwest::StatusCode;

use crate::harness::{assert_dense, new_id, RelayClients, RelayProcess, StreamKeys, Token};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_append_read_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &[]);
    let client = relay.client();
    let keys = StreamKeys::new();

    assert_eq!(client.create(&keys).await.status, StatusCode::NO_CONTENT);
    // Creating again with the same hashes is idempotent; with other hashes it is refused
    // without saying the stream exists.
    assert_eq!(client.create(&keys).await.status, StatusCode::NO_CONTENT);
    let thief = StreamKeys {
        id: keys.id.clone(),
        ..StreamKeys::new()
    };
    let refused = client.create(&thief).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(refused.error(), "not_found");

    let envelopes: Vec<Vec<u8>> = (0..5)
        .map(|i| format!("ciphertext {i}").into_bytes())
        .collect();
    for (i, envelope) in envelopes.iter().enumerate() {
        let reply = client
            .append(&keys.id, Some(&keys.append.text), envelope.clone())
            .await;
        assert_eq!(reply.position(), i as u64 + 1);
    }

    let all = client
        .read(&keys.id, Some(&keys.read.text), "after=0")
        .await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(
        all.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/octet-stream")
    );
    assert_eq!(all.head(), 5);
    let records = all.records();
    assert_dense(records.iter().map(|(p, _)| *p));
    assert_eq!(
        records.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>(),
        envelopes
    );

    let page = client
        .read(&keys.id, Some(&keys.read.text), "after=2&limit=2")
        .await;
    assert_eq!(page.head(), 5);
    assert_eq!(
        page.records(),
        vec![(3, envelopes[2].clone()), (4, envelopes[3].clone())]
    );
    let past_end = client
        .read(&keys.id, Some(&keys.read.text), "after=5")
        .await;
    assert_eq!(past_end.status, StatusCode::OK);
    assert!(past_end.body.is_empty());
    assert_eq!(past_end.head(), 5);

    // The read token cannot append and the append token cannot read.
    let wrong_way = client
        .append(&keys.id, Some(&keys.read.text), b"x".to_vec())
        .await;
    assert_eq!(wrong_way.status, StatusCode::NOT_FOUND);
    let wrong_way = client.read(&keys.id, Some(&keys.append.text), "").await;
    assert_eq!(wrong_way.status, StatusCode::NOT_FOUND);
}

/// ADR 0022: a stream's id is a hash of its two token hashes. Someone who learns an id before
/// it is registered cannot take it with tokens of their own, nor register an id its tokens do
/// not make; the owner's registration then works as ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_stream_id_must_be_certified_by_its_tokens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &[]);
    let client = relay.client();
    let owner = StreamKeys::new();
    let squatter = StreamKeys {
        id: owner.id.clone(),
        ..StreamKeys::new()
    };
    let refused = client.create(&squatter).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(refused.error(), "not_found");
    let made_up = StreamKeys {
        id: new_id(),
        ..StreamKeys::new()
    };
    assert_eq!(client.create(&made_up).await.status, StatusCode::NOT_FOUND);

    assert_eq!(client.create(&owner).await.status, StatusCode::NO_CONTENT);
    let appended = client
        .append(&owner.id, Some(&owner.append.text), b"the owner's".to_vec())
        .await;
    assert_eq!(appended.position(), 1);
    assert_eq!(
        client
            .append(&owner.id, Some(&squatter.append.text), b"x".to_vec())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_stay_dense_under_concurrent_appends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &[]);
    let client = relay.client();
    let keys = StreamKeys::new();
    assert_eq!(client.create(&keys).await.status, StatusCode::NO_CONTENT);

    let mut tasks = Vec::new();
    for writer in 0..8 {
        let client = client.clone();
        let keys = keys.clone();
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..20 {
                let bytes = format!("writer {writer} envelope {i}").into_bytes();
                let reply = client
                    .append(&keys.id, Some(&keys.append.text), bytes.clone())
                    .await;
                acked.push((reply.position(), bytes));
            }
            acked
        }));
    }
    let mut acked = Vec::new();
    for task in tasks {
        acked.extend(task.await.expect("writer task"));
    }
    acked.sort();
    assert_dense(acked.iter().map(|(p, _)| *p));
    assert_eq!(acked.len(), 160);
    assert_eq!(client.read_all(&keys).await, acked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_bytes_are_stored_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &[]);
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;
    let token = Some(keys.append.text.as_str());

    let first = client
        .append(&keys.id, token, b"same".to_vec())
        .await
        .position();
    let other = client
        .append(&keys.id, token, b"other".to_vec())
        .await
        .position();
    // A client retrying after a lost acknowledgement gets the original position back.
    let again = client
        .append(&keys.id, token, b"same".to_vec())
        .await
        .position();
    assert_eq!((first, other, again), (1, 2, 1));
    // The same bytes in another stream are that stream's own envelope.
    let elsewhere = StreamKeys::new();
    client.create(&elsewhere).await;
    let there = client
        .append(
            &elsewhere.id,
            Some(&elsewhere.append.text),
            b"same".to_vec(),
        )
        .await;
    assert_eq!(there.position(), 1);

    let records = client.read_all(&keys).await;
    assert_eq!(records, vec![(1, b"same".to_vec()), (2, b"other".to_vec())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_or_missing_tokens_look_exactly_like_unknown_streams() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &[]);
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;
    client
        .append(&keys.id, Some(&keys.append.text), b"secret".to_vec())
        .await
        .position();
    let unknown = new_id();
    let stranger = Token::new();

    let mut answers = BTreeSet::new();
    for stream in [keys.id.as_str(), unknown.as_str()] {
        for token in [
            None,
            Some(stranger.text.as_str()),
            Some("not-a-token"),
            Some(""),
        ] {
            let append = client.append(stream, token, b"x".to_vec()).await;
            let read = client.read(stream, token, "after=0").await;
            for reply in [append, read] {
                answers.insert((reply.status, reply.body.clone()));
            }
        }
    }
    assert_eq!(
        answers.into_iter().collect::<Vec<_>>(),
        vec![(StatusCode::NOT_FOUND, br#"{"error":"not_found"}"#.to_vec())]
    );
    // Nothing was appended by any of them.
    assert_eq!(client.read_all(&keys).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_errors_and_good_clients_keep_being_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &[]);
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;
    let token = Some(keys.append.text.as_str());

    let bad_id = client.append("NOT-HEX", token, b"x".to_vec()).await;
    assert_eq!(
        (bad_id.status, bad_id.error().as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let empty = client.append(&keys.id, token, Vec::new()).await;
    assert_eq!(
        (empty.status, empty.error().as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let bad_cursor = client
        .read(&keys.id, Some(&keys.read.text), "after=minus-one")
        .await;
    assert_eq!(bad_cursor.status, StatusCode::BAD_REQUEST);
    let zero_limit = client
        .read(&keys.id, Some(&keys.read.text), "limit=0")
        .await;
    assert_eq!(zero_limit.status, StatusCode::BAD_REQUEST);
    let nowhere = client.get("/v2/anything").await;
    assert_eq!(
        (nowhere.status, nowhere.error().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );

    let http = reqwest::Client::new();
    for body in [
        "",
        "{",
        "[]",
        r#"{"read_token_hash":"00"}"#,
        r#"{"read_token_hash":1,"append_token_hash":2}"#,
    ] {
        let reply = client
            .send(
                http.put(format!("{}/v1/streams/{}", relay.url, new_id()))
                    .body(body),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "body {body:?}");
        assert_eq!(reply.error(), "bad_request");
    }

    // Raw garbage on the socket: the connection is refused, the relay is not harmed.
    let addr = relay.url.trim_start_matches("http://").to_owned();
    for garbage in [
        &b"\x00\xff\xfe garbage\r\n\r\n"[..],
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST /v1/streams/x/envelopes HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
    ] {
        let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .expect("timeout");
        stream.write_all(garbage).expect("write garbage");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
    }

    assert_eq!(
        client
            .append(&keys.id, token, b"fine".to_vec())
            .await
            .position(),
        1
    );
    assert_eq!(client.get("/health").await.body, b"ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_metrics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &[]);
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;
    client
        .append(&keys.id, Some(&keys.append.text), b"12345".to_vec())
        .await
        .position();
    client.read(&keys.id, None, "").await;

    let health = client.get("/health").await;
    assert_eq!(
        (health.status, health.body.as_slice()),
        (StatusCode::OK, &b"ok"[..])
    );
    let metrics = String::from_utf8(client.get("/metrics").await.body).expect("text");
    for line in [
        "twofold_relay_appends_total{kind=\"stream\"} 1",
        "twofold_relay_rejections_total{reason=\"not_found\"} 1",
        "twofold_relay_stored_envelopes 1",
        "twofold_relay_stored_bytes 5",
        "twofold_relay_streams 1",
        "twofold_relay_websocket_connections 0",
        "twofold_relay_follows 0",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "missing {line:?} in\n{metrics}"
        );
    }
}
