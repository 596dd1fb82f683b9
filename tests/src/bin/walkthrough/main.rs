//! The main job: a walkthrough of the product. Part one fills a person's phone (support plan,
//! contacts, a weekly meeting, a week of check-ins) and reopens it; part two pairs that phone
//! with a mentor's through a relay process on loopback, shares the plan and the schedule,
//! edits offline on both sides, syncs, and prints what each side sees.
#![allow(clippy::print_stdout)]

mod one_device;
mod two_devices;

use chrono::NaiveDate;
use twofold_core::{Day, Result};
use twofold_tests::keys::random_key;

fn main() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("twofold-walkthrough-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("owner.twofold");
    let key = random_key();
    let today = Day(NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"));

    println!("== Twofold walkthrough ==");
    println!("\n== Part one: Lena's phone, on its own ==");
    one_device::run(&path, &key, today)?;
    println!("\n== Part two: Lena and her mentor Rosa, through an encrypted relay ==");
    two_devices::run(&dir, &path, &key, today)?;
    std::fs::remove_dir_all(&dir)?;
    println!("\nDone.");
    Ok(())
}
