//! Every fuzz target in one binary (ADR 0016): libFuzzer's `main` runs the target that
//! `TWOFOLD_FUZZ_TARGET` names (`list` prints the names). This is the glue libfuzzer-sys's
//! `fuzz_target!` would write: the entry points libFuzzer calls, and a panic made into an abort
//! so that libFuzzer reports it as a crash and saves the input.
#![no_main]

use std::os::raw::{c_char, c_int};
use std::sync::OnceLock;

use twofold_fuzz_targets::targets;

static TARGET: OnceLock<targets::Target> = OnceLock::new();

/// Called by libFuzzer once, before the first input.
#[no_mangle]
pub extern "C" fn LLVMFuzzerInitialize(_argc: *mut c_int, _argv: *mut *mut *mut c_char) -> c_int {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        std::process::abort();
    }));
    let name = std::env::var("TWOFOLD_FUZZ_TARGET").unwrap_or_default();
    if name == "list" {
        for (name, _) in targets::ALL {
            println!("{name}");
        }
        std::process::exit(0);
    }
    let Some(run) = targets::by_name(&name) else {
        let known: Vec<&str> = targets::ALL.iter().map(|(name, _)| *name).collect();
        eprintln!(
            "twofold-fuzz-all: TWOFOLD_FUZZ_TARGET must name a target ({}), not {name:?}",
            known.join(", ")
        );
        std::process::exit(2);
    };
    TARGET.get_or_init(|| run);
    0
}

/// Called by libFuzzer for each input.
///
/// # Safety
///
/// `data` points to `size` readable bytes that live for the call (libFuzzer's contract).
#[no_mangle]
pub unsafe extern "C" fn LLVMFuzzerTestOneInput(data: *const u8, size: usize) -> c_int {
    let input: &[u8] = if size == 0 {
        &[]
    } else {
        // SAFETY: the caller's contract above.
        unsafe { std::slice::from_raw_parts(data, size) }
    };
    let run = TARGET.get().expect("LLVMFuzzerInitialize chose the target");
    run(input);
    0
}
