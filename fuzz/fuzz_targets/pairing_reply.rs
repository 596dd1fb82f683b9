//! cargo-fuzz's entry for the `pairing_reply` target (`targets/src/targets/pairing_reply.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::pairing_reply::run(data));
