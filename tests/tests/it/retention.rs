//! Retention and forget on the relay, the device's side (issue 20 item 5, ADR 0023), through a
//! real relay process: the device that made a document stream claims it, trims it through
//! what every member has read, and deletes it once nobody needs it; the relay's files are
//! scanned for the dropped records' bytes afterwards.

use std::path::Path;

use twofold_core::sections as s;
use twofold_core::{Access, CopingStrategy, DocKind, Domain, ItemId};
use twofold_testkit::RelayProcess;
use twofold_tests::dir_files::any_file_holds;
use twofold_tests::net_devices::{pair, settle, NetDevice};

/// Past a member's report interval (6 hours), so its next sync tells the owner what it read.
const LATER: i64 = 7 * 60 * 60 * 1000;

fn coping(id: &str) -> CopingStrategy {
    CopingStrategy {
        id: ItemId::parse("id", id).expect("id"),
        description: format!("step {id}"),
        domain: Domain::Both,
    }
}

fn relay_db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        dir.join("relay.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("the relay's database")
}

/// The streams whose owner right the relay holds.
fn owned_streams(dir: &Path) -> Vec<Vec<u8>> {
    relay_db(dir)
        .prepare("SELECT id FROM stream_owners ORDER BY id")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids")
}

/// The records the relay stores for `stream`: position and body.
fn records(dir: &Path, stream: &[u8]) -> Vec<(i64, Vec<u8>)> {
    relay_db(dir)
        .prepare("SELECT position, body FROM envelopes WHERE stream = ?1 ORDER BY position")
        .expect("query")
        .query_map([stream], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("records")
}

/// The last 64 bytes of a record: ciphertext and tag, found nowhere else by chance.
fn tail(body: &[u8]) -> &[u8] {
    &body[body.len() - 64..]
}

/// A member reads what is new, then, its report interval later, tells the owner.
async fn read_and_report(member: &NetDevice) {
    sync_twice(member).await;
    member.advance_clock(LATER);
    sync_twice(member).await;
}

async fn sync_twice(device: &NetDevice) {
    for _ in 0..2 {
        let report = device.sync().await;
        assert!(report.interrupted.is_none(), "{report:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_trims_only_what_every_member_read_and_a_member_that_was_offline_converges() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let owner = NetDevice::new("Sam", &relay.url);
    let alex = NetDevice::new("Alex", &relay.url);
    let bo = NetDevice::new("Bo", &relay.url);
    let (alex_id, _) = pair(&owner, &alex).await.expect("pairing");
    let (bo_id, _) = pair(&owner, &bo).await.expect("pairing");
    for id in [&alex_id, &bo_id] {
        owner
            .s()
            .share(DocKind::Plan, id, Access::Read, "support", None)
            .expect("share");
    }
    settle(&[&owner, &alex, &bo]).await;
    let plan = owner.s().doc_id(DocKind::Plan).expect("plan");
    let owned = owned_streams(relay_dir.path());
    assert_eq!(
        owned.len(),
        1,
        "the plan's current stream is claimed; the first epoch's was deleted"
    );
    let stream = owned[0].clone();

    for i in 0..3 {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(&format!("a{i}")))
            .expect("edit");
    }
    sync_twice(&owner).await;
    // Bo reads the first edits and tells the owner, then is offline for a while.
    read_and_report(&bo).await;
    let read_by_bo = records(relay_dir.path(), &stream);
    assert!(!read_by_bo.is_empty(), "the first edits are on the relay");

    for i in 0..3 {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(&format!("b{i}")))
            .expect("edit");
    }
    sync_twice(&owner).await;
    read_and_report(&alex).await;
    let before = records(relay_dir.path(), &stream);
    assert!(before.len() > read_by_bo.len(), "the later edits are there");

    // Both reports are in: the owner trims through Bo's, the lower.
    sync_twice(&owner).await;
    let after = records(relay_dir.path(), &stream);
    let kept: Vec<_> = before[read_by_bo.len()..].to_vec();
    assert_eq!(after, kept, "exactly what Bo had read is trimmed");
    for (position, body) in &read_by_bo {
        assert!(
            !any_file_holds(relay_dir.path(), tail(body)),
            "the relay's files still hold trimmed record {position}"
        );
    }
    for (position, body) in &kept {
        assert!(
            any_file_holds(relay_dir.path(), tail(body)),
            "positive control: record {position} is in the relay's files"
        );
    }

    // Bo comes back and reads what it missed, from the records the trim kept.
    read_and_report(&bo).await;
    for i in 0..3 {
        for id in [format!("a{i}"), format!("b{i}")] {
            let item = ItemId::parse("id", &id).expect("id");
            assert_eq!(
                bo.s()
                    .shared_get(&plan, s::COPING_STRATEGIES, &item)
                    .expect("Bo converged"),
                coping(&id)
            );
        }
    }
    // Now everyone has read everything: all of it goes.
    sync_twice(&owner).await;
    assert_eq!(records(relay_dir.path(), &stream), vec![]);
    for (position, body) in &before {
        assert!(
            !any_file_holds(relay_dir.path(), tail(body)),
            "the relay's files still hold record {position}"
        );
    }
    // A new edit still reaches both members on the trimmed stream.
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("c0"))
        .expect("edit");
    settle(&[&owner, &alex, &bo]).await;
    let item = ItemId::parse("id", "c0").expect("id");
    for member in [&alex, &bo] {
        assert!(member
            .s()
            .shared_get(&plan, s::COPING_STRATEGIES, &item)
            .is_ok());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_and_unpair_delete_the_streams_nobody_needs_from_the_relay() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let owner = NetDevice::new("Sam", &relay.url);
    let alex = NetDevice::new("Alex", &relay.url);
    let (alex_id, _) = pair(&owner, &alex).await.expect("pairing");
    owner
        .s()
        .share(DocKind::Plan, &alex_id, Access::Write, "support", None)
        .expect("share");
    settle(&[&owner, &alex]).await;
    let old_plan = owner.s().doc_id(DocKind::Plan).expect("plan");
    for i in 0..3 {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(&format!("o{i}")))
            .expect("edit");
    }
    alex.s()
        .shared_put(&old_plan, s::COPING_STRATEGIES, coping("m0"))
        .expect("mentor edit");
    settle(&[&owner, &alex]).await;
    // One more edit the mentor has not read yet (what both had read may be trimmed already).
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("o3"))
        .expect("edit");
    sync_twice(&owner).await;
    let first = owned_streams(relay_dir.path());
    assert_eq!(first.len(), 1);
    let old = records(relay_dir.path(), &first[0]);
    assert!(!old.is_empty(), "records of the plan are on the relay");
    for (position, body) in &old {
        assert!(
            any_file_holds(relay_dir.path(), tail(body)),
            "positive control: record {position} is in the relay's files"
        );
    }

    // Forget: the plan is made again without history; its old stream goes with the sync that
    // sends the new grant.
    owner.s().forget(DocKind::Plan).expect("forget");
    sync_twice(&owner).await;
    assert_eq!(records(relay_dir.path(), &first[0]), vec![]);
    for (position, body) in &old {
        assert!(
            !any_file_holds(relay_dir.path(), tail(body)),
            "the relay's files still hold forgotten record {position}"
        );
    }
    let second = owned_streams(relay_dir.path());
    assert_eq!(second.len(), 1, "only the new plan's stream is owned");
    assert_ne!(second, first);
    settle(&[&owner, &alex]).await;
    let new_plan = owner.s().doc_id(DocKind::Plan).expect("plan");
    for id in ["o2", "o3", "m0"] {
        let item = ItemId::parse("id", id).expect("id");
        assert!(
            alex.s()
                .shared_get(&new_plan, s::COPING_STRATEGIES, &item)
                .is_ok(),
            "{id} reached the mentor in the re-created plan"
        );
    }
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("o9"))
        .expect("edit");
    sync_twice(&owner).await;
    let kept = records(relay_dir.path(), &second[0]);
    assert!(!kept.is_empty());

    // Unpairing ends the last share: nobody reads the plan's stream any more.
    owner.s().unpair(&alex_id).expect("unpair");
    sync_twice(&owner).await;
    assert_eq!(owned_streams(relay_dir.path()), Vec::<Vec<u8>>::new());
    assert_eq!(records(relay_dir.path(), &second[0]), vec![]);
    for (position, body) in &kept {
        assert!(
            !any_file_holds(relay_dir.path(), tail(body)),
            "the relay's files still hold record {position} after unpairing"
        );
    }
}

