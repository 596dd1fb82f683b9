//! The `twofold-relay` binary: parse flags, start the server, print where it listens, and shut
//! down gracefully on SIGTERM or SIGINT.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use twofold_relay::{serve, Config};

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr: stdout carries only the one "listening" line that scripts and tests read.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let config = Config::parse();
    let handle = match serve(config).await {
        Ok(handle) => handle,
        Err(err) => {
            tracing::error!(error = %err, "relay failed to start");
            return ExitCode::FAILURE;
        }
    };

    let mut stdout = std::io::stdout().lock();
    if writeln!(
        stdout,
        "twofold-relay listening on http://{}",
        handle.local_addr()
    )
    .and_then(|()| stdout.flush())
    .is_err()
    {
        tracing::warn!("stdout is closed; the listening address is only in the logs");
    }
    drop(stdout);

    wait_for_signal().await;
    tracing::info!("shutting down");
    handle.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, "no SIGTERM handler; only SIGINT stops the relay");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
