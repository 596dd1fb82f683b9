//! cargo-fuzz's entry for the `payload` target (`targets/src/targets/payload.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::payload::run(data));
