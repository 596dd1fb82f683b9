//! The soak (issue 21): a person, a mentor who edits the shared plan and one who only reads it
//! (`soak-devices`, a process of its own) edit and live-sync through a real relay process that
//! is restarted at random, behind a proxy that slows, stalls and cuts connections at random.
//! At the end: the three copies of the plan are identical, the devices' memory is flat (the
//! last third of the RSS samples against the first third), the chunk tables stay under the
//! compaction threshold, and the relay's file grows with the edits only.
//!
//! `TWOFOLD_SOAK_SECS` (default 30) sets how long the chaos lasts.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use twofold_testkit::RelayProcess;
use twofold_tests::flaky_proxy::{Faults, FlakyProxy};

fn soak_secs() -> u64 {
    std::env::var("TWOFOLD_SOAK_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
}

/// Resident memory of process `pid`, in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Bytes of every file in `dir` (the relay's database, its WAL and its log).
fn dir_bytes(dir: &std::path::Path, skip: &str) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| !e.file_name().to_string_lossy().contains(skip))
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn relay_envelopes(dir: &std::path::Path) -> i64 {
    rusqlite::Connection::open(dir.join("relay.sqlite3"))
        .and_then(|c| c.query_row("SELECT count(*) FROM envelopes", [], |r| r.get(0)))
        .unwrap_or(-1)
}

fn mean(xs: &[u64]) -> f64 {
    xs.iter().sum::<u64>() as f64 / xs.len().max(1) as f64
}

/// One random turn of the weather between the devices and the relay.
fn weather(rng: &mut impl Rng) -> (&'static str, Faults) {
    match rng.random_range(0..5) {
        0 => ("clear", Faults::NONE),
        1 => (
            "slow",
            Faults {
                max_delay: Duration::from_millis(60),
                ..Faults::NONE
            },
        ),
        2 => (
            "stalling",
            Faults {
                max_delay: Duration::from_millis(1500),
                ..Faults::NONE
            },
        ),
        _ => (
            "cutting",
            Faults {
                max_delay: Duration::from_millis(10),
                cut: 0.03,
                ..Faults::NONE
            },
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_converge_through_a_relay_restarted_and_throttled_at_random() {
    let secs = soak_secs();
    let seed: u64 = std::env::var("TWOFOLD_SOAK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x50a6);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let mut relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let upstream: SocketAddr = relay
        .url
        .trim_start_matches("http://")
        .parse()
        .expect("the relay's address");
    let proxy = FlakyProxy::start(upstream, Faults::NONE, seed).await;

    let mut child = Command::new(env!("CARGO_BIN_EXE_soak-devices"))
        .arg(format!("http://{}", proxy.addr))
        .arg(seed.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start soak-devices");
    let pid = child.id();
    let (tx, lines) = mpsc::channel::<String>();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let ready = lines
        .recv_timeout(Duration::from_secs(120))
        .expect("the devices paired and went live");
    assert_eq!(ready, "ready");

    let mut rss = Vec::new();
    let mut relay_sizes = Vec::new();
    let (mut restarts, mut turns) = (0u32, 0u32);
    let start = Instant::now();
    let mut next_turn = Instant::now() + Duration::from_secs(2);
    while start.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        rss.push(rss_kib(pid).expect("the devices' process runs"));
        relay_sizes.push(dir_bytes(relay_dir.path(), "relay.log"));
        if Instant::now() >= next_turn {
            if rng.random_bool(0.3) {
                tokio::task::block_in_place(|| relay.restart());
                restarts += 1;
            } else {
                let (_, faults) = weather(&mut rng);
                proxy.set_faults(faults);
                turns += 1;
            }
            next_turn = Instant::now() + Duration::from_millis(rng.random_range(1000..5000));
        }
    }

    // Fair weather for the end: everything written must arrive.
    proxy.set_faults(Faults::NONE);
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "settle").expect("tell the devices to settle");
    drop(stdin);
    let mut report = Vec::new();
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(180))
            .expect("the devices settled in time");
        if line == "done" {
            break;
        }
        report.push(line);
    }
    let status = child.wait().expect("reaped");
    assert!(status.success(), "the devices' process ended cleanly");

    let third = rss.len() / 3;
    let (first, last) = (mean(&rss[..third]), mean(&rss[rss.len() - third..]));
    relay.terminate();
    let relay_bytes = dir_bytes(relay_dir.path(), "relay.log");
    let envelopes = relay_envelopes(relay_dir.path());
    let edits: u64 = report
        .iter()
        .find_map(|l| l.strip_prefix("edits "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("an edit count");
    eprintln!(
        "soak: {secs} s, {edits} edits, {restarts} relay restarts, {turns} weather turns, \
         {} connections through the proxy",
        proxy.connections.load(std::sync::atomic::Ordering::Relaxed)
    );
    eprintln!(
        "soak: devices' RSS first third {first:.0} KiB, last third {last:.0} KiB (ratio {:.2}), \
         peak {} KiB",
        last / first,
        rss.iter().max().copied().unwrap_or(0)
    );
    eprintln!(
        "soak: relay files {relay_bytes} B for {envelopes} envelopes ({:.0} B per edit); \
         sizes over time (KiB): {:?}",
        relay_bytes as f64 / edits.max(1) as f64,
        relay_sizes
            .iter()
            .step_by((relay_sizes.len() / 8).max(1))
            .map(|b| b / 1024)
            .collect::<Vec<_>>()
    );
    for line in &report {
        eprintln!("soak: {line}");
    }

    assert!(
        report.iter().any(|l| l == "converged yes"),
        "every copy of the plan is the same: {report:?}"
    );
    assert!(edits > 0, "the devices edited");
    assert!(
        last / first < 1.5,
        "the devices' memory is flat: {first:.0} KiB then {last:.0} KiB"
    );
    for line in report.iter().filter(|l| l.starts_with("store ")) {
        let max_chunks: i64 = line
            .split(' ')
            .skip_while(|w| *w != "max_chunks")
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("max_chunks");
        // The default threshold is 256: compaction keeps every document under it.
        assert!(
            max_chunks <= 257,
            "compaction keeps the chunks bounded: {line}"
        );
    }
    // The relay keeps each document stream's log; nothing else may grow with time: no
    // duplicates from retries through restarts and cuts, no bytes per reconnection.
    assert!(envelopes > 0, "the relay stored envelopes");
    assert!(
        (envelopes as u64) <= edits + 64,
        "no envelope stored twice: {envelopes} envelopes for {edits} edits"
    );
}
