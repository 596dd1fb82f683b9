//! The relay holds its ground (issue 20, item 7): failed authentication is limited per address
//! before any per-token state exists, each address has a daily storage allowance, and expired
//! mailbox messages leave nothing behind in the relay's files.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::harness::{new_id, Event, Follower, RelayClients, RelayProcess, StreamKeys, Token};

fn gauge(metrics: &str, line_start: &str) -> u64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(line_start))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {line_start} in the metrics"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_tokens_are_cut_off_per_address_and_create_no_token_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(
        dir.path(),
        &["--auth-failure-burst", "5", "--auth-failure-rate", "0.001"],
    );
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;

    // Five guesses are answered as an unknown stream, as before…
    for _ in 0..5 {
        let guess = Token::new();
        let reply = client.append(&keys.id, Some(&guess.text), vec![1]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    // …then the address is out of failures: reads, appends and follows are refused alike.
    let guess = Token::new();
    let refused = client.append(&keys.id, Some(&guess.text), vec![1]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.error(), "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));
    let read = client.read(&keys.id, Some(&guess.text), "after=0").await;
    assert_eq!(read.error(), "rate_limited");
    let missing = client.read(&keys.id, None, "after=0").await;
    assert_eq!(missing.error(), "rate_limited");
    let mut follower = Follower::connect(&relay.ws_url()).await;
    follower.follow(&keys, 0).await;
    match follower.next(Duration::from_secs(5)).await {
        Some(Event::Error(frame)) => assert_eq!(frame["error"], "rate_limited", "{frame}"),
        other => panic!("expected a refusal, got {other:?}"),
    }

    // No made-up token got a bucket: per-token state exists only for tokens that proved right.
    let metrics = String::from_utf8(client.get("/metrics").await.body).expect("text");
    assert_eq!(
        gauge(&metrics, "twofold_relay_limiter_keys{limiter=\"token\"}"),
        0
    );
    assert_eq!(
        gauge(
            &metrics,
            "twofold_relay_limiter_keys{limiter=\"auth_failures\"}"
        ),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_tokens_are_not_counted_as_failures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(
        dir.path(),
        &["--auth-failure-burst", "2", "--auth-failure-rate", "0.001"],
    );
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;
    for i in 0..20u8 {
        let reply = client
            .append(&keys.id, Some(&keys.append.text), vec![i])
            .await;
        assert_eq!(reply.position(), u64::from(i) + 1);
    }
    assert_eq!(client.read_all(&keys).await.len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_address_has_a_daily_storage_allowance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &["--ip-bytes-per-day", "3000"]);
    let client = relay.client();
    let (one, two) = (StreamKeys::new(), StreamKeys::new());
    client.create(&one).await;
    client.create(&two).await;
    let token = |keys: &StreamKeys| keys.append.text.clone();

    assert_eq!(
        client
            .append(&one.id, Some(&token(&one)), vec![1; 1000])
            .await
            .position(),
        1
    );
    // A second stream from the same address draws on the same allowance.
    assert_eq!(
        client
            .append(&two.id, Some(&token(&two)), vec![2; 1000])
            .await
            .position(),
        1
    );
    let over = client
        .append(&two.id, Some(&token(&two)), vec![3; 1500])
        .await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(over.error(), "quota_exceeded");
    // Mailboxes count too: the last 1000 bytes fit, the next message does not.
    let mailbox = new_id();
    assert_eq!(
        client
            .post_mailbox(&mailbox, vec![4; 1000])
            .await
            .position(),
        1
    );
    let over = client.post_mailbox(&mailbox, vec![5; 10]).await;
    assert_eq!(over.error(), "quota_exceeded");
    assert_eq!(client.read_all(&two).await.len(), 1);
}

fn files_hold(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("data dir")
        .filter_map(Result::ok)
        .filter(|entry| {
            std::fs::read(entry.path())
                .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
        })
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A pairing's mailbox messages (sealed, but still who-paired-with-whom material) are gone from
/// the relay's files once they expire: zeroed in the database (`secure_delete`) and out of the
/// WAL (checkpointed by the sweep).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_mailbox_messages_leave_no_trace_in_the_relay_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let relay = RelayProcess::sqlite(&data, &["--mailbox-ttl-secs", "1"]);
    let client = relay.client();
    let canary: Vec<u8> = b"mailbox-canary-"
        .iter()
        .copied()
        .cycle()
        .take(3000)
        .collect();
    let mailbox = new_id();
    assert_eq!(
        client
            .post_mailbox(&mailbox, canary.clone())
            .await
            .position(),
        1
    );
    let needle = &canary[..64];
    assert!(
        !files_hold(&data, needle).is_empty(),
        "positive control: the message is in the relay's files once posted"
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut holding = files_hold(&data, needle);
    while !holding.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        holding = files_hold(&data, needle);
    }
    assert!(
        holding.is_empty(),
        "expired mailbox bytes still in {holding:?}"
    );
    let reply = client.read_mailbox(&mailbox, 0).await;
    assert!(reply.records().is_empty());
}

/// A finished pairing's mailbox is deleted by the device that read it last (issue 20 item 7):
/// its messages leave the relay's files at once, not after the time to live, and the mailbox
/// keeps its positions, so a late message is not numbered below what a reader has passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_mailbox_leaves_no_trace_in_the_relay_files_and_keeps_its_positions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let relay = RelayProcess::sqlite(&data, &[]);
    let client = relay.client();
    let canary: Vec<u8> = b"deleted-mailbox-canary-"
        .iter()
        .copied()
        .cycle()
        .take(3000)
        .collect();
    let (mailbox, other) = (new_id(), new_id());
    assert_eq!(
        client
            .post_mailbox(&mailbox, canary.clone())
            .await
            .position(),
        1
    );
    assert_eq!(
        client
            .post_mailbox(&mailbox, b"reply".to_vec())
            .await
            .position(),
        2
    );
    assert_eq!(
        client
            .post_mailbox(&other, b"untouched".to_vec())
            .await
            .position(),
        1
    );
    let needle = &canary[..64];
    assert!(
        !files_hold(&data, needle).is_empty(),
        "positive control: the message is in the relay's files once posted"
    );

    let deleted = client.delete_mailbox(&mailbox).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        files_hold(&data, needle),
        Vec::<String>::new(),
        "deleted mailbox bytes still in the relay's files"
    );
    let read = client.read_mailbox(&mailbox, 0).await;
    assert!(read.records().is_empty());
    assert_eq!(
        client
            .post_mailbox(&mailbox, b"late".to_vec())
            .await
            .position(),
        3,
        "positions go on"
    );
    assert_eq!(
        client.read_mailbox(&other, 0).await.records(),
        vec![(1, b"untouched".to_vec())],
        "another mailbox is untouched"
    );
    // Deleting again, or a mailbox that never existed, is not an error; a bad id is.
    assert_eq!(
        client.delete_mailbox(&mailbox).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        client.delete_mailbox(&new_id()).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        client.delete_mailbox("not-an-id").await.status,
        StatusCode::BAD_REQUEST
    );
}

/// Appends that arrive together share one commit (the group committer); one refused by its
/// stream's quota must not take the others down with it, and positions stay dense.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_committed_together_are_refused_and_kept_one_by_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(
        dir.path(),
        // 4-byte envelopes in `small` (10 fit), 1-byte ones in `other` (all 40 fit).
        &["--stream-max-bytes", "40", "--token-burst", "1000"],
    );
    let client = relay.client();
    let (small, other) = (StreamKeys::new(), StreamKeys::new());
    client.create(&small).await;
    client.create(&other).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40u32 {
        for (keys, bytes) in [
            (small.clone(), i.to_be_bytes().to_vec()),
            (other.clone(), vec![i as u8]),
        ] {
            let client = relay.client();
            tasks.spawn(async move {
                let reply = client
                    .append(&keys.id, Some(&keys.append.text), bytes)
                    .await;
                (keys.id.clone(), reply.status, reply.error())
            });
        }
    }
    let (mut kept, mut refused) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (id, status, error) = done.expect("append task");
        if id == small.id && status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(error, "quota_exceeded");
            refused += 1;
        } else {
            assert_eq!(status, StatusCode::OK, "{error}");
            kept += 1;
        }
    }
    assert_eq!((kept, refused), (50, 30));
    let small_records = client.read_all(&small).await;
    assert_eq!(small_records.len(), 10);
    crate::harness::assert_dense(small_records.iter().map(|(p, _)| *p));
    let other_records = client.read_all(&other).await;
    assert_eq!(other_records.len(), 40);
    crate::harness::assert_dense(other_records.iter().map(|(p, _)| *p));
}
