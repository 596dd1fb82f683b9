//! A real `twofold-relay` process on loopback. The binary is the one cargo built beside the
//! running test or benchmark (cargo builds a package's binaries for its integration tests and
//! benchmarks, and `cargo test --workspace` builds the relay for the others); if it is missing
//! it is built first.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const START_TIMEOUT: Duration = Duration::from_secs(30);
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

/// Where cargo puts the relay binary for the profile of the running executable.
pub fn relay_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("path of the running executable");
    let mut dir = exe
        .parent()
        .expect("executable in a directory")
        .to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let binary = dir.join("twofold-relay");
    if !binary.exists() {
        let release = dir.ends_with("release");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let mut build = Command::new(cargo);
        build.args(["build", "--quiet", "--locked", "-p", "twofold-relay"]);
        if release {
            build.arg("--release");
        }
        let status = build.status().expect("run cargo build for the relay");
        assert!(status.success(), "building twofold-relay failed");
    }
    binary
}

/// A relay child process, killed when dropped.
#[derive(Debug)]
pub struct RelayProcess {
    child: Option<Child>,
    args: Vec<String>,
    log: PathBuf,
    rust_log: String,
    addr: String,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl RelayProcess {
    /// The embedded default: one SQLite file in `data_dir` (its log beside it), on a free
    /// loopback port, with `extra` flags.
    pub fn sqlite(data_dir: &Path, extra: &[&str]) -> RelayProcess {
        let mut args = vec!["--data-dir".to_string(), data_dir.display().to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::start(&args, &data_dir.join("relay.log"))
    }

    /// Relays over NATS JetStream at `nats_url`; `log_dir` keeps the relay's log.
    pub fn jetstream(nats_url: &str, log_dir: &Path, extra: &[&str]) -> RelayProcess {
        let mut args = vec!["--store".to_string(), nats_url.to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::start(&args, &log_dir.join("relay.log"))
    }

    /// The relay with `args` on a free loopback port, logging at `info` to `log`.
    pub fn start(args: &[String], log: &Path) -> RelayProcess {
        Self::start_logging(args, log, "info")
    }

    /// [`RelayProcess::start`] with another `RUST_LOG` (a benchmark logs warnings only: a
    /// line per request would measure the logger).
    pub fn start_logging(args: &[String], log: &Path, rust_log: &str) -> RelayProcess {
        Self::spawn(
            args.to_vec(),
            log.to_path_buf(),
            rust_log.to_string(),
            "127.0.0.1:0",
        )
    }

    fn spawn(args: Vec<String>, log: PathBuf, rust_log: String, listen: &str) -> RelayProcess {
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir).expect("relay log directory");
        }
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("relay log file");
        let mut child = Command::new(relay_binary())
            .arg("--listen")
            .arg(listen)
            .args(&args)
            .env("RUST_LOG", &rust_log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .spawn()
            .expect("start twofold-relay");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let Some(url) = line.trim().strip_prefix("twofold-relay listening on ") else {
            let _ = child.kill();
            let logs = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("relay did not start; stdout {line:?}; log:\n{logs}");
        };
        RelayProcess {
            child: Some(child),
            args,
            log,
            rust_log,
            addr: url.trim_start_matches("http://").to_string(),
            url: url.to_string(),
        }
    }

    /// The WebSocket address for live follows.
    pub fn ws_url(&self) -> String {
        format!("{}/v1/follow", self.url.replacen("http://", "ws://", 1))
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then waits for a graceful exit: its status, or `None` if it had to be killed
    /// after 20 s (or was not running).
    pub fn terminate(&mut self) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    /// Starts it again on the same address with the same store (clients keep their URL).
    pub fn restart(&mut self) {
        self.kill();
        let deadline = Instant::now() + START_TIMEOUT;
        let (args, log, rust_log, addr) = (
            self.args.clone(),
            self.log.clone(),
            self.rust_log.clone(),
            self.addr.clone(),
        );
        loop {
            // The port was just released; binding it again can take a moment.
            let attempt = std::panic::catch_unwind(|| {
                Self::spawn(args.clone(), log.clone(), rust_log.clone(), &addr)
            });
            match attempt {
                Ok(fresh) => {
                    *self = fresh;
                    return;
                }
                Err(e) if Instant::now() > deadline => std::panic::resume_unwind(e),
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// The process id while it runs (benchmarks read its memory and CPU time in `/proc`).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The relay's log file.
    pub fn log(&self) -> &Path {
        &self.log
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
