//! Peer circles over the in-memory relay (ADR 0019, ADR 0006's simulations): many members
//! posting between syncs over a wire that loses, duplicates and reorders, every copy ending
//! with the same messages in the same order; a removal under the same faults; and, ignored by
//! default, the two measurements (`cargo test -p twofold-tests --test it
//! circles_sim::measure -- --ignored --nocapture`).

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use twofold_tests::mem_devices::{settle, MemDevice, RELAY};
use twofold_tests::net_devices::shown_code;
use twofold_tests::relay_sim::{Faults, MemRelay};

/// Invites `member` to `circle`, compares codes and approves, over a clean wire.
fn join(host: &MemDevice, circle: &str, member: &MemDevice, relay: &MemRelay) {
    let invite = host
        .s()
        .create_circle_invite(circle, RELAY, host.s().now_ms() + 600_000)
        .expect("invite");
    let name = member.s().display_name().expect("name");
    let pending = member
        .s()
        .accept_circle_invite(&invite, &name, member.s().now_ms())
        .expect("accept");
    settle(&[member, host], relay);
    let request = host
        .s()
        .circle_join_requests(circle)
        .expect("requests")
        .pop()
        .expect("a request");
    assert_eq!(pending.verification_code, "");
    assert_eq!(
        request.verification_code,
        shown_code(member.s(), &host.s().device_id())
    );
    host.s().approve_pairing(&request.id).expect("approve");
}

fn circle_of(n: usize) -> (MemRelay, Vec<MemDevice>, String) {
    let relay = MemRelay::default();
    let devices: Vec<MemDevice> = (0..n).map(|i| MemDevice::new(&format!("m{i}"))).collect();
    let circle = devices[0]
        .s()
        .create_circle("Sim circle", "host")
        .expect("create");
    for d in &devices[1..] {
        join(&devices[0], &circle, d, &relay);
    }
    let all: Vec<&MemDevice> = devices.iter().collect();
    settle(&all, &relay);
    (relay, devices, circle)
}

fn message_ids(d: &MemDevice, circle: &str) -> Vec<String> {
    d.s()
        .circle(circle)
        .expect("circle")
        .messages
        .into_iter()
        .map(|m| m.id.as_str().to_string())
        .collect()
}

