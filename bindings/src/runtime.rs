//! The tokio runtime the bindings own, and the one way async exports run core calls on it.
//!
//! The core is synchronous (SQLite with `synchronous=FULL`, in-memory Automerge documents), so
//! an async export hands its core call to the runtime's blocking pool and awaits the result:
//! the caller's thread (an Android main thread, a Swift actor) never waits on the disk.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Mutex, OnceLock};
use std::task::{ready, Context, Poll};

use tokio::runtime::{Builder, Runtime};
use tokio::sync::oneshot;

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

/// A call's answer with its type erased, so that one channel, one guard and one spawn serve
/// every export (ADR 0018, fifth revision): generic over the answer's type, they were compiled
/// once per export.
type Answer = Result<Box<dyn Any + Send>>;

/// Runs a blocking call body on the runtime's blocking pool, guarded against panics; await the
/// result. If the body never runs (the runtime shutting down, or failing to start) the call
/// fails as an internal error, as a lost task did before.
pub(crate) fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Blocking<T> {
    Blocking::spawn(Box::new(move || {
        f().map(|t| Box::new(t) as Box<dyn Any + Send>)
    }))
}

/// The future of a [`blocking`] call. Only unboxing the answer is per type.
pub(crate) struct Blocking<T> {
    answer: oneshot::Receiver<Answer>,
    returns: PhantomData<fn() -> T>,
}

impl<T> Blocking<T> {
    /// An answer known before anything runs (e.g. the store is closed).
    pub(crate) fn failed(error: TwofoldError) -> Self {
        Self::from_receiver(answered(Err(error)))
    }

    fn spawn(call: Box<dyn FnOnce() -> Answer + Send>) -> Self {
        Self::from_receiver(spawn_call(call))
    }

    fn from_receiver(answer: oneshot::Receiver<Answer>) -> Self {
        Blocking {
            answer,
            returns: PhantomData,
        }
    }
}

impl<T: 'static> Future for Blocking<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let answer = ready!(Pin::new(&mut self.answer).poll(cx))
            .unwrap_or_else(|_| Err(TwofoldError::internal_failure()))?;
        // The box was made from a `T` in `blocking`; a mismatch would be a bug here, and is
        // answered as one rather than with a panic.
        Poll::Ready(
            answer
                .downcast::<T>()
                .map(|t| *t)
                .map_err(|_| TwofoldError::internal_failure()),
        )
    }
}

/// Not generic: compiled once for every export.
fn spawn_call(call: Box<dyn FnOnce() -> Answer + Send>) -> oneshot::Receiver<Answer> {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return answered(Err(e)),
    };
    let (sent, answer) = oneshot::channel();
    let job: Job = Box::new(move || {
        // The caller may have stopped waiting (a cancelled async call): nothing to tell it.
        let _ = sent.send(guard(call));
    });
    drop(rt.spawn_blocking(job));
    answer
}

/// Work nobody awaits, on the blocking pool (e.g. what a call leaves for later once it has
/// answered). A failure or a panic is dropped: the work is such that the next call needing it
/// does it again.
pub(crate) fn in_background(work: Box<dyn FnOnce() -> Result<()> + Send>) {
    if let Ok(rt) = runtime() {
        let job: Job = Box::new(move || {
            let _ = guard(work);
        });
        drop(rt.spawn_blocking(job));
    }
}

fn answered(answer: Answer) -> oneshot::Receiver<Answer> {
    let (sent, receiver) = oneshot::channel();
    // The receiver is alive, so the send succeeds.
    let _ = sent.send(answer);
    receiver
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::task::{Wake, Waker};
    use std::thread;

    use proptest::prelude::*;

    use super::*;

    /// Polls on this thread without a tokio context, as a foreign executor does.
    fn wait<F: Future>(f: F) -> F::Output {
        struct Unpark(thread::Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut f = std::pin::pin!(f);
        loop {
            if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
                return out;
            }
            thread::park();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Answers of different types under way at once each come back whole, with their own
        /// type, in whatever order they are awaited; so do errors.
        #[test]
        fn answers_come_back_as_the_body_gave_them(
            text in ".*",
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
            number in any::<Option<i64>>(),
            field in "[a-z_.]{1,20}",
            reason in ".*",
            fails in any::<bool>(),
        ) {
            let (t, b, n) = (text.clone(), bytes.clone(), number);
            let text_call = blocking(move || Ok(t));
            let bytes_call = blocking(move || Ok((b, n)));
            let (f, r) = (field.clone(), reason.clone());
            let error_call = blocking(move || {
                if fails {
                    Err(TwofoldError::InvalidInput { field: f, reason: r })
                } else {
                    Ok(())
                }
            });
            let expected_error = if fails {
                Err(TwofoldError::InvalidInput { field, reason })
            } else {
                Ok(())
            };
            prop_assert_eq!(wait(error_call), expected_error);
            prop_assert_eq!(wait(bytes_call), Ok((bytes, number)));
            prop_assert_eq!(wait(text_call), Ok(text));
        }
    }

    /// A check-in answers from the intent log; the fold into the journal follows on the pool
    /// with no read to prompt it, so a read of the journal on the caller's thread finds
    /// nothing left to fold.
    #[test]
    fn a_check_in_is_folded_in_the_background_after_it_answers() {
        use crate::model::journal::NewCheckIn;
        use crate::store::TwofoldStore;

        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.twofold").to_string_lossy().into_owned();
        let store = wait(TwofoldStore::open(path, vec![9; 32])).expect("open");
        let new = NewCheckIn {
            day: "2026-03-03".to_string(),
            mood: 6,
            craving: 1,
            sleep_hours: Some(7.0),
            medication_taken: None,
            doses: Vec::new(),
            used_substance: false,
            triggers_met: vec![],
            coping_used: vec![],
            warning_signs: vec![],
            note: String::new(),
        };
        wait(store.record_check_in(new, None)).expect("check in");
        let core = store.core().expect("open store");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while core.pending_check_in_count().expect("pending") > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the check-in is still waiting in the intent log"
            );
            thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn the_body_runs_on_the_runtime_blocking_pool() {
        let name = wait(blocking(|| {
            Ok(thread::current().name().map(str::to_string))
        }));
        assert_eq!(name, Ok(Some("twofold-worker".to_string())));
    }

    #[test]
    fn a_panic_in_the_body_becomes_an_internal_error_without_its_payload() {
        let r: Result<String> = wait(blocking(|| panic!("secret note text")));
        assert_eq!(r, Err(TwofoldError::internal_failure()));
    }

    #[test]
    fn a_failure_known_before_the_call_is_its_answer() {
        let r: Result<String> = wait(Blocking::failed(TwofoldError::Closed));
        assert_eq!(r, Err(TwofoldError::Closed));
    }
}
