//! Store calls made from async code (the relay client, direct sync), run on tokio's blocking
//! pool: the store is synchronous (SQLite with `synchronous=FULL`), and a panic in a call stays
//! contained there.
//!
//! Tokio compiles a whole task (its poll, join handle, cancellation and clean-up code) for each
//! closure type it is given to spawn, and every call site has its own closure: about 25 of
//! them, a task each in the phones' library. Here every call shares one task type — the closure
//! boxed, its answer boxed as `Any` — and only the unboxing is per call (ADR 0018).

use std::any::Any;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::Twofold;

type Call = Box<dyn FnOnce() -> Box<dyn Any + Send> + Send>;

/// Runs `f` on the blocking pool and awaits its answer. A panic in `f`, or the runtime
/// shutting down before it ran, is [`Error::Contained`] with `context`.
pub(crate) async fn call<T: Send + 'static>(
    store: Arc<Twofold>,
    context: &'static str,
    f: impl FnOnce(&Twofold) -> Result<T> + Send + 'static,
) -> Result<T> {
    let answer = run(Box::new(move || Box::new(f(&store)))).await;
    match answer.map(|a| a.downcast::<Result<T>>()) {
        Some(Ok(answer)) => *answer,
        // The box was made from a `Result<T>` just above; a mismatch would be a bug here.
        Some(Err(_)) | None => Err(Error::Contained { context }),
    }
}

/// Not generic: the one task type every call shares.
async fn run(call: Call) -> Option<Box<dyn Any + Send>> {
    tokio::task::spawn_blocking(call).await.ok()
}

#[cfg(test)]
mod tests {
    use crate::store::database::KEY_LEN;

    use super::*;

    fn store() -> (tempfile::TempDir, Arc<Twofold>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Twofold::open(dir.path().join("s"), &[7u8; KEY_LEN]).expect("open");
        (dir, Arc::new(store))
    }

    /// Calls of different answer types under way at once each come back with their own answer.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_call_gets_its_own_answer_back() {
        let (_dir, store) = store();
        let text = call(store.clone(), "text", |_| Ok("a note".to_string()));
        let number = call(store.clone(), "number", |s| {
            Ok(s.pending_check_in_count()? + 41)
        });
        let failure = call::<Vec<u8>>(store.clone(), "failure", |_| {
            Err(Error::invalid("field", "reason"))
        });
        let (text, number, failure) = tokio::join!(text, number, failure);
        assert_eq!(text.expect("text"), "a note");
        assert_eq!(number.expect("number"), 41);
        assert!(matches!(failure, Err(Error::Invalid(i)) if i.field == "field"));
    }

    #[tokio::test]
    async fn a_panic_is_contained_with_the_callers_context() {
        let (_dir, store) = store();
        let answer = call::<()>(store, "the test's call", |_| panic!("not a plan's text"));
        match answer.await {
            Err(Error::Contained { context }) => assert_eq!(context, "the test's call"),
            other => panic!("{other:?}"),
        }
    }
}
