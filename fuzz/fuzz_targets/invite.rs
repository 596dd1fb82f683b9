//! cargo-fuzz's entry for the `invite` target (`targets/src/targets/invite.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::invite::run(data));