/// A phone restored from a backup reads what its predecessor sent after the backup from the
/// relay (ADR 0010): the owner never trims past the cursor its latest backup holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_never_trims_past_what_its_latest_backup_holds() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let owner = NetDevice::new("Sam", &relay.url);
    let alex = NetDevice::new("Alex", &relay.url);
    let (alex_id, _) = pair(&owner, &alex).await.expect("pairing");
    owner
        .s()
        .share(DocKind::Plan, &alex_id, Access::Read, "support", None)
        .expect("share");
    settle(&[&owner, &alex]).await;
    let stream = owned_streams(relay_dir.path()).remove(0);
    for i in 0..3 {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(&format!("a{i}")))
            .expect("edit");
    }
    sync_twice(&owner).await;
    let in_backup = records(relay_dir.path(), &stream);
    owner
        .s()
        .export_backup_with(
            "correct horse battery staple",
            twofold_core::backup::KdfParams::CHEAP_FOR_TESTS,
        )
        .expect("backup");
    for i in 0..3 {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(&format!("b{i}")))
            .expect("edit");
    }
    sync_twice(&owner).await;
    let before = records(relay_dir.path(), &stream);
    read_and_report(&alex).await;
    sync_twice(&owner).await;
    assert_eq!(
        records(relay_dir.path(), &stream),
        before[in_backup.len()..].to_vec(),
        "trimmed through the backup's cursor, not through everything the member read"
    );
}
