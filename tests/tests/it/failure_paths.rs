//! What happens when things go wrong: a wrong key, a damaged file, a newer schema, a bad
//! import. In every case the person's data is neither deleted nor half-changed.

use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::keys::random_key;

fn contact(id: &str, name: &str) -> Contact {
    Contact {
        id: ItemId::parse("id", id).expect("id"),
        name: name.into(),
        roles: vec![ContactRole::Sponsor],
        phones: vec![],
        email: None,
        availability: String::new(),
        notes: String::new(),
        crisis_order: None,
        do_not_involve: false,
    }
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_wrong_key_is_its_own_error_and_touches_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let key = random_key();
    let store = Twofold::open(&path, &key).expect("open");
    store.put(s::CONTACTS, contact("c1", "Rosa")).expect("put");
    store.close();
    let before = std::fs::read(&path).expect("read");
    let names = files_in(dir.path());
    for _ in 0..3 {
        assert!(matches!(
            Twofold::open(&path, &random_key()),
            Err(Error::WrongKey)
        ));
    }
    assert!(
        std::fs::read(&path).expect("read") == before,
        "the file is byte-identical"
    );
    assert_eq!(
        files_in(dir.path()),
        names,
        "no file created, moved or removed"
    );
    // Even without the key-check file a wrong key is only ever "wrong key".
    std::fs::remove_file(dir.path().join("s.twofold.keycheck")).expect("rm");
    assert!(matches!(
        Twofold::open(&path, &random_key()),
        Err(Error::WrongKey)
    ));
    let store = Twofold::open(&path, &key).expect("the right key still opens");
    assert_eq!(store.list(s::CONTACTS).expect("list").len(), 1);
}

#[test]
fn a_wrong_key_after_a_crash_leaves_the_write_ahead_log_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let wal = dir.path().join("s.twofold-wal");
    let key = random_key();
    let store = Twofold::open(&path, &key).expect("open");
    store.set_when_well("I cook for friends").expect("write");
    // As if the app were killed: the connections are never closed, the WAL stays.
    std::mem::forget(store);
    let snapshot = || {
        (
            std::fs::read(&path).expect("main"),
            std::fs::read(&wal).expect("wal"),
        )
    };
    let before = snapshot();
    assert!(!before.1.is_empty(), "the write is still in the WAL");
    for _ in 0..3 {
        assert!(matches!(
            Twofold::open(&path, &random_key()),
            Err(Error::WrongKey)
        ));
    }
    assert!(snapshot() == before, "neither the file nor its WAL changed");
    let store = Twofold::open(&path, &key).expect("the right key opens");
    assert_eq!(store.when_well().expect("read"), "I cook for friends");
}

#[test]
fn a_damaged_file_is_moved_aside_and_reported_never_deleted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let key = random_key();
    let store = Twofold::open(&path, &key).expect("open");
    store.put(s::CONTACTS, contact("c1", "Rosa")).expect("put");
    store.close();
    // Checkpoint the WAL into the main file, then damage page 1.
    {
        let store = Twofold::open(&path, &key).expect("open");
        store.close();
    }
    let mut bytes = std::fs::read(&path).expect("read");
    for b in bytes.iter_mut().take(4096).skip(100) {
        *b ^= 0x5a;
    }
    let damaged = bytes.clone();
    std::fs::write(&path, &bytes).expect("write");
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("s.twofold{side}")));
    }
    match Twofold::open(&path, &key) {
        Err(Error::Corrupt { moved_to }) => {
            assert!(!path.exists(), "the damaged file is no longer in the way");
            assert!(
                std::fs::read(&moved_to).expect("kept") == damaged,
                "kept byte for byte"
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // The app can start again with an empty store; the damaged copy stays for recovery.
    let fresh = Twofold::open(&path, &key).expect("a fresh store opens");
    assert!(fresh.list(s::CONTACTS).expect("list").is_empty());
    assert!(files_in(dir.path()).iter().any(|n| n.contains(".damaged-")));
}

#[test]
fn a_store_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let key = random_key();
    Twofold::open(&path, &key).expect("open").close();
    {
        let conn = rusqlite::Connection::open(&path).expect("open raw");
        conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key)))
            .expect("key");
        conn.pragma_update(None, "user_version", 99).expect("bump");
    }
    let before = std::fs::read(&path).expect("read");
    match Twofold::open(&path, &key) {
        Err(Error::SchemaTooNew { found: 99, .. }) => {}
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    assert!(
        std::fs::read(&path).expect("read") == before,
        "the file is byte-identical"
    );
}

