//! cargo-fuzz's entry for the `json_import` target (`targets/src/targets/json_import.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::json_import::run(data));
