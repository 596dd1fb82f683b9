//! The home screen's read model (ADR 0021) is read only while it is in step with the
//! documents: one older than its documents, written by another version, naming another
//! document, or missing altogether is detected, the screen comes from the documents, and the
//! model is rebuilt. While it is in step, opening the store and showing the home screen load
//! no document.

use twofold_core::sections as s;
use twofold_core::store::database::Database;
use twofold_core::*;
use twofold_tests::keys::random_key;

fn today() -> Day {
    Day::from_ymd("day", 2026, 11, 25).expect("day")
}

fn contact(id: &str, name: &str, crisis_order: Option<u32>) -> Contact {
    Contact {
        id: ItemId::parse("id", id).expect("id"),
        name: name.into(),
        roles: vec![ContactRole::Sponsor],
        phones: vec![],
        email: None,
        availability: String::new(),
        notes: String::new(),
        crisis_order,
        do_not_involve: false,
    }
}

/// A store with a crisis ladder and a check-in today; returns its home screen.
fn written(path: &std::path::Path, key: &[u8; 32]) -> HomeScreen {
    let store = Twofold::open(path, key).expect("open");
    store
        .put(s::CONTACTS, contact("c1", "Sam", Some(1)))
        .expect("contact");
    store
        .record_check_in(
            NewCheckIn {
                day: today(),
                mood: 6,
                craving: 2,
                sleep_hours: None,
                medication_taken: None,
                doses: vec![],
                used_substance: false,
                triggers_met: vec![],
                coping_used: vec![],
                warning_signs: vec![],
                note: "a walk".into(),
            },
            1_764_000_000_000,
        )
        .expect("check-in");
    let home = store.home_screen(today()).expect("home");
    assert!(store.home_model_in_step().expect("model"));
    assert_eq!(home.crisis_ladder.len(), 1);
    assert!(home.checked_in_today);
    home
}

/// Changes the stored read model behind the store's back, as a write path without the hook
/// or another version of the code would leave it.
fn tamper(path: &std::path::Path, key: &[u8; 32], sql: &str) {
    let db = Database::open(path, key).expect("db");
    db.write(|tx| {
        tx.execute_batch(sql)?;
        Ok(())
    })
    .expect("tamper");
}

/// A wrong ladder in the model: shown only if the model were read when out of step.
const WRONG_LADDER: &str = "UPDATE home_model SET body = CAST('[]' AS BLOB) WHERE part = 'ladder';";

fn out_of_step_is_rebuilt_not_shown(tampering: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let key = random_key();
    let expected = written(&path, &key);
    tamper(&path, &key, &format!("{WRONG_LADDER} {tampering}"));
    let store = Twofold::open(&path, &key).expect("reopen");
    assert_eq!(store.home_screen(today()).expect("home"), expected);
    assert!(store.home_model_in_step().expect("model"), "rebuilt");
    drop(store);
    let store = Twofold::open(&path, &key).expect("reopen");
    assert_eq!(store.home_screen(today()).expect("home"), expected);
    assert!(!store.documents_loaded(), "the rebuilt model answered");
}

#[test]
fn a_model_older_than_its_documents_is_rebuilt_not_shown() {
    out_of_step_is_rebuilt_not_shown(
        "UPDATE home_model_sources SET seq = seq - 1 WHERE kind = 'contacts';",
    );
}

#[test]
fn a_model_written_by_another_version_is_rebuilt_not_shown() {
    out_of_step_is_rebuilt_not_shown("UPDATE home_model_sources SET version = version + 1;");
}

#[test]
fn a_model_naming_another_document_is_rebuilt_not_shown() {
    out_of_step_is_rebuilt_not_shown(
        "UPDATE home_model_sources SET doc_id = 'another' WHERE kind = 'plan';",
    );
}

#[test]
fn a_model_missing_a_stamp_is_rebuilt_not_shown() {
    out_of_step_is_rebuilt_not_shown("DELETE FROM home_model_sources WHERE kind = 'contacts';");
}

/// A store written before the read model existed (or by a build that never wrote it) gets
/// one when it is opened.
#[test]
fn a_store_without_a_model_gets_one_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let key = random_key();
    let expected = written(&path, &key);
    tamper(
        &path,
        &key,
        "DELETE FROM home_model; DELETE FROM home_model_sources;",
    );
    let store = Twofold::open(&path, &key).expect("reopen");
    assert!(store.home_model_in_step().expect("model"), "built at open");
    assert_eq!(store.home_screen(today()).expect("home"), expected);
}

#[test]
fn open_and_the_home_screen_read_no_document_while_the_model_is_in_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let key = random_key();
    let expected = written(&path, &key);
    let store = Twofold::open(&path, &key).expect("reopen");
    assert_eq!(store.home_screen(today()).expect("home"), expected);
    assert!(!store.documents_loaded());
    // The first call that needs a document loads them; the model follows the write.
    store
        .put(s::CONTACTS, contact("c2", "Alex", Some(2)))
        .expect("contact");
    assert!(store.documents_loaded());
    assert!(store.home_model_in_step().expect("model"));
    let home = store.home_screen(today()).expect("home");
    assert_eq!(home.crisis_ladder.len(), 2);
    assert_eq!(
        home,
        store.home_screen_from_documents(today()).expect("docs")
    );
}

/// A home screen for a day before the newest check-ins needs older ones than the model
/// keeps: it comes from the documents, and is the same.
#[test]
fn a_home_screen_for_an_earlier_day_is_right() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Twofold::open(dir.path().join("s.twofold"), &random_key()).expect("open");
    for d in 0..20 {
        let day = Day(today().0 - chrono::Duration::days(d));
        store
            .record_check_in(
                NewCheckIn {
                    day,
                    mood: (d % 11) as u8,
                    craving: 2,
                    sleep_hours: None,
                    medication_taken: None,
                    doses: vec![],
                    used_substance: false,
                    triggers_met: vec![],
                    coping_used: vec![],
                    warning_signs: vec![],
                    note: String::new(),
                },
                1_764_000_000_000 + d,
            )
            .expect("check-in");
    }
    for back in [0, 5, 12, 19, 30] {
        let day = Day(today().0 - chrono::Duration::days(back));
        let home = store.home_screen(day).expect("home");
        assert_eq!(home, store.home_screen_from_documents(day).expect("docs"));
        assert_eq!(home.checked_in_today, back < 20, "{back}");
    }
}

/// Compaction stores the same content under a new last chunk: the model stays in step.
#[test]
fn compaction_keeps_the_model_in_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let options = OpenOptions {
        compact_after_chunks: 3,
        ..OpenOptions::default()
    };
    let store =
        Twofold::open_with(dir.path().join("s.twofold"), &random_key(), options).expect("open");
    for n in 0..8 {
        store
            .put(s::CONTACTS, contact(&format!("c{n}"), "Sam", Some(n + 1)))
            .expect("contact");
        assert!(
            store.home_model_in_step().expect("model"),
            "after write {n}"
        );
    }
}
