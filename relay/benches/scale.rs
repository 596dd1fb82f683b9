//! Relay scale on this machine, loopback only and bounded in time (issue 19, relay scale):
//!
//! - **followers**: many idle live followers (one WebSocket and one stream each, as phones
//!   hold them) on one SQLite relay — its resident memory and CPU time while nothing happens,
//!   and append→delivery through it, each beside the same relay before the followers came.
//! - **rate**: a steady append rate spread over many streams, each followed live — append→
//!   delivery latency percentiles beside one stream appended slowly on the same idle relay(s);
//!   on SQLite, and on two relays over JetStream (appends on one, followers on the other) when
//!   `nats-server` is installed.
//!
//! A benchmark reports and never fails; errors and missing deliveries are printed loudly.
//!
//! `cargo bench -p twofold-relay --bench scale -- [--quick] [--followers N] [--rate R]
//! [--secs S] [--only followers|rate]`

// A benchmark's report is its stdout.
#![allow(clippy::print_stdout)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use twofold_testkit::{find_nats_server, NatsServer, RelayProcess};

const QUIET: &str = "warn";
const SETUP_CONCURRENCY: usize = 64;
/// A stream record frame: kind (1) ‖ id (16) ‖ position (8) ‖ bytes; the bytes start with the
/// send time in µs since the bench's epoch.
const FRAME_HEADER: usize = 25;
const ENVELOPE_LEN: usize = 400;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

#[derive(Debug, Clone)]
struct Options {
    quick: bool,
    followers: usize,
    rate: u32,
    secs: f64,
    only: Option<String>,
}

impl Options {
    fn parse() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let quick = args.iter().any(|a| a == "--quick");
        let mut options = Options {
            quick,
            followers: if quick { 1_000 } else { 10_000 },
            rate: 1_000,
            secs: if quick { 2.0 } else { 20.0 },
            only: None,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().cloned().unwrap_or_default();
            match arg.as_str() {
                "--followers" => options.followers = value().parse().expect("a whole number"),
                "--rate" => options.rate = value().parse().expect("appends per second"),
                "--secs" => options.secs = value().parse().expect("seconds"),
                "--only" => options.only = Some(value()),
                _ => {}
            }
        }
        options
    }

    fn wants(&self, section: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == section)
    }
}

fn main() {
    let options = Options::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let started = Instant::now();
    runtime.block_on(async {
        println!(
            "relay scale bench{}",
            if options.quick { " (quick)" } else { "" }
        );
        if options.wants("followers") {
            followers(&options).await;
        }
        if options.wants("rate") {
            rate(&options).await;
        }
    });
    println!("total time {:.1} s", started.elapsed().as_secs_f64());
}

/// Every client here is 127.0.0.1 standing for thousands of phones: the per-address and
/// per-token limits are lifted, so what is measured is the relay's work.
fn relay_args(store: &[String], max_connections: usize) -> Vec<String> {
    let mut args = store.to_vec();
    for (flag, value) in [
        ("--ip-rate", "1000000"),
        ("--ip-burst", "1000000"),
        ("--streams-per-ip-per-hour", "1000000"),
        ("--token-rate", "1000000"),
        ("--token-burst", "1000000"),
        ("--ip-bytes-per-day", "1000000000000"),
    ] {
        args.push(flag.to_owned());
        args.push(value.to_owned());
    }
    args.push("--max-connections".to_owned());
    args.push(max_connections.to_string());
    args
}

// ---------------------------------------------------------------------------------------------
// Streams and follows

#[derive(Debug)]
struct Stream {
    id: [u8; 16],
    id_hex: String,
    read_token: String,
    append_token: String,
    read_hash: String,
    append_hash: String,
}

