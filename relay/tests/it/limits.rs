use reqwest::StatusCode;

use crate::harness::{RelayClients, RelayProcess, StreamKeys};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envelope_size_and_stream_quotas_are_enforced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(
        dir.path(),
        &[
            "--max-envelope-bytes",
            "1024",
            "--stream-max-records",
            "3",
            "--stream-max-bytes",
            "2500",
        ],
    );
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;
    let token = Some(keys.append.text.as_str());

    let too_large = client.append(&keys.id, token, vec![7; 1025]).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.error(), "too_large");
    assert_eq!(
        client
            .append(&keys.id, token, vec![1; 1024])
            .await
            .position(),
        1
    );
    assert_eq!(
        client
            .append(&keys.id, token, vec![2; 1024])
            .await
            .position(),
        2
    );

    // The byte quota (2500) refuses a third kilobyte; a small one still fits the record quota.
    let over_bytes = client.append(&keys.id, token, vec![3; 1000]).await;
    assert_eq!(over_bytes.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(over_bytes.error(), "quota_exceeded");
    assert_eq!(
        client.append(&keys.id, token, vec![4; 10]).await.position(),
        3
    );
    let over_records = client.append(&keys.id, token, vec![5; 10]).await;
    assert_eq!(over_records.error(), "quota_exceeded");
    // A retry of stored bytes still gets its position: it stores nothing.
    assert_eq!(
        client.append(&keys.id, token, vec![4; 10]).await.position(),
        3
    );
    assert_eq!(client.read_all(&keys).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_are_rate_limited_with_retry_after() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(
        dir.path(),
        &[
            "--token-rate",
            "1",
            "--token-burst",
            "5",
            "--ip-rate",
            "1",
            "--ip-burst",
            "50",
            "--streams-per-ip-per-hour",
            "2",
        ],
    );
    let client = relay.client();
    let keys = StreamKeys::new();
    assert_eq!(client.create(&keys).await.status, StatusCode::NO_CONTENT);

    let mut statuses = Vec::new();
    let mut retry_after = None;
    for i in 0..10 {
        let reply = client
            .append(&keys.id, Some(&keys.append.text), vec![i; 8])
            .await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(reply.error(), "rate_limited");
            retry_after = reply
                .headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
        }
        statuses.push(reply.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 5);
    assert!(
        retry_after.is_some_and(|secs| secs >= 1),
        "Retry-After on 429"
    );

    // Another token is not held back by the flooding one.
    let calm = StreamKeys::new();
    assert_eq!(client.create(&calm).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        client
            .append(&calm.id, Some(&calm.append.text), b"x".to_vec())
            .await
            .position(),
        1
    );

    // Stream creation per client IP per hour: the third new stream is refused.
    let third = client.create(&StreamKeys::new()).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(third.error(), "rate_limited");
    assert!(third.headers.contains_key("retry-after"));
    // Re-creating an existing stream is not a new stream.
    assert_eq!(client.create(&keys).await.status, StatusCode::NO_CONTENT);
}
