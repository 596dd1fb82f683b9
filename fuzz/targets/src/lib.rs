//! Shared by the fuzz targets (ADR 0016): the targets themselves (`targets`), the fixed keys
//! and the checks every target makes of a decoder's answer.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

pub mod fixtures;
pub mod targets;

/// Splits `data` at the first `sep`: the fuzzer's way of giving a target two inputs.
pub fn split_once(data: &[u8], sep: u8) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == sep) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

thread_local! {
    static CONTAINING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` and catches a panic in it, as the engine's `with_doc_in` does where it applies a
/// peer's changes (ADR 0016, the finding). The libFuzzer harnesses — libfuzzer-sys's and
/// `fuzz/all`'s — abort on every panic from their panic hook, before anything unwinds, so a
/// panic the engine contains would still be reported; while `f` runs, the hook lets it unwind
/// to this `catch_unwind` instead. Any other panic is still a finding.
pub fn contain<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let harness = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINING.with(Cell::get) {
                harness(info);
            }
        }));
    });
    CONTAINING.with(|c| c.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    CONTAINING.with(|c| c.set(false));
    result
}