#[test]
fn malformed_imports_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Twofold::open(dir.path().join("s.twofold"), &random_key()).expect("open");
    store.put(s::CONTACTS, contact("c1", "Rosa")).expect("put");
    let good = store.export_bytes(DocKind::Contacts).expect("export");
    let json_before = store.export_json(DocKind::Contacts).expect("json");

    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    let plan_bytes = store.export_bytes(DocKind::Plan).expect("plan");
    let foreign = automerge::AutoCommit::new().save();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("truncated", good[..good.len() - 7].to_vec()),
        ("flipped byte", flipped),
        (
            "random",
            (0..500u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
        ("another kind of document", plan_bytes),
        ("an Automerge document that is not Twofold's", foreign),
        ("oversized", vec![0x85; 17 * 1024 * 1024]),
    ];
    for (what, bytes) in cases {
        let err = store
            .import_bytes(DocKind::Contacts, &bytes)
            .expect_err(what);
        assert!(
            matches!(
                err,
                Error::ImportRefused { .. } | Error::Contained { .. } | Error::Invalid(_)
            ),
            "{what}: {err:?}"
        );
        assert_eq!(
            store.export_json(DocKind::Contacts).expect("json"),
            json_before,
            "{what} changed state"
        );
    }

    let bad_json = [
        "",
        "{",
        "{\"format\":\"twofold-document\",\"version\":1,\"kind\":\"contacts\",\"data\":{\"contacts\":[{\"id\":\"x\",\"name\":\"\",\"roles\":[],\"phones\":[],\"email\":null,\"availability\":\"\",\"notes\":\"\",\"crisis_order\":null,\"do_not_involve\":false}]}}",
        "{\"format\":\"twofold-document\",\"version\":1,\"kind\":\"plan\",\"data\":{}}",
        "{\"format\":\"something-else\",\"version\":1,\"kind\":\"contacts\",\"data\":{}}",
        "{\"format\":\"twofold-document\",\"version\":2,\"kind\":\"contacts\",\"data\":{}}",
    ];
    for json in bad_json {
        let err = store.import_json(DocKind::Contacts, json).expect_err(json);
        let text = err.to_string();
        assert!(!text.contains("Rosa"), "errors never echo data: {text}");
        assert_eq!(
            store.export_json(DocKind::Contacts).expect("json"),
            json_before
        );
    }
    let err = store
        .import_json(DocKind::Contacts, bad_json[2])
        .expect_err("empty name");
    assert!(
        matches!(&err, Error::Invalid(i) if i.field == "contacts.name"),
        "{err:?}"
    );
}

#[test]
fn exports_round_trip_into_a_fresh_store_as_bytes_and_as_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Twofold::open(dir.path().join("a.twofold"), &random_key()).expect("open");
    twofold_tests::dataset::populate(&a, 7, twofold_tests::dataset::DatasetSpec::ONE_MONTH)
        .expect("data");
    let b = Twofold::open(dir.path().join("b.twofold"), &random_key()).expect("open");
    let c = Twofold::open(dir.path().join("c.twofold"), &random_key()).expect("open");
    for kind in [
        DocKind::Contacts,
        DocKind::Plan,
        DocKind::Schedule,
        DocKind::Journal,
    ] {
        b.import_bytes(kind, &a.export_bytes(kind).expect("bytes"))
            .expect("bytes import");
        c.import_json(kind, &a.export_json(kind).expect("json"))
            .expect("json import");
        assert_eq!(
            a.export_json(kind).expect("a"),
            b.export_json(kind).expect("b"),
            "{kind} via bytes"
        );
        assert_eq!(
            a.export_json(kind).expect("a"),
            c.export_json(kind).expect("c"),
            "{kind} via JSON"
        );
    }
    // Our bytes are standard Automerge: the plain library reads them.
    let plain = automerge::AutoCommit::load(&a.export_bytes(DocKind::Journal).expect("bytes"))
        .expect("plain load");
    let json = serde_json::to_value(automerge::AutoSerde::from(&plain)).expect("serde");
    assert_eq!(json["kind"], "journal");
    assert_eq!(json["check_ins"].as_object().expect("map").len(), 28);
}
