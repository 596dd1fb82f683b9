//! cargo-fuzz's entry for the `relay_ws` target (`targets/src/targets/relay_ws.rs` says what it fuzzes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz_targets::targets::relay_ws::run(data));
