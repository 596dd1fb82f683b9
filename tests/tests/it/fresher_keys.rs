//! Fresher keys (issue 20 item 6, ADR 0027): a thief who copied a device's database and reads
//! everything the relay holds afterwards opens what was written before the copy, and not what
//! the devices write once they have moved on to new prekeys and a new epoch.

use twofold_core::sections as s;
use twofold_core::{Access, DocKind};
use twofold_tests::mem_devices::{coping, plan_shared, settle};
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
