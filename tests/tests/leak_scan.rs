//! Leak scan (issue 21): a person's and a mentor's phones through every path that can log —
//! pairing, shares, sync through a real relay (itself logging at `trace`), live sync, a direct
//! session, a request for help, backup and restore, `forget`, and refused inputs that carry the
//! person's own words — with every event of the core and its libraries captured at every level.
//! Then the words are searched for in the captured log, in the text and debug form of every
//! error, in the relay's log and files, and in every file the run left on disk. Its own test
//! binary: the capturing subscriber is process-wide and logs everything at `trace`.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use twofold_core::backup::KdfParams;
use twofold_core::sections as s;
use twofold_core::*;
use twofold_testkit::RelayProcess;
use twofold_tests::mem_devices::contains;
use twofold_tests::net_devices::{now_ms, pair, settle, NetDevice};

/// Words the person wrote, each through another path.
const PLAN: &str = "CANARY-plan-5b1e";
const WHEN_WELL: &str = "CANARY-well-d07a";
const NOTE: &str = "CANARY-note-77c2";
const CONTACT: &str = "CANARY-contact-3d44";
const FROM_MENTOR: &str = "CANARY-mentor-91fe";
const LIVE: &str = "CANARY-live-2c6b";
const DIRECT: &str = "CANARY-direct-e5a0";
const SOS: &str = "CANARY-sos-a930";
const BAD_INPUT: &str = "CANARY-input-0f18";
const PASSPHRASE: &str = "CANARY-passphrase-4411";
const ALL: [&str; 10] = [
    PLAN,
    WHEN_WELL,
    NOTE,
    CONTACT,
    FROM_MENTOR,
    LIVE,
    DIRECT,
    SOS,
    BAD_INPUT,
    PASSPHRASE,
];

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

fn holds(hay: &[u8], needle: &str) -> bool {
    contains(hay, needle.as_bytes())
}

/// Every file under `dir` modified since `since` that holds `needle` (unreadable ones skipped:
/// another process's).
fn files_holding(dir: &Path, since: SystemTime, needle: &str, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            files_holding(&path, since, needle, found);
        } else if meta.is_file()
            && meta.len() < 256 << 20
            && meta.modified().is_ok_and(|m| m >= since)
        {
            if let Ok(bytes) = std::fs::read(&path) {
                if holds(&bytes, needle) {
                    found.push(format!("{} holds {needle}", path.display()));
                }
            }
        }
    }
}

fn coping(id: &str, text: &str) -> CopingStrategy {
    CopingStrategy {
        id: ItemId::parse("id", id).expect("id"),
        description: text.to_string(),
        domain: Domain::Both,
    }
}

