//! Store benchmarks on the design's five-year data set. Each figure is printed beside a
//! baseline measured in the same run, as a ratio; the targets are the design's. These are
//! benchmarks, not tests: they report, they do not fail.
//!
//! `cargo bench -p twofold-tests --bench store` (add `-- --quick` for fewer rounds;
//! `-- --check-in-only` for section 3 alone, the check-in against the bare insert, and
//! `--writes N` for N of each: what profiling the write path wants; `-- --years-only` for
//! open + home screen on one, five and ten years alone).
#![allow(clippy::print_stdout)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use twofold_core::store::{chunks, database::Database};
use twofold_core::*;
use twofold_tests::dataset::{end_day, populate, DatasetSpec};
use twofold_tests::keys::random_key;

const CHILD: &str = "TWOFOLD_BENCH_CHILD";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Read system calls this process has made so far (Linux; 0 elsewhere). The store's pages are
/// read one call each, so the difference across open + home counts the pages it read: a
/// figure the machine's load does not move, beside the time, which it does.
fn read_calls() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("syscr: "))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// In a fresh process: open the store and answer the home screen; print time, peak memory and
/// the read calls it made.
fn child(mode: &str, path: &str, key_hex: &str) {
    let key: [u8; 32] = hex::decode(key_hex)
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    let reads_before = read_calls();
    let start = Instant::now();
    // "home-silent": a month after the last check-in, when a person may need the app most.
    // "home-documents": the screen computed from the documents, as before the read model.
    if mode != "idle" {
        let today = match mode {
            "home-silent" => Day(end_day().0 + chrono::Duration::days(31)),
            _ => end_day(),
        };
        let store = Twofold::open(path, &key).expect("open");
        let home = if mode == "home-documents" {
            store.home_screen_from_documents(today).expect("home")
        } else {
            store.home_screen(today).expect("home")
        };
        assert!(!home.crisis_ladder.is_empty() && home.last_check_ins.len() == 7);
        assert_eq!(
            store.documents_loaded(),
            mode == "home-documents",
            "the read model answered ({mode})"
        );
    }
    let elapsed = start.elapsed();
    let reads = read_calls() - reads_before;
    println!("{} {} {reads}", elapsed.as_micros(), peak_rss_kib());
}

