//! A device process for the network kill tests: opens a store and talks to a relay, printing
//! one line per acknowledged step, so the test can SIGKILL it mid-push or mid-pull and then
//! check that nothing acknowledged was lost and nothing was applied twice.
//!
//! `sync-client PATH KEY_HEX RELAY_URL edits N` — N plan edits, each followed by a sync;
//! prints `edit i` after each write and `synced i` after each sync.
//! `sync-client PATH KEY_HEX RELAY_URL sync [PAGE [PAUSE_MS]]` — one sync; prints `read N`
//! each time a page of records has been applied (PAGE records a read, default the client's),
//! and then holds the process still for PAUSE_MS, so a kill lands between pages; then the
//! report's counts.
#![allow(clippy::print_stdout)]

use std::io::Write;
use std::sync::Arc;

use twofold_core::sections as s;
use twofold_core::*;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = || {
        Error::invalid(
            "args",
            "usage: sync-client PATH KEY_HEX RELAY_URL edits N|sync",
        )
    };
    let (path, key_hex, relay, mode) = match args.as_slice() {
        [_, p, k, r, m, ..] => (p, k, r, m.as_str()),
        _ => return Err(usage()),
    };
    let key: [u8; 32] = hex::decode(key_hex)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| Error::invalid("key", "must be 64 hex digits"))?;
    let store = Arc::new(Twofold::open(path, &key)?);
    let mut options = NetOptions::default();
    let mut pause = std::time::Duration::ZERO;
    if mode == "sync" {
        if let Some(page) = args.get(5).and_then(|n| n.parse().ok()) {
            options.page_limit = page;
        }
        if let Some(ms) = args.get(6).and_then(|n| n.parse().ok()) {
            pause = std::time::Duration::from_millis(ms);
        }
    }
    let client = SyncClient::new(store.clone(), relay, options)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    match mode {
        "edits" => {
            let n: u64 = args.get(5).and_then(|n| n.parse().ok()).ok_or_else(usage)?;
            for i in 0..n {
                store.put(
                    s::COPING_STRATEGIES,
                    CopingStrategy {
                        id: ItemId::parse("id", &format!("edit{i}"))?,
                        description: format!("strategy number {i}"),
                        domain: Domain::Both,
                    },
                )?;
                writeln!(out, "edit {i}")?;
                out.flush()?;
                let report = runtime.block_on(client.sync_now())?;
                if report.interrupted.is_some() {
                    return Err(Error::invalid("relay", "sync interrupted"));
                }
                writeln!(out, "synced {i}")?;
                out.flush()?;
            }
        }
        "sync" => {
            drop(out);
            let mut status = client.watch_status();
            // Applied pages, as they commit: the kill test stops the process between them.
            runtime.spawn(async move {
                let mut seen = 0;
                while status.changed().await.is_ok() {
                    let read = match *status.borrow_and_update() {
                        SyncStatus::Syncing { progress } => progress.received,
                        _ => continue,
                    };
                    if read > seen {
                        seen = read;
                        println!("read {read}");
                        // Blocks the one runtime thread on purpose: the sync stops here.
                        std::thread::sleep(pause);
                    }
                }
            });
            let report = runtime.block_on(client.sync_now())?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "received {} applied {} duplicates {} interrupted {}",
                report.received,
                report.applied,
                report.duplicates,
                report.interrupted.is_some()
            )?;
        }
        _ => return Err(usage()),
    }
    Ok(())
}
