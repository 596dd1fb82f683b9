//! Two relay processes over one NATS JetStream server: shared storage, shared fan-out.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use twofold_testkit::NatsServer;

use crate::harness::{
    assert_dense, new_id, Event, Follower, RelayClients, RelayProcess, StreamKeys,
};

/// Starts `nats-server` with JetStream on a free loopback port, or says why it cannot. Under CI
/// (`CI` set) a missing server is a failure, never a silent skip.
pub(crate) fn start_nats(dir: &Path) -> Option<NatsServer> {
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

pub(crate) fn relay_on(nats: &NatsServer, dir: &Path, name: &str) -> RelayProcess {
    // The safety-net poll is set far beyond the test's waits, so live delivery across relays
    // can only come through the NATS notifications.
    let args: Vec<String> = [
        "--store",
        &nats.url,
        "--mailbox-ttl-secs",
        "3600",
        "--follow-poll-ms",
        "600000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    RelayProcess::start(&args, &dir.join(format!("{name}.log")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_relays_share_streams_and_live_follows_over_jetstream() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(nats) = start_nats(dir.path()) else {
        return;
    };
    let relay_a = relay_on(&nats, dir.path(), "relay-a");
    let relay_b = relay_on(&nats, dir.path(), "relay-b");
    let (a, b) = (relay_a.client(), relay_b.client());

    // Created through A, known to B; a conflicting create through B is refused.
    let keys = StreamKeys::new();
    assert_eq!(a.create(&keys).await.status, StatusCode::NO_CONTENT);
    assert_eq!(b.create(&keys).await.status, StatusCode::NO_CONTENT);
    let thief = StreamKeys {
        id: keys.id.clone(),
        ..StreamKeys::new()
    };
    assert_eq!(b.create(&thief).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        b.append(&keys.id, Some(&thief.append.text), b"x".to_vec())
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        a.append(&keys.id, Some(&keys.append.text), b"backlog".to_vec())
            .await
            .position(),
        1
    );

    // A follower on A receives the backlog, then, live, what is appended through B.
    let mut follower = Follower::connect(&relay_a.ws_url()).await;
    follower.follow(&keys, 0).await;
    assert_eq!(follower.records(1).await, vec![(1, b"backlog".to_vec())]);
    assert_eq!(
        b.append(&keys.id, Some(&keys.append.text), b"via B".to_vec())
            .await
            .position(),
        2
    );
    assert_eq!(follower.records(1).await, vec![(2, b"via B".to_vec())]);

    // Identical bytes through the other relay are the same envelope.
    assert_eq!(
        a.append(&keys.id, Some(&keys.append.text), b"via B".to_vec())
            .await
            .position(),
        2
    );

    // Concurrent appends through both relays: dense positions, all delivered in order.
    let mut writers = Vec::new();
    for writer in 0..6u8 {
        let client = if writer % 2 == 0 {
            a.clone()
        } else {
            b.clone()
        };
        let keys = keys.clone();
        writers.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..10u8 {
                let bytes = vec![writer, i, 0x77];
                let reply = client
                    .append(&keys.id, Some(&keys.append.text), bytes.clone())
                    .await;
                acked.push((reply.position(), bytes));
            }
            acked
        }));
    }
    let mut acked = vec![(1, b"backlog".to_vec()), (2, b"via B".to_vec())];
    for writer in writers {
        acked.extend(writer.await.expect("writer"));
    }
    acked.sort();
    assert_dense(acked.iter().map(|(p, _)| *p));
    let live = follower.records(60).await;
    assert_eq!(live, acked[2..].to_vec());
    assert_eq!(follower.next(Duration::from_millis(300)).await, None);
    assert_eq!(b.read_all(&keys).await, acked);
    let page = a
        .read(&keys.id, Some(&keys.read.text), "after=30&limit=5")
        .await;
    assert_eq!(page.head(), 62);
    assert_eq!(page.records(), acked[30..35].to_vec());

    // Mailboxes are shared too, live included.
    let mailbox = new_id();
    follower
        .send_text(
            &serde_json::json!({"op": "follow_mailbox", "mailbox": mailbox, "after": 0})
                .to_string(),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        b.post_mailbox(&mailbox, b"join".to_vec()).await.position(),
        1
    );
    assert_eq!(
        a.post_mailbox(&mailbox, b"join".to_vec()).await.position(),
        1
    );
    assert_eq!(
        a.post_mailbox(&mailbox, b"reply".to_vec()).await.position(),
        2
    );
    for expected in [(1, b"join".to_vec()), (2, b"reply".to_vec())] {
        match follower.next(Duration::from_secs(10)).await {
            Some(Event::Record {
                kind: 2,
                position,
                bytes,
                ..
            }) => {
                assert_eq!((position, bytes), expected)
            }
            other => panic!("expected a mailbox record, got {other:?}"),
        }
    }
    assert_eq!(b.read_mailbox(&mailbox, 0).await.records().len(), 2);
    assert_eq!(a.get("/health").await.body, b"ok");
    let metrics = String::from_utf8(b.get("/metrics").await.body).expect("text");
    assert!(
        metrics.contains("twofold_relay_stored_envelopes 62"),
        "{metrics}"
    );
}

