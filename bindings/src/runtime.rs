//! The tokio runtime the bindings own, and the one way async exports run core calls on it.
//!
//! The core is synchronous (SQLite with `synchronous=FULL`, in-memory Automerge documents), so
//! an async export hands its core call to the runtime's blocking pool and awaits the result:
//! the caller's thread (an Android main thread, a Swift actor) never waits on the disk.

use std::sync::{Mutex, OnceLock};

use tokio::runtime::{Builder, Runtime};

use crate::error::{guard, Result, TwofoldError};

static RUNTIME: OnceLock<Runtime> = OnceLock::new();
static RUNTIME_INIT: Mutex<()> = Mutex::new(());

/// The runtime, created on first use. A failure to create it is reported, and retried on the
/// next call.
pub(crate) fn runtime() -> Result<&'static Runtime> {
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    // Built under a lock so that no second runtime is ever built and dropped (dropping a
    // runtime inside an async context panics).
    let _init = RUNTIME_INIT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .thread_name("twofold-worker")
        .enable_all()
        .build()
        .map_err(|_| TwofoldError::Internal {
            reason: "could not start the background runtime".to_string(),
        })?;
    Ok(RUNTIME.get_or_init(|| rt))
}

/// Runs a blocking call body on the runtime's blocking pool, guarded against panics.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    runtime()?
        .spawn_blocking(move || guard(f))
        .await
        .unwrap_or_else(|_| Err(TwofoldError::internal_failure()))
}
