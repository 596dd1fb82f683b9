//! Writes the design's test data set into a new store, for the foreign-language layers'
//! measurements ("open the five-year store and show today" from Kotlin and Swift).
//!
//!     make-dataset PATH KEY_HEX [YEARS]   (YEARS: 1 to 10, default 5)
//!
//! The store is written through the public API with the same seed as the Rust benchmarks, so
//! every language measures the same bytes. Prints `written N check-ins` when done.
#![allow(clippy::print_stdout)]

use twofold_core::*;
use twofold_tests::dataset::{populate, DatasetSpec};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = || Error::invalid("args", "usage: make-dataset PATH KEY_HEX [YEARS]");
    let (path, key_hex, years) = match args.as_slice() {
        [_, p, k] => (p, k, 5),
        [_, p, k, y] => (p, k, y.parse::<i64>().map_err(|_| usage())?),
        _ => return Err(usage()),
    };
    if !(1..=10).contains(&years) {
        return Err(Error::invalid("years", "must be 1 to 10"));
    }
    let key: [u8; 32] = hex::decode(key_hex)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| Error::invalid("key", "must be 64 hex digits"))?;
    let five = DatasetSpec::FIVE_YEARS;
    // Scaled by years, as the store benchmark's flatness check does.
    let scale = |n: usize| n * years as usize / 5;
    let spec = DatasetSpec {
        days: 365 * years,
        check_ins: scale(five.check_ins),
        attended_meetings: scale(five.attended_meetings),
        plan_edits: scale(five.plan_edits),
        contacts: five.contacts,
    };
    let store = Twofold::open(path, &key)?;
    let summary = populate(&store, 2026, spec)?;
    println!("written {} check-ins", summary.check_ins);
    Ok(())
}