#[test]
fn many_members_posting_over_a_lossy_wire_end_with_one_order_and_a_removal_holds() {
    let (relay, devices, circle) = circle_of(8);
    let mut rng = ChaCha8Rng::seed_from_u64(18);
    let mut posted = 0;
    for round in 0..6 {
        for (i, d) in devices.iter().enumerate() {
            if rng.random_bool(0.6) {
                d.s()
                    .post_circle_message(&circle, &format!("r{round} from m{i}"), None)
                    .expect("post");
                posted += 1;
            }
        }
        // Each device syncs once, in a random order, over a wire that loses, duplicates and
        // reorders.
        let mut order: Vec<usize> = (0..devices.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        for i in order {
            let report = devices[i].exchange(&relay, Faults::HARSH, rng.random());
            assert!(report.rejected.is_empty(), "{report:?}");
        }
    }
    let all: Vec<&MemDevice> = devices.iter().collect();
    settle(&all, &relay);
    let expected = message_ids(&devices[0], &circle);
    assert_eq!(expected.len(), posted);
    for d in &devices {
        assert_eq!(message_ids(d, &circle), expected);
        assert_eq!(
            d.s().doc_heads(&circle).expect("heads"),
            devices[0].s().doc_heads(&circle).expect("heads")
        );
    }

    // The host removes one member. Once the others have synced the new epoch (ADR 0004:
    // until then a member's device still writes on the old stream, which the removed device
    // can read — the window ADR 0019 describes), they go on posting under the same faults and
    // nothing of it reaches the removed device.
    let removed = &devices[3];
    devices[0]
        .s()
        .remove_circle_member(&circle, &removed.s().device_id())
        .expect("remove");
    settle(&all, &relay);
    for round in 0..3 {
        for (i, d) in devices.iter().enumerate().filter(|(i, _)| *i != 3) {
            d.s()
                .post_circle_message(&circle, &format!("AFTER r{round} m{i}"), None)
                .expect("post");
        }
        for d in &devices {
            d.exchange(&relay, Faults::HARSH, rng.random());
        }
    }
    settle(&all, &relay);
    let texts: Vec<String> = removed
        .s()
        .circle(&circle)
        .expect("kept")
        .messages
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert!(texts.iter().all(|t| !t.starts_with("AFTER")), "{texts:?}");
    let others = message_ids(&devices[1], &circle);
    for (i, d) in devices.iter().enumerate().filter(|(i, _)| *i != 3) {
        assert_eq!(message_ids(d, &circle), others, "m{i}");
    }
    assert_eq!(others.len(), posted + 3 * (devices.len() - 1));
}

fn relay_bytes(relay: &MemRelay) -> usize {
    relay.all_bytes().iter().map(Vec::len).sum()
}

#[test]
#[ignore = "a measurement: prints figures"]
fn measure_one_message_to_29_members_and_a_new_members_first_sync_of_5000_messages() {
    // Baseline in the same run: one message between two devices (a circle of two).
    let (relay2, pair, circle2) = circle_of(2);
    let before = relay_bytes(&relay2);
    let start = Instant::now();
    pair[1]
        .s()
        .post_circle_message(&circle2, "how is everyone today?", None)
        .expect("post");
    pair[1].exchange(&relay2, Faults::NONE, 0);
    pair[0].exchange(&relay2, Faults::NONE, 0);
    let one_time = start.elapsed();
    let one_bytes = relay_bytes(&relay2) - before;

    let built = Instant::now();
    let (relay, devices, circle) = circle_of(30);
    eprintln!("circle of 30 built (29 joins) in {:?}", built.elapsed());
    let before = relay_bytes(&relay);
    let start = Instant::now();
    devices[1]
        .s()
        .post_circle_message(&circle, "how is everyone today?", None)
        .expect("post");
    devices[1].exchange(&relay, Faults::NONE, 0);
    for d in devices
        .iter()
        .filter(|d| d.s().device_id() != devices[1].s().device_id())
    {
        d.exchange(&relay, Faults::NONE, 0);
    }
    let fan_time = start.elapsed();
    let stored = relay_bytes(&relay) - before;
    let ids = message_ids(&devices[29], &circle);
    assert_eq!(ids.len(), 1);
    eprintln!(
        "one message to 29 members: {stored} bytes stored at the relay (one envelope), \
         {} bytes read by the 29 members; {fan_time:?} for the sender's push and the 29 \
         members' syncs, one after another ({:.1}x the {one_time:?} of one message to one \
         member; {one_bytes} bytes there)",
        stored * 29,
        fan_time.as_secs_f64() / one_time.as_secs_f64()
    );

    // A circle with 5,000 messages from 10 members, then a new member's first sync.
    let (relay, devices, circle) = circle_of(10);
    let start = Instant::now();
    for i in 0..5000 {
        let d = &devices[i % devices.len()];
        d.s()
            .post_circle_message(&circle, &format!("message {i}: a day at a time"), None)
            .expect("post");
        if i % 500 == 499 {
            let all: Vec<&MemDevice> = devices.iter().collect();
            settle(&all, &relay);
        }
    }
    let all: Vec<&MemDevice> = devices.iter().collect();
    settle(&all, &relay);
    eprintln!("5,000 messages posted and synced in {:?}", start.elapsed());
    let newcomer = MemDevice::new("newcomer");
    join(&devices[0], &circle, &newcomer, &relay);
    let host_sync = Instant::now();
    devices[0].exchange(&relay, Faults::NONE, 0);
    let grants_out = host_sync.elapsed();
    let start = Instant::now();
    let report = newcomer.exchange(&relay, Faults::NONE, 0);
    let first_sync = start.elapsed();
    let view = Instant::now();
    let count = newcomer.s().circle(&circle).expect("circle").messages.len();
    let view_time = view.elapsed();
    assert_eq!(count, 5000);
    // Baseline: loading the same document's bytes with Automerge alone.
    let snapshot = devices[0].s().export_circle(&circle).expect("bytes");
    let load = Instant::now();
    let _doc = automerge::AutoCommit::load(&snapshot).expect("load");
    let load_time = load.elapsed();
    eprintln!(
        "a new member's first sync of 5,000 messages: {first_sync:?} ({} records received, \
         grant snapshot {} bytes; {:.1}x Automerge's own load of it, {load_time:?}); reading \
         the circle's view after: {view_time:?}; the host's send of the 10 grants: {grants_out:?}",
        report.received,
        snapshot.len(),
        first_sync.as_secs_f64() / load_time.as_secs_f64()
    );
}