impl Stream {
    fn new() -> Self {
        let read: [u8; 32] = rand::random();
        let append: [u8; 32] = rand::random();
        // Certified by its tokens, as the relay requires of a new stream (ADR 0022).
        let id = twofold_relay::stream_id_for_hashes(
            &twofold_relay::token_hash(&read),
            &twofold_relay::token_hash(&append),
        );
        Stream {
            id,
            id_hex: hex::encode(id),
            read_token: URL_SAFE_NO_PAD.encode(read),
            append_token: URL_SAFE_NO_PAD.encode(append),
            read_hash: hex::encode(twofold_relay::token_hash(&read)),
            append_hash: hex::encode(twofold_relay::token_hash(&append)),
        }
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(256)
        .build()
        .expect("HTTP client")
}

async fn create(http: &reqwest::Client, base: &str, stream: &Stream) -> bool {
    let body = serde_json::json!({
        "read_token_hash": stream.read_hash,
        "append_token_hash": stream.append_hash,
    });
    http.put(format!("{base}/v1/streams/{}", stream.id_hex))
        .body(body.to_string())
        .send()
        .await
        .is_ok_and(|r| r.status().as_u16() == 204)
}

async fn create_all(base: &str, streams: &[Arc<Stream>]) -> usize {
    let http = http();
    let limit = Arc::new(Semaphore::new(SETUP_CONCURRENCY));
    let mut tasks = JoinSet::new();
    for stream in streams {
        let (http, base, stream, limit) =
            (http.clone(), base.to_owned(), stream.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            create(&http, &base, &stream).await
        });
    }
    let mut failed = 0;
    while let Some(ok) = tasks.join_next().await {
        if !ok.expect("create task") {
            failed += 1;
        }
    }
    failed
}

/// Appends `bytes` stamped with the send time; `true` when acknowledged.
async fn append(http: &reqwest::Client, base: &str, stream: &Stream, epoch: Instant) -> bool {
    let mut bytes = vec![0u8; ENVELOPE_LEN];
    rand::fill(&mut bytes[8..]);
    bytes[..8].copy_from_slice(&micros(epoch).to_be_bytes());
    http.post(format!("{base}/v1/streams/{}/envelopes", stream.id_hex))
        .bearer_auth(&stream.append_token)
        .body(bytes)
        .send()
        .await
        .is_ok_and(|r| r.status().as_u16() == 200)
}

fn micros(epoch: Instant) -> u64 {
    epoch.elapsed().as_micros() as u64
}

/// What every follower task reports into: delivery latencies, frames, and failures.
#[derive(Debug, Default)]
struct Deliveries {
    latencies_us: Mutex<Vec<u64>>,
    frames: AtomicU64,
    closed: AtomicU64,
    refused: AtomicU64,
}