async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_word_the_person_wrote_reaches_a_log_an_error_or_a_stray_file() {
    let started = SystemTime::now() - Duration::from_secs(1);
    // Every temporary file of this run — the stores, the relay's (its process inherits the
    // variable), and anything a library makes — lands here, to be scanned at the end. Set
    // before any other thread of this single-test binary reads the environment.
    let tmp = tempfile::tempdir().expect("tempdir");
    std::env::set_var("TMPDIR", tmp.path());
    let log = Captured::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(log.clone())
        .with_ansi(false)
        .init();
    let mut errors: Vec<String> = Vec::new();
    let mut keep = |e: &dyn std::fmt::Debug, text: String| errors.push(format!("{text} | {e:?}"));

    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::start_logging(
        &["--data-dir".into(), relay_dir.path().display().to_string()],
        &relay_dir.path().join("relay.log"),
        "trace",
    );
    let sam = NetDevice::new("Sam", &relay.url);
    let alex = NetDevice::new("Alex", &relay.url);
    let (alex_id, _) = pair(&sam, &alex).await.expect("pair");

    // The person's words, through each kind of document.
    sam.s()
        .put(s::COPING_STRATEGIES, coping("plan1", PLAN))
        .expect("plan");
    sam.s().set_when_well(WHEN_WELL).expect("when well");
    sam.s()
        .record_check_in(
            NewCheckIn {
                day: Day::parse("day", "2026-12-01").expect("day"),
                mood: 3,
                craving: 7,
                sleep_hours: Some(4.5),
                medication_taken: Some(false),
                doses: vec![],
                used_substance: false,
                triggers_met: vec![],
                coping_used: vec![],
                warning_signs: vec![],
                note: NOTE.to_string(),
            },
            now_ms(),
        )
        .expect("check-in");
    sam.s()
        .put(
            s::CONTACTS,
            Contact {
                id: ItemId::parse("id", "alex").expect("id"),
                name: CONTACT.to_string(),
                roles: vec![ContactRole::Peer],
                phones: vec![Phone {
                    label: "mobile".into(),
                    number: "+491510000001".into(),
                }],
                email: None,
                availability: String::new(),
                notes: CONTACT.to_string(),
                crisis_order: Some(1),
                do_not_involve: false,
            },
        )
        .expect("contact");
    for kind in [DocKind::Plan, DocKind::Journal, DocKind::Contacts] {
        sam.s()
            .share(kind, &alex_id, Access::Write, "support", None)
            .expect("share");
    }
    settle(&[&sam, &alex]).await;
    let plan = sam.s().doc_id(DocKind::Plan).expect("plan id");
    alex.s()
        .shared_put(&plan, s::COPING_STRATEGIES, coping("mentor1", FROM_MENTOR))
        .expect("mentor's edit");
    settle(&[&alex, &sam]).await;

    // Live sync, both phones following.
    let sam_live = sam.go_live().await;
    let alex_live = alex.go_live().await;
    sam.s()
        .put(s::COPING_STRATEGIES, coping("live1", LIVE))
        .expect("live edit");
    let live_id = ItemId::parse("id", "live1").expect("id");
    wait_until("the live edit reached the mentor", || {
        alex.s()
            .shared_get(&plan, s::COPING_STRATEGIES, &live_id)
            .is_ok()
    })
    .await;
    drop(sam_live);
    drop(alex_live);

    // A request for help, in the person's words.
    sam.s()
        .link_sos_contact(&ItemId::parse("id", "alex").expect("id"), Some(&alex_id))
        .expect("link");
    sam.s()
        .send_sos(NewSos {
            text: Some(SOS.to_string()),
            location: None,
            wait_ms: 60_000,
        })
        .expect("sos");
    settle(&[&sam, &alex]).await;

    // In the room: a direct session.
    sam.s()
        .put(s::COPING_STRATEGIES, coping("direct1", DIRECT))
        .expect("direct edit");
    let sam_direct = DirectSync::new(sam.store(), DirectOptions::default());
    let alex_direct = DirectSync::new(alex.store(), DirectOptions::default());
    let mut listener = sam_direct
        .listen("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listen");
    let report = alex_direct
        .connect_tcp(listener.local_addr(), &sam.s().device_id())
        .await
        .expect("direct");
    assert_eq!(report.interrupted, None, "{report:?}");
    let _ = listener.next_report().await;

    // A backup, a wrong passphrase, a restore on a new phone.
    let backup = sam
        .s()
        .export_backup_with(PASSPHRASE, KdfParams::CHEAP_FOR_TESTS)
        .expect("backup");
    let new_phone = tempfile::tempdir().expect("tempdir");
    let new_path = new_phone.path().join("store.db");
    let new_key: [u8; 32] = rand::random();
    if let Err(e) = Twofold::restore_backup(
        &new_path,
        &new_key,
        &backup,
        "not the passphrase",
        OpenOptions::default(),
    ) {
        keep(&e, e.to_string());
    }
    let restored = Twofold::restore_backup(
        &new_path,
        &new_key,
        &backup,
        PASSPHRASE,
        OpenOptions::default(),
    )
    .expect("restore");
    assert!(holds(
        restored
            .export_json(DocKind::Plan)
            .expect("export")
            .as_bytes(),
        PLAN
    ));
    drop(restored);

    // Refused inputs that carry the person's words.
    let bad = format!("{BAD_INPUT} <not an id>");
    if let Err(e) = ItemId::parse("id", &bad) {
        keep(&e, e.to_string());
    }
    for kind in [DocKind::Plan, DocKind::Journal] {
        if let Err(e) = sam.s().import_json(kind, &format!("{{\"{BAD_INPUT}\": [")) {
            keep(&e, e.to_string());
        }
        if let Err(e) = sam.s().import_bytes(kind, bad.as_bytes()) {
            keep(&e, e.to_string());
        }
    }
    if let Err(e) = sam.s().accept_invite(&bad, BAD_INPUT, now_ms()) {
        keep(&e, e.to_string());
    }
    if let Err(e) = AddressHint::decode(&bad) {
        keep(&e, e.to_string());
    }
    if let Err(e) = sam.s().put(
        s::COPING_STRATEGIES,
        coping("long", &BAD_INPUT.repeat(10_000)),
    ) {
        keep(&e, e.to_string());
    }
    if let Err(e) = sam.s().send_sos(NewSos {
        text: Some(BAD_INPUT.repeat(1_000)),
        location: None,
        wait_ms: 1,
    }) {
        keep(&e, e.to_string());
    }
    assert!(errors.len() >= 8, "each bad input was refused: {errors:#?}");

    // And forget: the person takes their journal back.
    sam.s().forget(DocKind::Journal).expect("forget");
    settle(&[&sam, &alex]).await;

    // Positive controls: the words really went everywhere, and the log really captured.
    for (word, doc) in [(PLAN, DocKind::Plan), (CONTACT, DocKind::Contacts)] {
        assert!(holds(
            sam.s().export_json(doc).expect("export").as_bytes(),
            word
        ));
    }
    assert!(alex
        .s()
        .shared_get(
            &plan,
            s::COPING_STRATEGIES,
            &ItemId::parse("id", "direct1").expect("id")
        )
        .is_ok());
    let captured = log.0.lock().expect("log").clone();
    assert!(
        captured.len() > 10_000 && holds(&captured, "TRACE"),
        "the subscriber captured the libraries' trace events ({} bytes)",
        captured.len()
    );
    let relay_log = std::fs::read(relay.log()).expect("relay log");
    assert!(holds(&relay_log, "TRACE"), "the relay logged at trace");

    // The scan.
    let mut found = Vec::new();
    for word in ALL {
        if holds(&captured, word) {
            found.push(format!("the core's log holds {word}"));
        }
        for e in &errors {
            if e.contains(word) {
                found.push(format!("an error holds {word}: {}", &e[..e.len().min(200)]));
            }
        }
        // The relay's log and database, both phones' stores, the restored one: all in `tmp`.
        assert!(relay_dir.path().starts_with(tmp.path()) && sam.path.starts_with(tmp.path()));
        files_holding(tmp.path(), started, word, &mut found);
    }
    assert!(found.is_empty(), "plaintext found:\n{}", found.join("\n"));
}
