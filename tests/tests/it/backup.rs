//! Encrypted backup and restore (issue 14): backup → wipe → restore gives identical
//! documents and local records; a wrong passphrase and a damaged file are their own errors and
//! leave the store at the target untouched; hostile files never panic.

use std::collections::BTreeMap;
use std::time::Instant;

use proptest::prelude::*;
use twofold_core::backup::{self, BackupContents, KdfParams};
use twofold_core::{Access, DocKind, Error, OpenOptions, Twofold};
use twofold_tests::dataset::{populate, DatasetSpec};
use twofold_tests::dir_files::files_of;
use twofold_tests::keys::random_key;
use twofold_tests::mem_devices::{plan_shared, settle, MemDevice};

const PASS: &str = "a passphrase I chose";
const CHEAP: KdfParams = KdfParams::CHEAP_FOR_TESTS;

/// What a person would check after a restore: every document typed and by its heads, and
/// every local record the app shows.
#[derive(Debug, PartialEq)]
struct Everything {
    snapshots: Vec<twofold_core::DocumentSnapshot>,
    heads: BTreeMap<String, Vec<String>>,
    shares: Vec<twofold_core::Share>,
    disclosures: Vec<twofold_core::Disclosure>,
    peers: Vec<twofold_core::Peer>,
    shared_with_me: Vec<twofold_core::SharedDocument>,
    sos_ladder: Vec<(twofold_core::ItemId, twofold_core::KeyId)>,
    display_name: String,
}

fn everything(s: &Twofold) -> Everything {
    let mut heads = BTreeMap::new();
    let mut snapshots = Vec::new();
    for kind in DocKind::ALL.into_iter().chain([DocKind::Summary]) {
        snapshots.push(s.snapshot(kind).expect("snapshot"));
        let id = s.doc_id(kind).expect("id");
        heads.insert(id.clone(), s.doc_heads(&id).expect("heads"));
    }
    let shared_with_me = s.shared_with_me().expect("shared");
    for d in &shared_with_me {
        heads.insert(d.doc_id.clone(), s.doc_heads(&d.doc_id).expect("heads"));
    }
    Everything {
        snapshots,
        heads,
        shares: s.shares().expect("shares"),
        disclosures: s.disclosure_log().expect("log"),
        // The six digits are derived from both devices' keys, and the restored phone has new
        // keys: everything else about a pairing comes back.
        peers: s
            .peers()
            .expect("peers")
            .into_iter()
            .map(|p| twofold_core::Peer {
                verification_code: String::new(),
                ..p
            })
            .collect(),
        shared_with_me,
        sos_ladder: s.sos_ladder().expect("sos ladder"),
        display_name: s.display_name().expect("name"),
    }
}