/// Opens a WebSocket, follows `stream` from its head, and keeps reading (which also answers
/// the relay's pings) until the bench ends.
async fn follow(
    ws_url: String,
    stream: Arc<Stream>,
    epoch: Instant,
    into: Arc<Deliveries>,
    ready: Arc<AtomicU64>,
    opening: tokio::sync::OwnedSemaphorePermit,
) {
    let Ok((mut socket, _)) = tokio_tungstenite::connect_async(&ws_url).await else {
        into.closed.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let op = serde_json::json!({
        "op": "follow", "stream": stream.id_hex, "token": stream.read_token, "after": 0,
    });
    if socket
        .send(Message::Text(op.to_string().into()))
        .await
        .is_err()
    {
        into.closed.fetch_add(1, Ordering::Relaxed);
        return;
    }
    ready.fetch_add(1, Ordering::Relaxed);
    drop(opening);
    while let Some(frame) = socket.next().await {
        match frame {
            Ok(Message::Binary(frame)) => {
                let now = micros(epoch);
                if frame.len() >= FRAME_HEADER + 8 && frame[1..17] == stream.id {
                    let bytes = &frame[FRAME_HEADER..];
                    let sent = u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
                    into.latencies_us
                        .lock()
                        .expect("latencies lock")
                        .push(now.saturating_sub(sent));
                }
                into.frames.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Message::Text(_)) => {
                into.refused.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => {}
        }
    }
    into.closed.fetch_add(1, Ordering::Relaxed);
}

/// Starts one follower per stream; returns once every follow command is sent (or failed).
async fn follow_all(
    ws_url: &str,
    streams: &[Arc<Stream>],
    epoch: Instant,
    into: &Arc<Deliveries>,
    tasks: &mut JoinSet<()>,
) {
    let ready = Arc::new(AtomicU64::new(0));
    let limit = Arc::new(Semaphore::new(SETUP_CONCURRENCY));
    for stream in streams {
        let permit = limit.clone().acquire_owned().await.expect("semaphore open");
        let (url, stream, into, ready) = (
            ws_url.to_owned(),
            stream.clone(),
            into.clone(),
            ready.clone(),
        );
        // The permit bounds connections being opened, not connections held.
        tasks.spawn(follow(url, stream, epoch, into, ready, permit));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while (ready.load(Ordering::Relaxed) + into.closed.load(Ordering::Relaxed))
        < streams.len() as u64
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// The relay process, seen from /proc

fn rss_bytes(relay: &RelayProcess) -> u64 {
    let Some(pid) = relay.pid() else { return 0 };
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmRSS:")
                    .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .map_or(0, |kib: u64| kib * 1024)
}

/// User + system CPU seconds the relay has used (clock ticks of 1/100 s, Linux's USER_HZ).
fn cpu_secs(relay: &RelayProcess) -> f64 {
    let Some(pid) = relay.pid() else { return 0.0 };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) as f64 / 100.0
}

async fn cpu_share_over(relay: &RelayProcess, window: Duration) -> f64 {
    let before = cpu_secs(relay);
    tokio::time::sleep(window).await;
    (cpu_secs(relay) - before) / window.as_secs_f64()
}

fn open_files_limit() -> u64 {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits.lines().find_map(|line| {
                line.strip_prefix("Max open files")
                    .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            })
        })
        .unwrap_or(1024)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)] as f64 / 1000.0
}

fn take_sorted(deliveries: &Deliveries) -> Vec<u64> {
    let mut out = std::mem::take(&mut *deliveries.latencies_us.lock().expect("latencies lock"));
    out.sort_unstable();
    out
}

// ---------------------------------------------------------------------------------------------
// Section: idle followers

