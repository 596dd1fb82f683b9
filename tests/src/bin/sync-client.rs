//! A device process for the network kill tests: opens a store and talks to a relay, printing
//! one line per acknowledged step, so the test can SIGKILL it mid-push or mid-pull and then
//! check that nothing acknowledged was lost and nothing was applied twice.
//!
//! `sync-client PATH KEY_HEX RELAY_URL edits N` — N plan edits, each followed by a sync;
//! prints `edit i` after each write and `synced i` after each sync.
//! `sync-client PATH KEY_HEX RELAY_URL sync` — one sync; prints the report's counts.
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
    let client = SyncClient::new(store.clone(), relay, NetOptions::default())?;
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
            let report = runtime.block_on(client.sync_now())?;
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
