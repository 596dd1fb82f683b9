//! Direct sync (ADR 0011) beside sync through a real relay process on loopback, in the same
//! run, as ratios (direct ÷ relay). Benchmarks report; they do not fail.
//!
//! Sam's phone shares its documents with mentor Alex's. Alex's store is copied once the
//! shares have arrived: one copy syncs directly with Sam's phone, the other through the relay,
//! so both receive the very same changes.
//!
//! 1. A small edit, from `put` on Sam's phone to applied on Alex's. Direct: one whole session
//!    — TCP connect, the Noise KK handshake, both offers, one batch. Relay: Sam's `sync_now`
//!    (seal, push) then Alex's (read, open, apply), neither live. Time, and bytes on the wire
//!    both ways: the session's own count; a loopback proxy in front of the relay.
//! 2. Five years of history: the five-year data set written on Sam's phone after the shares,
//!    then one direct session, or Sam's push and Alex's pull through the relay.
//!
//! `cargo bench -p twofold-tests --bench direct` (add `-- --quick` for fewer rounds).
#![allow(clippy::print_stdout)]

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use twofold_core::sections as s;
use twofold_core::*;
use twofold_testkit::RelayProcess;
use twofold_tests::dataset::{populate, DatasetSpec};
use twofold_tests::flaky_proxy::{Faults, FlakyProxy};
use twofold_tests::net_devices::{pair, settle, NetDevice};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median<T: Ord + Copy>(v: &mut [T]) -> T {
    v.sort();
    v[v.len() / 2]
}

fn line(name: &str, direct: (Duration, u64), relay: (Duration, u64)) {
    println!(
        "{name:<28} direct {:>9.2} ms {:>10} B | relay {:>9.2} ms {:>10} B | time ratio {:>5.2}, bytes ratio {:>5.2}",
        ms(direct.0),
        direct.1,
        ms(relay.0),
        relay.1,
        direct.0.as_secs_f64() / relay.0.as_secs_f64(),
        direct.1 as f64 / relay.1 as f64,
    );
}

fn coping(n: usize) -> CopingStrategy {
    CopingStrategy {
        id: ItemId::parse("id", &format!("bench-{n}")).expect("id"),
        description: format!("call someone before the evening, take {n}"),
        domain: Domain::Both,
    }
}

/// Copies a closed store's files (database, WAL, key check) into `to`.
fn copy_store(from: &Path, to: &Path) {
    let dir = from.parent().expect("a store in a directory");
    let name = from.file_name().expect("a file name").to_string_lossy();
    for entry in std::fs::read_dir(dir).expect("read the store's directory") {
        let path = entry.expect("entry").path();
        let file = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if file.starts_with(name.as_ref()) {
            std::fs::copy(&path, to.join(&file)).expect("copy a store file");
        }
    }
}

/// Sam and Alex paired through `relay_url`, every document of Sam's shared with Alex (read
/// only) and synced; then Alex's store twice: (relay copy, direct copy).
async fn paired(relay_url: &str, copy_dir: &Path) -> (NetDevice, NetDevice, NetDevice) {
    let owner = NetDevice::new("Sam", relay_url);
    let mut mentor = NetDevice::new("Alex", relay_url);
    let (mentor_id, _) = pair(&owner, &mentor).await.expect("pair");
    for kind in DocKind::ALL {
        owner
            .s()
            .share(kind, &mentor_id, Access::Read, "bench", None)
            .expect("share");
    }
    settle(&[&owner, &mentor]).await;
    mentor.close();
    copy_store(&mentor.path, copy_dir);
    mentor.open();
    let copy = NetDevice::at(copy_dir.join("store.db"), mentor.key, relay_url);
    (owner, mentor, copy)
}

/// One direct session from Alex's `copy` to Sam's listener: time and wire bytes.
async fn direct_once(
    alex: &DirectSync,
    listener: &mut DirectListener,
    sam_id: &KeyId,
) -> (Duration, u64, DirectReport) {
    let t = Instant::now();
    let report = alex
        .connect_tcp(listener.local_addr(), sam_id)
        .await
        .expect("direct session");
    let took = t.elapsed();
    // Sam's side finishes its half; its report is not part of Alex's time.
    let _ = tokio::time::timeout(Duration::from_secs(30), listener.next_report()).await;
    (took, report.wire_sent + report.wire_received, report)
}

