//! cargo-fuzz's entry for the `automerge_load` target (`targets/src/targets/automerge_load.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::automerge_load::run(data));
