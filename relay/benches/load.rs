//! Load benchmark of the relay: a few hundred simulated devices in owner/mentor pairs against real
//! `twofold-relay` processes on loopback.
//!
//! - Scenario A: one relay with the embedded SQLite store in a temporary directory.
//! - Scenario B: a `nats-server` with JetStream and two relay processes on it; the owner of each
//!   pair talks to relay 1 and the mentor to relay 2, so every delivery crosses relays.
//!
//! Each device creates its own stream, follows its peer's stream over a WebSocket and appends
//! envelopes (300–600 random bytes, one in twenty 4 KiB) at a brisk human pace. Every envelope
//! carries its send time, so the peer measures append→live-delivery latency on the same clock.
//! Before the load, one pair on the otherwise idle relay(s) gives the baseline of the same run,
//! and the loaded latencies are printed as ratios to it (figures are ratios against a baseline
//! measured in the same run, never absolute thresholds). A benchmark reports and never fails,
//! but errors and missing deliveries are printed loudly.
//!
//! `cargo bench -p twofold-relay --bench load -- [--quick] [--devices N] [--secs S]
//! [--interval-ms MS] [--only a|b]`

// A benchmark's report is its stdout.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;
use twofold_testkit::{find_nats_server, NatsServer, RelayProcess};

/// Warnings only: a log line per request would measure the logger.
const QUIET: &str = "warn";

/// Counts of failures by kind (a fixed description, never ids or bytes).
type Errors = BTreeMap<String, u64>;
type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Bytes at the front of every envelope: send time (µs since the bench's epoch, u64 BE), sender
/// device (u32 BE), sequence number (u32 BE), phase flag (u8). The rest is random.
const HEADER: usize = 17;
const WARMUP: u8 = 0;
const MEASURED: u8 = 1;
/// A stream record frame: kind (1) ‖ id (16) ‖ position (8) ‖ bytes.
const FRAME_HEADER: usize = 25;
/// The baseline pair appends faster than the loaded devices (100 ms apart, half the per-token
/// rate limit) so it gathers enough samples in a few seconds.
const BASELINE_INTERVAL: Duration = Duration::from_millis(100);
/// How long acknowledged appends may take to reach their followers after the load stops.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
const SETUP_CONCURRENCY: usize = 32;

#[derive(Debug, Clone)]
struct Options {
    quick: bool,
    devices: usize,
    secs: f64,
    interval: Duration,
    baseline_appends: u32,
    only: Option<char>,
}

impl Options {
    fn parse() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let quick = args.iter().any(|a| a == "--quick");
        let mut options = if quick {
            Options {
                quick,
                devices: 200,
                secs: 10.0,
                interval: Duration::from_millis(1000),
                baseline_appends: 50,
                only: None,
            }
        } else {
            Options {
                quick,
                devices: 300,
                secs: 45.0,
                interval: Duration::from_millis(1000),
                baseline_appends: 150,
                only: None,
            }
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| -> String {
                it.next()
                    .cloned()
                    .unwrap_or_else(|| panic!("{name} needs a value"))
            };
            match arg.as_str() {
                "--devices" => {
                    let n: usize = value(arg).parse().expect("--devices takes a whole number");
                    // Devices come in pairs.
                    options.devices = n.max(2) & !1;
                }
                "--secs" => options.secs = value(arg).parse().expect("--secs takes seconds"),
                "--interval-ms" => {
                    options.interval = Duration::from_millis(
                        value(arg)
                            .parse()
                            .expect("--interval-ms takes milliseconds"),
                    )
                }
                "--only" => options.only = value(arg).chars().next(),
                // `cargo bench` passes `--bench`; anything else (a filter) does not apply here.
                _ => {}
            }
        }
        options
    }

    fn wants(&self, scenario: char) -> bool {
        self.only
            .is_none_or(|only| only.eq_ignore_ascii_case(&scenario))
    }
}

fn main() {
    let options = Options::parse();
    // The bench's devices share the two cores with the relays; two workers is all there is.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let started = Instant::now();
    runtime.block_on(run(options));
    println!("total time {:.1} s", started.elapsed().as_secs_f64());
}