fn scale_relay(nats: &NatsServer, dir: &Path) -> RelayProcess {
    let args: Vec<String> = [
        "--store",
        &nats.url,
        "--token-rate",
        "1000000",
        "--token-burst",
        "1000000",
        "--follow-poll-ms",
        "600000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    RelayProcess::start(&args, &dir.join("relay.log"))
}

async fn counter(client: &crate::harness::Client, name: &str) -> u64 {
    let metrics = String::from_utf8(client.get("/metrics").await.body).expect("text");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("the {name} counter"))
}

async fn lookups(client: &crate::harness::Client) -> u64 {
    counter(client, "twofold_relay_store_lookups_total").await
}

/// An append through a relay that wrote the stream's last envelope itself is two JetStream
/// round trips: the digest entry, written only if the digest is new (which is the duplicate
/// check), then the envelope. It was four (the digest lookup, the stream's last message, the
/// entry, the envelope), which made 1,000 appends a second queue in `nats-server`. Another
/// relay's append in between costs a refused publish and a re-read, and positions stay dense.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_append_is_two_round_trips_when_no_other_relay_wrote_in_between() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(nats) = start_nats(dir.path()) else {
        return;
    };
    let relay_a = relay_on(&nats, dir.path(), "relay-a");
    let relay_b = relay_on(&nats, dir.path(), "relay-b");
    let (a, b) = (relay_a.client(), relay_b.client());
    let keys = StreamKeys::new();
    a.create(&keys).await;
    let append = |client: &crate::harness::Client, bytes: Vec<u8>| {
        let (client, keys) = (client.clone(), keys.clone());
        async move {
            client
                .append(&keys.id, Some(&keys.append.text), bytes)
                .await
                .position()
        }
    };
    assert_eq!(append(&a, b"first".to_vec()).await, 1);

    let before = counter(&a, "twofold_relay_store_requests_total").await;
    for i in 0..10u8 {
        assert_eq!(append(&a, vec![i]).await, 2 + u64::from(i));
    }
    let requests = counter(&a, "twofold_relay_store_requests_total").await - before;
    assert!(
        requests <= 20,
        "{requests} JetStream requests for 10 appends"
    );

    // B writes in between: A's memory is stale, its next append still lands right after.
    assert_eq!(append(&b, b"through B".to_vec()).await, 12);
    assert_eq!(append(&a, b"after B".to_vec()).await, 13);
    // A retry of an envelope stored through the other relay is answered as a duplicate.
    assert_eq!(append(&a, b"through B".to_vec()).await, 12);
    assert_eq!(append(&b, b"after B".to_vec()).await, 13);
    let stored = b.read_all(&keys).await;
    assert_dense(stored.iter().map(|(p, _)| *p));
    assert_eq!(stored.len(), 13);
}

/// A follower at the head of a stream that shares JetStream with busier ones is woken by each
/// append: it must resume from the sequence it last delivered, not binary-search the whole
/// JetStream stream again (about log2 of every envelope of every stream, per wake-up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_follower_resumes_where_it_left_off_instead_of_searching() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(nats) = start_nats(dir.path()) else {
        return;
    };
    let relay = scale_relay(&nats, dir.path());
    let client = relay.client();
    let (followed, busy) = (StreamKeys::new(), StreamKeys::new());
    client.create(&followed).await;
    client.create(&busy).await;
    for i in 0..100u32 {
        let token = Some(followed.append.text.as_str());
        client
            .append(&followed.id, token, i.to_be_bytes().to_vec())
            .await;
        for j in 0..5u32 {
            let bytes = [i.to_be_bytes(), j.to_be_bytes()].concat();
            client
                .append(&busy.id, Some(&busy.append.text), bytes)
                .await;
        }
    }
    let mut follower = Follower::connect(&relay.ws_url()).await;
    follower.follow(&followed, 0).await;
    assert_dense(follower.records(100).await.into_iter().map(|(p, _)| p));

    let before = lookups(&client).await;
    for i in 0..10u32 {
        let bytes = (1000 + i).to_be_bytes().to_vec();
        client
            .append(&followed.id, Some(&followed.append.text), bytes)
            .await;
        let record = follower.records(1).await;
        assert_eq!(record[0].0, 101 + u64::from(i));
    }
    // Let a late wake-up's read land before counting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let per_append = (lookups(&client).await - before) as f64 / 10.0;
    // An append costs two lookups (digest index, last message), a resumed read two (last
    // message, the next one), a spurious wake-up one more. Searching would add about ten.
    assert!(
        per_append <= 7.0,
        "{per_append} JetStream lookups per append and delivery"
    );
}

