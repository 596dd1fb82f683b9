//! I/O faults (issue 21, ADR 0017): a full disk, a read-only file system and a failing write
//! at every write-side call of each step — open (first and again), migrate, commit, compact,
//! apply and import. A child (`fault-step`) runs the step under an `LD_PRELOAD` shim that fails
//! call N, for N = 1, 2, … until the step runs out of calls to fail. After each run:
//!
//! - the child returned a typed storage error (no panic, no abort) that names no user data;
//! - the store opens without faults, passes `integrity_check`, and holds exactly the state
//!   before the step or after it, never one between;
//! - the app goes on: after reopening, the step (if it did not land) succeeds; and in a
//!   second child the same step succeeds in the same process once space is back.
//!
//! By default every call up to the 40th is tried, then every 10th; `TWOFOLD_FAULT_STRIDE=1`
//! tries every call (the figures in ADR 0017's closing note), a larger stride fewer.

use std::path::{Path, PathBuf};

use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::faults::{
    self, coping, copy_dir, fixed_options, run_child, ChildRun, Fault, Step, StepFiles, StoreState,
    BACKUP_PASSPHRASE, CANARY,
};
use twofold_tests::mem_devices::plan_shared;
use twofold_tests::relay_sim::Faults;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
const EXE: &str = env!("CARGO_BIN_EXE_fault-step");

/// The next call to fail after `n`: every call up to 40 (where the open, the transaction
/// and its commit are), then every 10th (a restore's hundreds of page writes look alike), unless
/// `TWOFOLD_FAULT_STRIDE` says otherwise (1: every call).
fn next_call(n: u64) -> u64 {
    let stride = std::env::var("TWOFOLD_FAULT_STRIDE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&s: &u64| s > 0);
    match stride {
        Some(s) => n + s,
        None if n < 40 => n + 1,
        None => n + 10,
    }
}

/// A store with a little of everything the steps touch.
fn seeded_store(dir: &Path) -> Twofold {
    let files = StepFiles {
        dir: dir.to_path_buf(),
    };
    let store = Twofold::open_with(files.store(), &files.key(), fixed_options()).expect("open");
    store
        .put(s::COPING_STRATEGIES, coping("seed-1", "call my sister"))
        .expect("put");
    store.set_when_well("steady").expect("when well");
    store
}

/// The step's starting directory: the store (or inputs) it runs on.
fn prepare(step: Step, template: &Path) {
    std::fs::create_dir_all(template).expect("mkdir");
    match step {
        Step::OpenNew => {}
        Step::Reopen | Step::CheckIn => seeded_store(template).close(),
        Step::Migrate => {
            let from = Path::new(FIXTURES).join("before-care-content");
            std::fs::copy(from.join("s.db"), template.join("store.db")).expect("fixture");
            std::fs::copy(
                from.join("s.db.keycheck"),
                template.join("store.db.keycheck"),
            )
            .expect("fixture");
        }
        Step::PlanEdit => {
            let (_relay, owner, _mentor, _id, _plan) = plan_shared(Access::Write);
            owner.s().checkpoint().expect("checkpoint");
            copy_store(&owner.path, owner.key, template);
        }
        Step::Compact => {
            let store = seeded_store(template);
            for i in 0..6 {
                store
                    .put(s::COPING_STRATEGIES, coping(&format!("c{i}"), "breathe"))
                    .expect("put");
            }
            let plan = store.doc_id(DocKind::Plan).expect("plan");
            store.close();
            // The step's write takes the plan one chunk past this threshold.
            let chunks = plan_chunks(&template.join("store.db"), &faults::fixture_key(), &plan);
            std::fs::write(template.join("compact_after"), chunks.to_string()).expect("write");
        }
        Step::Apply => {
            let (relay, owner, mentor, _id, _plan) = plan_shared(Access::Write);
            for i in 0..3 {
                owner
                    .s()
                    .put(
                        s::COPING_STRATEGIES,
                        coping(&format!("from-owner-{i}"), CANARY),
                    )
                    .expect("put");
            }
            let report = owner.exchange(&relay, Faults::NONE, 1);
            assert!(report.sent > 0, "the owner pushed: {report:?}");
            let follows = mentor.s().sync().follows().expect("follows");
            let (stream, records) = follows
                .iter()
                .map(|f| {
                    (
                        f.stream,
                        relay.read(&f.stream, f.read_token.as_bytes(), f.after),
                    )
                })
                .find(|(_, r)| !r.is_empty())
                .expect("the owner's envelopes wait on the relay");
            mentor.s().checkpoint().expect("checkpoint");
            copy_store(&mentor.path, mentor.key, template);
            faults::write_records(&template.join("records"), &stream, &records);
        }
        Step::ImportMeetingGuide => {
            seeded_store(template).close();
            std::fs::copy(
                Path::new(FIXTURES).join("meeting_guide/tsml_quirks.json"),
                template.join("feed.json"),
            )
            .expect("feed");
        }
        Step::Restore => {
            let scratch = tempfile::tempdir().expect("tempdir");
            let store = seeded_store(scratch.path());
            store
                .put(s::CONTACTS, contact("Rosa"))
                .expect("put a contact");
            let file = store
                .export_backup_with(BACKUP_PASSPHRASE, backup::KdfParams::CHEAP_FOR_TESTS)
                .expect("backup");
            std::fs::write(template.join("backup.twofold-backup"), file).expect("write");
        }
    }
}

fn contact(name: &str) -> Contact {
    Contact {
        id: faults::fixed_id("contact-1"),
        name: name.into(),
        roles: vec![ContactRole::Peer],
        phones: vec![],
        email: None,
        availability: String::new(),
        notes: String::new(),
        crisis_order: None,
        do_not_involve: false,
    }
}

fn copy_store(path: &Path, key: [u8; 32], to: &Path) {
    for suffix in ["", ".keycheck"] {
        let mut from = path.as_os_str().to_owned();
        from.push(suffix);
        std::fs::copy(PathBuf::from(from), to.join(format!("store.db{suffix}")))
            .expect("copy the store");
    }
    std::fs::write(to.join("key"), hex::encode(key)).expect("key");
}

fn plan_chunks(path: &Path, key: &[u8; 32], plan: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key)))
        .expect("key");
    conn.query_row(
        "SELECT count(*) FROM doc_chunks WHERE doc_id = ?1",
        [plan],
        |r| r.get(0),
    )
    .expect("count")
}