async fn run(options: Options) {
    let epoch = Instant::now();
    println!(
        "relay load bench{}: {} devices, {:.0} s of load, one append per device every {} ms \
         (±50%), baseline {} appends per device of one pair",
        if options.quick { " (quick)" } else { "" },
        options.devices,
        options.secs,
        options.interval.as_millis(),
        options.baseline_appends,
    );
    let mut rows = Vec::new();

    if options.wants('a') {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut args = vec!["--data-dir".to_owned(), dir.path().display().to_string()];
        args.extend(lifted_limits());
        let relay = RelayProcess::start_logging(&args, &dir.path().join("relay.log"), QUIET);
        let bases = vec![relay.url.clone()];
        println!("A: one relay, SQLite store, at {}", relay.url);
        rows.extend(scenario("A sqlite", &bases, &options, epoch).await);
        report_relay("A relay", &relay, &dir.path().join("relay.log")).await;
    }

    if options.wants('b') {
        match find_nats_server() {
            None => println!(
                "B: SKIPPED: nats-server is not installed (apt-get install nats-server; \
                 Debian puts it in /usr/sbin), so the two-relay JetStream scenario did not run"
            ),
            Some(_) => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let nats = NatsServer::start(dir.path()).expect("nats-server starts");
                let mut args = vec!["--store".to_owned(), nats.url.clone()];
                args.extend(lifted_limits());
                let one =
                    RelayProcess::start_logging(&args, &dir.path().join("relay-1.log"), QUIET);
                let two =
                    RelayProcess::start_logging(&args, &dir.path().join("relay-2.log"), QUIET);
                let bases = vec![one.url.clone(), two.url.clone()];
                println!(
                    "B: two relays on JetStream ({}), at {} and {}; each pair spans both",
                    nats.url, one.url, two.url
                );
                rows.extend(scenario("B jetstream", &bases, &options, epoch).await);
                report_relay("B relay 1", &one, &dir.path().join("relay-1.log")).await;
                report_relay("B relay 2", &two, &dir.path().join("relay-2.log")).await;
            }
        }
    }

    print_table(&rows);
}