/// A child's time, peak memory (KiB) and read calls.
fn run_child(mode: &str, path: &Path, key: &[u8; 32]) -> (Duration, u64, u64) {
    let out = Command::new(std::env::current_exe().expect("exe"))
        .env(CHILD, mode)
        .arg(path)
        .arg(hex::encode(key))
        .output()
        .expect("child");
    assert!(
        out.status.success(),
        "the {mode} child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let us: u64 = parts
        .next()
        .and_then(|v| v.parse().ok())
        .expect("child time");
    let kib: u64 = parts
        .next()
        .and_then(|v| v.parse().ok())
        .expect("child memory");
    let reads: u64 = parts
        .next()
        .and_then(|v| v.parse().ok())
        .expect("child reads");
    (Duration::from_micros(us), kib, reads)
}

fn report(name: &str, value: Duration, baseline_name: &str, baseline: Duration, target: &str) {
    println!(
        "{name:<44} {:>9.3} ms | {baseline_name:<34} {:>9.3} ms | ratio {:>5.2} | target {target}",
        ms(value),
        ms(baseline),
        value.as_secs_f64() / baseline.as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Ok(mode) = std::env::var(CHILD) {
        child(&mode, &args[1], &args[2]);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let rounds = if quick { 5 } else { 15 };
    let check_in_only = args.iter().any(|a| a == "--check-in-only");
    let years_only = args.iter().any(|a| a == "--years-only");
    let writes = args
        .iter()
        .position(|a| a == "--writes")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(if quick { 60 } else { 300 });

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("five-years.twofold");
    let key = random_key();
    let started = Instant::now();
    let summary = {
        let store = Twofold::open(&path, &key).expect("open");
        populate(&store, 2026, DatasetSpec::FIVE_YEARS).expect("populate")
    };
    let size: u64 = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "five-year data set: {} writes ({} check-ins, {} attended meetings, {} contacts) in {:.1} s; file {} KiB",
        summary.writes,
        summary.check_ins,
        summary.attendance,
        summary.contacts,
        started.elapsed().as_secs_f64(),
        size / 1024
    );

    if years_only {
        years_of_history(&dir, &path, &key, rounds);
        return;
    }
    if !check_in_only {
        loads_and_opens(&dir, &path, &key, rounds);
    }
    check_ins(&dir, &path, &key, writes);
    if !check_in_only {
        reads_during_writes(&path, &key, writes);
        backup_and_restore(&path, &key, if quick { 3 } else { 7 });
    }
}

/// Sections 1 and 2: loading each document, and open + home screen in fresh processes.
fn loads_and_opens(dir: &tempfile::TempDir, path: &Path, key: &[u8; 32], rounds: usize) {
    // 1. Loading documents vs Automerge::load of the same bytes.
    let db = Database::open(path, key).expect("db");
    let rows = db.read(chunks::documents).expect("rows");
    let mut ours = Vec::new();
    let mut plain = Vec::new();
    let mut journal_bytes = 0;
    for _ in 0..rounds {
        for row in &rows {
            let t = Instant::now();
            let stored = db.read(|c| chunks::load(c, &row.doc_id)).expect("chunks");
            let mut doc = AutoCommit::load(&stored.bytes).expect("load");
            doc.set_actor(automerge::ActorId::from(row.actor.clone()));
            ours.push((row.kind, t.elapsed()));
            let t = Instant::now();
            let _doc = automerge::Automerge::load(&stored.bytes).expect("load");
            plain.push((row.kind, t.elapsed()));
            if row.kind == DocKind::Journal {
                journal_bytes = stored.bytes.len();
            }
        }
    }
    // What compaction costs, and what it buys at the next load.
    let journal = rows
        .iter()
        .find(|r| r.kind == DocKind::Journal)
        .expect("journal");
    let stored = db
        .read(|c| chunks::load(c, &journal.doc_id))
        .expect("chunks");
    let mut doc = AutoCommit::load(&stored.bytes).expect("load");
    let t = Instant::now();
    let snapshot = doc.save();
    let save_time = t.elapsed();
    let compacted: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            let _ = AutoCommit::load(&snapshot).expect("load");
            t.elapsed()
        })
        .collect();
    drop(db);
    let pick = |v: &[(DocKind, Duration)], k: DocKind| {
        median(
            v.iter()
                .filter(|(kk, _)| *kk == k)
                .map(|(_, d)| *d)
                .collect(),
        )
    };
    println!("\n-- loading a document (journal: {journal_bytes} bytes) --");
    for kind in DocKind::ALL {
        report(
            &format!("load {kind} from the store"),
            pick(&ours, kind),
            "Automerge::load, same bytes",
            pick(&plain, kind),
            "<= 1.2x",
        );
    }

    println!(
        "journal: {} chunks as stored; compacting them into one snapshot takes {:.2} ms and loads in {:.2} ms ({} bytes)",
        stored.chunks,
        ms(save_time),
        ms(median(compacted)),
        snapshot.len()
    );

    // 2. Cold open + home screen, in fresh processes, against a process that does nothing.
    println!("\n-- open the store and answer the home screen (fresh process each round) --");
    let mut home = Vec::new();
    let mut silent = Vec::new();
    let mut home_kib = 0;
    let mut idle_kib = 0;
    for _ in 0..rounds {
        let (d, kib, _) = run_child("home", path, key);
        home.push(d);
        silent.push(run_child("home-silent", path, key).0);
        home_kib = home_kib.max(kib);
        idle_kib = idle_kib.max(run_child("idle", path, key).1);
    }
    let plain_all: Duration = DocKind::ALL.iter().map(|k| pick(&plain, *k)).sum();
    report(
        "open + home screen (cold process)",
        median(home),
        "Automerge::load of all 4 documents",
        plain_all,
        "<= 20 ms",
    );
    report(
        "open + home, a month after the last check-in",
        median(silent),
        "Automerge::load of all 4 documents",
        plain_all,
        "the same as above",
    );
    println!(
        "peak memory: {:.1} MiB for open + home screen; {:.1} MiB for an idle process of the same binary; difference {:.1} MiB (target < 30 MB)",
        home_kib as f64 / 1024.0,
        idle_kib as f64 / 1024.0,
        (home_kib.saturating_sub(idle_kib)) as f64 / 1024.0
    );
    years_of_history(dir, path, key, rounds);
}

