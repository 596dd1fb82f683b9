//! cargo-fuzz's entry for the `envelope` target (`targets/src/targets/envelope.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::envelope::run(data));
