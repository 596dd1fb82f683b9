//! I/O fault injection (ADR 0017): the `LD_PRELOAD` shim in `tests/fault_shim/`, built once
//! per test process with the system's `cc`; the steps a child (`fault-step`) runs under it;
//! and what the parent compares afterwards — a store's documents and tables.
//!
//! The shim counts write-side calls (writes, syncs, truncations, opens for writing, renames,
//! unlinks) on files under one directory and fails the Nth with a chosen errno; the child arms
//! it just before the step, so opening the store first is not counted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use twofold_core::sections as s;
use twofold_core::*;

/// Where the shim's control paths live: opening one is a message to the shim (never a file).
const MAGIC: &str = "/nonexistent-twofold-fault/";

/// The time every fault run's store reads: a fixed clock makes a step's changes (and so the
/// documents' heads) the same in every run.
pub const FIXED_NOW_MS: i64 = 1_764_000_000_000;

/// Text that must never appear in an error: the steps write it into the documents.
pub const CANARY: &str = "canary-7f3e-plan-text";

/// The errno a run injects, and whether it stays (a full disk stays full until space is made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Disk full: the Nth call and every later one fail until the child frees space.
    DiskFull,
    /// A read-only file system: from the Nth call on, every write-side call fails.
    ReadOnly,
    /// One failing write: the Nth call fails with EIO, the rest succeed.
    FailingWrite,
}

impl Fault {
    pub const ALL: [Fault; 3] = [Fault::DiskFull, Fault::ReadOnly, Fault::FailingWrite];

    fn errno(self) -> &'static str {
        match self {
            Fault::DiskFull => "ENOSPC",
            Fault::ReadOnly => "EROFS",
            Fault::FailingWrite => "EIO",
        }
    }

    fn sticky(self) -> bool {
        !matches!(self, Fault::FailingWrite)
    }
}

