//! cargo-fuzz's entry for the `vcard` target (`targets/src/targets/vcard.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::vcard::run(data));
