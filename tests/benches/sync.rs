//! Sync benchmarks on the design's five-year data set, through the in-memory relay of
//! `twofold_tests::relay_sim` (real stores on disk, real envelopes; only the wire is
//! simulated). Each figure is printed beside a baseline measured in the same run; these are
//! benchmarks, not tests: they report, they do not fail.
//!
//! a. bytes on the wire per small edit (a check-in, a plan item edit): the envelope against
//!    the raw Automerge change of the same edit (166 fixed bytes, then padded to a size bucket:
//!    at least 512 bytes, at most ~12 % above that; ADR 0023);
//! b. bringing a new device up to date: the owner pairs with it and shares the four
//!    documents; the envelopes and bytes it reads, each grant's size against the relay's
//!    default 1 MiB bound, and the time to apply them against `AutoCommit::load` of the same
//!    documents;
//! c. a month of the owner's changes (a check-in a day, a plan edit every third day, synced
//!    daily) applied by that device, against `AutoCommit::apply_changes` of the same changes.
//!
//! `cargo bench -p twofold-tests --bench sync` (add `-- --quick` for fewer rounds; the data
//! set is the same).
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::dataset::{end_day, populate, DatasetSpec};
use twofold_tests::keys::random_key;
use twofold_tests::mem_devices::settle_stores;
use twofold_tests::relay_sim::MemRelay;