/// One step of the store's life that writes to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The first open: the file is created, migrated, the identity and documents made.
    OpenNew,
    /// Opening a store that already holds data.
    Reopen,
    /// Opening a store written by older code (`tests/fixtures/before-care-content`).
    Migrate,
    /// A check-in: one change appended to the journal.
    CheckIn,
    /// A plan edit on a shared plan: the chunk and the outbox row in one transaction.
    PlanEdit,
    /// A write that takes the plan past its chunk threshold: the compaction that follows.
    Compact,
    /// Envelopes from a peer received through the sync engine and applied.
    Apply,
    /// A Meeting Guide JSON feed imported into the schedule.
    ImportMeetingGuide,
    /// A backup restored into a new store.
    Restore,
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::OpenNew,
        Step::Reopen,
        Step::Migrate,
        Step::CheckIn,
        Step::PlanEdit,
        Step::Compact,
        Step::Apply,
        Step::ImportMeetingGuide,
        Step::Restore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::OpenNew => "open-new",
            Step::Reopen => "reopen",
            Step::Migrate => "migrate",
            Step::CheckIn => "check-in",
            Step::PlanEdit => "plan-edit",
            Step::Compact => "compact",
            Step::Apply => "apply",
            Step::ImportMeetingGuide => "import-meeting-guide",
            Step::Restore => "restore",
        }
    }

    pub fn parse(raw: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// How much of the state the comparison can hold to. Steps that make random ids (a new
    /// identity, new documents, imported meetings) compare counts; the rest compare heads.
    pub fn compare(self) -> Compare {
        match self {
            Step::OpenNew | Step::Restore | Step::ImportMeetingGuide | Step::CheckIn => {
                Compare::Counts
            }
            _ => Compare::Exact,
        }
    }

    /// Tables whose row counts a step may leave either way: a failed compaction is logged
    /// and retried after the next write, so the chunks are compacted or not.
    pub fn loose_tables(self) -> &'static [&'static str] {
        match self {
            Step::Compact => &["doc_chunks"],
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Exact,
    Counts,
}

/// The files a step works on, in the directory the shim watches.
#[derive(Debug, Clone)]
pub struct StepFiles {
    pub dir: PathBuf,
}

impl StepFiles {
    pub fn store(&self) -> PathBuf {
        self.dir.join("store.db")
    }
    /// Inputs the step reads (the shim never fails reads): envelopes, a feed, a backup.
    pub fn input(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    /// The store's key: the `key` input (hex) when the store came from a device with a key
    /// of its own, else the fixture's.
    pub fn key(&self) -> [u8; 32] {
        std::fs::read_to_string(self.input("key"))
            .ok()
            .and_then(|k| hex::decode(k.trim()).ok())
            .and_then(|k| k.try_into().ok())
            .unwrap_or_else(fixture_key)
    }
}

/// The key of the old-schema fixture, `bytes(range(32))`, and of the stores made here.
pub fn fixture_key() -> [u8; 32] {
    std::array::from_fn(|i| i as u8)
}

pub fn fixed_options() -> OpenOptions {
    OpenOptions {
        clock: Clock::from_fn(|| FIXED_NOW_MS),
        lock_kdf: backup::KdfParams::CHEAP_FOR_TESTS,
        ..OpenOptions::default()
    }
}

/// The options a step opens its store with (the compaction step's threshold is its input).
pub fn step_options(files: &StepFiles) -> OpenOptions {
    let mut options = fixed_options();
    if let Ok(raw) = std::fs::read_to_string(files.input("compact_after")) {
        if let Ok(n) = raw.trim().parse() {
            options.compact_after_chunks = n;
        }
    }
    options
}

/// A fixed id, so that a step's change is the same in every run.
pub fn fixed_id(raw: &str) -> ItemId {
    ItemId::parse("id", raw).expect("a fixed id is valid")
}

pub fn coping(id: &str, text: &str) -> CopingStrategy {
    CopingStrategy {
        id: fixed_id(id),
        description: text.to_string(),
        domain: Domain::Both,
    }
}

pub fn meeting_guide_options() -> MeetingGuideImport {
    MeetingGuideImport {
        filter: MeetingGuideFilter::default(),
        choose: None,
        default_time_zone: "America/Chicago".into(),
        today: Day::parse("today", "2026-03-02").expect("day"),
        kind: MeetingKind::TwelveStep,
        dry_run: false,
    }
}

pub const BACKUP_PASSPHRASE: &str = "correct horse fault staple";

/// Tells the shim something by opening one of its magic paths (the open always fails).
fn tell_shim(what: &str) -> std::io::ErrorKind {
    match std::fs::File::open(format!("{MAGIC}{what}")) {
        Ok(_) => std::io::ErrorKind::Other,
        Err(e) => e.kind(),
    }
}

/// From here on the shim counts (and fails) calls.
pub fn arm() {
    tell_shim("arm");
}

/// Space came back: no more faults.
pub fn disarm() {
    tell_shim("disarm");
}

/// Whether the shim injected its fault (false: the step ran out of calls first).
pub fn fired() -> bool {
    tell_shim("fired") == std::io::ErrorKind::AlreadyExists
}

/// Runs `step` once in this process, on the store in `files` (the child's body).
pub fn run_step(step: Step, files: &StepFiles, store: Option<&Twofold>) -> Result<()> {
    let options = step_options(files);
    let key = files.key();
    match step {
        Step::OpenNew | Step::Reopen | Step::Migrate => {
            Twofold::open_with(files.store(), &key, options)?.close();
            Ok(())
        }
        Step::CheckIn => {
            let store = store.expect("the step's store is open");
            store.record_check_in(
                NewCheckIn {
                    day: Day::from_ymd("day", 2026, 3, 4)?,
                    mood: 4,
                    craving: 6,
                    sleep_hours: None,
                    medication_taken: None,
                    doses: Vec::new(),
                    used_substance: false,
                    triggers_met: vec![],
                    coping_used: vec![],
                    warning_signs: vec![],
                    note: CANARY.to_string(),
                },
                FIXED_NOW_MS,
            )?;
            Ok(())
        }
        Step::PlanEdit | Step::Compact => {
            let store = store.expect("the step's store is open");
            store.put(s::COPING_STRATEGIES, coping("fault-step", CANARY))
        }
        Step::Apply => {
            let store = store.expect("the step's store is open");
            let (stream, records) = read_records(&files.input("records"))?;
            let refs: Vec<(u64, &[u8])> = records.iter().map(|(p, b)| (*p, &b[..])).collect();
            let outcomes = store.sync().receive_batch(&stream, &refs)?;
            // A retry after a commit that did land finds the envelopes already applied.
            let applied =
                |o: &Received| matches!(o, Received::Applied { .. } | Received::Duplicate);
            if outcomes.iter().all(applied) {
                Ok(())
            } else {
                Err(Error::invalid(
                    "records",
                    format!("not every envelope was applied: {outcomes:?}"),
                ))
            }
        }
        Step::ImportMeetingGuide => {
            let store = store.expect("the step's store is open");
            let json = std::fs::read(files.input("feed.json"))?;
            store.import_meeting_guide(&json, &meeting_guide_options())?;
            Ok(())
        }
        Step::Restore => {
            let file = std::fs::read(files.input("backup.twofold-backup"))?;
            Twofold::restore_backup(files.store(), &key, &file, BACKUP_PASSPHRASE, options)?
                .close();
            Ok(())
        }
    }
}

/// Whether the step works on a store opened before it (the others open or make one).
pub fn needs_open_store(step: Step) -> bool {
    !matches!(
        step,
        Step::OpenNew | Step::Reopen | Step::Migrate | Step::Restore
    )
}

/// Envelopes for the apply step: the stream id and `(position, bytes)` records, as one
/// file (`stream hex`, then `position hex-bytes` per line).
pub fn write_records(path: &Path, stream: &crypto::StreamId, records: &[(u64, Vec<u8>)]) {
    let mut text = hex::encode(stream.0);
    for (pos, bytes) in records {
        text.push_str(&format!("\n{pos} {}", hex::encode(bytes)));
    }
    std::fs::write(path, text).expect("write the records");
}

/// Records as a transport read them: position and bytes.
pub type Records = Vec<(u64, Vec<u8>)>;

fn read_records(path: &Path) -> Result<(crypto::StreamId, Records)> {
    let text = std::fs::read_to_string(path)?;
    let bad = || Error::invalid("records", "is not a records file");
    let mut lines = text.lines();
    let stream: [u8; 16] = lines
        .next()
        .and_then(|l| hex::decode(l).ok())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    let mut records = Vec::new();
    for line in lines {
        let (pos, bytes) = line.split_once(' ').ok_or_else(bad)?;
        records.push((
            pos.parse().map_err(|_| bad())?,
            hex::decode(bytes).map_err(|_| bad())?,
        ));
    }
    Ok((crypto::StreamId(stream), records))
}

/// What a store holds, for "before or after, never between": every document's heads, the
/// item counts of the sections the steps write, and every table's row count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreState {
    pub heads: BTreeMap<String, Vec<String>>,
    pub items: BTreeMap<&'static str, usize>,
    pub tables: BTreeMap<String, i64>,
}

impl StoreState {
    /// Reads the state of the step's store (opening it: a store that will not open fails
    /// the test here).
    pub fn read(files: &StepFiles) -> StoreState {
        let store = Twofold::open_with(files.store(), &files.key(), step_options(files))
            .unwrap_or_else(|e| panic!("the store opens without faults: {e} ({e:?})"));
        let state = StoreState::of(&store, &files.store(), &files.key());
        assert!(
            store.integrity_check().expect("integrity_check runs"),
            "integrity_check passes"
        );
        state
    }

    pub fn of(store: &Twofold, path: &Path, key: &[u8; 32]) -> StoreState {
        let mut heads = BTreeMap::new();
        for kind in DocKind::ALL.into_iter().chain([DocKind::Summary]) {
            let id = store.doc_id(kind).expect("own document");
            heads.insert(
                kind.as_str().to_string(),
                store.doc_heads(&id).expect("heads"),
            );
        }
        for shared in store.shared_with_me().expect("shared") {
            heads.insert(
                format!("shared {}", shared.kind.as_str()),
                store.doc_heads(&shared.doc_id).expect("heads"),
            );
        }
        let mut items = BTreeMap::new();
        items.insert("check_ins", store.list(s::CHECK_INS).expect("list").len());
        items.insert(
            "coping",
            store.list(s::COPING_STRATEGIES).expect("list").len(),
        );
        items.insert("meetings", store.list(s::MEETINGS).expect("list").len());
        items.insert("contacts", store.list(s::CONTACTS).expect("list").len());
        let tables = table_counts(path, key);
        StoreState {
            heads,
            items,
            tables,
        }
    }

    /// Equal as far as `step` can tell.
    pub fn same_as(&self, other: &StoreState, step: Step) -> bool {
        let loose = step.loose_tables();
        let tables = |s: &StoreState| -> BTreeMap<String, i64> {
            s.tables
                .iter()
                .filter(|(t, _)| !loose.contains(&t.as_str()))
                .map(|(t, n)| (t.clone(), *n))
                .collect()
        };
        let heads_match = match step.compare() {
            Compare::Exact => self.heads == other.heads,
            Compare::Counts => {
                self.heads.keys().eq(other.heads.keys())
                    && self
                        .heads
                        .values()
                        .map(Vec::len)
                        .eq(other.heads.values().map(Vec::len))
            }
        };
        heads_match && self.items == other.items && tables(self) == tables(other)
    }
}

/// Row counts of every table of the store at `path` (a second connection beside the open
/// store: WAL lets it read).
pub fn table_counts(path: &Path, key: &[u8; 32]) -> BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open(path).expect("open the file");
    conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key)))
        .expect("key");
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .expect("tables");
    names
        .into_iter()
        .map(|name| {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| {
                    r.get(0)
                })
                .expect("count");
            (name, n)
        })
        .collect()
}

