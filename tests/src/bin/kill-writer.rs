//! A writer for the kill test: writes through the public API as fast as it can and prints one
//! `ack …` line after each call returns. The test kills it with SIGKILL at a random moment and
//! then checks that every acknowledged write is in the store.
#![allow(clippy::print_stdout)]

use std::io::Write;

use rand::{Rng, SeedableRng};
use twofold_core::sections as s;
use twofold_core::*;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, key_hex, seed] = args.as_slice() else {
        return Err(Error::invalid(
            "args",
            "usage: kill-writer PATH KEY_HEX SEED",
        ));
    };
    let key: [u8; 32] = hex::decode(key_hex)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| Error::invalid("key", "must be 64 hex digits"))?;
    let seed: u64 = seed
        .parse()
        .map_err(|_| Error::invalid("seed", "must be a number"))?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    // Compact often, so that kills also land in the middle of compactions.
    let options = OpenOptions {
        compact_after_chunks: 16,
        ..OpenOptions::default()
    };
    let store = Twofold::open_with(path, &key, options)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    let mut n: u64 = 0;
    loop {
        n += 1;
        match rng.random_range(0..10) {
            0 => {
                let id = ItemId::parse("id", &format!("c{seed}x{n}"))?;
                store.put(
                    s::CONTACTS,
                    Contact {
                        id: id.clone(),
                        name: format!("Person {n}"),
                        roles: vec![ContactRole::Peer],
                        phones: vec![],
                        email: None,
                        availability: String::new(),
                        notes: String::new(),
                        // Some on the crisis ladder: the home screen's read model follows.
                        crisis_order: (n % 3 == 0).then_some(n as u32),
                        do_not_involve: false,
                    },
                )?;
                writeln!(out, "ack contact {id}")?;
            }
            1 => {
                store.set_when_well(&format!("{seed} {n}"))?;
                writeln!(out, "ack when_well {seed} {n}")?;
            }
            // The check-ins' intent log folded into the journal (ADR 0025), so that kills
            // also land mid-fold; a contact or a `when_well` folds it too, and so does every
            // 32nd pending check-in.
            2 => {
                store.fold_check_ins()?;
            }
            _ => {
                let c = store.record_check_in(
                    NewCheckIn {
                        day: Day::from_ymd("day", 2026, 11, 25)?,
                        mood: rng.random_range(0..=10),
                        craving: rng.random_range(0..=10),
                        sleep_hours: None,
                        medication_taken: None,
                        doses: Vec::new(),
                        used_substance: false,
                        triggers_met: vec![],
                        coping_used: vec![],
                        warning_signs: vec![],
                        note: format!("note {n}"),
                    },
                    1_764_000_000_000 + n as i64,
                )?;
                writeln!(out, "ack check_in {}", c.id)?;
            }
        }
        out.flush()?;
    }
}