#[test]
fn backup_wipe_restore_gives_identical_documents_shares_and_log() {
    let (relay, owner, mentor, mentor_id, _plan) = plan_shared(Access::Write);
    populate(owner.s(), 14, DatasetSpec::ONE_MONTH).expect("data");
    owner
        .s()
        .share(
            DocKind::Journal,
            &mentor_id,
            Access::Read,
            "check-ins",
            None,
        )
        .expect("share");
    let today = twofold_core::Day::parse("day", "2026-12-03").expect("day");
    let home = owner.s().home_screen(today).expect("home");
    let first_rung = home.crisis_ladder[0].contact_id.clone();
    owner
        .s()
        .link_sos_contact(&first_rung, Some(&mentor_id))
        .expect("link");
    settle(&[&owner, &mentor], &relay);
    let before = everything(owner.s());
    assert_eq!(
        before.sos_ladder.len(),
        1,
        "the SOS link is part of what must return"
    );
    let old_device = owner.s().device_id();
    // A push registration names this phone: it stays behind (the restored phone registers
    // its own token).
    owner
        .s()
        .register_push("push-token-of-the-old-phone", "org.twofold.test")
        .expect("register push");

    let file = owner.s().export_backup_with(PASS, CHEAP).expect("backup");
    let MemDevice { dir, key, .. } = owner;
    drop(dir); // the phone is gone: every file with it

    let new_phone = tempfile::tempdir().expect("tempdir");
    let path = new_phone.path().join("store.db");
    let restored =
        Twofold::restore_backup(&path, &key, &file, PASS, OpenOptions::default()).expect("restore");
    assert_eq!(everything(&restored), before);
    assert_eq!(restored.push_gateway().expect("push"), None);
    assert_ne!(
        restored.device_id(),
        old_device,
        "a restored phone has its own keys"
    );
    assert_eq!(
        restored.predecessors().expect("predecessors"),
        vec![before_keys(&file)],
        "the restored phone knows which device it succeeds"
    );
    assert!(restored.integrity_check().expect("check"));
    // It stays a working store, and survives a restart.
    restored.set_when_well("after the restore").expect("write");
    drop(restored);
    let reopened = Twofold::open(&path, &key).expect("reopen");
    assert_eq!(reopened.when_well().expect("read"), "after the restore");
    let leftovers: Vec<String> = files_of(new_phone.path())
        .into_keys()
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The public keys of the device that made the backup, read from inside it.
fn before_keys(file: &[u8]) -> twofold_core::crypto::DevicePublicKeys {
    let contents =
        BackupContents::decode(&backup::open(file, PASS).expect("open")).expect("decode");
    let last = contents.predecessors.last().expect("the maker");
    twofold_core::crypto::DevicePublicKeys::from_bytes(&hex::decode(last).expect("hex"))
        .expect("keys")
}

#[test]
fn the_backup_holds_no_secret_key_of_the_device() {
    let owner = MemDevice::new("Sam");
    let file = owner.s().export_backup_with(PASS, CHEAP).expect("backup");
    let contents =
        BackupContents::decode(&backup::open(&file, PASS).expect("open")).expect("decode");
    assert!(!contents.tables.contains_key("identity"));
    let json = serde_json::to_string(&contents).expect("json");
    assert!(!json.contains("\"secret\""), "no column named secret");
    // By design it holds the person's recovery key (ADR 0010), whose only power is to name
    // the device that succeeds this one.
    assert!(contents.tables.contains_key("recovery_identity"));
}

#[test]
fn a_wrong_passphrase_a_damaged_file_and_a_used_store_are_refused_and_touch_nothing() {
    let owner = MemDevice::new("Sam");
    populate(owner.s(), 3, DatasetSpec::ONE_MONTH).expect("data");
    let file = owner.s().export_backup_with(PASS, CHEAP).expect("backup");

    // The target: a phone whose store is already in use.
    let target = MemDevice::new("Other");
    target.s().set_when_well("mine").expect("write");
    target.s().checkpoint().expect("checkpoint");
    let files_before = files_of(target.dir.path());
    let open = || -> Result<Twofold, Error> {
        Twofold::restore_backup(
            &target.path,
            &target.key,
            &file,
            PASS,
            OpenOptions::default(),
        )
    };
    let err = |r: Result<Twofold, Error>| r.expect_err("refused");
    assert!(matches!(err(open()), Error::RestoreTargetInUse));
    assert!(matches!(
        err(Twofold::restore_backup(
            &target.path,
            &target.key,
            &file,
            "not the passphrase",
            OpenOptions::default()
        )),
        Error::WrongPassphrase
    ));
    for bad in [
        file[..file.len() / 2].to_vec(),
        file[..file.len() - 1].to_vec(),
        {
            let mut f = file.clone();
            let last = f.len() - 1;
            f[last] ^= 1;
            f
        },
        b"PK\x03\x04 a zip file".to_vec(),
    ] {
        assert!(matches!(
            err(Twofold::restore_backup(
                &target.path,
                &target.key,
                &bad,
                PASS,
                OpenOptions::default()
            )),
            Error::BackupRefused { .. }
        ));
    }
    assert_eq!(files_of(target.dir.path()), files_before);
    assert_eq!(target.s().when_well().expect("read"), "mine");
}

#[test]
fn a_fresh_unused_store_is_replaced_by_the_restore() {
    let owner = MemDevice::new("Sam");
    owner.s().set_when_well("steady").expect("write");
    let file = owner.s().export_backup_with(PASS, CHEAP).expect("backup");
    let phone = tempfile::tempdir().expect("tempdir");
    let path = phone.path().join("store.db");
    let key = random_key();
    drop(Twofold::open(&path, &key).expect("the app's first open"));
    let restored =
        Twofold::restore_backup(&path, &key, &file, PASS, OpenOptions::default()).expect("restore");
    assert_eq!(restored.when_well().expect("read"), "steady");
}

/// The real parameters once (the others use cheap ones): a figure for the unlock time.
#[test]
fn the_default_argon2id_parameters_derive_in_reasonable_time() {
    let owner = MemDevice::new("Sam");
    let started = Instant::now();
    let file = owner.s().export_backup(PASS).expect("backup");
    let sealed = started.elapsed();
    let started = Instant::now();
    backup::open(&file, PASS).expect("open");
    eprintln!(
        "Argon2id {:?}: backup {sealed:?}, open {:?}",
        KdfParams::DEFAULT,
        started.elapsed()
    );
    let header = backup::BackupHeader::decode(&file).expect("header");
    assert_eq!(header.kdf, KdfParams::DEFAULT);
}

fn restore_into_fresh(file: &[u8]) -> Result<Twofold, Error> {
    let phone = tempfile::tempdir().expect("tempdir");
    let path = phone.path().join("store.db");
    let out = Twofold::restore_backup(&path, &random_key(), file, PASS, OpenOptions::default());
    if out.is_err() {
        assert!(!path.exists(), "a refused restore leaves no store behind");
    }
    out
}

/// Contents sealed with the right passphrase but shaped by an attacker: still a typed refusal.
fn sealed(contents: &BackupContents) -> Vec<u8> {
    backup::seal(&contents.encode().expect("encode"), PASS, CHEAP).expect("seal")
}

#[test]
fn hostile_contents_under_the_right_passphrase_are_refused_by_name() {
    let owner = MemDevice::new("Sam");
    owner.s().set_when_well("steady").expect("write");
    let file = owner.s().export_backup_with(PASS, CHEAP).expect("backup");
    let good = BackupContents::decode(&backup::open(&file, PASS).expect("open")).expect("decode");
    let mut cases: Vec<BackupContents> = Vec::new();
    let mut c = good.clone();
    c.tables.insert("identity".into(), Default::default());
    cases.push(c);
    let mut c = good.clone();
    if let Some(t) = c.tables.get_mut("settings") {
        t.columns.push("value\"); DROP TABLE documents; --".into());
    }
    cases.push(c);
    let mut c = good.clone();
    if let Some(t) = c.tables.get_mut("documents") {
        t.rows[0].pop();
    }
    cases.push(c);
    let mut c = good.clone();
    if let Some(d) = c.documents.values_mut().next() {
        *d = "AAAA".into();
    }
    cases.push(c);
    let mut c = good.clone();
    c.documents.pop_first();
    cases.push(c);
    let mut c = good.clone();
    c.schema += 1;
    cases.push(c);
    let mut c = good.clone();
    c.predecessors.push("00".into());
    cases.push(c);
    let mut c = good.clone();
    // A document stored under another document's kind.
    let ids: Vec<String> = c.documents.keys().cloned().collect();
    let first = c.documents[&ids[0]].clone();
    let second = c.documents[&ids[1]].clone();
    c.documents.insert(ids[0].clone(), second);
    c.documents.insert(ids[1].clone(), first);
    cases.push(c);
    for (i, c) in cases.iter().enumerate() {
        match restore_into_fresh(&sealed(c)) {
            Err(Error::BackupRefused { .. }) => {}
            other => panic!("case {i}: {other:?}"),
        }
    }
    restore_into_fresh(&sealed(&good)).expect("the untouched contents restore");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any file a person could be handed: random bytes, or a real backup with bytes changed,
    /// cut short or extended. Never a panic, never a store left behind.
    #[test]
    fn mutated_backup_files_never_panic_and_leave_nothing(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<usize>()),
        tail in proptest::collection::vec(any::<u8>(), 0..3),
    ) {
        let mut file = small_backup().to_vec();
        for (at, v) in &edits {
            let at = at % file.len();
            file[at] = *v;
        }
        if let Some(cut) = cut {
            file.truncate(cut % (file.len() + 1));
        }
        file.extend_from_slice(&tail);
        let changed = file != small_backup();
        let result = restore_into_fresh(&file);
        prop_assert_eq!(result.is_ok(), !changed, "{:?}", result.as_ref().err());
    }

    /// Plaintext an attacker who knows the passphrase could seal: any bytes, or real contents
    /// with bytes changed.
    #[test]
    fn authentic_but_hostile_plaintext_never_panics(
        raw in proptest::collection::vec(any::<u8>(), 0..300),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        use_raw in any::<bool>(),
    ) {
        let plain = if use_raw {
            raw
        } else {
            let mut json = serde_json::to_vec(small_contents()).expect("json");
            for (at, v) in &edits {
                let at = at % json.len();
                json[at] = *v;
            }
            let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut z, &json).expect("deflate");
            z.finish().expect("deflate")
        };
        let file = backup::seal(&plain, PASS, CHEAP).expect("seal");
        // Either refused by name or, if the edit kept it meaningful, a working store.
        match restore_into_fresh(&file) {
            Ok(s) => prop_assert!(s.integrity_check().expect("check")),
            Err(Error::BackupRefused { .. }) => {}
            Err(other) => prop_assert!(false, "not a typed refusal: {other:?}"),
        }
    }
}

fn small_backup() -> &'static [u8] {
    static FILE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let owner = MemDevice::new("Sam");
        owner.s().set_when_well("steady").expect("write");
        owner.s().export_backup_with(PASS, CHEAP).expect("backup")
    })
}

fn small_contents() -> &'static BackupContents {
    static CONTENTS: std::sync::OnceLock<BackupContents> = std::sync::OnceLock::new();
    CONTENTS.get_or_init(|| {
        BackupContents::decode(&backup::open(small_backup(), PASS).expect("open")).expect("decode")
    })
}