/// The shim, built once per process beside the running test binary (in cargo's target
/// directory, so no file is left in a temp folder).
pub fn shim() -> &'static Path {
    static SHIM: OnceLock<PathBuf> = OnceLock::new();
    SHIM.get_or_init(|| {
        let exe = std::env::current_exe().expect("path of the running test");
        let dir = exe.parent().expect("the test binary's directory");
        let out = dir.join("libtwofold_fault_shim.so");
        // Built under a name of this process's own, then renamed: two test processes may
        // build it at once.
        let building = dir.join(format!("libtwofold_fault_shim.{}.so", std::process::id()));
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fault_shim/fault_shim.c");
        let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
            .args(["-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o"])
            .arg(&building)
            .arg(&source)
            .arg("-ldl")
            .status()
            .expect("run cc to build the fault shim");
        assert!(status.success(), "building the fault shim failed");
        std::fs::rename(&building, &out).expect("put the fault shim in place");
        out
    })
}

/// What a child run of a step reported.
#[derive(Debug)]
pub struct ChildRun {
    /// The process exited with 0 (every error was returned, nothing panicked or aborted).
    pub clean_exit: bool,
    pub fired: bool,
    /// `None`: the step succeeded; otherwise the error's Display and Debug.
    pub error: Option<(String, String)>,
    /// With `retry`: whether the same step succeeded in the same process once the fault was
    /// gone.
    pub retried_ok: Option<bool>,
    pub stderr: String,
}

