use std::time::Duration;

use crate::harness::{
    assert_dense, new_id, Event, Follower, RelayClients, RelayProcess, StreamKeys, Token,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_sends_backlog_then_live_appends_without_gaps_or_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &[]);
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;
    for i in 1..=3u8 {
        client
            .append(&keys.id, Some(&keys.append.text), vec![i; 3])
            .await
            .position();
    }

    let mut follower = Follower::connect(&relay.ws_url()).await;
    follower.follow(&keys, 1).await;
    assert_eq!(
        follower.records(2).await,
        vec![(2, vec![2; 3]), (3, vec![3; 3])]
    );

    // Live: several concurrent writers while the follower is connected.
    let mut writers = Vec::new();
    for writer in 0..4u8 {
        let client = client.clone();
        let keys = keys.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..10u8 {
                client
                    .append(&keys.id, Some(&keys.append.text), vec![writer, i, 0xAA])
                    .await
                    .position();
            }
        }));
    }
    let live = follower.records(40).await;
    for writer in writers {
        writer.await.expect("writer");
    }
    assert_dense(live.iter().map(|(p, _)| *p - 3));
    assert_eq!(live.last().map(|(p, _)| *p), Some(43));
    assert_eq!(
        follower.next(Duration::from_millis(300)).await,
        None,
        "nothing after the last append"
    );

    // The data frame names the stream.
    client
        .append(&keys.id, Some(&keys.append.text), b"tail".to_vec())
        .await
        .position();
    match follower.next(Duration::from_secs(10)).await {
        Some(Event::Record {
            kind,
            id,
            position,
            bytes,
        }) => {
            assert_eq!(
                (kind, id, position, bytes),
                (1, keys.id.clone(), 44, b"tail".to_vec())
            )
        }
        other => panic!("expected the tail record, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_get_errors_and_the_connection_keeps_working() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &["--max-follows", "2"]);
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;
    client
        .append(&keys.id, Some(&keys.append.text), b"first".to_vec())
        .await
        .position();

    let mut follower = Follower::connect(&relay.ws_url()).await;
    let expect_error = |event: Option<Event>, code: &str| match event {
        Some(Event::Error(frame)) => {
            assert_eq!(frame["op"], "error");
            assert_eq!(frame["error"], code, "{frame}");
            frame
        }
        other => panic!("expected a {code} error frame, got {other:?}"),
    };
    let wait = Duration::from_secs(10);

    for garbage in [
        "",
        "not json",
        "{}",
        r#"{"op":"explode"}"#,
        r#"{"op":"follow"}"#,
        "[1,2,3]",
    ] {
        follower.send_text(garbage).await;
        expect_error(follower.next(wait).await, "bad_request");
    }
    follower.send_binary(&[0xde, 0xad]).await;
    expect_error(follower.next(wait).await, "bad_request");

    // A wrong token and an unknown stream are refused identically.
    let stranger = StreamKeys {
        read: Token::new(),
        ..keys.clone()
    };
    follower.follow(&stranger, 0).await;
    let refused = expect_error(follower.next(wait).await, "not_found");
    assert_eq!(refused["stream"], keys.id);
    let unknown = StreamKeys::new();
    follower.follow(&unknown, 0).await;
    expect_error(follower.next(wait).await, "not_found");
    follower
        .send_text(r#"{"op":"follow","stream":"xyz","token":"abc","after":0}"#)
        .await;
    expect_error(follower.next(wait).await, "bad_request");

    // The same connection still follows properly, up to its cap.
    follower.follow(&keys, 0).await;
    assert_eq!(follower.records(1).await, vec![(1, b"first".to_vec())]);
    let mailbox = new_id();
    follower
        .send_text(
            &serde_json::json!({"op": "follow_mailbox", "mailbox": mailbox, "after": 0})
                .to_string(),
        )
        .await;
    let third = StreamKeys::new();
    client.create(&third).await;
    follower.follow(&third, 0).await;
    expect_error(follower.next(wait).await, "quota_exceeded");

    // Unfollow stops delivery; the mailbox follow still delivers.
    follower
        .send_text(&serde_json::json!({"op": "unfollow", "stream": keys.id}).to_string())
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    client
        .append(&keys.id, Some(&keys.append.text), b"unseen".to_vec())
        .await
        .position();
    client
        .post_mailbox(&mailbox, b"pairing".to_vec())
        .await
        .position();
    match follower.next(wait).await {
        Some(Event::Record {
            kind,
            id,
            position,
            bytes,
        }) => {
            assert_eq!(
                (kind, id, position, bytes),
                (2, mailbox.clone(), 1, b"pairing".to_vec())
            )
        }
        other => panic!("expected the mailbox record, got {other:?}"),
    }
    assert_eq!(follower.next(Duration::from_millis(300)).await, None);

    // Other clients were served throughout.
    assert_eq!(client.read_all(&keys).await.len(), 2);
    assert_eq!(client.get("/health").await.body, b"ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_cap_and_slow_consumers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(
        dir.path(),
        &["--max-connections", "1", "--slow-consumer-secs", "1"],
    );
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;

    // A follower that never reads what it asked for.
    let mut sluggard = Follower::connect(&relay.ws_url()).await;
    sluggard.follow(&keys, 0).await;
    match tokio_tungstenite::connect_async(relay.ws_url()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503)
        }
        other => panic!(
            "expected 503 past --max-connections, got {:?}",
            other.map(|_| ())
        ),
    }

    // Enough to fill the relay's queue and both socket buffers.
    for i in 0..48u8 {
        let mut envelope = vec![i; 256 * 1024];
        envelope[0..4].copy_from_slice(b"big!");
        client
            .append(&keys.id, Some(&keys.append.text), envelope)
            .await
            .position();
    }
    let metrics = || async { String::from_utf8(client.get("/metrics").await.body).expect("text") };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !metrics()
        .await
        .contains("twofold_relay_slow_consumers_total 1")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "slow consumer not dropped"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Its place is free again, and a reading follower gets everything.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !metrics()
        .await
        .contains("twofold_relay_websocket_connections 0")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "connection slot not released"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(sluggard);
    let mut reader = Follower::connect(&relay.ws_url()).await;
    reader.follow(&keys, 40).await;
    let tail = reader.records(8).await;
    assert_dense(tail.iter().map(|(p, _)| p - 40));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_websockets_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut relay = RelayProcess::sqlite(dir.path(), &[]);
    let keys = StreamKeys::new();
    relay.client().create(&keys).await;
    let mut follower = Follower::connect(&relay.ws_url()).await;
    follower.follow(&keys, 0).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let status = tokio::task::spawn_blocking(move || relay.terminate())
        .await
        .expect("sigterm")
        .expect("it exited by itself on SIGTERM");
    assert!(status.success(), "graceful exit, got {status:?}");
    assert_eq!(
        follower.next(Duration::from_secs(5)).await,
        Some(Event::Closed)
    );
}