/// A fresh copy of the template to run on.
fn fresh(template: &Path, root: &Path, name: &str) -> StepFiles {
    let dir = root.join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear");
    }
    copy_dir(template, &dir);
    StepFiles { dir }
}

/// The step's states before and after, read the way the checks read them (reopening).
fn reference(step: Step, template: &Path, root: &Path) -> (StoreState, StoreState) {
    let before = fresh(template, root, "before");
    let before_state = StoreState::read(&before);
    let after = fresh(template, root, "after");
    run_in_process(step, &after).expect("the step succeeds without faults");
    let after_state = StoreState::read(&after);
    assert!(
        !after_state.same_as(&before_state, step)
            || matches!(step, Step::OpenNew | Step::Reopen | Step::Migrate),
        "{}: the step changes the store",
        step.as_str()
    );
    (before_state, after_state)
}

fn run_in_process(step: Step, files: &StepFiles) -> Result<()> {
    if faults::needs_open_store(step) {
        let store = Twofold::open_with(files.store(), &files.key(), faults::step_options(files))?;
        faults::run_step(step, files, Some(&store))
    } else {
        faults::run_step(step, files, None)
    }
}

/// The child's error is one of the storage errors, and names nothing the person wrote.
fn check_error(step: Step, fault: Fault, n: u64, run: &ChildRun) {
    let ctx = format!("{} {fault:?} at call {n}", step.as_str());
    assert!(
        run.clean_exit && !run.stderr.contains("panicked"),
        "{ctx}: the child exited cleanly; stderr:\n{}",
        run.stderr
    );
    if let Some((display, debug)) = &run.error {
        assert!(
            display.starts_with("storage error (") || display.starts_with("file system error ("),
            "{ctx}: a typed storage error, got {display:?} ({debug})"
        );
        assert!(
            !display.contains(CANARY) && !debug.contains(CANARY) && !run.stderr.contains(CANARY),
            "{ctx}: the error names no user data"
        );
    }
}

