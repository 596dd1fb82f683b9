//! A device process for the direct-sync tests: opens a store and runs direct sessions with a
//! paired device over TCP, one line per event, so a test can run the two sides in two
//! processes (or two network namespaces).
//!
//! `direct-peer PATH KEY_HEX listen ADDR [SESSIONS]` — prints `listening ADDR`, then
//! `session …` after each session it answered; exits after SESSIONS sessions (default 1).
//! `direct-peer PATH KEY_HEX connect ADDR PEER_HEX` — one session; prints `session …`.
//! `direct-peer PATH KEY_HEX edit ID TEXT` — one coping strategy put into the plan.
//! `direct-peer PATH KEY_HEX advertise ADDR PEER_HEX [SESSIONS]` — listens on ADDR and
//! advertises itself to PEER by mDNS; prints `advertising NAME PORT`, then as `listen`.
//! `direct-peer PATH KEY_HEX discover PEER_HEX SECONDS` — finds PEER by mDNS and runs one
//! session with it; prints `session …` (`interrupted=Some(Unreachable)` if not found).
//!
//! A session line: `session peer=HEX docs=N sent=N applied=N duplicates=N interrupted=WHAT`.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use twofold_core::sections as s;
use twofold_core::*;

fn line(report: &DirectReport) -> String {
    format!(
        "session peer={} docs={} sent={} applied={} duplicates={} interrupted={}",
        report.peer.map(|p| p.to_string()).unwrap_or_default(),
        report.documents,
        report.sent_changes,
        report.applied_changes,
        report.duplicate_changes,
        report
            .interrupted
            .as_ref()
            .map(|p| format!("{p:?}"))
            .unwrap_or_else(|| "none".to_string()),
    )
}

fn say(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// Prints a line for each of the next `sessions` sessions `listener` answers.
async fn answer(listener: &mut DirectListener, sessions: usize) -> Result<()> {
    for _ in 0..sessions {
        let Some(report) = listener.next_report().await else {
            break;
        };
        say(&line(&report))?;
    }
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = || {
        Error::invalid(
            "args",
            "usage: direct-peer PATH KEY_HEX listen ADDR [N] | connect ADDR PEER_HEX | edit ID TEXT \
             | advertise ADDR PEER_HEX [N] | discover PEER_HEX SECONDS",
        )
    };
    let (path, key_hex, mode) = match args.as_slice() {
        [_, p, k, m, ..] => (p, k, m.as_str()),
        _ => return Err(usage()),
    };
    let key: [u8; 32] = hex::decode(key_hex)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| Error::invalid("key", "must be 64 hex digits"))?;
    let store = Arc::new(Twofold::open(path, &key)?);
    let addr = |i: usize| -> Result<SocketAddr> {
        args.get(i).and_then(|a| a.parse().ok()).ok_or_else(usage)
    };
    let peer_at = |i: usize| -> Result<KeyId> {
        args.get(i)
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .map(KeyId)
            .ok_or_else(usage)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let direct = DirectSync::new(store.clone(), DirectOptions::default());
    match mode {
        "listen" => {
            let sessions: usize = args.get(5).and_then(|n| n.parse().ok()).unwrap_or(1);
            runtime.block_on(async {
                let mut listener = direct.listen(addr(4)?).await?;
                say(&format!("listening {}", listener.local_addr()))?;
                answer(&mut listener, sessions).await
            })?;
        }
        "advertise" => {
            let peer = peer_at(5)?;
            let sessions: usize = args.get(6).and_then(|n| n.parse().ok()).unwrap_or(1);
            runtime.block_on(async {
                let mut listener = direct.listen(addr(4)?).await?;
                let port = listener.local_addr().port();
                let _advertised = direct.advertise(port, vec![peer]).await?;
                say(&format!(
                    "advertising {} {port}",
                    store.discovery_name(&peer)?
                ))?;
                answer(&mut listener, sessions).await
            })?;
        }
        "discover" => {
            let peer = peer_at(4)?;
            let seconds: u64 = args.get(5).and_then(|n| n.parse().ok()).ok_or_else(usage)?;
            let report = runtime.block_on(
                direct.discover_and_connect(&peer, std::time::Duration::from_secs(seconds)),
            )?;
            say(&line(&report))?;
        }
        "connect" => {
            let peer = peer_at(5)?;
            let report = runtime.block_on(direct.connect_tcp(addr(4)?, &peer))?;
            say(&line(&report))?;
        }
        "edit" => {
            let (id, text) = match (args.get(4), args.get(5)) {
                (Some(id), Some(text)) => (id, text),
                _ => return Err(usage()),
            };
            store.put(
                s::COPING_STRATEGIES,
                CopingStrategy {
                    id: ItemId::parse("id", id)?,
                    description: text.clone(),
                    domain: Domain::Both,
                },
            )?;
            say("edited")?;
        }
        _ => return Err(usage()),
    }
    Ok(())
}
