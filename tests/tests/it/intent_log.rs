//! The check-in's intent log (ADR 0025, amended): a check-in is acknowledged once it is a
//! pending row, and folded into the journal later. Whatever the interleaving of check-ins,
//! reads, edits, deletions, reopenings and folds, the store shows what a store written the
//! direct way (each check-in put into the journal by the general write path, nothing pending)
//! shows: the same check-ins, the same ranges, the same home screen.

use std::path::Path;

use proptest::prelude::*;
use twofold_core::backup::KdfParams;
use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::keys::random_key;

/// One moment for both stores: the home screen's "now" must not differ between them.
const NOW_MS: i64 = 1_767_225_600_000 + 45 * 86_400_000;

fn options() -> OpenOptions {
    OpenOptions {
        clock: Clock::from_fn(|| NOW_MS),
        // Compactions land between folds now and then.
        compact_after_chunks: 8,
        ..OpenOptions::default()
    }
}

fn day(offset: u32) -> Day {
    Day::from_ymd("day", 2026, 1, 1 + offset % 28).expect("day")
}

fn at_ms(d: u32, at: u8) -> i64 {
    1_767_225_600_000 + i64::from(d % 28) * 86_400_000 + i64::from(at) * 6 * 3_600_000
}

fn new_check_in(d: u32, mood: u8, sleep: Option<f64>) -> NewCheckIn {
    NewCheckIn {
        day: day(d),
        mood,
        craving: 2,
        sleep_hours: sleep,
        medication_taken: None,
        doses: Vec::new(),
        used_substance: false,
        triggers_met: Vec::new(),
        coping_used: Vec::new(),
        warning_signs: Vec::new(),
        note: format!("day {d}"),
    }
}

#[derive(Debug, Clone)]
enum Step {
    CheckIn {
        day: u32,
        at: u8,
        mood: u8,
        sleep: Option<f64>,
    },
    /// A recorded check-in changed through the general path (`pick` chooses which).
    Edit {
        pick: usize,
        mood: u8,
    },
    Delete {
        pick: usize,
    },
    Range {
        from: u32,
        len: u32,
    },
    Home {
        day: u32,
    },
    /// Patterns, alerts and recovery progress, which read check-ins beside the log too.
    Insights {
        day: u32,
    },
    Reopen,
    Fold,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (0u32..30, 0u8..3, 0u8..11, proptest::option::of(0.0f64..=24.0))
            .prop_map(|(day, at, mood, sleep)| Step::CheckIn { day, at, mood, sleep }),
        1 => (any::<usize>(), 0u8..11).prop_map(|(pick, mood)| Step::Edit { pick, mood }),
        1 => any::<usize>().prop_map(|pick| Step::Delete { pick }),
        2 => (0u32..30, 0u32..10).prop_map(|(from, len)| Step::Range { from, len }),
        3 => (0u32..30).prop_map(|day| Step::Home { day }),
        2 => (0u32..30).prop_map(|day| Step::Insights { day }),
        1 => Just(Step::Reopen),
        1 => Just(Step::Fold),
    ]
}

/// The screen with sleep hours to the microhour: the read model keeps its parts as JSON, and
/// serde_json (without `float_roundtrip`) reads some f64s back one unit in the last place off
/// — on either store, whenever a check-in comes from a stored part rather than from the
/// journal or the intent log (which keeps the bits). The journal itself is compared exactly.
fn coarse(mut home: HomeScreen) -> HomeScreen {
    for c in &mut home.last_check_ins {
        c.sleep_hours = c.sleep_hours.map(|h| (h * 1e6).round() / 1e6);
    }
    home
}

fn open(path: &Path, key: &[u8; 32]) -> Twofold {
    Twofold::open_with(path, key, options()).expect("open")
}

/// `pending`: the store under test; `direct`: every check-in put into the journal at once.
struct Pair<'a> {
    path: &'a Path,
    key: [u8; 32],
    pending: Option<Twofold>,
    direct: Twofold,
    recorded: Vec<CheckIn>,
}