/// Every fault at every call of `step`. Returns the number of child runs.
fn sweep(step: Step) -> usize {
    let root = tempfile::tempdir().expect("tempdir");
    let template = root.path().join("template");
    prepare(step, &template);
    let (before, after) = reference(step, &template, root.path());
    let (mut runs, mut known_gaps) = (0, 0);
    for fault in Fault::ALL {
        let mut n = 1;
        loop {
            let ctx = format!("{} {fault:?} at call {n}", step.as_str());
            // The fault, then the process ends: what is on disk?
            let files = fresh(&template, root.path(), "run");
            let run = run_child(Path::new(EXE), step, &files, fault, n, false);
            runs += 1;
            check_error(step, fault, n, &run);
            if !run.fired {
                assert!(run.error.is_none(), "{ctx}: no fault, no error: {run:?}");
                assert!(StoreState::read(&files).same_as(&after, step), "{ctx}");
                break;
            }
            let state = StoreState::read(&files);
            let was_before = state.same_as(&before, step);
            assert!(
                was_before || state.same_as(&after, step),
                "{ctx}: the store is at the state before or after the step, never between \
                 ({:?}):\nbefore {before:?}\nafter  {after:?}\nfound  {state:?}",
                run.error
            );
            if run.error.is_none() {
                // A fault the step rode over (a failed compaction is retried later, a failed
                // WAL reset is harmless): the step is done.
                assert!(state.same_as(&after, step), "{ctx}: ok means after");
            }
            // A read-only file system keeps the marker of the batch being applied (it can be
            // neither removed nor emptied), and the next process takes it for a record that
            // killed the app: the known gap named in ADR 0017. Counted, and held to exactly
            // that outcome.
            if step == Step::Apply && fault == Fault::ReadOnly && marker_left(&files) {
                let refused = run_in_process(step, &files).expect_err("the marker's record");
                assert!(
                    refused.to_string().contains("MalformedPayload"),
                    "{ctx}: {refused}"
                );
                known_gaps += 1;
            } else if was_before && !matches!(step, Step::Reopen | Step::Migrate | Step::OpenNew) {
                run_in_process(step, &files)
                    .unwrap_or_else(|e| panic!("{ctx}: the step succeeds after a restart: {e}"));
                assert!(StoreState::read(&files).same_as(&after, step), "{ctx}");
            }
            if step == Step::Compact {
                compaction_goes_on(&files, &ctx);
            }
            // The app goes on in the same process once space is back.
            let files = fresh(&template, root.path(), "run");
            let run = run_child(Path::new(EXE), step, &files, fault, n, true);
            runs += 1;
            check_error(step, fault, n, &run);
            if run.error.is_some() {
                assert_eq!(
                    run.retried_ok,
                    Some(true),
                    "{ctx}: the same step succeeds once the fault is gone"
                );
            }
            assert!(
                StoreState::read(&files).same_as(&after, step),
                "{ctx}: after the retry the step is done"
            );
            n = next_call(n);
        }
    }
    eprintln!(
        "io_faults {}: {runs} child runs, {known_gaps} left the applying marker on a read-only \
         file system",
        step.as_str()
    );
    runs
}

/// Whether a marker of a batch being applied is still beside the store (not empty).
fn marker_left(files: &StepFiles) -> bool {
    std::fs::metadata(files.dir.join("store.db.applying")).is_ok_and(|m| m.len() > 0)
}

/// After a compaction failed (or did not), the next write compacts the plan.
fn compaction_goes_on(files: &StepFiles, ctx: &str) {
    let store = Twofold::open_with(files.store(), &files.key(), faults::step_options(files))
        .expect("reopen");
    store
        .put(s::COPING_STRATEGIES, coping("next-write", "one more"))
        .expect("a write after the fault");
    let plan = store.doc_id(DocKind::Plan).expect("plan");
    store.close();
    let chunks = plan_chunks(&files.store(), &files.key(), &plan);
    assert!(
        chunks <= 2,
        "{ctx}: the next write compacted the plan ({chunks} chunks)"
    );
}

#[test]
fn a_fault_during_the_first_open_leaves_no_store_or_a_whole_one() {
    sweep(Step::OpenNew);
}

#[test]
fn a_fault_while_reopening_changes_nothing() {
    sweep(Step::Reopen);
}

#[test]
fn a_fault_during_the_migration_of_an_old_store_loses_nothing() {
    sweep(Step::Migrate);
}

#[test]
fn a_fault_during_a_check_in_leaves_it_whole_or_absent() {
    sweep(Step::CheckIn);
}

#[test]
fn a_fault_during_a_shared_plan_edit_keeps_the_chunk_and_the_outbox_together() {
    sweep(Step::PlanEdit);
}

#[test]
fn a_fault_during_compaction_keeps_the_document() {
    sweep(Step::Compact);
}

#[test]
fn a_fault_while_applying_a_peers_envelopes_applies_all_or_none() {
    sweep(Step::Apply);
}

#[test]
fn a_fault_during_a_meeting_guide_import_imports_all_or_nothing() {
    sweep(Step::ImportMeetingGuide);
}

#[test]
fn a_fault_during_a_restore_leaves_no_store_or_the_whole_backup() {
    sweep(Step::Restore);
}