/// Section 3: the durable check-in against the bare insert, on disk and on tmpfs.
fn check_ins(dir: &tempfile::TempDir, path: &Path, key: &[u8; 32], writes: usize) {
    // 3. One durable check-in vs a bare SQLite insert of the same bytes, same durability;
    // then both again on tmpfs, where the fsync costs nothing: what is left is the CPU.
    let shm = tempfile::tempdir_in("/dev/shm").ok();
    let shm_path = shm.as_ref().map(|d| d.path().join("five-years.twofold"));
    if let Some(to) = &shm_path {
        std::fs::copy(path, to).expect("copy to tmpfs");
        let wal = |p: &Path| p.with_extension("twofold-wal");
        if wal(path).exists() {
            std::fs::copy(wal(path), wal(to)).expect("copy the WAL to tmpfs");
        }
    }
    println!("\n-- one check-in, durably committed ({writes} of each) --");
    check_in_against_bare(path, &dir.path().join("bare.db"), key, writes, "");
    match (&shm, &shm_path) {
        (Some(shm), Some(shm_path)) => {
            println!(
                "\n-- the same on tmpfs: the fsync taken out, the CPU left ({writes} of each) --"
            );
            check_in_against_bare(
                shm_path,
                &shm.path().join("bare.db"),
                key,
                writes,
                ", tmpfs",
            );
        }
        _ => println!("\n(no /dev/shm: the check-in on tmpfs is skipped)"),
    }
}

/// Durable check-ins on the store at `path` against bare inserts of the same bytes into a
/// new SQLCipher file at `bare_path` with the same durability (WAL, `synchronous=FULL`), taken
/// in turn, so that a change in the machine's load falls on both alike.
fn check_in_against_bare(
    path: &Path,
    bare_path: &Path,
    key: &[u8; 32],
    writes: usize,
    label: &str,
) {
    let store = Twofold::open(path, key).expect("open");
    // The documents loaded first: this figure is about the write, not the first load.
    store
        .list(twofold_core::sections::COPING_STRATEGIES)
        .expect("plan");
    let t = Instant::now();
    store
        .record_check_in(a_check_in(0), 1_790_000_000_000)
        .expect("check-in");
    let first = t.elapsed();
    // Into the journal (ADR 0025, the intent log), so that its change can be measured below.
    let t = Instant::now();
    store.fold_check_ins().expect("fold");
    let first_fold = t.elapsed();
    // The size of that check-in's change as stored, to insert the same bytes below (another
    // check-in if the fold compacted the journal: its change is then in the snapshot).
    let db = Database::open(path, key).expect("db");
    let last_change = || {
        db.read(|c| {
            Ok(c.query_row(
                "SELECT length(c.bytes) FROM doc_chunks c JOIN documents d USING (doc_id)
                 WHERE d.kind = 'journal' AND c.is_snapshot = 0 ORDER BY c.seq DESC LIMIT 1",
                [],
                |r| r.get::<_, i64>(0),
            )
            .optional()?)
        })
        .expect("last change")
    };
    let change_len = match last_change() {
        Some(len) => len as usize,
        None => {
            store
                .record_check_in(a_check_in(0), 1_789_999_999_999)
                .expect("check-in");
            store.fold_check_ins().expect("fold");
            last_change().expect("a change after a compaction") as usize
        }
    };
    drop(db);
    let mut conn = Connection::open(bare_path).expect("bare");
    conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key)))
        .expect("key");
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .expect("wal");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("sync");
    conn.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, doc_id TEXT, is_snapshot INTEGER, bytes BLOB)",
    )
    .expect("table");
    let payload = vec![0x5au8; change_len];
    let (mut ours, mut bare, mut folds) = (Vec::new(), Vec::new(), Vec::new());
    for i in 1..=writes {
        let t = Instant::now();
        store
            .record_check_in(a_check_in(i), 1_790_000_000_000 + i as i64)
            .expect("check-in");
        ours.push(t.elapsed());
        // The fold the check-in left for later (a sync pass, the next read), timed apart:
        // the caller's acknowledged latency above, the work that follows here.
        let t = Instant::now();
        store.fold_check_ins().expect("fold");
        folds.push(t.elapsed());
        let t = Instant::now();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .expect("tx");
        tx.execute(
            "INSERT INTO t (doc_id, is_snapshot, bytes) VALUES ('journal', 0, ?1)",
            [&payload],
        )
        .expect("insert");
        tx.commit().expect("commit");
        bare.push(t.elapsed());
    }
    report(
        &format!("record_check_in on the five-year store{label}"),
        median(ours.clone()),
        &format!("bare SQLCipher insert of {change_len} B{label}"),
        median(bare.clone()),
        "<= 1.5x",
    );
    println!(
        "  the first check-in after the documents were loaded: {:.3} ms; its fold (it copies the journal for the writer, ADR 0025): {:.3} ms",
        ms(first),
        ms(first_fold)
    );
    let totals: Vec<Duration> = ours.iter().zip(&folds).map(|(c, f)| *c + *f).collect();
    report(
        &format!("its fold, later, off the caller's path{label}"),
        median(folds.clone()),
        "bare insert",
        median(bare.clone()),
        "",
    );
    report(
        &format!("check-in + its fold{label}"),
        median(totals),
        "bare insert",
        median(bare.clone()),
        "",
    );
    report(
        &format!("record_check_in p90{label}"),
        percentile(ours, 90),
        "bare insert p90",
        percentile(bare, 90),
        "",
    );
}

