//! cargo-fuzz's entry for the `control` target (`targets/src/targets/control.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::control::run(data));
