//! A lost platform key (issue 21): the Keystore key is gone after a biometric change, or the
//! app was restored to a new phone without it. Opening is refused as `WrongKey` and touches
//! nothing; a restore into the same place is refused too; setting the store aside frees the
//! place without deleting anything; the backup then brings everything back; and if the old key
//! turns up, the store set aside opens with it. (Pairing again, or the mentor recognising the
//! restored phone, is issue 14's successor part.)

use twofold_core::backup::KdfParams;
use twofold_core::{erase_store_at, set_aside_store_at, DocKind, Error, OpenOptions, Twofold};
use twofold_tests::dataset::{populate, DatasetSpec};
use twofold_tests::dir_files::files_of;
use twofold_tests::keys::random_key;

const PASS: &str = "correct horse battery staple";

#[test]
fn a_lost_key_refuses_touches_nothing_and_the_way_back_is_set_aside_then_restore() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store.db");
    let old_key = random_key();
    let owner = Twofold::open(&path, &old_key).expect("open");
    populate(&owner, 3, DatasetSpec::ONE_MONTH).expect("data");
    owner.set_when_well("walks by the sea").expect("write");
    let plan = owner.doc_id(DocKind::Plan).expect("plan");
    let backup = owner
        .export_backup_with(PASS, KdfParams::CHEAP_FOR_TESTS)
        .expect("backup");
    drop(owner);
    let dir = dir.path();
    let before = files_of(dir);

    // The platform hands the app a new key: refused, every file byte-identical.
    let new_key = random_key();
    assert!(matches!(
        Twofold::open(&path, &new_key),
        Err(Error::WrongKey)
    ));
    // A restore cannot tell the unreadable store from one in use: refused as well.
    assert!(matches!(
        Twofold::restore_backup(&path, &new_key, &backup, PASS, OpenOptions::default()),
        Err(Error::WrongKey)
    ));
    assert_eq!(files_of(dir), before, "nothing created, moved or removed");

    // The way back: set the store aside (nothing deleted), restore the backup in its place.
    let aside = set_aside_store_at(&path)
        .expect("set aside")
        .expect("there was a store");
    assert!(!path.exists());
    let restored = Twofold::restore_backup(&path, &new_key, &backup, PASS, OpenOptions::default())
        .expect("restore");
    assert_eq!(restored.when_well().expect("read"), "walks by the sea");
    assert_eq!(restored.doc_id(DocKind::Plan).expect("plan"), plan);
    restored.set_when_well("after the new key").expect("write");
    drop(restored);
    let reopened = Twofold::open(&path, &new_key).expect("the new key opens it from now on");
    assert_eq!(reopened.when_well().expect("read"), "after the new key");
    drop(reopened);

    // The old key turns up (the Keystore came back): what was set aside opens with it.
    let found = Twofold::open(&aside, &old_key).expect("the set-aside store opens");
    assert_eq!(found.when_well().expect("read"), "walks by the sea");
    drop(found);

    // "Delete everything" takes the set-aside copy too: it is the person's data.
    erase_store_at(&path).expect("erase");
    assert!(
        files_of(dir).is_empty(),
        "left: {:?}",
        files_of(dir).keys().collect::<Vec<_>>()
    );
}