fn percentile(mut v: Vec<Duration>, p: usize) -> Duration {
    v.sort();
    v[(v.len() * p / 100).min(v.len() - 1)]
}

fn a_check_in(i: usize) -> NewCheckIn {
    NewCheckIn {
        day: end_day(),
        mood: (i % 11) as u8,
        craving: 3,
        sleep_hours: Some(7.0),
        medication_taken: Some(true),
        doses: Vec::new(),
        used_substance: false,
        triggers_met: vec![],
        coping_used: vec![],
        warning_signs: vec![],
        note: "Went for a walk with Sam, felt better after.".into(),
    }
}

/// Section 3b: a read never waits for a write's fsync. The home screen and one plan section,
/// read over and over while another thread records durable check-ins, against the same reads
/// on the idle store; p50 and p99 of each.
fn reads_during_writes(path: &Path, key: &[u8; 32], writes: usize) {
    use std::sync::Arc;
    use twofold_core::sections as s;
    println!("\n-- reads during a burst of {writes} durable check-ins, against the idle store --");
    let store = Arc::new(Twofold::open(path, key).expect("open"));
    // The documents loaded first: these figures are about waiting, not the first load.
    store.list(s::COPING_STRATEGIES).expect("plan");
    let home = |store: &Twofold| {
        let t = Instant::now();
        store.home_screen(end_day()).expect("home");
        t.elapsed()
    };
    let section = |store: &Twofold| {
        let t = Instant::now();
        store.list(s::COPING_STRATEGIES).expect("plan");
        t.elapsed()
    };
    let (mut idle_home, mut idle_section) = (Vec::new(), Vec::new());
    for _ in 0..writes.max(200) {
        idle_home.push(home(&store));
        idle_section.push(section(&store));
    }
    let (mut busy_home, mut busy_section) = (Vec::new(), Vec::new());
    during_a_burst(&store, writes, 1_795_000_000_000, false, || {
        busy_home.push(home(&store));
        busy_section.push(section(&store));
    });
    let (busy_journal, idle_journal) = journal_reads_during_folds(&store, writes);
    for (name, busy, idle) in [
        ("home screen", busy_home, idle_home),
        ("a plan section (list)", busy_section, idle_section),
        ("a week's check-ins", busy_journal, idle_journal),
    ] {
        println!(
            "{name}: {} reads during the burst, {} idle",
            busy.len(),
            idle.len()
        );
        report(
            &format!("{name} p50, during writes"),
            percentile(busy.clone(), 50),
            "the same, idle store",
            percentile(idle.clone(), 50),
            "~1x",
        );
        report(
            &format!("{name} p99, during writes"),
            percentile(busy, 99),
            "the same, idle store",
            percentile(idle, 99),
            "no fsync wait (~1x)",
        );
    }
}

