//! Push wake-ups (ADR 0013) with real parts: a relay process on loopback configured with a
//! push gateway that is a real HTTP server on loopback, two stores on disk, the core's sync
//! client. A mentor's phone registered for wake-ups and not connected is woken when the person
//! asks for help — and the wake-up holds nothing but the phone's own push token; then it syncs
//! and sees the request. Many envelopes make few wake-ups; a live phone gets none; after
//! unregistering there are none; with the gateway down, appends still succeed.

use std::time::{Duration, Instant};

use twofold_core::sections as s;
use twofold_core::{Contact, ContactRole, DocKind, ItemId, KeyId, NewSos, SosLocation};
use twofold_testkit::RelayProcess;
use twofold_tests::dir_files::any_file_holds;
use twofold_tests::mem_devices::contains;
use twofold_tests::net_devices::{pair, NetDevice};
use twofold_tests::push_gateway::{LocalGateway, APP_ID};

const WORDS: &str = "CANARY-push-words-7xq";
const PUSHKEY: &str = "fcm-token-of-alexs-phone-000111";
const INTERVAL_MS: u64 = 1500;

fn sos(text: Option<&str>) -> NewSos {
    NewSos {
        text: text.map(str::to_string),
        location: Some(SosLocation {
            lat_e6: 52_520_008,
            lon_e6: 13_404_954,
            accuracy_m: 25,
        }),
        wait_ms: 5 * 60_000,
    }
}

fn relay_with(gateway: &LocalGateway, dir: &std::path::Path) -> RelayProcess {
    RelayProcess::sqlite(
        dir,
        &[
            "--push-gateway",
            &gateway.flag(),
            "--push-interval-ms",
            &INTERVAL_MS.to_string(),
        ],
    )
}

