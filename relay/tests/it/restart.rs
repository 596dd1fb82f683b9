use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::harness::{assert_dense, Client, RelayClients, RelayProcess, StreamKeys};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_after_acknowledged_appends_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = StreamKeys::new();
    let mut acked = Vec::new();
    for round in 0..3u8 {
        let mut relay = RelayProcess::sqlite(dir.path(), &[]);
        let client = relay.client();
        client.create(&keys).await;
        for i in 0..5u8 {
            let bytes = vec![round, i, 0x55];
            let position = client
                .append(&keys.id, Some(&keys.append.text), bytes.clone())
                .await
                .position();
            acked.push((position, bytes));
        }
        // Killed without any chance to flush: acknowledged means already on disk.
        relay.kill();
    }
    let relay = RelayProcess::sqlite(dir.path(), &[]);
    assert_eq!(relay.client().read_all(&keys).await, acked);
    assert_dense(acked.iter().map(|(p, _)| *p));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_burst_keeps_every_acknowledged_append() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = StreamKeys::new();
    let mut relay = RelayProcess::sqlite(dir.path(), &[]);
    let client = relay.client();
    client.create(&keys).await;

    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..6u8 {
        let client = Client::new(&relay.url);
        let keys = keys.clone();
        let stop = stop.clone();
        writers.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..2000u32 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let bytes = format!("{writer}/{i}").into_bytes();
                // Once the relay stops, requests fail at the connection: those were never
                // acknowledged and need not be kept.
                match client
                    .try_append(&keys.id, &keys.append.text, bytes.clone())
                    .await
                {
                    Some(reply) if reply.status == reqwest::StatusCode::OK => {
                        acked.push((reply.position(), bytes))
                    }
                    _ => break,
                }
            }
            acked
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let status = tokio::task::spawn_blocking(move || {
        let status = relay.terminate().expect("it exited by itself on SIGTERM");
        (relay, status)
    })
    .await
    .expect("sigterm");
    let (_stopped, status) = status;
    assert!(status.success(), "graceful exit, got {status:?}");
    stop.store(true, Ordering::Relaxed);

    let mut acked = Vec::new();
    for writer in writers {
        acked.extend(writer.await.expect("writer"));
    }
    acked.sort();
    assert!(
        acked.len() >= 10,
        "the burst was under way ({} acked)",
        acked.len()
    );
    eprintln!(
        "{} appends acknowledged before and during SIGTERM",
        acked.len()
    );

    let relay = RelayProcess::sqlite(dir.path(), &[]);
    let stored = relay.client().read_all(&keys).await;
    assert_dense(stored.iter().map(|(p, _)| *p));
    for entry in &acked {
        assert!(
            stored.contains(entry),
            "acknowledged append {:?} lost",
            entry.0
        );
    }
}
