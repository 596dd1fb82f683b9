//! cargo-fuzz's entry for the `icalendar` target (`targets/src/targets/icalendar.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::icalendar::run(data));