/// The digest index is written before its envelope (so a relay that dies between the two never
/// leaves an envelope that a retry after JetStream's dedup window would store again). An entry
/// whose envelope never arrived must then not pass a new append off as a duplicate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_index_entry_without_its_envelope_does_not_swallow_an_append() {
    use sha2::Digest;

    let dir = tempfile::tempdir().expect("tempdir");
    let Some(nats) = start_nats(dir.path()) else {
        return;
    };
    let relay = scale_relay(&nats, dir.path());
    let client = relay.client();
    let keys = StreamKeys::new();
    client.create(&keys).await;
    let bytes = b"an envelope whose first relay died before publishing it".to_vec();

    // What a relay leaves when it dies right after its index write.
    let nats_client = async_nats::connect(&nats.url).await.expect("NATS connects");
    let js = async_nats::jetstream::new(nats_client);
    let subject = format!(
        "twofold.dig.{}.{}",
        keys.id,
        hex::encode(sha2::Sha256::digest(&bytes))
    );
    js.publish(subject, 1u64.to_be_bytes().to_vec().into())
        .await
        .expect("publish")
        .await
        .expect("acknowledged");

    let reply = client
        .append(&keys.id, Some(&keys.append.text), bytes.clone())
        .await;
    assert_eq!(reply.position(), 1);
    assert_eq!(client.read_all(&keys).await, vec![(1, bytes.clone())]);
    // And now the entry is right: a retry is a duplicate.
    let again = client
        .append(&keys.id, Some(&keys.append.text), bytes.clone())
        .await;
    assert_eq!(again.position(), 1);
    assert_eq!(client.read_all(&keys).await.len(), 1);
}

/// A mailbox deleted through one relay is gone for the other: JetStream purges its subject.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailbox_deleted_through_one_relay_is_gone_through_the_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(nats) = start_nats(dir.path()) else {
        return;
    };
    let relay_a = relay_on(&nats, dir.path(), "relay-a");
    let relay_b = relay_on(&nats, dir.path(), "relay-b");
    let (a, b) = (relay_a.client(), relay_b.client());
    let (mailbox, other) = (new_id(), new_id());
    assert_eq!(
        a.post_mailbox(&mailbox, b"join request".to_vec())
            .await
            .position(),
        1
    );
    assert_eq!(
        a.post_mailbox(&other, b"another pairing".to_vec())
            .await
            .position(),
        1
    );
    assert_eq!(b.read_mailbox(&mailbox, 0).await.records().len(), 1);

    assert_eq!(
        b.delete_mailbox(&mailbox).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(a.read_mailbox(&mailbox, 0).await.records().is_empty());
    assert_eq!(
        a.read_mailbox(&other, 0).await.records(),
        vec![(1, b"another pairing".to_vec())],
        "another mailbox is untouched"
    );
}

/// An append whose notification never comes (its relay died right after publishing) still
/// reaches the followers of every relay — found by one relay-wide check of JetStream's sequence
/// every `--follow-poll-ms`, not by every idle follower reading the store that often (issue 19:
/// 10,000 idle followers polling every 2 s made 5,000 reads a second).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_notification_is_caught_by_one_check_not_by_every_idle_follower_polling() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(nats) = start_nats(dir.path()) else {
        return;
    };
    let args: Vec<String> = ["--store", &nats.url, "--follow-poll-ms", "200"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let relay = RelayProcess::start(&args, &dir.path().join("relay.log"));
    let client = relay.client();
    let watched = StreamKeys::new();
    client.create(&watched).await;
    let mut watcher = Follower::connect(&relay.ws_url()).await;
    watcher.follow(&watched, 0).await;
    let mut idle = Vec::new();
    for _ in 0..20 {
        let keys = StreamKeys::new();
        client.create(&keys).await;
        let mut follower = Follower::connect(&relay.ws_url()).await;
        follower.follow(&keys, 0).await;
        idle.push(follower);
    }
    // Let the follows' first reads land, then count what idling costs.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = lookups(&client).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idling = lookups(&client).await - before;
    assert!(
        idling < 10,
        "21 idle followers made {idling} store lookups in 2 s (10 polls each would be 210)"
    );

    // What a relay leaves when it dies between publishing an envelope and notifying.
    let js = async_nats::jetstream::new(async_nats::connect(&nats.url).await.expect("NATS"));
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Twofold-Position", "1");
    headers.insert("Twofold-Bytes", "8");
    js.publish_with_headers(
        format!("twofold.env.{}", watched.id),
        headers,
        b"orphaned".to_vec().into(),
    )
    .await
    .expect("publish")
    .await
    .expect("acknowledged");
    let delivered = tokio::time::timeout(Duration::from_secs(5), watcher.records(1))
        .await
        .expect("delivered within a few checks, not after the minute's poll");
    assert_eq!(delivered, vec![(1, b"orphaned".to_vec())]);
    let metrics = String::from_utf8(client.get("/metrics").await.body).expect("text");
    assert!(
        metrics.contains("twofold_relay_lost_wakeups_caught_total 1"),
        "{metrics}"
    );
}