/// Sam asks Alex for help; Alex's phone is registered for wake-ups and not connected.
async fn sam_and_alex(url: &str) -> (NetDevice, NetDevice, KeyId) {
    let sam = NetDevice::new("Sam", url);
    let alex = NetDevice::new("Alex", url);
    let (alex_id, _) = pair(&sam, &alex).await.expect("pair");
    let contact = Contact {
        id: ItemId::parse("id", "alex").expect("id"),
        name: "Alex".into(),
        roles: vec![ContactRole::Mentor],
        phones: vec![],
        email: None,
        availability: String::new(),
        notes: String::new(),
        crisis_order: Some(1),
        do_not_involve: false,
    };
    sam.s().put(s::CONTACTS, contact).expect("contact");
    sam.s()
        .link_sos_contact(&ItemId::parse("id", "alex").expect("id"), Some(&alex_id))
        .expect("link");
    alex.s().register_push(PUSHKEY, APP_ID).expect("register");
    let report = alex.sync().await;
    assert!(report.interrupted.is_none(), "{report:?}");
    (sam, alex, alex_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_phone_is_woken_with_nothing_but_its_token_then_syncs_the_request() {
    let gateway = LocalGateway::start().await;
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = relay_with(&gateway, relay_dir.path());
    let (sam, alex, alex_id) = sam_and_alex(&relay.url).await;
    assert_eq!(gateway.count(), 0, "registering wakes nobody");

    // 1. Sam asks for help; Alex's phone is asleep: the gateway is called at once.
    let sent = sam.s().send_sos(sos(Some(WORDS))).expect("send");
    let report = sam.sync().await;
    assert!(
        report.interrupted.is_none() && report.sent >= 1,
        "{report:?}"
    );
    gateway
        .wait_for(1, Duration::from_secs(5))
        .await
        .expect("Alex's phone was woken");

    // Every byte of the wake-up: the device to wake, and "high" — nothing else.
    let body = &gateway.bodies()[0];
    let value: serde_json::Value = serde_json::from_slice(body).expect("JSON");
    assert_eq!(
        value,
        serde_json::json!({"notification": {
            "devices": [{"app_id": APP_ID, "pushkey": PUSHKEY}],
            "prio": "high"
        }})
    );
    let mut needles: Vec<String> = vec![
        WORDS.into(),
        "Sam".into(),
        "Alex".into(),
        sent.sos_id.clone(),
        sam.s().device_id().to_string(),
        alex_id.to_string(),
        sam.s().doc_id(DocKind::Plan).expect("plan id"),
        "52520008".into(),
        "52.52".into(),
    ];
    for store in [&sam, &alex] {
        for follow in store.s().sync().follows().expect("follows") {
            needles.push(hex::encode(follow.stream.0));
        }
    }
    for needle in &needles {
        assert!(
            !contains(body, needle.as_bytes()),
            "the wake-up holds {needle}"
        );
    }

    // 2. Woken, Alex's phone syncs and has the request.
    let report = alex.sync().await;
    assert!(report.interrupted.is_none(), "{report:?}");
    let got = alex.s().sos_received().expect("received");
    assert!(got
        .iter()
        .any(|r| r.sos_id == sent.sos_id && r.text.as_deref() == Some(WORDS)));

    // 3. Many envelopes in a burst: the first wakes at once, the rest become one wake-up at
    // the end of the interval, and no more.
    tokio::time::sleep(Duration::from_millis(INTERVAL_MS + 200)).await;
    let before = gateway.count();
    let started = Instant::now();
    let mut envelopes = 0;
    sam.s().close_sos(&sent.sos_id).expect("close");
    for _ in 0..10 {
        let next = sam.s().send_sos(sos(None)).expect("send");
        sam.s().close_sos(&next.sos_id).expect("close");
        envelopes += sam.sync().await.sent;
    }
    let burst = started.elapsed();
    tokio::time::sleep(Duration::from_millis(INTERVAL_MS * 2)).await;
    let woken = gateway.count() - before;
    let bound = 2 + (burst.as_millis() as u64 / INTERVAL_MS) as usize;
    assert!(envelopes >= 20, "{envelopes} envelopes");
    assert!(
        (2..=bound).contains(&woken),
        "{envelopes} envelopes over {burst:?} made {woken} wake-ups (at most {bound})"
    );
    assert!(
        gateway.bodies().iter().all(|b| b == &gateway.bodies()[0]),
        "every wake-up is the same bytes"
    );

    // 4. Alex's phone live: it hears the request itself and is not woken.
    let live = alex.go_live().await;
    // The claim is a frame on the socket; let the relay read it before Sam writes.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = gateway.count();
    let live_one = sam.s().send_sos(sos(None)).expect("send");
    sam.sync().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !alex
        .s()
        .sos_received()
        .expect("received")
        .iter()
        .any(|r| r.sos_id == live_one.sos_id)
    {
        assert!(Instant::now() < deadline, "the live phone got the request");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(INTERVAL_MS + 500)).await;
    assert_eq!(gateway.count(), before, "a live phone is not woken");
    live.stop().await;
    sam.s().close_sos(&live_one.sos_id).expect("close");
    sam.sync().await;
    gateway
        .wait_for(before + 1, Duration::from_secs(5))
        .await
        .expect("once the phone left, wake-ups resume");

    // 5. Unregistered (and the relay told at the next sync): no more wake-ups.
    alex.s().unregister_push().expect("unregister");
    assert_eq!(alex.s().push_gateway().expect("gateway"), None);
    alex.sync().await;
    tokio::time::sleep(Duration::from_millis(INTERVAL_MS + 200)).await;
    let before = gateway.count();
    let last = sam.s().send_sos(sos(None)).expect("send");
    sam.sync().await;
    tokio::time::sleep(Duration::from_millis(INTERVAL_MS + 500)).await;
    assert_eq!(gateway.count(), before, "no wake-ups after unregistering");
    alex.sync().await;
    assert!(alex
        .s()
        .sos_received()
        .expect("received")
        .iter()
        .any(|r| r.sos_id == last.sos_id));

    // The push token is in the relay's store (it must be, to call the gateway) only while
    // registered; the request's words never are.
    assert!(!any_file_holds(relay_dir.path(), WORDS.as_bytes()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_gateway_down_appends_succeed_and_a_restarted_relay_still_wakes() {
    let gateway = LocalGateway::start().await;
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let mut relay = relay_with(&gateway, relay_dir.path());
    let (sam, alex, _) = sam_and_alex(&relay.url).await;

    // The registration is in the relay's store: a restart keeps it.
    relay.restart();
    let first = sam.s().send_sos(sos(Some(WORDS))).expect("send");
    assert!(sam.sync().await.interrupted.is_none());
    gateway
        .wait_for(1, Duration::from_secs(5))
        .await
        .expect("woken after the relay restarted");

    // The gateway hangs (takes requests, never answers; the relay gives up after 5 s): the
    // person's requests reach the relay at once all the same.
    gateway.hang();
    tokio::time::sleep(Duration::from_millis(INTERVAL_MS + 200)).await;
    sam.s().close_sos(&first.sos_id).expect("close");
    let hung = sam.s().send_sos(sos(None)).expect("send");
    let started = Instant::now();
    let report = sam.sync().await;
    assert!(
        report.interrupted.is_none() && report.sent >= 2,
        "{report:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "an append does not wait for the gateway ({:?})",
        started.elapsed()
    );
    gateway
        .wait_for(2, Duration::from_secs(5))
        .await
        .expect("the relay did call the hanging gateway");

    // The gateway goes away altogether: appends still succeed.
    gateway.stop().await;
    tokio::time::sleep(Duration::from_millis(INTERVAL_MS + 200)).await;
    sam.s().close_sos(&hung.sos_id).expect("close");
    let second = sam.s().send_sos(sos(None)).expect("send");
    let report = sam.sync().await;
    assert!(
        report.interrupted.is_none() && report.sent >= 2,
        "{report:?}"
    );
    alex.sync().await;
    assert!(alex
        .s()
        .sos_received()
        .expect("received")
        .iter()
        .any(|r| r.sos_id == second.sos_id));
}