/// Section 3b, the journal: a week's check-ins read over and over while another thread
/// records check-ins and folds each one after it answers, as the bindings do (ADR 0025, "When
/// a fold runs"); against the same read on the idle store. The read takes the pending
/// check-ins from the log beside the journal (ADR 0025, "A read of check-ins"); before, it
/// folded them itself or waited at the writers' gate for the fold under way, fsync included.
fn journal_reads_during_folds(
    store: &std::sync::Arc<Twofold>,
    writes: usize,
) -> (Vec<Duration>, Vec<Duration>) {
    // A week that ends three days before the burst's day, out of the day of margin each side
    // that `check_ins_between` reads: the same seven check-ins are read throughout, so the
    // figure is the wait and not a growing answer.
    let to = Day(end_day().0 - chrono::Duration::days(3));
    let from = Day(to.0 - chrono::Duration::days(6));
    let week = |store: &Twofold| {
        let t = Instant::now();
        store.check_ins_between(from, to).expect("journal");
        t.elapsed()
    };
    store.fold_check_ins().expect("fold");
    println!(
        "a week's check-ins: {} of them, read during the burst and idle",
        store.check_ins_between(from, to).expect("journal").len()
    );
    let idle: Vec<Duration> = (0..writes.max(200)).map(|_| week(store)).collect();
    let mut busy = Vec::new();
    during_a_burst(store, writes, 1_796_000_000_000, true, || {
        busy.push(week(store))
    });
    (busy, idle)
}

/// Runs `read` over and over while another thread records `writes` durable check-ins from
/// `from_ms` on, each folded right after it answers when `fold_each` (as the bindings do).
fn during_a_burst(
    store: &std::sync::Arc<Twofold>,
    writes: usize,
    from_ms: i64,
    fold_each: bool,
    mut read: impl FnMut(),
) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, done) = (store.clone(), done.clone());
        std::thread::spawn(move || {
            for i in 0..writes {
                store
                    .record_check_in(a_check_in(i), from_ms + i as i64)
                    .expect("check-in");
                if fold_each {
                    store.fold_check_ins().expect("fold");
                }
            }
            done.store(true, Ordering::Release);
        })
    };
    while !done.load(Ordering::Acquire) {
        read();
    }
    writer.join().expect("writer");
}

/// Section 2b: open + home screen on one, five and ten years of history (ADR 0021), each
/// beside the same store's screen computed from its documents (what open + home did before
/// the read model), and ten years against one. The rounds go through the three stores in
/// turn, so that a change in the machine's load falls on all three alike.
fn years_of_history(dir: &tempfile::TempDir, five: &Path, key: &[u8; 32], rounds: usize) {
    println!("\n-- open + home screen by years of history (fresh process each round) --");
    let mut stores = Vec::new();
    for (years, spec) in [
        (1, Some(DatasetSpec::ONE_YEAR)),
        (5, None),
        (10, Some(DatasetSpec::TEN_YEARS)),
    ] {
        let path = match spec {
            Some(spec) => {
                let path = dir.path().join(format!("{years}-years.twofold"));
                let store = Twofold::open(&path, key).expect("open");
                populate(&store, 2026, spec).expect("populate");
                path
            }
            None => five.to_path_buf(),
        };
        stores.push((years, path, Vec::new(), Vec::new(), Vec::new()));
    }
    for _ in 0..3 * rounds {
        for (_, path, model, documents, reads) in &mut stores {
            let (d, _, r) = run_child("home", path, key);
            model.push(d);
            reads.push(r);
            documents.push(run_child("home-documents", path, key).0);
        }
    }
    let mut by_years = Vec::new();
    for (years, _, model, documents, reads) in stores {
        report(
            &format!("open + home, {years} year(s) of history"),
            median(model.clone()),
            "open + home from the documents",
            median(documents),
            "<= 20 ms",
        );
        by_years.push((model, reads));
    }
    report(
        "open + home, 10 years",
        median(by_years[2].0.clone()),
        "open + home, 1 year",
        median(by_years[0].0.clone()),
        "<= 1.2x",
    );
    // Each round's ten-year process ran a moment after its one-year one: the median of the
    // rounds' own ratios is what a change in the machine's load moves least.
    let mut paired: Vec<f64> = by_years[2]
        .0
        .iter()
        .zip(&by_years[0].0)
        .map(|(ten, one)| ten.as_secs_f64() / one.as_secs_f64())
        .collect();
    paired.sort_by(f64::total_cmp);
    println!(
        "{:<44} median of {} rounds' own ratios {:>5.2} | target <= 1.2x",
        "open + home, 10 years against 1, in turn",
        paired.len(),
        paired[paired.len() / 2]
    );
    let reads = |i: usize| {
        let mut r = by_years[i].1.clone();
        r.sort_unstable();
        r[r.len() / 2]
    };
    println!(
        "{:<44} {:>9} reads | {:<34} {:>9} reads | ratio {:>5.2} | (page reads: the load does not move them)",
        "open + home, 10 years: read calls",
        reads(2),
        "open + home, 1 year",
        reads(0),
        reads(2) as f64 / reads(0).max(1) as f64
    );
}

