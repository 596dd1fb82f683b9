//! A write the API acknowledged survives a killed process: a child writes through the API and
//! is killed with SIGKILL at a random moment, at least 200 times; after each kill the store
//! opens, `integrity_check` passes, every acknowledged write is there, and the home screen
//! from the read model equals the one computed from the documents. Check-ins go through the
//! intent log (ADR 0025): a kill after the acknowledgement and before the fold leaves them
//! pending (the home screen shows them, the first read folds them), a kill mid-fold leaves
//! the fold undone; either way each check-in is in the journal exactly once, by one change.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use automerge::AutoCommit;
use rand::{Rng, SeedableRng};
use twofold_core::sections as s;
use twofold_core::store::{chunks, database::Database};
use twofold_core::*;
use twofold_tests::keys::random_key;

fn iterations() -> usize {
    std::env::var("TWOFOLD_KILL_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = random_key();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x6b696c6c);
    let mut path = dir.path().join("store-0.twofold");
    let mut acked_total = 0usize;
    let mut last_when_well: Option<u64> = None;
    let mut acked_check_ins: Vec<String> = Vec::new();
    let mut acked_contacts: Vec<String> = Vec::new();
    let mut model_answered = 0usize;
    let mut left_pending = 0usize;
    let genesis_changes = {
        let fresh = dir.path().join("fresh.twofold");
        let journal = Twofold::open(&fresh, &key)
            .and_then(|store| store.doc_id(DocKind::Journal))
            .expect("a fresh journal");
        journal_changes(&fresh, &key, &journal)
    };
    let runs = iterations();
    for i in 0..runs {
        if i % 40 == 0 {
            // A fresh file now and then keeps each run's open fast.
            path = dir.path().join(format!("store-{i}.twofold"));
            acked_check_ins.clear();
            acked_contacts.clear();
            last_when_well = None;
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_kill-writer"))
            .arg(&path)
            .arg(hex::encode(key))
            .arg(i.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn writer");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        // Most runs are killed while writing; every eighth while still opening (creating the
        // file, migrating, making the documents).
        let during_open = i % 8 == 7;
        if during_open {
            std::thread::sleep(Duration::from_micros(rng.random_range(0..3_000)));
        } else {
            let mut first = String::new();
            stdout.read_line(&mut first).expect("read");
            assert_eq!(
                first.trim_end(),
                "ready",
                "run {i}: the writer opened the store"
            );
        }
        let reader = std::thread::spawn(move || {
            stdout
                .lines()
                .map_while(std::result::Result::ok)
                .filter(|l| l != "ready")
                .collect::<Vec<String>>()
        });
        if !during_open {
            std::thread::sleep(Duration::from_millis(rng.random_range(1..60)));
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let lines = reader.join().expect("reader thread");
        for line in lines.iter().filter_map(|l| l.strip_prefix("ack ")) {
            let mut parts = line.splitn(2, ' ');
            match (parts.next(), parts.next()) {
                (Some("check_in"), Some(id)) => acked_check_ins.push(id.to_string()),
                (Some("contact"), Some(id)) => acked_contacts.push(id.to_string()),
                (Some("when_well"), Some(v)) => {
                    last_when_well =
                        Some(v.split(' ').nth(1).and_then(|n| n.parse().ok()).expect("n"));
                    assert_eq!(v.split(' ').next(), Some(i.to_string().as_str()));
                }
                other => panic!("unexpected line {other:?}"),
            }
            acked_total += 1;
        }

        let store = Twofold::open(&path, &key).expect("the store opens after a kill");
        // The home screen's read model (ADR 0021): whatever the kill interrupted, the screen
        // equals the one computed from the documents. Asked first, before anything loads the
        // documents, so that it comes from the read model whenever that is in step.
        let today = Day::from_ymd("day", 2026, 11, 25).expect("day");
        // Check-ins acknowledged and not folded when the kill came: still in the log.
        if store.pending_check_in_count().expect("pending") > 0 {
            left_pending += 1;
        }
        if store.home_model_in_step().expect("model state") {
            model_answered += 1;
            assert!(
                !store.documents_loaded(),
                "run {i}: open loaded the documents"
            );
        }
        let home = store.home_screen(today).expect("home screen");
        assert_eq!(
            home,
            store
                .home_screen_from_documents(today)
                .expect("from documents"),
            "run {i}: the read model's home screen differs from the documents'"
        );
        assert!(
            store.home_model_in_step().expect("model state"),
            "run {i}: the home screen left the read model out of step"
        );
        assert!(
            store.integrity_check().expect("integrity_check runs"),
            "run {i}: integrity"
        );
        for id in &acked_check_ins {
            let id = ItemId::parse("id", id).expect("id");
            store
                .get(s::CHECK_INS, &id)
                .unwrap_or_else(|e| panic!("run {i}: acknowledged check-in {id} lost: {e}"));
        }
        for id in &acked_contacts {
            let id = ItemId::parse("id", id).expect("id");
            store
                .get(s::CONTACTS, &id)
                .unwrap_or_else(|e| panic!("run {i}: acknowledged contact {id} lost: {e}"));
        }
        if let Some(acked) = last_when_well {
            let text = store.when_well().expect("when_well");
            let stored: Option<(u64, u64)> = text
                .split_once(' ')
                .and_then(|(run, n)| Some((run.parse().ok()?, n.parse().ok()?)));
            let (run, n) = stored.expect("a value written by the writer");
            // The value is the last acknowledged one, or a later one whose ack was cut off.
            assert!(
                run == i as u64 && n >= acked,
                "run {i}: when_well went back from {acked} to {run} {n}"
            );
        }
        // The next run starts a new writer; older acks of earlier runs still count.
        last_when_well = None;
        // Folded exactly once: nothing left in the log, and the journal holds one change per
        // check-in beyond its genesis (a row folded again would add a second).
        assert_eq!(
            store.pending_check_in_count().expect("pending"),
            0,
            "run {i}"
        );
        let in_journal = store.list(s::CHECK_INS).expect("check-ins").len();
        let journal = store.doc_id(DocKind::Journal).expect("journal");
        store.close();
        assert_eq!(
            journal_changes(&path, &key, &journal),
            genesis_changes + in_journal,
            "run {i}: a check-in was folded more than once"
        );
    }
    eprintln!(
        "kill test: {runs} kills, {acked_total} acknowledged writes checked, \
         {left_pending} kills left check-ins pending"
    );
    // The case the intent log adds: killed after the acknowledgement, before the fold.
    assert!(
        left_pending > runs / 10,
        "only {left_pending} of {runs} kills left check-ins pending"
    );
    assert!(acked_total > runs, "the writer made progress");
    // Most kills land while writing, after the read model was first built.
    assert!(
        model_answered > runs / 2,
        "the read model answered after only {model_answered} of {runs} kills"
    );
}

/// How many changes the journal `doc_id` of the store at `path` holds, as stored.
fn journal_changes(path: &std::path::Path, key: &[u8; 32], doc_id: &str) -> usize {
    let db = Database::open(path, key).expect("db");
    let stored = db
        .read(|c| chunks::load(c, doc_id))
        .expect("journal chunks");
    let mut am = AutoCommit::load(&stored.bytes).expect("the journal loads");
    am.get_changes(&[]).len()
}
