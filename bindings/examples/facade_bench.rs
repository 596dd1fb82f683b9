//! The Rust side of tests/foreign/bench.sh: the calls the Kotlin and Swift benchmarks time,
//! made from Rust through the façade (no FFI) and straight on the core, in the same run. Next
//! to the foreign figures this separates what the FFI costs from what the core costs.
//!
//!   cargo run --release -p twofold-ffi --example facade_bench -- [DIR]
#![allow(clippy::print_stdout)] // printing its figures is this program's job

use std::time::Instant;

use twofold_ffi::*;

fn contact(n: u32) -> Contact {
    Contact {
        id: format!("contact-{n}"),
        name: format!("Contact {n}"),
        roles: vec![ContactRole::Peer],
        phones: vec![Phone {
            label: "mobile".into(),
            number: format!("+34 600 000 {n:03}"),
        }],
        email: None,
        availability: "evenings".into(),
        notes: "Met at the Tuesday group".into(),
        crisis_order: None,
        do_not_involve: false,
    }
}

fn check_in(n: u32) -> NewCheckIn {
    NewCheckIn {
        day: format!("2026-{:02}-{:02}", 1 + n / 28 % 12, 1 + n % 28),
        mood: u8::try_from(n % 11).unwrap_or(5),
        craving: u8::try_from(n % 4).unwrap_or(1),
        sleep_hours: Some(7.0),
        medication_taken: Some(true),
        doses: Vec::new(),
        used_substance: false,
        triggers_met: vec![],
        coping_used: vec![],
        warning_signs: vec![],
        note: format!("Bench check-in {n}"),
    }
}

/// Mean nanoseconds per call of `calls` runs of `body`.
fn mean_nanos(calls: u32, mut body: impl FnMut(u32)) -> f64 {
    let start = Instant::now();
    for i in 0..calls {
        body(i);
    }
    start.elapsed().as_nanos() as f64 / f64::from(calls)
}

fn row(name: &str, calls: u32, nanos: f64, baseline: f64) {
    println!(
        "  {name:<26} {calls:5} calls  mean {:10.2} µs  {:9.1}× baseline",
        nanos / 1000.0,
        nanos / baseline
    );
}

fn main() -> Result<(), TwofoldError> {
    let parent = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = parent.join(format!("twofold-rust-bench-{}", new_item_id()));
    std::fs::create_dir_all(&dir).map_err(|_| TwofoldError::Storage {
        reason: "cannot create the bench directory".into(),
    })?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|_| TwofoldError::Internal {
            reason: "no runtime".into(),
        })?;
    let key = [42u8; 32];
    let store = rt.block_on(TwofoldStore::open(
        dir.join("facade.db").display().to_string(),
        key.to_vec(),
    ))?;
    let core = twofold_core::Twofold::open(dir.join("core.db"), &key)?;
    for n in 1..=15 {
        rt.block_on(store.put_contact(contact(n)))?;
        let c = convert_contact(contact(n))?;
        core.put(twofold_core::sections::CONTACTS, c)?;
    }
    let today = twofold_core::Day::parse("today", "2026-06-15")?;

    // Reads first (on 15 contacts, no check-ins yet), each after a warm-up; then writes.
    mean_nanos(20_000, |_| drop(version()));
    mean_nanos(2_000, |_| drop(store.list_contacts()));
    let baseline = mean_nanos(10_000, |_| drop(version()));
    let list = mean_nanos(1_000, |_| drop(store.list_contacts()));
    let core_list = mean_nanos(1_000, |_| drop(core.list(twofold_core::sections::CONTACTS)));
    let home = mean_nanos(1_000, |_| drop(store.home_screen("2026-06-15".into())));
    let core_home = mean_nanos(1_000, |_| drop(core.home_screen(today)));
    mean_nanos(20, |i| {
        drop(rt.block_on(store.record_check_in(check_in(10_000 + i), None)))
    });
    let check_ins = mean_nanos(200, |i| {
        drop(rt.block_on(store.record_check_in(check_in(i), None)))
    });

    println!("rust bench (no FFI): 15 contacts; record_check_in is durable (synchronous=FULL)");
    row("version() [baseline]", 10_000, baseline, baseline);
    row("list_contacts()", 1_000, list, baseline);
    row("  core: list(CONTACTS)", 1_000, core_list, baseline);
    row("home_screen(today)", 1_000, home, baseline);
    row("  core: home_screen(today)", 1_000, core_home, baseline);
    row("record_check_in() [async]", 200, check_ins, baseline);
    store.close();
    drop(core);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn convert_contact(c: Contact) -> Result<twofold_core::Contact, TwofoldError> {
    Ok(twofold_core::Contact {
        id: twofold_core::ItemId::parse("id", &c.id)?,
        name: c.name,
        roles: vec![twofold_core::ContactRole::Peer],
        phones: c
            .phones
            .into_iter()
            .map(|p| twofold_core::Phone {
                label: p.label,
                number: p.number,
            })
            .collect(),
        email: c.email,
        availability: c.availability,
        notes: c.notes,
        crisis_order: c.crisis_order,
        do_not_involve: c.do_not_involve,
    })
}
