//! The devices of the soak (`tests/tests/it/soak.rs`), in a process of their own so that the
//! test can watch their memory: a person, a mentor who may edit the plan and one who may only
//! read it, paired through the relay at `RELAY_URL` (the test's throttling proxy), each with
//! live sync on, editing at random until told to stop.
//!
//! `soak-devices RELAY_URL SEED`: prints `ready` once paired and shared, then edits; on a
//! `settle` line on stdin it stops editing and live sync, syncs until nothing moves, and prints
//! its figures and `done`.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use twofold_core::sections as s;
use twofold_core::*;
use twofold_tests::net_devices::{pair, settle, NetDevice};

fn coping(id: &str, text: String) -> CopingStrategy {
    CopingStrategy {
        id: ItemId::parse("id", id).expect("a fixed id is valid"),
        description: text,
        domain: Domain::Both,
    }
}

/// Rows per document in `doc_chunks`: bounded by the compaction threshold.
fn chunk_counts(d: &NetDevice) -> BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open(&d.path).expect("open the store file");
    conn.pragma_update(None, "key", format!("x'{}'", hex::encode(d.key)))
        .expect("key");
    let mut stmt = conn
        .prepare("SELECT doc_id, count(*) FROM doc_chunks GROUP BY doc_id")
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

fn file_len(path: &std::path::Path, suffix: &str) -> u64 {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    std::fs::metadata(std::path::PathBuf::from(p))
        .map(|m| m.len())
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, relay_url, seed] = args.as_slice() else {
        return Err(Error::invalid("args", "usage: soak-devices RELAY_URL SEED"));
    };
    let seed: u64 = seed
        .parse()
        .map_err(|_| Error::invalid("seed", "must be a number"))?;

    let person = NetDevice::new("Sam", relay_url);
    let mentor = NetDevice::new("Alex", relay_url);
    let reader = NetDevice::new("Robin", relay_url);
    let (mentor_id, _) = pair(&person, &mentor).await?;
    let (reader_id, _) = pair(&person, &reader).await?;
    person
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Write, "support", None)?;
    person
        .s()
        .share(DocKind::Plan, &reader_id, Access::Read, "support", None)?;
    settle(&[&person, &mentor, &reader]).await;
    let plan = person.s().doc_id(DocKind::Plan)?;

    let lives = vec![
        person.go_live().await,
        mentor.go_live().await,
        reader.go_live().await,
    ];
    println!("ready");
    std::io::stdout().flush()?;

    let stop = Arc::new(AtomicBool::new(false));
    let edits = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let editor = {
        let (person, mentor, reader) = (person.store(), mentor.store(), reader.store());
        let (stop, edits, refused, plan) =
            (stop.clone(), edits.clone(), refused.clone(), plan.clone());
        tokio::spawn(async move {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                // Items are overwritten from a fixed set: the documents' history grows, their
                // current state does not.
                let slot = rng.random_range(0..24);
                let text = format!("step {n} of the soak, written at random");
                match rng.random_range(0..10) {
                    0..=4 => person
                        .put(s::COPING_STRATEGIES, coping(&format!("p{slot}"), text))
                        .expect("the person's edit"),
                    5..=7 => mentor
                        .shared_put(
                            &plan,
                            s::COPING_STRATEGIES,
                            coping(&format!("m{slot}"), text),
                        )
                        .expect("the mentor's edit"),
                    8 => {
                        person
                            .record_check_in(
                                NewCheckIn {
                                    day: Day::from_ymd("day", 2026, 3, 1 + (n % 28) as u32)
                                        .expect("day"),
                                    mood: rng.random_range(0..=10),
                                    craving: rng.random_range(0..=10),
                                    sleep_hours: None,
                                    medication_taken: None,
                                    doses: Vec::new(),
                                    used_substance: false,
                                    triggers_met: vec![],
                                    coping_used: vec![],
                                    warning_signs: vec![],
                                    note: String::new(),
                                },
                                1_764_000_000_000 + n as i64,
                            )
                            .expect("a check-in");
                    }
                    _ => {
                        // The read-only mentor is refused, typed, and nothing moves.
                        let r = reader.shared_put(&plan, s::COPING_STRATEGIES, coping("r", text));
                        assert!(matches!(r, Err(Error::ReadOnly { .. })), "{r:?}");
                        refused.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                }
                edits.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(rng.random_range(10..60))).await;
            }
        })
    };

    // Wait for the test's word.
    let line = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        line
    })
    .await
    .unwrap_or_default();
    if line.trim() != "settle" {
        return Err(Error::invalid("stdin", "expected settle"));
    }
    stop.store(true, Ordering::Relaxed);
    let _ = editor.await;
    for live in lives {
        live.stop().await;
    }
    settle(&[&person, &mentor, &reader]).await;
    settle(&[&person, &mentor, &reader]).await;

    let heads: Vec<Vec<String>> = [&person, &mentor, &reader]
        .iter()
        .map(|d| d.s().doc_heads(&plan))
        .collect::<Result<_>>()?;
    let items: Vec<usize> = [&person, &mentor, &reader]
        .iter()
        .map(|d| {
            if d.s().device_id() == person.s().device_id() {
                d.s().list(s::COPING_STRATEGIES).map(|l| l.len())
            } else {
                d.s()
                    .shared_list(&plan, s::COPING_STRATEGIES)
                    .map(|l| l.len())
            }
        })
        .collect::<Result<_>>()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "converged {}",
        if heads.iter().all(|h| *h == heads[0]) && items.iter().all(|n| *n == items[0]) {
            "yes"
        } else {
            "no"
        }
    )?;
    writeln!(out, "items {items:?}")?;
    writeln!(
        out,
        "edits {} refused {}",
        edits.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed)
    )?;
    for (name, d) in [
        ("person", &person),
        ("mentor", &mentor),
        ("reader", &reader),
    ] {
        let chunks = chunk_counts(d);
        writeln!(
            out,
            "store {name} db {} wal {} max_chunks {} docs {}",
            file_len(&d.path, ""),
            file_len(&d.path, "-wal"),
            chunks.values().max().copied().unwrap_or(0),
            chunks.len()
        )?;
    }
    writeln!(out, "done")?;
    out.flush()?;
    Ok(())
}
