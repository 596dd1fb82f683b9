//! cargo-fuzz's entry for the `join_request` target (`targets/src/targets/join_request.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::join_request::run(data));
