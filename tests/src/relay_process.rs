//! A real `twofold-relay` process on loopback, for the walkthrough, the network tests and the
//! benchmarks. The binary is the one cargo built next to the running executable (`cargo test
//! --workspace` and the walkthrough script build it); if it is missing it is built first.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const START_TIMEOUT: Duration = Duration::from_secs(30);

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
    data_dir: PathBuf,
    addr: String,
    pub url: String,
}

impl RelayProcess {
    /// The embedded default: one SQLite file in `data_dir`, on a free loopback port.
    pub fn sqlite(data_dir: &Path, extra: &[&str]) -> RelayProcess {
        let mut args = vec!["--data-dir".to_string(), data_dir.display().to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::start(args, data_dir, "127.0.0.1:0")
    }

    /// Relays over NATS JetStream at `nats_url`; `log_dir` keeps the relay's log.
    pub fn jetstream(nats_url: &str, log_dir: &Path, extra: &[&str]) -> RelayProcess {
        let mut args = vec!["--store".to_string(), nats_url.to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::start(args, log_dir, "127.0.0.1:0")
    }

    fn start(args: Vec<String>, data_dir: &Path, listen: &str) -> RelayProcess {
        std::fs::create_dir_all(data_dir).expect("relay directory");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_dir.join("relay.log"))
            .expect("relay log file");
        let mut child = Command::new(relay_binary())
            .arg("--listen")
            .arg(listen)
            .args(&args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
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
            let log = std::fs::read_to_string(data_dir.join("relay.log")).unwrap_or_default();
            panic!("relay did not start; stdout {line:?}; log:\n{log}");
        };
        let addr = url.trim_start_matches("http://").to_string();
        RelayProcess {
            child: Some(child),
            args,
            data_dir: data_dir.to_path_buf(),
            addr,
            url: url.to_string(),
        }
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, waiting for a graceful exit.
    pub fn terminate(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let deadline = Instant::now() + Duration::from_secs(20);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same address with the same store (clients keep their URL).
    pub fn restart(&mut self) {
        self.kill();
        let deadline = Instant::now() + START_TIMEOUT;
        let (args, dir, addr) = (self.args.clone(), self.data_dir.clone(), self.addr.clone());
        loop {
            // The port was just released; binding it again can take a moment.
            let attempt = std::panic::catch_unwind(|| Self::start(args.clone(), &dir, &addr));
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

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A `nats-server` with JetStream on a free loopback port, or `None` with the reason when it
/// is not installed (`scripts/toolchains/nats.sh` installs it).
#[derive(Debug)]
pub struct NatsServer {
    child: Child,
    pub url: String,
}

impl NatsServer {
    pub fn start(store_dir: &Path) -> Result<NatsServer, String> {
        let binary = ["nats-server", "/usr/sbin/nats-server"]
            .into_iter()
            .find(|b| {
                Command::new(b)
                    .arg("--version")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .ok_or("nats-server is not installed (scripts/toolchains/nats.sh installs it)")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let child = Command::new(binary)
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(store_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start nats-server: {e}"))?;
        let deadline = Instant::now() + START_TIMEOUT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("nats-server did not start listening".to_string());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(NatsServer {
            child,
            url: format!("nats://127.0.0.1:{port}"),
        })
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
