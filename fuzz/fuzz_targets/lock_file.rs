//! cargo-fuzz's entry for the `lock_file` target (`targets/src/targets/lock_file.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::lock_file::run(data));
