//! A real `nats-server` with JetStream on loopback, for the relay's multi-process mode.
//! `scripts/toolchains/nats.sh` installs it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The `nats-server` binary, if installed. Debian puts it in /usr/sbin, which is not on every
/// user's PATH.
pub fn find_nats_server() -> Option<String> {
    ["nats-server", "/usr/sbin/nats-server"]
        .into_iter()
        .find(|candidate| {
            Command::new(candidate)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(str::to_owned)
}

/// A `nats-server` child process, killed when dropped.
#[derive(Debug)]
pub struct NatsServer {
    child: Child,
    /// `nats://127.0.0.1:PORT`
    pub url: String,
}

impl NatsServer {
    /// JetStream on a free loopback port, storing in `dir/jetstream` and logging to
    /// `dir/nats.log`; the reason when it cannot (not installed, no port, did not start).
    pub fn start(dir: &Path) -> Result<NatsServer, String> {
        let binary = find_nats_server()
            .ok_or("nats-server is not installed (scripts/toolchains/nats.sh installs it)")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let log = std::fs::File::create(dir.join("nats.log"))
            .map_err(|e| format!("no nats log file: {e}"))?;
        let child = Command::new(binary)
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(dir.join("jetstream"))
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .map_err(|e| format!("could not start nats-server: {e}"))?;
        let server = NatsServer {
            child,
            url: format!("nats://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("nats-server did not start listening".to_string());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
