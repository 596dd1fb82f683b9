//! A TCP proxy on loopback for the direct-sync tests, the network benchmark and the soak:
//! forwards both ways, counts the bytes, and — when told — delays, drops and cuts at random
//! points (seeded, so a failure can be replayed). The faults can be changed while it runs
//! ([`FlakyProxy::set_faults`]): the soak throttles, stalls and frees the line at random.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to each piece of data it forwards (probabilities per read).
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    /// Longest delay before forwarding a piece.
    pub max_delay: Duration,
    /// Chance that a piece is silently dropped (the stream goes on without it).
    pub drop: f64,
    /// Chance that the connection is cut (both ways) before a piece.
    pub cut: f64,
}

impl Faults {
    pub const NONE: Faults = Faults {
        max_delay: Duration::ZERO,
        drop: 0.0,
        cut: 0.0,
    };
}

/// A running proxy; stops when dropped.
#[derive(Debug)]
pub struct FlakyProxy {
    pub addr: SocketAddr,
    /// Bytes forwarded, both directions together.
    pub bytes: Arc<AtomicU64>,
    /// Connections it accepted.
    pub connections: Arc<AtomicU64>,
    faults: Arc<RwLock<Faults>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FlakyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FlakyProxy {
    pub async fn start(upstream: SocketAddr, faults: Faults, seed: u64) -> FlakyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let bytes = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicU64::new(0));
        let (b, c) = (bytes.clone(), connections.clone());
        let shared = Arc::new(RwLock::new(faults));
        let f = shared.clone();
        let task = tokio::spawn(async move {
            let mut n = 0u64;
            while let Ok((down, _)) = listener.accept().await {
                n += 1;
                c.fetch_add(1, Ordering::Relaxed);
                let Ok(up) = TcpStream::connect(upstream).await else {
                    continue;
                };
                let b = b.clone();
                tokio::spawn(pair(down, up, f.clone(), seed.wrapping_mul(1000) + n, b));
            }
        });
        FlakyProxy {
            addr,
            bytes,
            connections,
            faults: shared,
            task,
        }
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// From the next piece of data on, on every connection, open or new.
    pub fn set_faults(&self, faults: Faults) {
        *self.faults.write().unwrap_or_else(|p| p.into_inner()) = faults;
    }
}

async fn pair(
    down: TcpStream,
    up: TcpStream,
    faults: Arc<RwLock<Faults>>,
    seed: u64,
    bytes: Arc<AtomicU64>,
) {
    let (dr, dw) = down.into_split();
    let (ur, uw) = up.into_split();
    let (cut_tx, cut_rx) = tokio::sync::watch::channel(false);
    let a = pump(
        dr,
        uw,
        faults.clone(),
        seed,
        bytes.clone(),
        cut_tx.clone(),
        cut_rx.clone(),
    );
    let b = pump(ur, dw, faults, seed ^ 0x5eed, bytes, cut_tx, cut_rx);
    tokio::join!(a, b);
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    faults: Arc<RwLock<Faults>>,
    seed: u64,
    bytes: Arc<AtomicU64>,
    cut_tx: tokio::sync::watch::Sender<bool>,
    mut cut_rx: tokio::sync::watch::Receiver<bool>,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut buf = vec![0u8; 4096];
    loop {
        let n = tokio::select! {
            read = from.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
            _ = cut_rx.changed() => break,
        };
        let faults = *faults.read().unwrap_or_else(|p| p.into_inner());
        if faults.cut > 0.0 && rng.random_bool(faults.cut) {
            let _ = cut_tx.send(true);
            break;
        }
        if faults.max_delay > Duration::ZERO {
            let ms = rng.random_range(0..=faults.max_delay.as_millis() as u64);
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if faults.drop > 0.0 && rng.random_bool(faults.drop) {
            continue;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        bytes.fetch_add(n as u64, Ordering::Relaxed);
    }
    let _ = to.shutdown().await;
}
