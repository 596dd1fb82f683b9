//! The façade from Rust, the way foreign code drives it: async calls from a foreign executor,
//! listeners called back on other threads, closing under way. The Kotlin, Swift and Python
//! suites in tests/foreign run the same stories through the generated bindings.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use twofold_ffi::*;

const WAIT: Duration = Duration::from_secs(10);

/// Stands in for a foreign executor (Kotlin coroutines, Swift tasks, asyncio): it polls on the
/// calling thread and has no tokio context, so an export that needed one (a timer, a socket
/// made inside the call) would fail here as it would on the phones.
fn block_on<F: Future>(f: F) -> F::Output {
    struct Unpark(thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = pin!(f);
    loop {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
        thread::park();
    }
}

fn open(dir: &tempfile::TempDir) -> Arc<TwofoldStore> {
    let path = dir.path().join("twofold.db").display().to_string();
    block_on(TwofoldStore::open(path, vec![7; 32])).expect("open")
}

fn contact(name: &str) -> Contact {
    Contact {
        id: new_item_id(),
        name: name.to_string(),
        roles: vec![ContactRole::Peer],
        phones: vec![Phone {
            label: "mobile".to_string(),
            number: "+34 600 000 001".to_string(),
        }],
        email: None,
        availability: String::new(),
        notes: String::new(),
        crisis_order: None,
        do_not_involve: false,
    }
}

fn check_in(day: &str) -> NewCheckIn {
    NewCheckIn {
        day: day.to_string(),
        mood: 6,
        craving: 1,
        sleep_hours: Some(7.0),
        medication_taken: Some(true),
        doses: Vec::new(),
        used_substance: false,
        triggers_met: vec![],
        coping_used: vec![],
        warning_signs: vec![],
        note: String::new(),
    }
}

struct Contacts(mpsc::Sender<Vec<String>>);

impl DocumentListener for Contacts {
    fn on_document(&self, snapshot: DocumentSnapshot) {
        if let DocumentSnapshot::Contacts { contacts } = snapshot {
            let names = contacts.contacts.into_iter().map(|c| c.name).collect();
            let _ = self.0.send(names);
        }
    }
}

#[test]
fn a_key_that_is_not_32_bytes_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("twofold.db").display().to_string();
    let err = block_on(TwofoldStore::open(path, vec![1; 31])).expect_err("short key");
    assert_eq!(
        err,
        TwofoldError::InvalidInput {
            field: "key".into(),
            reason: "must be exactly 32 bytes".into()
        }
    );
}

#[test]
fn after_close_every_call_fails_with_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    block_on(store.put_contact(contact("Alex"))).expect("put");
    store.close();
    store.close();
    assert!(store.is_closed());
    assert_eq!(store.list_contacts(), Err(TwofoldError::Closed));
    assert_eq!(
        block_on(store.put_contact(contact("Sam"))),
        Err(TwofoldError::Closed)
    );
    assert_eq!(
        store
            .subscribe_home_screen("2026-03-03".into(), Arc::new(NoHome))
            .err(),
        Some(TwofoldError::Closed)
    );
    let again = open(&dir);
    assert_eq!(again.list_contacts().expect("list").len(), 1);
}

struct NoHome;
impl HomeScreenListener for NoHome {
    fn on_home_screen(&self, _home: HomeScreen) {}
}

#[test]
fn a_listener_gets_the_current_value_then_changes_from_other_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    block_on(store.put_contact(contact("Alex"))).expect("put");
    let (tx, rx) = mpsc::channel();
    let handle = store
        .subscribe_document(DocumentKind::Contacts, Arc::new(Contacts(tx)))
        .expect("subscribe");
    assert_eq!(rx.recv_timeout(WAIT).expect("current"), vec!["Alex"]);

    let writer = store.clone();
    std::thread::spawn(move || block_on(writer.put_contact(contact("Sam"))))
        .join()
        .expect("writer thread")
        .expect("put from another thread");
    assert_eq!(rx.recv_timeout(WAIT).expect("change"), vec!["Alex", "Sam"]);

    drop(handle);
    block_on(store.put_contact(contact("Kim"))).expect("put");
    assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
}

#[test]
fn an_import_reaches_the_listener_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    block_on(store.put_contact(contact("Alex"))).expect("put");
    let json = block_on(store.export_json(DocumentKind::Contacts)).expect("export");
    let other_dir = tempfile::tempdir().expect("tempdir");
    let other = open(&other_dir);
    let (tx, rx) = mpsc::channel();
    let _handle = other
        .subscribe_document(DocumentKind::Contacts, Arc::new(Contacts(tx)))
        .expect("subscribe");
    assert_eq!(
        rx.recv_timeout(WAIT).expect("current"),
        Vec::<String>::new()
    );
    block_on(other.import_json(DocumentKind::Contacts, json)).expect("import");
    assert_eq!(rx.recv_timeout(WAIT).expect("imported"), vec!["Alex"]);
}

