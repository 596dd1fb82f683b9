//! The child of the I/O fault tests (`tests/tests/it/io_faults.rs`, ADR 0017): runs one step
//! on a prepared store under the fault shim and prints what happened. The parent checks the
//! exit status (a panic or an abort is a failure) and reopens the store without faults.
//!
//! `fault-step STEP DIR once|retry`: prints `fired yes|no`, then `ok` or
//! `error DISPLAY ||| DEBUG`; with `retry`, after a failed step it frees the "disk" and runs
//! the same step again in the same process (`retry ok` or `retry error …`): the app goes on.
#![allow(clippy::print_stdout)]

use std::io::Write;
use std::path::PathBuf;

use twofold_core::{Error, Result, Twofold};
use twofold_tests::faults::{self, Step, StepFiles};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, step, dir, mode] = args.as_slice() else {
        return Err(Error::invalid(
            "args",
            "usage: fault-step STEP DIR once|retry",
        ));
    };
    let step = Step::parse(step).ok_or_else(|| Error::invalid("step", "is not a step"))?;
    let files = StepFiles {
        dir: PathBuf::from(dir),
    };
    let store = if faults::needs_open_store(step) {
        Some(Twofold::open_with(
            files.store(),
            &files.key(),
            faults::step_options(&files),
        )?)
    } else {
        None
    };
    faults::arm();
    let first = faults::run_step(step, &files, store.as_ref());
    let mut out = std::io::stdout().lock();
    writeln!(out, "fired {}", if faults::fired() { "yes" } else { "no" })?;
    match &first {
        Ok(()) => writeln!(out, "ok")?,
        Err(e) => writeln!(out, "error {e} ||| {e:?}")?,
    }
    out.flush()?;
    if mode == "retry" && first.is_err() {
        faults::disarm();
        match faults::run_step(step, &files, store.as_ref()) {
            Ok(()) => writeln!(out, "retry ok")?,
            Err(e) => writeln!(out, "retry error {e}")?,
        }
        out.flush()?;
    }
    Ok(())
}
