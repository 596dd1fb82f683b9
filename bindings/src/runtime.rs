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

/// Work for the blocking pool, its type erased: every call shares one tokio task type. Tokio
/// builds a task (poll, shutdown, join-handle code) per closure type it is given, and each
/// export has its own closure: spawned as they were, they cost the phones' library 276 KB
/// (ADR 0018).
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// Runs a blocking call body on the runtime's blocking pool, guarded against panics. The result
/// comes back through a channel; if the body never runs (the runtime shutting down) the
/// channel closes and the call fails as an internal error, as a lost task did before.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (sent, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        // The caller may have stopped waiting (a cancelled async call): nothing to tell it.
        let _ = sent.send(guard(f));
    });
    drop(runtime()?.spawn_blocking(job));
    result
        .await
        .unwrap_or_else(|_| Err(TwofoldError::internal_failure()))
}