/// The real relay's default `--max-envelope-bytes`.
const RELAY_DEFAULT_MAX: usize = 1024 * 1024;
const RELAY: &str = "https://relay.example";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(name: &str, value: Duration, baseline_name: &str, baseline: Duration, target: &str) {
    println!(
        "{name:<44} {:>9.3} ms | {baseline_name:<34} {:>9.3} ms | ratio {:>5.2} | target {target}",
        ms(value),
        ms(baseline),
        value.as_secs_f64() / baseline.as_secs_f64()
    );
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Pushes everything `store` has waiting to the relay and acknowledges it; returns the
/// envelopes' bytes with their streams.
fn push(store: &Twofold, relay: &MemRelay) -> Vec<(StreamId, Vec<u8>)> {
    let out = store.sync().outgoing().expect("outgoing");
    for post in &out.mailbox {
        relay.post(&post.mailbox, &post.bytes);
        store.sync().mailbox_posted(post.id).expect("posted");
    }
    let mut pushed = Vec::new();
    for e in &out.envelopes {
        relay.put_stream(&e.stream, e.read_token_hash, e.append_token_hash);
        let position = relay
            .append(&e.stream, e.append_token.as_bytes(), &e.envelope)
            .expect("the relay took it");
        store.sync().acked(e.id, Some(position)).expect("ack");
        pushed.push((e.stream, e.envelope.clone()));
    }
    pushed
}

use twofold_core::crypto::StreamId;

/// Everything `store` must read: (stream, position, bytes), in the order it reads them
/// (channels first, then the streams the grants open). Reading only, nothing applied.
fn to_read(store: &Twofold, relay: &MemRelay) -> Vec<(StreamId, u64, Vec<u8>)> {
    store
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .flat_map(|f| {
            relay
                .read(&f.stream, f.read_token.as_bytes(), f.after)
                .into_iter()
                .map(move |(pos, bytes)| (f.stream, pos, bytes))
        })
        .collect()
}

/// Hands `records` to the engine as the sync client does: each stream's run of records in
/// one call (batched into few commits).
fn receive_by_stream(store: &Twofold, records: &[(StreamId, u64, Vec<u8>)]) -> Vec<Received> {
    let mut outcomes = Vec::with_capacity(records.len());
    for run in records.chunk_by(|a, b| a.0 == b.0) {
        let batch: Vec<(u64, &[u8])> = run.iter().map(|(_, p, b)| (*p, &b[..])).collect();
        outcomes.extend(
            store
                .sync()
                .receive_batch(&run[0].0, &batch)
                .expect("receive"),
        );
    }
    outcomes
}

/// Applies `records`, then reads again whatever the grants opened (nothing, when the
/// snapshots are complete); returns what was applied and read in the second pass.
fn apply_all(store: &Twofold, relay: &MemRelay, records: &[(StreamId, u64, Vec<u8>)]) -> usize {
    for outcome in receive_by_stream(store, records) {
        match outcome {
            Received::Applied { .. } | Received::Control | Received::Duplicate => {}
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    let more = to_read(store, relay);
    receive_by_stream(store, &more);
    more.len()
}

/// A copy of a closed store's files, to replay the same envelopes into the same state.
fn copy_store(from_dir: &Path, to_dir: &Path) {
    std::fs::create_dir_all(to_dir).expect("dir");
    for entry in std::fs::read_dir(from_dir).expect("dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to_dir.join(entry.file_name())).expect("copy");
    }
}

struct Device {
    dir: PathBuf,
    key: [u8; 32],
}

impl Device {
    fn open(&self) -> Arc<Twofold> {
        Arc::new(Twofold::open(self.dir.join("store.db"), &self.key).expect("open"))
    }

    /// A fresh copy of this device's store, as it is now (it must be closed).
    fn fork(&self, root: &Path, name: &str) -> Device {
        let dir = root.join(name);
        copy_store(&self.dir, &dir);
        Device { dir, key: self.key }
    }
}

fn pair(owner: &Arc<Twofold>, other: &Arc<Twofold>, relay: &MemRelay) -> KeyId {
    let invite = owner.create_invite(RELAY, now() + 600_000).expect("invite");
    other
        .accept_invite(&invite, "Alex", now())
        .expect("accept invite");
    settle_stores(&[other, owner], relay);
    let id = other.device_id();
    owner.approve_pairing(&id).expect("approve");
    settle_stores(&[owner, other], relay);
    id
}

/// The raw Automerge changes `kind` gained since `before` (the owner's export).
fn changes_since(store: &Twofold, kind: DocKind, before: &[automerge::ChangeHash]) -> Vec<Vec<u8>> {
    let mut doc = AutoCommit::load(&store.export_bytes(kind).expect("export")).expect("load");
    doc.get_changes(before)
        .into_iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect()
}

fn heads_of(store: &Twofold, kind: DocKind) -> Vec<automerge::ChangeHash> {
    AutoCommit::load(&store.export_bytes(kind).expect("export"))
        .expect("load")
        .get_heads()
}

fn check_in(day: Day, i: usize) -> NewCheckIn {
    NewCheckIn {
        day,
        mood: (3 + i % 6) as u8,
        craving: (i % 5) as u8,
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

fn main() {
    let bench_started = Instant::now();
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 3 } else { 11 };

    let root = tempfile::tempdir().expect("tempdir");
    let owner_dev = Device {
        dir: root.path().join("owner"),
        key: random_key(),
    };
    std::fs::create_dir_all(&owner_dev.dir).expect("dir");
    let owner = owner_dev.open();
    owner.set_display_name("Sam").expect("name");
    let started = Instant::now();
    let summary = populate(&owner, 2026, DatasetSpec::FIVE_YEARS).expect("populate");
    println!(
        "five-year data set: {} writes ({} check-ins, {} attended meetings, {} contacts) in {:.1} s",
        summary.writes,
        summary.check_ins,
        summary.attendance,
        summary.contacts,
        started.elapsed().as_secs_f64()
    );

    // b. A new device: pair, share the four documents, read the grants.
    let relay = MemRelay::default();
    let new_dev = Device {
        dir: root.path().join("new"),
        key: random_key(),
    };
    std::fs::create_dir_all(&new_dev.dir).expect("dir");
    let fresh = new_dev.open();
    fresh.set_display_name("Alex").expect("name");
    let new_id = pair(&owner, &fresh, &relay);
    let saved: Vec<(DocKind, Vec<u8>)> = DocKind::ALL
        .into_iter()
        .map(|k| (k, owner.export_bytes(k).expect("export")))
        .collect();
    for kind in DocKind::ALL {
        let access = if kind == DocKind::Plan {
            Access::Write
        } else {
            Access::Read
        };
        owner
            .share(kind, &new_id, access, "support", None)
            .expect("share");
    }
    let t = Instant::now();
    let grants = push(&owner, &relay);
    let seal_time = t.elapsed();
    drop(fresh);
    let records = {
        let fresh = new_dev.open();
        to_read(&fresh, &relay)
    };

    println!("\n-- b. bringing a new device up to date (four documents shared) --");
    let disclosures: Vec<Disclosure> = owner
        .disclosure_log()
        .expect("log")
        .into_iter()
        .filter(|d| d.what == "snapshot")
        .collect();
    let mut all_fit = true;
    for (i, (_, bytes)) in grants.iter().enumerate() {
        let kind = disclosures.get(i).map(|d| d.kind.as_str()).unwrap_or("?");
        let fits = bytes.len() <= RELAY_DEFAULT_MAX;
        all_fit &= fits;
        println!(
            "grant envelope {:<9} {:>9} bytes ({:>7.1} KiB) | fits the relay's default 1 MiB: {}",
            kind,
            bytes.len(),
            bytes.len() as f64 / 1024.0,
            if fits {
                "yes"
            } else {
                "NO — TOO LARGE FOR THE DEFAULT RELAY"
            }
        );
    }
    let saved_total: usize = saved.iter().map(|(_, b)| b.len()).sum();
    for (kind, bytes) in &saved {
        println!(
            "  saved {kind:<9} (AutoCommit::save) {:>9} bytes",
            bytes.len()
        );
    }
    let read_bytes: usize = records.iter().map(|r| r.2.len()).sum();
    println!(
        "the new device reads {} envelopes, {} bytes ({:.1} KiB); the four documents' saved bytes: {} ({:.1} KiB); sealing the grants took {:.1} ms",
        records.len(),
        read_bytes,
        read_bytes as f64 / 1024.0,
        saved_total,
        saved_total as f64 / 1024.0,
        ms(seal_time)
    );
    if !all_fit {
        println!("!!! at least one grant is larger than the relay's default --max-envelope-bytes (1 MiB)");
    }

    let mut apply = Vec::new();
    let mut later_reads = 0;
    for r in 0..rounds {
        let copy = new_dev.fork(root.path(), &format!("new-{r}"));
        let store = copy.open();
        let t = Instant::now();
        later_reads += apply_all(&store, &relay, &records);
        apply.push(t.elapsed());
    }
    let mut load = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        for (_, bytes) in &saved {
            let _ = AutoCommit::load(bytes).expect("load");
        }
        load.push(t.elapsed());
    }
    report(
        "new device applies the four grants",
        median(apply),
        "AutoCommit::load of the 4 documents",
        median(load),
        "(none set)",
    );
    println!(
        "after the grants the new device found {} more envelopes to read (0: the snapshots were complete)",
        later_reads / rounds
    );

    // The device as it is after the grants, for a and c.
    {
        let store = new_dev.open();
        apply_all(&store, &relay, &records);
    }

    // a. One small edit on the wire.
    println!("\n-- a. one small edit on the wire --");
    let before = heads_of(&owner, DocKind::Journal);
    owner
        .record_check_in(
            check_in(Day(end_day().0 + chrono::Duration::days(1)), 0),
            now(),
        )
        .expect("check-in");
    let raw = changes_since(&owner, DocKind::Journal, &before);
    let out = push(&owner, &relay);
    let change: usize = raw.iter().map(Vec::len).sum();
    for (_, bytes) in &out {
        println!(
            "one check-in:      envelope {:>5} bytes | raw Automerge change {:>5} bytes ({} change) | overhead {:>4} bytes (166 + padding to a bucket)",
            bytes.len(),
            change,
            raw.len(),
            bytes.len() as i64 - change as i64
        );
    }
    let before = heads_of(&owner, DocKind::Plan);
    let mut item = owner
        .list(s::COPING_STRATEGIES)
        .expect("list")
        .into_iter()
        .next()
        .expect("a coping strategy");
    item.description = "Box breathing, four counts each, then a glass of water".into();
    owner.put(s::COPING_STRATEGIES, item).expect("edit");
    let raw = changes_since(&owner, DocKind::Plan, &before);
    let out = push(&owner, &relay);
    let change: usize = raw.iter().map(Vec::len).sum();
    for (_, bytes) in &out {
        println!(
            "one plan item edit: envelope {:>5} bytes | raw Automerge change {:>5} bytes ({} change) | overhead {:>4} bytes (166 + padding to a bucket)",
            bytes.len(),
            change,
            raw.len(),
            bytes.len() as i64 - change as i64
        );
    }
    {
        let store = new_dev.open();
        apply_all(&store, &relay, &to_read(&store, &relay));
    }

    // c. A month of the owner's changes, synced daily, applied by the other device.
    println!("\n-- c. a month of the owner's changes (a check-in a day, a plan edit every third day, one sync a day) --");
    let journal_before = heads_of(&owner, DocKind::Journal);
    let plan_before = heads_of(&owner, DocKind::Plan);
    let mut daily: Vec<Vec<(DocKind, usize)>> = Vec::new();
    let mut coping = owner.list(s::COPING_STRATEGIES).expect("list");
    for day in 0..30 {
        let mut batch = Vec::new();
        owner
            .record_check_in(
                check_in(
                    Day(end_day().0 + chrono::Duration::days(2 + day)),
                    day as usize,
                ),
                now(),
            )
            .expect("check-in");
        batch.push((DocKind::Journal, 1));
        if day % 3 == 0 {
            let i = day as usize % coping.len();
            coping[i].description = format!("Coping, revised on day {day}: breathe, then call");
            owner
                .put(s::COPING_STRATEGIES, coping[i].clone())
                .expect("edit");
            batch.push((DocKind::Plan, 1));
        }
        push(&owner, &relay);
        daily.push(batch);
    }
    let journal_changes = changes_since(&owner, DocKind::Journal, &journal_before);
    let plan_changes = changes_since(&owner, DocKind::Plan, &plan_before);
    let month = {
        let store = new_dev.open();
        to_read(&store, &relay)
    };
    let month_bytes: usize = month.iter().map(|r| r.2.len()).sum();
    println!(
        "{} envelopes, {} bytes on the wire; {} + {} raw changes ({} bytes)",
        month.len(),
        month_bytes,
        journal_changes.len(),
        plan_changes.len(),
        journal_changes
            .iter()
            .chain(&plan_changes)
            .map(Vec::len)
            .sum::<usize>()
    );
    let mut ours = Vec::new();
    for r in 0..rounds {
        let copy = new_dev.fork(root.path(), &format!("month-{r}"));
        let store = copy.open();
        let t = Instant::now();
        for outcome in receive_by_stream(&store, &month) {
            match outcome {
                Received::Applied { .. } => {}
                other => panic!("unexpected outcome {other:?}"),
            }
        }
        ours.push(t.elapsed());
    }
    // The baseline: the same changes, in the same daily batches, into the same documents.
    let start_journal =
        AutoCommit::load(&saved_after(&owner, DocKind::Journal, &journal_before)).expect("load");
    let start_plan =
        AutoCommit::load(&saved_after(&owner, DocKind::Plan, &plan_before)).expect("load");
    let parse = |raw: &[Vec<u8>]| -> Vec<automerge::Change> {
        raw.iter()
            .map(|b| automerge::Change::try_from(b.as_slice()).expect("change"))
            .collect()
    };
    let journal_changes = parse(&journal_changes);
    let plan_changes = parse(&plan_changes);
    let mut bare = Vec::new();
    for _ in 0..rounds {
        let mut journal = start_journal.clone();
        let mut plan = start_plan.clone();
        let (mut j, mut p) = (0, 0);
        let t = Instant::now();
        for batch in &daily {
            for (kind, n) in batch {
                match kind {
                    DocKind::Journal => {
                        journal
                            .apply_changes(journal_changes[j..j + n].iter().cloned())
                            .expect("apply");
                        j += n;
                    }
                    _ => {
                        plan.apply_changes(plan_changes[p..p + n].iter().cloned())
                            .expect("apply");
                        p += n;
                    }
                }
            }
        }
        bare.push(t.elapsed());
    }
    // The same month into a store whose documents are already in memory (the app was open
    // when the sync came): the baseline's own starting point. A store just opened loads its
    // documents on the first receive, which the line above includes; its own baseline is
    // below.
    let mut warm = Vec::new();
    for r in 0..rounds {
        let copy = new_dev.fork(root.path(), &format!("month-warm-{r}"));
        let store = copy.open();
        for doc in store.shared_with_me().expect("shared") {
            store.doc_heads(&doc.doc_id).expect("loaded");
        }
        let t = Instant::now();
        for outcome in receive_by_stream(&store, &month) {
            match outcome {
                Received::Applied { .. } => {}
                other => panic!("unexpected outcome {other:?}"),
            }
        }
        warm.push(t.elapsed());
    }
    // A store just opened, bare: load the four documents as they were, then the same batches.
    let before_month: Vec<Vec<u8>> = DocKind::ALL
        .into_iter()
        .map(|kind| match kind {
            DocKind::Journal => saved_after(&owner, kind, &journal_before),
            DocKind::Plan => saved_after(&owner, kind, &plan_before),
            _ => owner.export_bytes(kind).expect("export"),
        })
        .collect();
    let mut bare_cold = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let mut loaded: Vec<AutoCommit> = before_month
            .iter()
            .map(|b| AutoCommit::load(b).expect("load"))
            .collect();
        let (journal, plan) = {
            let [plan, _, _, journal] = &mut loaded[..] else {
                panic!("four documents")
            };
            (journal, plan)
        };
        let (mut j, mut p) = (0, 0);
        for batch in &daily {
            for (kind, n) in batch {
                if *kind == DocKind::Journal {
                    journal
                        .apply_changes(journal_changes[j..j + n].iter().cloned())
                        .expect("apply");
                    j += n;
                } else {
                    plan.apply_changes(plan_changes[p..p + n].iter().cloned())
                        .expect("apply");
                    p += n;
                }
            }
        }
        bare_cold.push(t.elapsed());
    }
    let ours = median(ours);
    let bare = median(bare);
    let warm = median(warm);
    report(
        &format!("apply a month ({} envelopes)", month.len()),
        ours,
        "AutoCommit::apply_changes, same",
        bare,
        "(none set)",
    );
    report(
        "  per envelope",
        ours / month.len() as u32,
        "  per batch",
        bare / month.len() as u32,
        "(none set)",
    );
    report(
        "  documents already in memory",
        warm,
        "AutoCommit::apply_changes, same",
        bare,
        "≤ 3×",
    );
    report(
        "  store just opened (as the first line)",
        ours,
        "AutoCommit::load of the 4 + apply",
        median(bare_cold),
        "(none set)",
    );
    println!(
        "\nbench finished in {:.1} s ({} rounds{})",
        bench_started.elapsed().as_secs_f64(),
        rounds,
        if quick { ", --quick" } else { "" }
    );
}

/// The owner's document as it was at `heads` (what the other device had before the month).
fn saved_after(store: &Twofold, kind: DocKind, heads: &[automerge::ChangeHash]) -> Vec<u8> {
    let mut doc = AutoCommit::load(&store.export_bytes(kind).expect("export")).expect("load");
    let mut at = doc.fork_at(heads).expect("fork");
    at.save()
}