async fn followers(options: &Options) {
    let epoch = Instant::now();
    // Each follower holds one socket here and one in the relay: keep within this process's
    // open-file limit (the relay inherits the same).
    let room = open_files_limit().saturating_sub(512) as usize;
    let n = options.followers.min(room);
    if n < options.followers {
        println!(
            "followers: only {n} of {} fit the open-file limit ({})",
            options.followers,
            open_files_limit()
        );
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = ["--data-dir".to_owned(), dir.path().display().to_string()];
    let relay = RelayProcess::start_logging(
        &relay_args(&store, n + 100),
        &dir.path().join("relay.log"),
        QUIET,
    );
    let base = relay.url.clone();
    let ws = relay.ws_url();
    let http = http();

    // Baseline: the same relay with its streams made but no one following, and one follower
    // for the delivery figure.
    let streams: Vec<Arc<Stream>> = (0..n).map(|_| Arc::new(Stream::new())).collect();
    let created = Instant::now();
    let failed = create_all(&base, &streams).await;
    let create_secs = created.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_idle = rss_bytes(&relay);
    let cpu_idle = cpu_share_over(
        &relay,
        Duration::from_secs(if options.quick { 2 } else { 5 }),
    )
    .await;
    let probe = Arc::new(Stream::new());
    create(&http, &base, &probe).await;
    let probe_deliveries = Arc::new(Deliveries::default());
    let mut probe_task = JoinSet::new();
    follow_all(
        &ws,
        std::slice::from_ref(&probe),
        epoch,
        &probe_deliveries,
        &mut probe_task,
    )
    .await;
    let probes = if options.quick { 30 } else { 100 };
    for _ in 0..probes {
        append(&http, &base, &probe, epoch).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let baseline = take_sorted(&probe_deliveries);
    probe_task.abort_all();

    // The followers.
    let deliveries = Arc::new(Deliveries::default());
    let mut tasks = JoinSet::new();
    let connecting = Instant::now();
    follow_all(&ws, &streams, epoch, &deliveries, &mut tasks).await;
    let connect_secs = connecting.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_followed = rss_bytes(&relay);
    let cpu_followed = cpu_share_over(
        &relay,
        Duration::from_secs(if options.quick { 2 } else { 5 }),
    )
    .await;

    // Live through the crowd: appends to streams picked across the set, one at a time.
    let step = (n / probes).max(1);
    for stream in streams.iter().step_by(step).take(probes) {
        append(&http, &base, stream, epoch).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let loaded = take_sorted(&deliveries);
    let refused = deliveries.refused.load(Ordering::Relaxed);
    let closed = deliveries.closed.load(Ordering::Relaxed);
    let rss_end = rss_bytes(&relay);
    tasks.abort_all();

    println!(
        "followers: {n} streams created in {create_secs:.1} s ({failed} failed); {n} \
         WebSockets following one each, connected in {connect_secs:.1} s ({refused} refused, \
         {closed} closed)"
    );
    println!(
        "  relay RSS: {:.1} MiB with no follower, {:.1} MiB with {n} ({:.1} KiB each), \
         {:.1} MiB after the probes: {:.3} of 1 GiB",
        rss_idle as f64 / 1048576.0,
        rss_followed as f64 / 1048576.0,
        rss_followed.saturating_sub(rss_idle) as f64 / 1024.0 / n.max(1) as f64,
        rss_end as f64 / 1048576.0,
        rss_end.max(rss_followed) as f64 / GIB,
    );
    println!(
        "  relay CPU while idle: {:.1}% of a core with no follower, {:.1}% with {n} \
         (the followers' safety-net polls)",
        cpu_idle * 100.0,
        cpu_followed * 100.0,
    );
    println!(
        "  append→delivery: {} of {probes} delivered, p50 {:.2} ms, p99 {:.2} ms with {n} \
         followers; baseline (one follower) p50 {:.2} ms, p99 {:.2} ms: {:.2}× at p50, {:.2}× \
         at p99",
        loaded.len(),
        percentile(&loaded, 50.0),
        percentile(&loaded, 99.0),
        percentile(&baseline, 50.0),
        percentile(&baseline, 99.0),
        percentile(&loaded, 50.0) / percentile(&baseline, 50.0),
        percentile(&loaded, 99.0) / percentile(&baseline, 99.0),
    );
    if loaded.len() < probes || refused > 0 || closed > 0 {
        println!("  !! some follows were refused or closed, or probes were not delivered");
    }
}

// ---------------------------------------------------------------------------------------------
// Section: append rate

/// Streams the rate is spread over: each stays far below the per-token default (20/s), as a
/// phone's would.
fn streams_for(rate: u32) -> usize {
    (rate as usize / 5).max(1)
}

async fn rate(options: &Options) {
    let dir = tempfile::tempdir().expect("temporary directory");
    {
        let store = ["--data-dir".to_owned(), dir.path().display().to_string()];
        let relay = RelayProcess::start_logging(
            &relay_args(&store, 10_000),
            &dir.path().join("relay.log"),
            QUIET,
        );
        let bases = [relay.url.clone(), relay.url.clone()];
        rate_on("sqlite, one relay", &bases, options).await;
    }
    match find_nats_server() {
        None => println!(
            "rate jetstream: SKIPPED: nats-server is not installed (apt-get install nats-server)"
        ),
        Some(_) => {
            let nats_dir = tempfile::tempdir().expect("temporary directory");
            let nats = NatsServer::start(nats_dir.path()).expect("nats-server starts");
            let store = ["--store".to_owned(), nats.url.clone()];
            let args = relay_args(&store, 10_000);
            let one = RelayProcess::start_logging(&args, &nats_dir.path().join("r1.log"), QUIET);
            let two = RelayProcess::start_logging(&args, &nats_dir.path().join("r2.log"), QUIET);
            let bases = [one.url.clone(), two.url.clone()];
            rate_on(
                "jetstream, appends on relay 1, followers on relay 2",
                &bases,
                options,
            )
            .await;
        }
    }
}

/// `bases[0]` takes the appends, `bases[1]` the follows.
async fn rate_on(label: &str, bases: &[String; 2], options: &Options) {
    let epoch = Instant::now();
    let ws = format!("{}/v1/follow", bases[1].replacen("http://", "ws://", 1));

    // Baseline: one stream, appended 50 times a second, on the idle relay(s).
    let probe = Arc::new(Stream::new());
    create_all(&bases[0], std::slice::from_ref(&probe)).await;
    let probe_deliveries = Arc::new(Deliveries::default());
    let mut probe_task = JoinSet::new();
    follow_all(
        &ws,
        std::slice::from_ref(&probe),
        epoch,
        &probe_deliveries,
        &mut probe_task,
    )
    .await;
    let http = http();
    let baseline_appends = if options.quick { 50 } else { 200 };
    for _ in 0..baseline_appends {
        append(&http, &bases[0], &probe, epoch).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let baseline = take_sorted(&probe_deliveries);
    probe_task.abort_all();

    // The load: `rate` appends a second over `streams_for(rate)` streams, each followed.
    let streams: Vec<Arc<Stream>> = (0..streams_for(options.rate))
        .map(|_| Arc::new(Stream::new()))
        .collect();
    create_all(&bases[0], &streams).await;
    let deliveries = Arc::new(Deliveries::default());
    let mut followers = JoinSet::new();
    follow_all(&ws, &streams, epoch, &deliveries, &mut followers).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let interval = Duration::from_secs_f64(streams.len() as f64 / f64::from(options.rate));
    let run = Duration::from_secs_f64(options.secs);
    let acked = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut senders = JoinSet::new();
    for (i, stream) in streams.iter().enumerate() {
        let (http, base, stream, acked, failed) = (
            http.clone(),
            bases[0].clone(),
            stream.clone(),
            acked.clone(),
            failed.clone(),
        );
        // Spread the streams' ticks over one interval.
        let offset = interval.mul_f64(i as f64 / streams.len() as f64);
        senders.spawn(async move {
            let mut next = started + offset;
            while next < started + run {
                tokio::time::sleep_until(next.into()).await;
                if append(&http, &base, &stream, epoch).await {
                    acked.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                // A stream that fell behind does not burst to catch up.
                next = (next + interval).max(Instant::now());
            }
        });
    }
    while senders.join_next().await.is_some() {}
    let secs = started.elapsed().as_secs_f64();
    let acked = acked.load(Ordering::Relaxed);
    let deadline = Instant::now() + Duration::from_secs(10);
    while deliveries.frames.load(Ordering::Relaxed) < acked && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let loaded = take_sorted(&deliveries);
    followers.abort_all();

    println!(
        "rate ({label}): offered {} appends/s over {} streams for {:.0} s; {acked} acked ({:.0}/s), \
         {} failed, {} of them delivered",
        options.rate,
        streams.len(),
        options.secs,
        acked as f64 / secs,
        failed.load(Ordering::Relaxed),
        loaded.len(),
    );
    println!(
        "  append→delivery p50 {:.2} ms, p99 {:.2} ms; baseline (one stream, 50/s) p50 {:.2} ms, \
         p99 {:.2} ms: {:.2}× at p50, {:.2}× at p99",
        percentile(&loaded, 50.0),
        percentile(&loaded, 99.0),
        percentile(&baseline, 50.0),
        percentile(&baseline, 99.0),
        percentile(&loaded, 50.0) / percentile(&baseline, 50.0),
        percentile(&loaded, 99.0) / percentile(&baseline, 99.0),
    );
    if (loaded.len() as u64) < acked || failed.load(Ordering::Relaxed) > 0 {
        println!("  !! some appends failed or were not delivered");
    }
}
