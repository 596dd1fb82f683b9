use std::time::Duration;

use reqwest::StatusCode;

use crate::harness::{assert_dense, new_id, RelayClients, RelayProcess};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_round_trip_dedup_and_quota() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(dir.path(), &["--mailbox-max-messages", "3"]);
    let client = relay.client();
    let mailbox = new_id();

    let empty = client.read_mailbox(&mailbox, 0).await;
    assert_eq!(
        (empty.status, empty.head(), empty.body.len()),
        (StatusCode::OK, 0, 0)
    );

    assert_eq!(
        client
            .post_mailbox(&mailbox, b"join request".to_vec())
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
            .post_mailbox(&mailbox, b"join request".to_vec())
            .await
            .position(),
        1
    );
    assert_eq!(
        client
            .post_mailbox(&mailbox, b"third".to_vec())
            .await
            .position(),
        3
    );
    let full = client.post_mailbox(&mailbox, b"fourth".to_vec()).await;
    assert_eq!(full.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(full.error(), "quota_exceeded");

    let all = client.read_mailbox(&mailbox, 0).await;
    assert_eq!(all.head(), 3);
    let records = all.records();
    assert_dense(records.iter().map(|(p, _)| *p));
    assert_eq!(records[1], (2, b"reply".to_vec()));
    assert_eq!(
        client.read_mailbox(&mailbox, 2).await.records(),
        vec![(3, b"third".to_vec())]
    );

    let too_large = client.post_mailbox(&mailbox, vec![0; 4097]).await;
    assert_eq!(
        (too_large.status, too_large.error().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );
    let bad = client.post_mailbox("mailbox", b"x".to_vec()).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_messages_expire() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(
        dir.path(),
        &["--mailbox-ttl-secs", "1", "--mailbox-max-messages", "1"],
    );
    let client = relay.client();
    let mailbox = new_id();
    assert_eq!(
        client
            .post_mailbox(&mailbox, b"soon gone".to_vec())
            .await
            .position(),
        1
    );
    assert_eq!(client.read_mailbox(&mailbox, 0).await.records().len(), 1);
    assert_eq!(
        client
            .post_mailbox(&mailbox, b"over quota".to_vec())
            .await
            .error(),
        "quota_exceeded"
    );

    tokio::time::sleep(Duration::from_millis(1300)).await;
    let after = client.read_mailbox(&mailbox, 0).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(
        after.records().is_empty(),
        "expired messages are not served"
    );
    // Expired messages no longer count against the quota.
    assert_eq!(
        client
            .post_mailbox(&mailbox, b"fresh".to_vec())
            .await
            .status,
        StatusCode::OK
    );
}
