//! cargo-fuzz's entry for the `address_hint` target (`targets/src/targets/address_hint.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::address_hint::run(data));
