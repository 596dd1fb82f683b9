//! cargo-fuzz's entry for the `direct_message` target (`targets/src/targets/direct_message.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::direct_message::run(data));
