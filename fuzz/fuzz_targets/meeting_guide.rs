//! cargo-fuzz's entry for the `meeting_guide` target (`targets/src/targets/meeting_guide.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::meeting_guide::run(data));