/// Every request comes from 127.0.0.1 here, and that one address stands for hundreds of phones,
/// so the per-IP limits (stream creation per hour, the IP token bucket) are lifted. The
/// per-token limits stay at their defaults (20/s, burst 200): each device stays far below them.
fn lifted_limits() -> Vec<String> {
    [
        "--ip-rate",
        "1000000",
        "--ip-burst",
        "1000000",
        "--streams-per-ip-per-hour",
        "1000000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The baseline (one pair) and then the load, on the same relays.
async fn scenario(name: &str, bases: &[String], options: &Options, epoch: Instant) -> Vec<Row> {
    let baseline = run_phase(
        bases,
        2,
        Pace {
            interval: BASELINE_INTERVAL,
            count: Some(options.baseline_appends),
            secs: None,
        },
        epoch,
    )
    .await;
    print_phase(&format!("{name} baseline"), &baseline);
    let loaded = run_phase(
        bases,
        options.devices,
        Pace {
            interval: options.interval,
            count: None,
            secs: Some(options.secs),
        },
        epoch,
    )
    .await;
    print_phase(&format!("{name} loaded"), &loaded);
    vec![
        Row {
            label: format!("{name} 1 pair"),
            phase: baseline.clone(),
            baseline: None,
        },
        Row {
            label: format!("{name} load"),
            phase: loaded,
            baseline: Some(baseline),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Devices

/// One simulated phone: its own stream and tokens, its own HTTP connection, and counters its
/// peer's follower reads to know when every acknowledged append has been delivered.
#[derive(Debug)]
struct Device {
    index: u32,
    relay: usize,
    id: [u8; 16],
    id_hex: String,
    read_token: String,
    read_hash: String,
    append_token: String,
    append_hash: String,
    http: reqwest::Client,
    /// Appends of this device acknowledged so far (positions are dense, so also its head).
    acked: AtomicU64,
    /// Records of the peer's stream this device has received live.
    delivered: AtomicU64,
}

impl Device {
    fn new(index: u32, relays: usize) -> Self {
        let read: [u8; 32] = rand::random();
        let append: [u8; 32] = rand::random();
        // Certified by its tokens, as the relay requires of a new stream (ADR 0022).
        let id = twofold_relay::stream_id_for_hashes(
            &twofold_relay::token_hash(&read),
            &twofold_relay::token_hash(&append),
        );
        Device {
            index,
            // Owner (even) and mentor (odd) on different relays when there are two.
            relay: index as usize % relays,
            id,
            id_hex: hex::encode(id),
            read_token: URL_SAFE_NO_PAD.encode(read),
            read_hash: hex::encode(twofold_relay::token_hash(&read)),
            append_token: URL_SAFE_NO_PAD.encode(append),
            append_hash: hex::encode(twofold_relay::token_hash(&append)),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("HTTP client"),
            acked: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
        }
    }
}

fn peer_of(index: usize) -> usize {
    index ^ 1
}

fn micros(epoch: Instant) -> u64 {
    epoch.elapsed().as_micros() as u64
}

fn count(errors: &mut Errors, kind: impl Into<String>) {
    *errors.entry(kind.into()).or_default() += 1;
}

fn merge(into: &mut Errors, from: Errors) {
    for (kind, n) in from {
        *into.entry(kind).or_default() += n;
    }
}

fn transport_kind(what: &str, err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "connect"
    } else if err.is_body() || err.is_decode() {
        "body"
    } else {
        "request"
    };
    format!("{what}: transport {kind}")
}

async fn status_kind(what: &str, response: reqwest::Response) -> String {
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap_or_default();
    let code = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{what}: HTTP {status} {code}")
}

async fn create_stream(base: &str, device: &Device) -> Result<(), String> {
    let body = serde_json::json!({
        "read_token_hash": device.read_hash,
        "append_token_hash": device.append_hash,
    });
    let response = device
        .http
        .put(format!("{base}/v1/streams/{}", device.id_hex))
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| transport_kind("create", &e))?;
    if response.status().as_u16() == 204 {
        Ok(())
    } else {
        Err(status_kind("create", response).await)
    }
}

/// Appends and returns the acknowledged position.
async fn append(base: &str, device: &Device, body: Vec<u8>) -> Result<u64, String> {
    let response = device
        .http
        .post(format!("{base}/v1/streams/{}/envelopes", device.id_hex))
        .bearer_auth(&device.append_token)
        .body(body)
        .send()
        .await
        .map_err(|e| transport_kind("append", &e))?;
    if response.status().as_u16() != 200 {
        return Err(status_kind("append", response).await);
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| transport_kind("append", &e))?;
    serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["position"].as_u64())
        .ok_or_else(|| "append: reply without a position".to_owned())
}

/// A random envelope of realistic size; the send time is stamped just before sending.
fn envelope(rng: &mut StdRng, sender: u32, seq: u32, flag: u8) -> Vec<u8> {
    let len = if rng.random_range(0..20) == 0 {
        4096
    } else {
        rng.random_range(300..=600)
    };
    let mut bytes = vec![0u8; len];
    rng.fill(&mut bytes[HEADER..]);
    bytes[8..12].copy_from_slice(&sender.to_be_bytes());
    bytes[12..16].copy_from_slice(&seq.to_be_bytes());
    bytes[16] = flag;
    bytes
}

fn stamp(bytes: &mut [u8], epoch: Instant) -> u64 {
    let now = micros(epoch);
    bytes[0..8].copy_from_slice(&now.to_be_bytes());
    now
}

/// One acknowledged append: counts it and checks positions stay dense.
fn acknowledged(device: &Device, position: u64, errors: &mut Errors) {
    let expected = device.acked.fetch_add(1, Ordering::SeqCst) + 1;
    if position != expected {
        count(errors, "append: position not the next one");
    }
}

async fn connect_follow(url: &str, peer: &Device) -> Result<Socket, String> {
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|_| "follow: WebSocket connect failed".to_owned())?;
    let op = serde_json::json!({
        "op": "follow", "stream": peer.id_hex, "token": peer.read_token, "after": 0,
    });
    socket
        .send(Message::Text(op.to_string().into()))
        .await
        .map_err(|_| "follow: send failed".to_owned())?;
    Ok(socket)
}

#[derive(Debug, Default)]
struct Received {
    deliver_us: Vec<u64>,
    errors: Errors,
}

/// Reads the peer's records until cancelled: checks order and sender, measures delivery.
async fn follow_loop(
    mut socket: Socket,
    me: Arc<Device>,
    peer: Arc<Device>,
    epoch: Instant,
    cancel: CancellationToken,
) -> Received {
    let mut out = Received::default();
    let mut last = 0u64;
    loop {
        let frame = tokio::select! {
            _ = cancel.cancelled() => break,
            frame = socket.next() => frame,
        };
        match frame {
            Some(Ok(Message::Binary(frame))) => {
                let now = micros(epoch);
                if frame.len() < FRAME_HEADER + HEADER || frame[0] != 1 || frame[1..17] != peer.id {
                    count(&mut out.errors, "deliver: malformed or foreign frame");
                    continue;
                }
                let position =
                    u64::from_be_bytes(frame[17..25].try_into().expect("8 bytes of position"));
                if position <= last {
                    count(&mut out.errors, "deliver: duplicate or out of order");
                    continue;
                }
                if position > last + 1 {
                    count(&mut out.errors, "deliver: gap in positions");
                }
                last = position;
                let bytes = &frame[FRAME_HEADER..];
                let sent = u64::from_be_bytes(bytes[0..8].try_into().expect("8 bytes of time"));
                let sender = u32::from_be_bytes(bytes[8..12].try_into().expect("4 bytes"));
                if sender != peer.index {
                    count(&mut out.errors, "deliver: another device's envelope");
                }
                if bytes[16] == MEASURED {
                    out.deliver_us.push(now.saturating_sub(sent));
                }
                me.delivered.fetch_add(1, Ordering::SeqCst);
            }
            Some(Ok(Message::Text(text))) => {
                let code = serde_json::from_str::<serde_json::Value>(text.as_str())
                    .ok()
                    .and_then(|v| v["error"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                count(&mut out.errors, format!("follow: refused {code}"));
            }
            Some(Ok(Message::Close(_))) | None => {
                count(&mut out.errors, "follow: closed by the relay");
                break;
            }
            Some(Err(_)) => {
                count(&mut out.errors, "follow: WebSocket error");
                break;
            }
            Some(Ok(_)) => {}
        }
    }
    let _ = tokio::time::timeout(Duration::from_millis(500), socket.close(None)).await;
    out
}

#[derive(Debug, Clone, Copy)]
struct Pace {
    interval: Duration,
    /// Stop after this many appends per device…
    count: Option<u32>,
    /// …or after this many seconds.
    secs: Option<f64>,
}

#[derive(Debug, Default)]
struct Sent {
    ack_us: Vec<u64>,
    errors: Errors,
}

/// A device's appends: one at a time (a client appends in order and waits for each ack), at
/// jittered intervals; a device that falls behind does not burst to catch up.
async fn send_loop(device: Arc<Device>, base: String, pace: Pace, epoch: Instant) -> Sent {
    let mut rng = StdRng::from_rng(&mut rand::rng());
    let mut out = Sent::default();
    let start = Instant::now();
    let deadline = pace.secs.map(|s| start + Duration::from_secs_f64(s));
    // Spread the devices' first appends over one interval.
    let mut next = start + pace.interval.mul_f64(rng.random_range(0.0..1.0));
    let mut seq = 1u32;
    loop {
        if deadline.is_some_and(|deadline| next >= deadline)
            || pace.count.is_some_and(|count| seq > count)
        {
            break;
        }
        tokio::time::sleep_until(next.into()).await;
        let mut body = envelope(&mut rng, device.index, seq, MEASURED);
        let sent = stamp(&mut body, epoch);
        match append(&base, &device, body).await {
            Ok(position) => {
                out.ack_us.push(micros(epoch).saturating_sub(sent));
                acknowledged(&device, position, &mut out.errors);
            }
            Err(kind) => count(&mut out.errors, kind),
        }
        seq += 1;
        next = (next + pace.interval.mul_f64(rng.random_range(0.5..1.5))).max(Instant::now());
    }
    out
}

#[derive(Debug, Clone, Default)]
struct Phase {
    devices: usize,
    appends: u64,
    secs: f64,
    offered_per_s: f64,
    ack_us: Vec<u64>,
    deliver_us: Vec<u64>,
    errors: Errors,
    missing: u64,
    setup_secs: f64,
}

/// Creates the devices' streams and follows, warms every follow up with one delivered envelope,
/// runs the appends, waits for the deliveries to drain and collects the figures.
async fn run_phase(bases: &[String], devices: usize, pace: Pace, epoch: Instant) -> Phase {
    let setup_started = Instant::now();
    let mut errors = Errors::new();
    let all: Vec<Arc<Device>> = (0..devices as u32)
        .map(|i| Arc::new(Device::new(i, bases.len())))
        .collect();
    let limit = Arc::new(Semaphore::new(SETUP_CONCURRENCY));

    // Streams.
    let mut tasks = JoinSet::new();
    for device in &all {
        let (device, base, limit) = (device.clone(), bases[device.relay].clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            create_stream(&base, &device).await
        });
    }
    while let Some(result) = tasks.join_next().await {
        if let Err(kind) = result.expect("create task") {
            count(&mut errors, kind);
        }
    }

    // Follows: each device follows its peer's stream through its own relay.
    let cancel = CancellationToken::new();
    let mut connects = JoinSet::new();
    for (index, device) in all.iter().enumerate() {
        let url = format!(
            "{}/v1/follow",
            bases[device.relay].replacen("http://", "ws://", 1)
        );
        let (me, peer, limit) = (device.clone(), all[peer_of(index)].clone(), limit.clone());
        connects.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            connect_follow(&url, &peer).await.map(|s| (s, me, peer))
        });
    }
    let mut readers = JoinSet::new();
    while let Some(result) = connects.join_next().await {
        match result.expect("connect task") {
            Ok((socket, me, peer)) => {
                readers.spawn(follow_loop(socket, me, peer, epoch, cancel.clone()));
            }
            Err(kind) => count(&mut errors, kind),
        }
    }

    // Warm-up: one envelope per device, and wait until every follow has delivered it, so the
    // measured appends meet live follows rather than a backlog read.
    let mut warmups = JoinSet::new();
    for device in &all {
        let (device, base) = (device.clone(), bases[device.relay].clone());
        warmups.spawn(async move {
            let mut rng = StdRng::from_rng(&mut rand::rng());
            let mut body = envelope(&mut rng, device.index, 0, WARMUP);
            stamp(&mut body, epoch);
            let mut errors = Errors::new();
            match append(&base, &device, body).await {
                Ok(position) => acknowledged(&device, position, &mut errors),
                Err(kind) => count(&mut errors, format!("warm-up {kind}")),
            }
            errors
        });
    }
    while let Some(result) = warmups.join_next().await {
        merge(&mut errors, result.expect("warm-up task"));
    }
    let warm = wait_delivered(&all, Duration::from_secs(30)).await;
    if warm > 0 {
        count(
            &mut errors,
            format!("warm-up: {warm} follows never delivered"),
        );
    }
    let setup_secs = setup_started.elapsed().as_secs_f64();

    // The measured appends.
    let started = Instant::now();
    let mut senders = JoinSet::new();
    for device in &all {
        senders.spawn(send_loop(
            device.clone(),
            bases[device.relay].clone(),
            pace,
            epoch,
        ));
    }
    let mut ack_us = Vec::new();
    while let Some(result) = senders.join_next().await {
        let sent = result.expect("sender task");
        ack_us.extend(sent.ack_us);
        merge(&mut errors, sent.errors);
    }
    let secs = started.elapsed().as_secs_f64();

    let missing = wait_delivered(&all, DRAIN_TIMEOUT).await;
    cancel.cancel();
    let mut deliver_us = Vec::new();
    while let Some(result) = readers.join_next().await {
        let received = result.expect("reader task");
        deliver_us.extend(received.deliver_us);
        merge(&mut errors, received.errors);
    }

    ack_us.sort_unstable();
    deliver_us.sort_unstable();
    Phase {
        devices,
        appends: ack_us.len() as u64,
        secs,
        offered_per_s: match pace.secs {
            Some(_) => devices as f64 / pace.interval.as_secs_f64(),
            None => 0.0,
        },
        ack_us,
        deliver_us,
        errors,
        missing,
        setup_secs,
    }
}

