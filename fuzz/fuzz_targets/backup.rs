//! cargo-fuzz's entry for the `backup` target (`targets/src/targets/backup.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::backup::run(data));
