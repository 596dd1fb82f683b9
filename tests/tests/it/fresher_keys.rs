//! Fresher keys (issue 20 item 6, ADR 0026): a thief who copied a device's database and reads
//! everything the relay holds afterwards opens what was written before the copy, and not what
//! the devices write once they have moved on to new prekeys and a new epoch.

use twofold_core::sections as s;
use twofold_core::store::database::Database;
use twofold_core::{Access, DocKind};
use twofold_tests::mem_devices::{coping, heads, plan_shared, settle};
use twofold_tests::relay_sim::Faults;
use twofold_tests::thief::Thief;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[test]
fn a_stolen_database_does_not_open_what_is_written_after_the_devices_heal() {
    let (relay, owner, mentor, mentor_id, plan) = plan_shared(Access::Read);
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("before the copy: call Jo"))
        .expect("put");
    settle(&[&owner, &mentor], &relay);

    // Time T: the mentor's database and its key are copied.
    mentor.s().checkpoint().expect("checkpoint");
    let den = tempfile::tempdir().expect("tempdir");
    let mut thief = Thief::copy(&mentor.path, &mentor.key, den.path());
    let read = thief.read_everything(&relay);
    assert!(
        read.contains("before the copy: call Jo"),
        "the thief's tool reads what the copy's keys open"
    );

    // The mentor's prekey period passes: it makes a new prekey and announces it.
    mentor.advance_clock(8 * DAY_MS);
    settle(&[&mentor, &owner], &relay);
    // The owner's epoch period passes: the plan gets a new epoch, its key wrapped to the
    // mentor's new prekey; then the owner writes.
    owner.advance_clock(31 * DAY_MS);
    settle(&[&owner, &mentor], &relay);
    owner
        .s()
        .put(
            s::COPING_STRATEGIES,
            coping("after the heal: walk to the river"),
        )
        .expect("put");
    settle(&[&owner, &mentor], &relay);
    let seen = mentor
        .s()
        .shared_list(&plan, s::COPING_STRATEGIES)
        .expect("read");
    assert!(
        seen.iter()
            .any(|c| c.description == "after the heal: walk to the river"),
        "the mentor reads the new edit"
    );

    let read = thief.read_everything(&relay);
    assert!(read.contains("before the copy: call Jo"));
    assert!(
        !read.contains("after the heal: walk to the river"),
        "the copy opened an edit written after the devices healed"
    );

    // A change of consent sends a grant, with a snapshot of the whole plan, on the channel:
    // the re-keyed one, which the copy's channel key and prekey do not open.
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Write, "co-write", None)
        .expect("share");
    settle(&[&owner, &mentor], &relay);
    assert_eq!(
        mentor
            .s()
            .shared_list(&plan, s::COPING_STRATEGIES)
            .expect("read")
            .len(),
        2,
        "the mentor has the plan under the new grant"
    );
    let read = thief.read_everything(&relay);
    assert!(
        !read.contains("after the heal: walk to the river"),
        "the copy opened a grant sent after the channel was re-keyed"
    );
    assert!(
        !read.contains("co-write"),
        "the copy read a control message sent after the channel was re-keyed"
    );
}

fn texts(d: &twofold_tests::mem_devices::MemDevice, plan: &str, own: bool) -> Vec<String> {
    let items = if own {
        d.s().list(s::COPING_STRATEGIES).expect("list")
    } else {
        d.s().shared_list(plan, s::COPING_STRATEGIES).expect("list")
    };
    let mut out: Vec<String> = items.into_iter().map(|c| c.description).collect();
    out.sort();
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(6),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Two devices writing one plan keep converging across several prekey rotations, channel
    /// re-keys and timed epochs, however the wire duplicates and reorders what they read.
    #[test]
    fn two_devices_converge_across_rotations_and_re_keys_on_a_bad_wire(
        steps in proptest::collection::vec((0i64..12, 0i64..40, proptest::bool::ANY), 3..6),
        seed in proptest::prelude::any::<u64>(),
    ) {
        let (relay, owner, mentor, _, plan) = plan_shared(Access::Write);
        let faults = Faults { dup_read: 0.3, reorder: true, ..Faults::NONE };
        let channels_before = relay.stream_ids().len();
        let mut written = Vec::new();
        for (i, (mentor_days, owner_days, mentor_first)) in steps.iter().enumerate() {
            mentor.advance_clock(mentor_days * DAY_MS);
            owner.advance_clock(owner_days * DAY_MS);
            let (mine, theirs) = (format!("owner {i}"), format!("mentor {i}"));
            owner.s().put(s::COPING_STRATEGIES, coping(&mine)).expect("owner writes");
            mentor
                .s()
                .shared_put(&plan, s::COPING_STRATEGIES, coping(&theirs))
                .expect("mentor writes");
            written.extend([mine, theirs]);
            for round in 0..3u64 {
                let order = if *mentor_first { [&mentor, &owner] } else { [&owner, &mentor] };
                for (j, d) in order.iter().enumerate() {
                    d.exchange(&relay, faults, seed ^ (i as u64 * 8 + round * 2 + j as u64));
                }
            }
        }
        settle(&[&owner, &mentor], &relay);
        written.sort();
        proptest::prop_assert_eq!(texts(&owner, &plan, true), written.clone());
        proptest::prop_assert_eq!(texts(&mentor, &plan, false), written);
        proptest::prop_assert_eq!(heads(&owner, &plan), heads(&mentor, &plan));
        // Re-keys and epochs made streams of their own: the first pair of prekeys re-keyed
        // the channel once, and each rotation of either side's prekey once more.
        proptest::prop_assert!(relay.stream_ids().len() > channels_before);
        let days = |k: usize| steps.iter().map(|s| if k == 0 { s.0 } else { s.1 }).sum::<i64>();
        let at_least = 2 + usize::from(days(0) >= 7) + usize::from(days(1) >= 7);
        let db = Database::open(&owner.path, &owner.key).expect("opens beside the store");
        let channels: i64 = db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM streams WHERE peer_id IS NOT NULL",
                    [],
                    |r| r.get(0),
                )?)
            })
            .expect("count");
        proptest::prop_assert!(
            channels as usize >= at_least,
            "{channels} channels, at least {at_least} expected"
        );
    }
}
