//! Erasure, end to end through a real relay process: `forget` leaves the forgotten words in
//! no file of either device (SQLite free pages and the WAL included, read by decrypting every
//! page with the store key), and "delete everything from this phone" asks the paired device
//! to delete its copy, then removes every file of the store.

use std::path::Path;

use twofold_core::sections as s;
use twofold_core::{Access, CopingStrategy, DocKind, Domain, ItemId, Twofold};
use twofold_testkit::RelayProcess;
use twofold_tests::net_devices::{pair, settle, NetDevice};
use twofold_tests::sqlcipher_pages::{contains, database_pages, store_plaintext, SQLITE_HEADER};

fn coping(id: &str, text: &str) -> CopingStrategy {
    CopingStrategy {
        id: ItemId::parse("id", id).expect("id"),
        description: text.to_string(),
        domain: Domain::Both,
    }
}

/// Whether `canary` is anywhere in the decrypted pages of `device`'s store files.
fn on_disk(device: &NetDevice, canary: &str) -> bool {
    let pages = database_pages(&device.path, &device.key);
    assert!(
        pages.first().is_some_and(|p| p.starts_with(SQLITE_HEADER)),
        "the scan decrypts the store (page 1 reads as SQLite)"
    );
    contains(
        &store_plaintext(&device.path, &device.key),
        canary.as_bytes(),
    )
}

fn in_relay_files(dir: &Path, canary: &str) -> bool {
    walk(dir)
        .iter()
        .any(|f| contains(&std::fs::read(f).unwrap_or_default(), canary.as_bytes()))
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgotten_words_are_in_no_file_of_either_device_or_the_relay() {
    const CANARY: &str = "CANARY-forget-q7tz";
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let owner = NetDevice::new("Sam", &relay.url);
    let mentor = NetDevice::new("Alex", &relay.url);
    let (mentor_id, _) = pair(&owner, &mentor).await.expect("pairing");
    let id = ItemId::parse("id", "c1").expect("id");
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("c1", CANARY))
        .expect("put");
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Read, "support", None)
        .expect("share");
    settle(&[&owner, &mentor]).await;
    // Rewritten: the words leave the plan's state but stay in its history on both phones.
    let kept = coping("c1", "call my sister");
    owner
        .s()
        .put(s::COPING_STRATEGIES, kept.clone())
        .expect("edit");
    settle(&[&owner, &mentor]).await;
    let old_plan = owner.s().doc_id(DocKind::Plan).expect("plan");
    assert_eq!(
        mentor
            .s()
            .shared_get(&old_plan, s::COPING_STRATEGIES, &id)
            .expect("shared"),
        kept
    );
    // The positive control: the scan finds the words while the history holds them.
    assert!(on_disk(&owner, CANARY), "in the owner's history");
    assert!(
        on_disk(&mentor, CANARY),
        "in the mentor's copy of the history"
    );

    owner.s().forget(DocKind::Plan).expect("forget");
    settle(&[&owner, &mentor]).await;

    let new_plan = owner.s().doc_id(DocKind::Plan).expect("plan");
    assert_ne!(new_plan, old_plan, "a new document");
    assert_eq!(
        owner.s().get(s::COPING_STRATEGIES, &id).expect("kept"),
        kept,
        "the current state survives"
    );
    assert_eq!(
        mentor
            .s()
            .shared_get(&new_plan, s::COPING_STRATEGIES, &id)
            .expect("the mentor has the new document"),
        kept
    );
    let shared = mentor.s().shared_with_me().expect("list");
    assert!(
        !shared.iter().any(|d| d.doc_id == old_plan),
        "the mentor dropped the old document"
    );
    assert!(!on_disk(&owner, CANARY), "gone from the owner's files");
    assert!(!on_disk(&mentor, CANARY), "gone from the mentor's files");
    assert!(
        !in_relay_files(relay_dir.path(), CANARY),
        "never in the relay's"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_a_phone_asks_back_what_it_shared_and_removes_every_file() {
    const CANARY: &str = "CANARY-erase-h3wd";
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let mut owner = NetDevice::new("Sam", &relay.url);
    let mentor = NetDevice::new("Alex", &relay.url);
    let (mentor_id, _) = pair(&owner, &mentor).await.expect("pairing");
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("c1", CANARY))
        .expect("put");
    for kind in [DocKind::Plan, DocKind::Schedule] {
        owner
            .s()
            .share(kind, &mentor_id, Access::Read, "support", None)
            .expect("share");
    }
    settle(&[&owner, &mentor]).await;
    assert_eq!(mentor.s().shared_with_me().expect("list").len(), 2);
    assert!(
        on_disk(&mentor, CANARY),
        "the mentor's copy holds the words"
    );

    assert_eq!(
        owner.s().prepare_erase().expect("prepare"),
        2,
        "two shares end"
    );
    settle(&[&owner, &mentor]).await;
    assert!(
        mentor.s().shared_with_me().expect("list").is_empty(),
        "the mentor's device deleted both copies"
    );
    assert!(
        !on_disk(&mentor, CANARY),
        "and their words are in none of its files"
    );
    assert!(
        mentor
            .s()
            .peers()
            .expect("peers")
            .iter()
            .any(|p| p.id == owner.s().device_id()),
        "the pairing itself stays on the mentor's side; only the person's data goes"
    );

    let dir = owner.dir.take().expect("own directory");
    owner.close();
    let store = Twofold::open(&owner.path, &owner.key).expect("reopen");
    assert!(
        store.erase().expect("erase") >= 2,
        "the database and its key check"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .collect();
    assert!(left.is_empty(), "nothing of the store is left: {left:?}");
}