/// Panics on its first call, as a throwing foreign listener surfaces on this side.
struct Flaky {
    calls: AtomicUsize,
    seen: Mutex<mpsc::Sender<bool>>,
}

impl HomeScreenListener for Flaky {
    fn on_home_screen(&self, home: HomeScreen) {
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("listener failed");
        }
        let _ = self
            .seen
            .lock()
            .expect("sender")
            .send(home.checked_in_today);
    }
}

#[test]
fn a_failing_listener_keeps_its_subscription() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let (tx, rx) = mpsc::channel();
    let listener = Arc::new(Flaky {
        calls: AtomicUsize::new(0),
        seen: Mutex::new(tx),
    });
    let handle = store
        .subscribe_home_screen("2026-03-03".into(), listener.clone())
        .expect("subscribe");
    let deadline = std::time::Instant::now() + WAIT;
    while listener.calls.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    block_on(store.record_check_in(check_in("2026-03-03"), None)).expect("check in");
    assert!(rx.recv_timeout(WAIT).expect("delivered after the failure"));
    handle.cancel();
    assert!(handle.is_cancelled());
}

#[test]
fn closing_the_store_ends_its_listeners() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let (tx, rx) = mpsc::channel();
    let _handle = store
        .subscribe_document(DocumentKind::Contacts, Arc::new(Contacts(tx)))
        .expect("subscribe");
    rx.recv_timeout(WAIT).expect("current");
    store.close();
    // The delivery thread ends and drops the listener (and with it the sender).
    assert_eq!(
        rx.recv_timeout(WAIT),
        Err(mpsc::RecvTimeoutError::Disconnected)
    );
}

#[test]
fn malformed_days_ids_and_times_name_their_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let field = |e: TwofoldError| match e {
        TwofoldError::InvalidInput { field, .. } => field,
        other => panic!("not InvalidInput: {other:?}"),
    };
    assert_eq!(
        field(store.home_screen("03/03/2026".into()).expect_err("day")),
        "today"
    );
    assert_eq!(
        field(
            store
                .get_contact("no spaces please".into())
                .expect_err("id")
        ),
        "contacts.id"
    );
    assert_eq!(
        field(attendance_id("m1".into(), "2026-03-03 19:00".into()).expect_err("time")),
        "attendance.occurrence"
    );
    assert_eq!(
        field(
            store
                .check_ins_between("2026-03-01".into(), "tomorrow".into())
                .expect_err("to")
        ),
        "to_day"
    );
}

#[test]
fn a_suggested_item_is_converted_without_json_and_refused_by_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let not_paired = "5a".repeat(16);
    let suggest = |item: SectionItem| block_on(store.suggest(not_paired.clone(), item, "".into()));
    let field = |e: TwofoldError| match e {
        TwofoldError::InvalidInput { field, .. } => field,
        other => panic!("not InvalidInput: {other:?}"),
    };
    let malformed = SectionItem::CopingStrategies {
        item: CopingStrategy {
            id: "not an id!".into(),
            description: "cold water on the face".into(),
            domain: Domain::Both,
        },
    };
    assert_eq!(
        field(suggest(malformed).expect_err("id")),
        "coping_strategies.id"
    );
    let journal = SectionItem::Recoveries {
        item: Recovery {
            id: new_item_id(),
            substance: "alcohol".into(),
            started: "2026-03-01".into(),
        },
    };
    assert_eq!(field(suggest(journal).expect_err("section")), "section");
    let empty = SectionItem::CopingStrategies {
        item: CopingStrategy {
            id: new_item_id(),
            description: String::new(),
            domain: Domain::Both,
        },
    };
    assert_eq!(
        field(suggest(empty).expect_err("description")),
        "coping_strategies.description"
    );
}

#[test]
fn relay_and_direct_calls_need_no_tokio_context_of_the_caller() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);

    // Nothing listens on the discard port: a network problem is in the report, not an error.
    let session = store
        .sync_session("http://127.0.0.1:9".to_string())
        .expect("session");
    block_on(session.sync_now()).expect("sync_now reports, it does not fail");
    session.start_live().expect("start live");
    block_on(session.stop_live());
    assert!(!session.is_live());

    let direct = store.direct_session().expect("direct session");
    let listening = block_on(direct.listen(0)).expect("listen");
    assert_ne!(listening.port(), 0);
    listening.stop();
    assert!(block_on(listening.next_report()).is_none());
}