/// Section 4: backup and restore of the five-year store with the real Argon2id parameters,
/// against what they cannot avoid: one key derivation and Automerge saving (loading) every document.
fn backup_and_restore(path: &Path, key: &[u8; 32], rounds: usize) {
    use twofold_core::backup::{kdf, KdfParams};
    const PASS: &str = "a passphrase for the benchmark";
    println!("\n-- backup and restore of the five-year store ({rounds} of each) --");
    let derive = |p: KdfParams| {
        let t = Instant::now();
        kdf::derive(PASS, &[7; 16], p).expect("derive");
        t.elapsed()
    };
    // OWASP's minimum for Argon2id (19 MiB, 2 passes): the floor the chosen cost is set against.
    let floor = KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        lanes: 1,
    };
    let chosen: Vec<Duration> = (0..rounds).map(|_| derive(KdfParams::DEFAULT)).collect();
    let minimum: Vec<Duration> = (0..rounds).map(|_| derive(floor)).collect();
    let derive_time = median(chosen);
    report(
        "Argon2id derive, 64 MiB / 3 passes / 1 lane",
        derive_time,
        "Argon2id at OWASP's floor, 19 MiB / 2",
        median(minimum),
        "~1 s on a cheap phone (ADR 0010)",
    );

    let store = Twofold::open(path, key).expect("open");
    let mut exports = Vec::new();
    let mut file = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        file = store.export_backup(PASS).expect("backup");
        exports.push(t.elapsed());
    }
    let mut saves = Vec::new();
    let mut saved_bytes = Vec::new();
    let kinds: Vec<DocKind> = DocKind::ALL.into_iter().chain([DocKind::Summary]).collect();
    for _ in 0..rounds {
        let t = Instant::now();
        saved_bytes = kinds
            .iter()
            .map(|k| store.export_bytes(*k).expect("bytes"))
            .collect();
        saves.push(t.elapsed());
    }
    drop(store);
    let saved_total: usize = saved_bytes.iter().map(Vec::len).sum();
    report(
        "export_backup, five years",
        median(exports),
        "derive + Automerge save of every document",
        derive_time + median(saves.clone()),
        "a few seconds at most",
    );

    let mut restores = Vec::new();
    let mut loads = Vec::new();
    for i in 0..rounds {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join(format!("restored-{i}.db"));
        let t = Instant::now();
        let restored = Twofold::restore_backup(&target, key, &file, PASS, OpenOptions::default())
            .expect("restore");
        restores.push(t.elapsed());
        drop(restored);
        let t = Instant::now();
        for bytes in &saved_bytes {
            AutoCommit::load(bytes).expect("load");
        }
        loads.push(t.elapsed());
    }
    report(
        "restore_backup into a new store, five years",
        median(restores),
        "derive + Automerge load of every document",
        derive_time + median(loads),
        "a few seconds at most",
    );
    let db_size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup file: {} KiB; the documents' Automerge bytes: {} KiB ({:.2}x); the store file: {} KiB",
        file.len() / 1024,
        saved_total / 1024,
        file.len() as f64 / saved_total as f64,
        db_size / 1024
    );
}