/// Sam's push then Alex's pull through the relay (behind `proxy`): time and wire bytes.
async fn relay_once(owner: &NetDevice, mentor: &NetDevice, proxy: &FlakyProxy) -> (Duration, u64) {
    let before = proxy.bytes();
    let t = Instant::now();
    let pushed = owner.sync().await;
    let pulled = mentor.sync().await;
    let took = t.elapsed();
    if let Some(problem) = pushed.interrupted.or(pulled.interrupted) {
        println!("  !! relay sync stopped: {problem}");
    }
    (took, proxy.bytes() - before)
}

fn options() -> DirectOptions {
    DirectOptions {
        session_timeout: Duration::from_secs(600),
        ..DirectOptions::default()
    }
}

async fn run(quick: bool) {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    // The rounds run back to back, far faster than a person edits: lift the per-token rate
    // limit (20/s), as the `net` benchmark does.
    let relay = RelayProcess::sqlite(
        relay_dir.path(),
        &["--token-rate", "1000", "--token-burst", "10000"],
    );
    let upstream: SocketAddr = relay
        .url
        .trim_start_matches("http://")
        .parse()
        .expect("the relay's address");
    let proxy = FlakyProxy::start(upstream, Faults::NONE, 0).await;
    let proxy_url = format!("http://{}", proxy.addr);
    let copy_dir = tempfile::tempdir().expect("tempdir");
    let (owner, mentor, copy) = paired(&proxy_url, copy_dir.path()).await;
    let sam = DirectSync::new(owner.store(), options());
    let alex = DirectSync::new(copy.store(), options());
    let mut listener = sam
        .listen("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listen");
    let sam_id = owner.s().device_id();
    // Both copies start level with Sam: the relay copy already is; a first session settles
    // the direct one's per-author clocks.
    direct_once(&alex, &mut listener, &sam_id).await;

    println!("-- 1. a small edit, Sam's phone to Alex's --");
    let rounds = if quick { 10 } else { 60 };
    let (mut d_time, mut d_bytes, mut r_time, mut r_bytes) = (vec![], vec![], vec![], vec![]);
    for n in 0..rounds {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(n))
            .expect("edit");
        let (took, bytes, report) = direct_once(&alex, &mut listener, &sam_id).await;
        if report.applied_changes != 1 {
            println!(
                "  !! direct session applied {} changes",
                report.applied_changes
            );
        }
        d_time.push(took);
        d_bytes.push(bytes);
        let (took, bytes) = relay_once(&owner, &mentor, &proxy).await;
        r_time.push(took);
        r_bytes.push(bytes);
    }
    line(
        "small edit, median",
        (median(&mut d_time), median(&mut d_bytes)),
        (median(&mut r_time), median(&mut r_bytes)),
    );

    println!("-- 2. five years of history, written after the shares --");
    let started = Instant::now();
    let summary = populate(owner.s(), 2026, DatasetSpec::FIVE_YEARS).expect("populate");
    println!(
        "five-year data set: {} writes, {} check-ins (built in {:.1} s)",
        summary.writes,
        summary.check_ins,
        started.elapsed().as_secs_f64()
    );
    let (d_took, d_wire, report) = direct_once(&alex, &mut listener, &sam_id).await;
    let (r_took, r_wire) = relay_once(&owner, &mentor, &proxy).await;
    println!(
        "  direct: {} documents, {} changes applied{}",
        report.documents,
        report.applied_changes,
        match &report.interrupted {
            Some(p) => format!(" — STOPPED: {p}"),
            None => String::new(),
        }
    );
    let heads = |d: &Twofold| -> Vec<_> {
        d.shared_with_me()
            .expect("shared")
            .iter()
            .map(|doc| d.doc_heads(&doc.doc_id).expect("heads"))
            .collect()
    };
    println!(
        "  both copies of Alex's phone hold the same documents afterwards: {}",
        heads(mentor.s()) == heads(copy.s())
    );
    line("five years, one sync", (d_took, d_wire), (r_took, r_wire));
    listener.stop();
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(quick));
}