impl Pair<'_> {
    fn pending(&self) -> &Twofold {
        self.pending.as_ref().expect("open")
    }

    fn run(&mut self, step: &Step) -> std::result::Result<(), TestCaseError> {
        match step {
            Step::CheckIn {
                day: d,
                at,
                mood,
                sleep,
            } => {
                let c = self
                    .pending()
                    .record_check_in(new_check_in(*d, *mood, *sleep), at_ms(*d, *at))
                    .expect("check-in");
                self.direct.put(s::CHECK_INS, c.clone()).expect("direct");
                self.recorded.push(c);
            }
            Step::Edit { pick, mood } if !self.recorded.is_empty() => {
                let i = pick % self.recorded.len();
                self.recorded[i].mood = *mood;
                let c = self.recorded[i].clone();
                self.pending().put(s::CHECK_INS, c.clone()).expect("edit");
                self.direct.put(s::CHECK_INS, c).expect("direct edit");
            }
            Step::Delete { pick } if !self.recorded.is_empty() => {
                let c = self.recorded.remove(pick % self.recorded.len());
                self.pending()
                    .remove(SectionId::CheckIns, &c.id)
                    .expect("delete");
                self.direct
                    .remove(SectionId::CheckIns, &c.id)
                    .expect("direct delete");
            }
            Step::Edit { .. } | Step::Delete { .. } => {}
            Step::Range { from, len } => {
                let (from, to) = (day(*from), day(from + len));
                let (from, to) = if from <= to { (from, to) } else { (to, from) };
                let waiting = self.pending().pending_check_in_count().expect("count");
                prop_assert_eq!(
                    self.pending().check_ins_between(from, to).expect("range"),
                    self.direct
                        .check_ins_between(from, to)
                        .expect("direct range")
                );
                // Read beside the log, not after a fold (ADR 0025, "A read of check-ins").
                prop_assert_eq!(
                    self.pending().pending_check_in_count().expect("count"),
                    waiting
                );
            }
            Step::Insights { day: d } => {
                let waiting = self.pending().pending_check_in_count().expect("count");
                prop_assert_eq!(
                    self.pending().patterns(day(*d)).expect("patterns"),
                    self.direct.patterns(day(*d)).expect("direct patterns")
                );
                prop_assert_eq!(
                    self.pending().alerts(day(*d)).expect("alerts"),
                    self.direct.alerts(day(*d)).expect("direct alerts")
                );
                prop_assert_eq!(
                    self.pending().recovery_progress(day(*d)).expect("progress"),
                    self.direct
                        .recovery_progress(day(*d))
                        .expect("direct progress")
                );
                prop_assert_eq!(
                    self.pending().pending_check_in_count().expect("count"),
                    waiting
                );
            }
            Step::Home { day: d } => {
                // From the read model with whatever is pending on top: no document loaded
                // for it, and the screen the direct store shows.
                let loaded = self.pending().documents_loaded();
                let home = self.pending().home_screen(day(*d)).expect("home");
                let direct = self.direct.home_screen(day(*d)).expect("direct");
                prop_assert_eq!(coarse(home), coarse(direct));
                // (For a day before some check-ins the model may not hold the ones it needs
                // and the screen comes from the documents, as without the intent log.)
                let answered_by_model = self.recorded.iter().all(|c| c.day <= day(*d));
                prop_assert!(
                    loaded || !answered_by_model || !self.pending().documents_loaded(),
                    "the home screen loaded the documents"
                );
            }
            Step::Reopen => {
                drop(self.pending.take());
                self.pending = Some(open(self.path, &self.key));
            }
            Step::Fold => {
                self.pending().fold_check_ins().expect("fold");
                prop_assert_eq!(self.pending().pending_check_in_count().expect("count"), 0);
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_interleaving_shows_what_the_direct_path_shows(
        steps in proptest::collection::vec(step(), 1..40),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("pending.twofold");
        let key = random_key();
        let mut pair = Pair {
            path: &path,
            key,
            pending: Some(open(&path, &key)),
            direct: open(&dir.path().join("direct.twofold"), &random_key()),
            recorded: Vec::new(),
        };
        for step in &steps {
            pair.run(step)?;
        }
        // The end: the journal holds exactly the check-ins recorded (each once), as the
        // direct store's does, and nothing is left pending after a read.
        let mut want = pair.recorded.clone();
        want.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        let mut got = pair.pending().list(s::CHECK_INS).expect("list");
        got.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        prop_assert_eq!(&got, &want);
        let mut direct = pair.direct.list(s::CHECK_INS).expect("direct list");
        direct.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        prop_assert_eq!(&got, &direct);
        prop_assert_eq!(pair.pending().pending_check_in_count().expect("count"), 0);
        prop_assert_eq!(
            coarse(pair.pending().home_screen(day(29)).expect("home")),
            coarse(pair.pending().home_screen_from_documents(day(29)).expect("from documents"))
        );
    }
}

/// A check-in not yet folded is in a backup made right after it, and in the restored store.
#[test]
fn a_backup_holds_the_check_ins_still_pending() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir.path().join("s.twofold"), &random_key());
    let c = store
        .record_check_in(new_check_in(3, 7, Some(7.25)), at_ms(3, 1))
        .expect("check-in");
    assert_eq!(store.pending_check_in_count().expect("count"), 1);
    let file = store
        .export_backup_with("a long passphrase", KdfParams::CHEAP_FOR_TESTS)
        .expect("backup");
    assert_eq!(store.pending_check_in_count().expect("count"), 0);
    let restored = Twofold::restore_backup(
        dir.path().join("restored.twofold"),
        &random_key(),
        &file,
        "a long passphrase",
        options(),
    )
    .expect("restore");
    assert_eq!(restored.get(s::CHECK_INS, &c.id).expect("restored"), c);
}

