//! The relay as a library, as Rust tests of other crates embed it.

use reqwest::StatusCode;

use crate::harness::{Client, StreamKeys};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_as_a_library_and_shut_down() {
    let dir = tempfile::tempdir().expect("tempdir");
    let handle = twofold_relay::serve(twofold_relay::Config::embedded(dir.path()))
        .await
        .expect("relay starts");
    let client = Client::new(&format!("http://{}", handle.local_addr()));
    let keys = StreamKeys::new();
    assert_eq!(client.create(&keys).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        client
            .append(&keys.id, Some(&keys.append.text), b"x".to_vec())
            .await
            .position(),
        1
    );
    handle.shutdown().await;

    let handle = twofold_relay::serve(twofold_relay::Config::embedded(dir.path()))
        .await
        .expect("relay restarts");
    let client = Client::new(&format!("http://{}", handle.local_addr()));
    assert_eq!(client.read_all(&keys).await, vec![(1, b"x".to_vec())]);
    handle.shutdown().await;
}