/// Runs `step` in a child under the shim, failing write-side call `at` with `fault`. With
/// `retry`, the child then frees the "disk" and runs the step again in the same process.
/// `exe` is the `fault-step` binary (`env!("CARGO_BIN_EXE_fault-step")` in a test).
pub fn run_child(
    exe: &Path,
    step: Step,
    files: &StepFiles,
    fault: Fault,
    at: u64,
    retry: bool,
) -> ChildRun {
    let out = Command::new(exe)
        .arg(step.as_str())
        .arg(&files.dir)
        .arg(if retry { "retry" } else { "once" })
        .env("LD_PRELOAD", shim())
        .env("TWOFOLD_FAULT_DIR", &files.dir)
        .env("TWOFOLD_FAULT_AT", at.to_string())
        .env("TWOFOLD_FAULT_ERRNO", fault.errno())
        .env(
            "TWOFOLD_FAULT_STICKY",
            if fault.sticky() { "1" } else { "0" },
        )
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run fault-step");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut run = ChildRun {
        clean_exit: out.status.success(),
        fired: false,
        error: None,
        retried_ok: None,
        stderr,
    };
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("fired ") {
            run.fired = rest == "yes";
        } else if let Some(rest) = line.strip_prefix("error ") {
            let (display, debug) = rest.split_once(" ||| ").unwrap_or((rest, ""));
            run.error = Some((display.to_string(), debug.to_string()));
        } else if let Some(rest) = line.strip_prefix("retry ") {
            run.retried_ok = Some(rest == "ok");
        }
    }
    run
}

/// Copies every file of `from` (a step's prepared directory) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}