/// The fold makes the change a direct check-in made: its time is when the check-in was
/// acknowledged, whenever the fold runs; and the check-in's own `at_ms` is kept.
#[test]
fn the_folded_change_carries_the_time_the_check_in_was_acknowledged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let key = random_key();
    let now = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(NOW_MS));
    let clock_now = now.clone();
    let store = Twofold::open_with(
        &path,
        &key,
        OpenOptions {
            clock: Clock::from_fn(move || clock_now.load(std::sync::atomic::Ordering::SeqCst)),
            ..OpenOptions::default()
        },
    )
    .expect("open");
    let c = store
        .record_check_in(new_check_in(3, 7, None), at_ms(3, 1))
        .expect("check-in");
    now.store(NOW_MS + 3_600_000, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(store.fold_check_ins().expect("fold"), 1);
    drop(store);
    let db = twofold_core::store::database::Database::open(&path, &key).expect("db");
    let bytes: Vec<u8> = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT c.bytes FROM doc_chunks c JOIN documents d USING (doc_id)
                 WHERE d.kind = 'journal' ORDER BY c.seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .expect("the folded change");
    let change = automerge::Change::from_bytes(bytes).expect("one change");
    assert_eq!(change.timestamp(), NOW_MS / 1000);
    drop(db);
    let store = open(&path, &key);
    assert_eq!(
        store.get(s::CHECK_INS, &c.id).expect("kept").at_ms,
        at_ms(3, 1)
    );
}

/// A read of another document does not wait for a fold (ADR 0025: reads do not wait for a
/// write's fsync), nor does a read of check-ins, which reads the log beside the journal; the
/// first read that goes to the journal's documents otherwise folds, and sees the check-in.
#[test]
fn only_a_read_of_the_journal_folds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir.path().join("s.twofold"), &random_key());
    store.set_when_well("steady").expect("plan");
    let c = store
        .record_check_in(new_check_in(3, 7, None), at_ms(3, 1))
        .expect("check-in");
    assert_eq!(store.when_well().expect("plan"), "steady");
    assert!(store.list(s::COPING_STRATEGIES).expect("plan").is_empty());
    // The journal's other sections: a fold does not touch them.
    assert!(store.list(s::MEDICATION_SCHEDULE).expect("meds").is_empty());
    assert_eq!(store.count(SectionId::Lapses).expect("lapses"), 0);
    assert_eq!(store.pending_check_in_count().expect("count"), 1);
    assert_eq!(
        store.check_ins_between(day(3), day(3)).expect("range"),
        vec![c.clone()]
    );
    assert_eq!(store.pending_check_in_count().expect("count"), 1);
    assert_eq!(store.list(s::CHECK_INS).expect("list"), vec![c]);
    assert_eq!(store.pending_check_in_count().expect("count"), 0);
}

/// Erasing the store takes the check-ins still pending with it: a store opened at the same
/// path afterwards is new.
#[test]
fn erasing_the_store_erases_the_pending_check_ins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.twofold");
    let key = random_key();
    let store = open(&path, &key);
    store
        .record_check_in(new_check_in(3, 7, None), at_ms(3, 1))
        .expect("check-in");
    assert_eq!(store.pending_check_in_count().expect("count"), 1);
    store.erase().expect("erase");
    let store = open(&path, &key);
    assert_eq!(store.pending_check_in_count().expect("count"), 0);
    assert!(store.list(s::CHECK_INS).expect("list").is_empty());
}