/// Waits until every device has received all of its peer's acknowledged appends; returns how
/// many are still missing when `timeout` runs out (0 when all arrived).
async fn wait_delivered(all: &[Arc<Device>], timeout: Duration) -> u64 {
    let deadline = Instant::now() + timeout;
    loop {
        let missing: u64 = all
            .iter()
            .enumerate()
            .map(|(index, device)| {
                let acked = all[peer_of(index)].acked.load(Ordering::SeqCst);
                acked.saturating_sub(device.delivered.load(Ordering::SeqCst))
            })
            .sum();
        if missing == 0 || Instant::now() >= deadline {
            return missing;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Reporting

fn percentile(sorted: &[u64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1] as f64 / 1000.0)
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}ms"))
}

fn print_phase(label: &str, phase: &Phase) {
    println!(
        "  {label}: {} devices, {} appends in {:.1} s ({:.1}/s), set-up {:.1} s; ack p50 {} p99 {} \
         max {}; delivery p50 {} p99 {} max {} ({} delivered)",
        phase.devices,
        phase.appends,
        phase.secs,
        phase.appends as f64 / phase.secs,
        phase.setup_secs,
        ms(percentile(&phase.ack_us, 0.50)),
        ms(percentile(&phase.ack_us, 0.99)),
        ms(percentile(&phase.ack_us, 1.0)),
        ms(percentile(&phase.deliver_us, 0.50)),
        ms(percentile(&phase.deliver_us, 0.99)),
        ms(percentile(&phase.deliver_us, 1.0)),
        phase.deliver_us.len(),
    );
    if phase.missing > 0 {
        println!(
            "  !! {label}: {} acknowledged appends were NOT delivered live within {} s",
            phase.missing,
            DRAIN_TIMEOUT.as_secs()
        );
    }
    for (kind, n) in &phase.errors {
        println!("  !! {label}: error {kind} x{n}");
    }
}

#[derive(Debug)]
struct Row {
    label: String,
    phase: Phase,
    baseline: Option<Phase>,
}

fn with_ratio(value: Option<f64>, base: Option<f64>) -> String {
    match (value, base) {
        (Some(v), Some(b)) if b > 0.0 => format!("{} (x{:.1})", ms(Some(v)), v / b),
        _ => ms(value),
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "{:<22} {:>7} {:>10} {:>8} {:>15} {:>15} {:>15} {:>15} {:>6} {:>7}",
        "scenario",
        "devices",
        "appends/s",
        "offered",
        "ack_p50",
        "ack_p99",
        "deliver_p50",
        "deliver_p99",
        "errors",
        "missing"
    );
    for row in rows {
        let p = &row.phase;
        let b = row.baseline.as_ref();
        let pick = |phase: Option<&Phase>, deliver: bool, q: f64| {
            phase.and_then(|phase| {
                percentile(
                    if deliver {
                        &phase.deliver_us
                    } else {
                        &phase.ack_us
                    },
                    q,
                )
            })
        };
        println!(
            "{:<22} {:>7} {:>10.1} {:>8} {:>15} {:>15} {:>15} {:>15} {:>6} {:>7}",
            row.label,
            p.devices,
            p.appends as f64 / p.secs,
            if p.offered_per_s > 0.0 {
                format!("{:.0}", p.offered_per_s)
            } else {
                "-".to_owned()
            },
            with_ratio(pick(Some(p), false, 0.5), pick(b, false, 0.5)),
            with_ratio(pick(Some(p), false, 0.99), pick(b, false, 0.99)),
            with_ratio(pick(Some(p), true, 0.5), pick(b, true, 0.5)),
            with_ratio(pick(Some(p), true, 0.99), pick(b, true, 0.99)),
            p.errors.values().sum::<u64>(),
            p.missing,
        );
    }
    println!(
        "(xN = the loaded figure over the 1-pair baseline of the same run; offered = devices / \
         interval; a device waits for each ack, so an overloaded relay shows appends/s < offered)"
    );
    let unhealthy: u64 = rows
        .iter()
        .map(|r| r.phase.missing + r.phase.errors.values().sum::<u64>())
        .sum();
    if unhealthy > 0 {
        println!("!! UNHEALTHY RUN: {unhealthy} errors or missing deliveries (listed above)");
    }
}

/// The relay's own view: non-zero rejection and slow-consumer counters, and warnings logged.
async fn report_relay(label: &str, relay: &RelayProcess, log: &Path) {
    let metrics = match reqwest::get(format!("{}/metrics", relay.url)).await {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    let notable: Vec<&str> = metrics
        .lines()
        .filter(|line| {
            (line.starts_with("twofold_relay_rejections_total")
                || line.starts_with("twofold_relay_slow_consumers_total"))
                && !line.ends_with(" 0")
        })
        .collect();
    let log = std::fs::read_to_string(log).unwrap_or_default();
    let warnings = log
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .count();
    println!(
        "{label}: rejections {}; {warnings} warning/error log lines",
        if notable.is_empty() {
            "none".to_owned()
        } else {
            notable.join(", ")
        }
    );
    if let Some(first) = log
        .lines()
        .find(|l| l.contains("WARN") || l.contains("ERROR"))
    {
        println!("  first: {first}");
    }
}
