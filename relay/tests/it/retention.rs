//! Stream retention (ADR 0023): the owner right is claimed once with the append token; only it
//! trims a stream's old records or deletes the stream, and a deleted stream leaves nothing in
//! the relay's files.

use std::path::Path;

use reqwest::StatusCode;

use crate::harness::{Client, RelayClients, RelayProcess, StreamKeys, Token};
use crate::jetstream::{relay_on, start_nats};

fn canary(i: usize) -> Vec<u8> {
    format!("retention-canary-{i:02}-")
        .into_bytes()
        .into_iter()
        .cycle()
        .take(600)
        .collect()
}

/// Every file under `dir` (recursively) that holds `needle`.
fn files_hold(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("list").filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .map(|b| b.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// The story on one relay: claim, trim, read on, append on, delete.
async fn only_the_owner_trims_and_deletes(client: &Client) -> StreamKeys {
    let keys = StreamKeys::new();
    assert_eq!(client.create(&keys).await.status, StatusCode::NO_CONTENT);
    for i in 0..5 {
        let reply = client
            .append(&keys.id, Some(&keys.append.text), canary(i))
            .await;
        assert_eq!(reply.position(), i as u64 + 1);
    }
    let owner = Token::new();
    // The read token cannot claim; the append token can, once; the same claim again is fine,
    // another owner is refused as if the stream did not exist.
    let by_reader = client.claim_owner(&keys.id, &keys.read.text, &owner).await;
    assert_eq!(by_reader.status, StatusCode::NOT_FOUND);
    let claimed = client
        .claim_owner(&keys.id, &keys.append.text, &owner)
        .await;
    assert_eq!(claimed.status, StatusCode::NO_CONTENT);
    let again = client
        .claim_owner(&keys.id, &keys.append.text, &owner)
        .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    let squatter = client
        .claim_owner(&keys.id, &keys.append.text, &Token::new())
        .await;
    assert_eq!(squatter.status, StatusCode::NOT_FOUND);

    // Neither reader nor writer may trim or delete.
    for token in [&keys.read.text, &keys.append.text] {
        assert_eq!(
            client.trim(&keys.id, token, 5).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            client.delete_stream(&keys.id, token).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(client.read_all(&keys).await.len(), 5);

    // The owner trims through 3: a reader at 0 gets 4 and 5, positions do not move, the next
    // append is 6.
    let trimmed = client.trim(&keys.id, &owner.text, 3).await;
    assert_eq!(trimmed.status, StatusCode::NO_CONTENT);
    let page = client
        .read(&keys.id, Some(&keys.read.text), "after=0")
        .await;
    assert_eq!(page.head(), 5);
    assert_eq!(
        page.records(),
        vec![(4, canary(3)), (5, canary(4))],
        "the records past the trim point, unchanged"
    );
    let next = client
        .append(&keys.id, Some(&keys.append.text), canary(5))
        .await;
    assert_eq!(next.position(), 6);

    // Deleted: nobody reads it any more, and it can be made again from nothing.
    let deleted = client.delete_stream(&keys.id, &owner.text).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = client
        .read(&keys.id, Some(&keys.read.text), "after=0")
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        client.trim(&keys.id, &owner.text, 1).await.status,
        StatusCode::NOT_FOUND,
        "the owner right went with the stream"
    );
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_trims_and_deletes_a_stream_and_the_sqlite_files_keep_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let relay = RelayProcess::sqlite(&data, &[]);
    let client = relay.client();
    // Positive control: a record is in the relay's files once appended.
    let control = StreamKeys::new();
    client.create(&control).await;
    client
        .append(&control.id, Some(&control.append.text), canary(90))
        .await;
    assert!(!files_hold(&data, &canary(90)[..48]).is_empty());

    only_the_owner_trims_and_deletes(&client).await;
    for i in 0..6 {
        let holding = files_hold(&data, &canary(i)[..48]);
        assert!(
            holding.is_empty(),
            "record {i} of a deleted stream is still in {holding:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_trims_and_deletes_a_stream_over_jetstream() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(nats) = start_nats(dir.path()) else {
        return;
    };
    let relay = relay_on(&nats, dir.path(), "relay");
    only_the_owner_trims_and_deletes(&relay.client()).await;
}
