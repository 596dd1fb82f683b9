//! Direct device-to-device sync (issue 16, ADR 0011): real stores on disk, paired and shared
//! through a real relay process, then syncing with no relay at all — in two processes over
//! loopback TCP and across two network namespaces joined by a veth link, through a proxy that
//! delays, drops and cuts, against impostors, and beside relay sync of the same documents.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use twofold_core::sections as s;
use twofold_core::{
    Access, CopingStrategy, DirectOptions, DirectProblem, DirectReport, DirectSync, DocKind,
    Domain, ItemId, KeyId, Twofold,
};
use twofold_testkit::RelayProcess;
use twofold_tests::flaky_proxy::{Faults, FlakyProxy};
use twofold_tests::net_devices::{now_ms, pair, settle, NetDevice};

fn coping(id: &str, text: &str) -> CopingStrategy {
    CopingStrategy {
        id: ItemId::parse("id", id).expect("id"),
        description: text.to_string(),
        domain: Domain::Both,
    }
}

fn has(store: &Twofold, plan: &str, item: &str) -> bool {
    let id = ItemId::parse("id", item).expect("id");
    match store.doc_id(DocKind::Plan) {
        Ok(own) if own == plan => store.get(s::COPING_STRATEGIES, &id).is_ok(),
        _ => store.shared_get(plan, s::COPING_STRATEGIES, &id).is_ok(),
    }
}

/// Sam's phone and mentor Alex's, paired through `relay`, Sam's plan shared with Alex
/// (`access`) and synced; the plan's id and Alex's id on Sam's phone.
async fn shared_plan(
    relay: &RelayProcess,
    access: Access,
) -> (NetDevice, NetDevice, String, KeyId) {
    let owner = NetDevice::new("Sam", &relay.url);
    let mentor = NetDevice::new("Alex", &relay.url);
    let (mentor_id, _) = pair(&owner, &mentor).await.expect("pairing");
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, access, "support", None)
        .expect("share");
    settle(&[&owner, &mentor]).await;
    let plan = owner.s().doc_id(DocKind::Plan).expect("plan");
    assert!(mentor
        .s()
        .shared_with_me()
        .expect("shared")
        .iter()
        .any(|d| d.doc_id == plan));
    (owner, mentor, plan, mentor_id)
}

fn fast() -> DirectOptions {
    DirectOptions {
        idle_timeout: Duration::from_secs(2),
        session_timeout: Duration::from_secs(20),
        ..DirectOptions::default()
    }
}

fn direct_entries(store: &Twofold, peer: &KeyId) -> Vec<twofold_core::Disclosure> {
    store
        .disclosure_log()
        .expect("log")
        .into_iter()
        .filter(|d| d.what == "direct" && d.peer_id == *peer)
        .collect()
}

// ---- two processes ---------------------------------------------------------------------

/// A `direct-peer` process, its output read line by line.
struct Peer {
    child: Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Peer {
    fn start(prefix: &[&str], device: &NetDevice, args: &[&str]) -> Peer {
        let bin = env!("CARGO_BIN_EXE_direct-peer");
        let key = hex::encode(device.key);
        let path = device.path.to_string_lossy().to_string();
        let mut all: Vec<&str> = prefix.to_vec();
        all.extend([bin, path.as_str(), key.as_str()]);
        all.extend(args);
        let mut child = Command::new(all[0])
            .args(&all[1..])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start direct-peer");
        let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        Peer { child, lines }
    }

    fn line(&mut self) -> String {
        self.lines
            .next()
            .expect("direct-peer printed a line")
            .expect("utf-8")
    }

    fn wait(mut self) {
        let status = self.child.wait().expect("wait");
        assert!(status.success(), "direct-peer failed: {status}");
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split(' ')
        .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
        .unwrap_or_else(|| panic!("{name} in {line}"))
}

/// Offline edits on both sides, then two sessions between a listening process (the owner, in
/// `owner_ns`) and a connecting one (the mentor, in `mentor_ns`): the first carries both
/// edits, the second nothing. Both stores are closed while the processes run.
fn two_process_sessions(
    owner: &mut NetDevice,
    mentor: &mut NetDevice,
    plan: &str,
    owner_ns: &[&str],
    mentor_ns: &[&str],
    listen: &str,
) {
    let owner_id = owner.s().device_id().to_string();
    owner
        .s()
        .put(
            s::COPING_STRATEGIES,
            coping("fromowner", "walk to the river"),
        )
        .expect("owner edit");
    mentor
        .s()
        .shared_put(
            plan,
            s::COPING_STRATEGIES,
            coping("frommentor", "call me at 8"),
        )
        .expect("mentor edit");
    owner.close();
    mentor.close();

    let mut server = Peer::start(owner_ns, owner, &["listen", listen, "2"]);
    let ready = server.line();
    let addr = ready
        .strip_prefix("listening ")
        .unwrap_or_else(|| panic!("unexpected: {ready}"))
        .to_string();
    let mut client = Peer::start(mentor_ns, mentor, &["connect", &addr, &owner_id]);
    let first = client.line();
    client.wait();
    let served = server.line();
    for line in [&first, &served] {
        assert_eq!(field(line, "interrupted"), "none", "{line}");
        assert_eq!(field(line, "docs"), "1", "{line}");
        assert_eq!(field(line, "sent"), "1", "{line}");
        assert_eq!(field(line, "applied"), "1", "{line}");
    }
    // A reconnect sends only what is new: nothing.
    let mut again = Peer::start(mentor_ns, mentor, &["connect", &addr, &owner_id]);
    let second = again.line();
    again.wait();
    let served = server.line();
    server.wait();
    for line in [&second, &served] {
        assert_eq!(field(line, "interrupted"), "none", "{line}");
        assert_eq!(field(line, "sent"), "0", "{line}");
        assert_eq!(field(line, "applied"), "0", "{line}");
    }

    owner.open();
    mentor.open();
    for (who, d) in [("owner", &*owner), ("mentor", &*mentor)] {
        assert!(has(d.s(), plan, "fromowner"), "{who} has the owner's edit");
        assert!(
            has(d.s(), plan, "frommentor"),
            "{who} has the mentor's edit"
        );
    }
    assert_eq!(
        owner.s().doc_heads(plan).expect("heads"),
        mentor.s().doc_heads(plan).expect("heads"),
        "converged"
    );
    let mentor_id = mentor.s().device_id();
    let logged = direct_entries(owner.s(), &mentor_id);
    assert_eq!(logged.len(), 1, "one batch, one disclosure: {logged:?}");
    assert_eq!((logged[0].doc_id.as_str(), logged[0].changes), (plan, 1));
    assert_eq!(direct_entries(mentor.s(), &owner.s().device_id()).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_sync_directly_over_loopback_tcp_with_no_relay() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let mut relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let (mut owner, mut mentor, plan, _) = shared_plan(&relay, Access::Write).await;
    // No internet in the room.
    relay.kill();
    two_process_sessions(&mut owner, &mut mentor, &plan, &[], &[], "127.0.0.1:0");
}

// ---- network namespaces -----------------------------------------------------------------

/// Two network namespaces joined by a veth pair, removed when dropped.
struct Namespaces {
    a: String,
    b: String,
}

impl Namespaces {
    fn ip(args: &[&str]) -> std::result::Result<(), String> {
        let out = Command::new("ip")
            .args(args)
            .output()
            .map_err(|e| format!("ip: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "ip {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    fn make() -> std::result::Result<Namespaces, String> {
        // Tests in this process run at once: each pair gets its own names.
        static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag = format!("{}x{n}", std::process::id() % 100_000);
        let ns = Namespaces {
            a: format!("tfa{tag}"),
            b: format!("tfb{tag}"),
        };
        let (va, vb) = (format!("tfva{tag}"), format!("tfvb{tag}"));
        Self::ip(&["netns", "add", &ns.a])?;
        Self::ip(&["netns", "add", &ns.b])?;
        Self::ip(&["link", "add", &va, "type", "veth", "peer", "name", &vb])?;
        Self::ip(&["link", "set", &va, "netns", &ns.a])?;
        Self::ip(&["link", "set", &vb, "netns", &ns.b])?;
        for (n, v, addr) in [(&ns.a, &va, "10.231.0.1/30"), (&ns.b, &vb, "10.231.0.2/30")] {
            Self::ip(&["-n", n, "addr", "add", addr, "dev", v])?;
            Self::ip(&["-n", n, "link", "set", v, "up"])?;
            Self::ip(&["-n", n, "link", "set", "lo", "up"])?;
        }
        Ok(ns)
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        // Deleting a namespace deletes its end of the veth pair, and so the pair.
        let _ = Self::ip(&["netns", "del", &self.a]);
        let _ = Self::ip(&["netns", "del", &self.b]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_sync_directly_across_two_network_namespaces() {
    let Some(ns) = namespaces() else { return };
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let mut relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let (mut owner, mut mentor, plan, _) = shared_plan(&relay, Access::Write).await;
    relay.kill();
    let in_a = ["ip", "netns", "exec", ns.a.as_str()];
    let in_b = ["ip", "netns", "exec", ns.b.as_str()];
    two_process_sessions(&mut owner, &mut mentor, &plan, &in_a, &in_b, "10.231.0.1:0");
}

/// Namespaces for a test, or `None` (skipped, said why) where they cannot be made outside CI.
fn namespaces() -> Option<Namespaces> {
    match Namespaces::make() {
        Ok(ns) => Some(ns),
        Err(reason) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("skipped: network namespaces are not available here ({reason})");
            None
        }
        Err(reason) => panic!("network namespaces are required under CI=true: {reason}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paired_device_is_found_by_mdns_across_two_namespaces_under_a_name_that_says_nothing() {
    let Some(ns) = namespaces() else { return };
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let mut relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let (mut owner, mut mentor, plan, mentor_id) = shared_plan(&relay, Access::Write).await;
    let stranger = NetDevice::new("Stranger", &relay.url);
    relay.kill();
    let owner_id = owner.s().device_id();

    // The name Sam's phone advertises to Alex's: both compute it, nobody else can, and it
    // is neither Alex's name for itself nor anything of the person's.
    let name = owner.s().discovery_name(&mentor_id).expect("name");
    assert_eq!(name.len(), 20, "{name}");
    assert!(name.bytes().all(|c| c.is_ascii_hexdigit()), "{name}");
    assert!(mentor
        .s()
        .peer_discovery_names(&owner_id)
        .expect("names")
        .contains(&name));
    assert_ne!(mentor.s().discovery_name(&owner_id).expect("name"), name);
    assert!(matches!(
        stranger.s().discovery_name(&owner_id),
        Err(twofold_core::Error::NotPaired)
    ));
    for id in [owner_id.to_string(), mentor_id.to_string()] {
        assert!(!name.contains(&id[..8]), "the name holds no device id");
    }
    // Fifteen minutes on, another name.
    let later = owner
        .s()
        .discovery_name_at(&mentor_id, now_ms() + twofold_core::DISCOVERY_WINDOW_MS)
        .expect("name");
    assert_ne!(later, name);

    owner
        .s()
        .put(
            s::COPING_STRATEGIES,
            coping("foundbymdns", "met at the café"),
        )
        .expect("edit");
    owner.close();
    mentor.close();
    let in_a = ["ip", "netns", "exec", ns.a.as_str()];
    let in_b = ["ip", "netns", "exec", ns.b.as_str()];
    let mentor_hex = mentor_id.to_string();
    let owner_hex = owner_id.to_string();
    let mut server = Peer::start(&in_a, &owner, &["advertise", "0.0.0.0:0", &mentor_hex, "1"]);
    let ready = server.line();
    assert_eq!(
        ready.split(' ').nth(1),
        Some(name.as_str()),
        "advertised: {ready}"
    );
    // Nobody told Alex's phone where Sam's is: it looks for the name on the network.
    let mut client = Peer::start(&in_b, &mentor, &["discover", &owner_hex, "20"]);
    let found = client.line();
    client.wait();
    // Checked before waiting on Sam's side, which answers only a caller that found it.
    assert_eq!(field(&found, "interrupted"), "none", "{found}");
    assert_eq!(field(&found, "peer"), owner_hex);
    assert_eq!(field(&found, "applied"), "1", "{found}");
    let served = server.line();
    server.wait();
    assert_eq!(field(&served, "interrupted"), "none", "{served}");
    assert_eq!(field(&served, "docs"), "1", "{served}");
    owner.open();
    mentor.open();
    assert!(has(mentor.s(), &plan, "foundbymdns"));
}

// ---- impostors ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_impostor_or_a_man_in_the_middle_gets_nothing_and_learns_nothing() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let (owner, mentor, plan, mentor_id) = shared_plan(&relay, Access::Write).await;
    owner
        .s()
        .put(
            s::COPING_STRATEGIES,
            coping("secret1", "CANARY-direct-qq17"),
        )
        .expect("edit");
    let owner_side = DirectSync::new(owner.store(), fast());
    let mut listener = owner_side
        .listen("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listen");

    // 1. Someone who knows Sam's public keys (they are in every invite) but holds another
    //    static key runs a Noise KK handshake against Sam's phone: no answer at all.
    let invite = owner
        .s()
        .create_invite(&relay.url, now_ms() + 60_000)
        .expect("invite");
    let sam = twofold_core::crypto::Invite::decode(&invite, (now_ms() / 1000) as u64)
        .expect("decode")
        .owner;
    let impostor = snow::Builder::new("Noise_KK_25519_ChaChaPoly_SHA256".parse().expect("pattern"));
    let keys = impostor.generate_keypair().expect("keys");
    let mut hs = impostor
        .local_private_key(&keys.private)
        .and_then(|b| b.remote_public_key(&sam.agreement))
        .and_then(|b| b.prologue(b"twofold/v1/direct"))
        .and_then(|b| b.build_initiator())
        .expect("handshake");
    let mut msg = vec![0u8; 1024];
    let n = hs.write_message(&[], &mut msg).expect("first message");
    let mut tcp = tokio::net::TcpStream::connect(listener.local_addr())
        .await
        .expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tcp.write_all(&(n as u16).to_be_bytes()).await.expect("len");
    tcp.write_all(&msg[..n]).await.expect("msg");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut answer)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "hung up: {read:?}");
    assert!(answer.is_empty(), "the impostor got not a single byte back");
    let report = next(&mut listener).await;
    assert_eq!(report.interrupted, Some(DirectProblem::HandshakeFailed));
    assert_eq!((report.peer, report.wire_sent), (None, 0));

    // 2. A device that is paired — but with Sam only — answers where Alex expects Sam (a man
    //    in the middle on the café's network): Alex's first message does not open for it.
    let third = NetDevice::new("Taylor", &relay.url);
    pair(&owner, &third).await.expect("pairing");
    let mitm = DirectSync::new(third.store(), fast());
    let mut mitm_listener = mitm
        .listen("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listen");
    let alex = DirectSync::new(mentor.store(), fast());
    let sam_id = owner.s().device_id();
    let report = alex
        .connect_tcp(mitm_listener.local_addr(), &sam_id)
        .await
        .expect("local storage works");
    assert_eq!(report.interrupted, Some(DirectProblem::HandshakeFailed));
    assert_eq!((report.peer, report.applied_changes), (None, 0));
    let seen = next(&mut mitm_listener).await;
    assert_eq!(seen.interrupted, Some(DirectProblem::HandshakeFailed));
    assert_eq!(
        seen.peer, None,
        "the man in the middle did not learn who called"
    );
    // And Taylor calling Alex is refused before a byte is sent: they are not paired.
    let report = mitm
        .connect_tcp(listener.local_addr(), &mentor_id)
        .await
        .expect("local storage works");
    assert_eq!(report.interrupted, Some(DirectProblem::NotPaired));

    // Nothing left Sam's phone for anyone; Alex, the real peer, still gets the edit.
    assert!(owner
        .s()
        .disclosure_log()
        .expect("log")
        .iter()
        .all(|d| d.what != "direct"));
    assert!(!has(mitm.store(), &plan, "secret1"));
    let report = alex
        .connect_tcp(listener.local_addr(), &sam_id)
        .await
        .expect("local storage works");
    assert_eq!(report.interrupted, None, "{report:?}");
    assert_eq!(report.applied_changes, 1);
    assert!(has(alex.store(), &plan, "secret1"));
}

async fn next(listener: &mut twofold_core::DirectListener) -> DirectReport {
    tokio::time::timeout(Duration::from_secs(30), listener.next_report())
        .await
        .expect("a session report in time")
        .expect("listener running")
}

// ---- shares decide ---------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_stays_read_only_and_a_revoked_share_is_not_synced() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let mut relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let (owner, mentor, plan, mentor_id) = shared_plan(&relay, Access::Write).await;
    relay.kill();
    // Sam turns Alex's share to read-only while Alex's phone cannot hear of it (no relay):
    // Alex's phone still believes it may write, and sends its edit.
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Read, "support", None)
        .expect("downgrade");
    owner
        .s()
        .put(
            s::COPING_STRATEGIES,
            coping("owner2", "breathe four counts"),
        )
        .expect("edit");
    mentor
        .s()
        .shared_put(
            &plan,
            s::COPING_STRATEGIES,
            coping("mentor2", "not allowed now"),
        )
        .expect("the mentor's phone does not know yet");
    let sam = DirectSync::new(owner.store(), fast());
    let alex = DirectSync::new(mentor.store(), fast());
    let mut listener = sam
        .listen("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listen");
    let sam_id = sam.store().device_id();
    let alex_report = alex
        .connect_tcp(listener.local_addr(), &sam_id)
        .await
        .expect("local storage works");
    let sam_report = next(&mut listener).await;
    assert_eq!(alex_report.interrupted, None, "{alex_report:?}");
    assert_eq!(sam_report.interrupted, None, "{sam_report:?}");
    assert_eq!(sam_report.refused_batches, 1, "{sam_report:?}");
    assert_eq!(sam_report.applied_changes, 0);
    assert!(
        !has(sam.store(), &plan, "mentor2"),
        "read-only stayed read-only"
    );
    assert!(
        has(alex.store(), &plan, "owner2"),
        "a reader still gets the owner's edits"
    );
    assert!(sam
        .store()
        .sync()
        .rejections()
        .expect("counters")
        .iter()
        .any(|(r, n)| r == "not_allowed" && *n >= 1));

    // Revoked: nothing more either way.
    sam.store()
        .revoke_share(DocKind::Plan, &mentor_id)
        .expect("revoke");
    sam.store()
        .put(
            s::COPING_STRATEGIES,
            coping("owner3", "after the revocation"),
        )
        .expect("edit");
    let before = direct_entries(sam.store(), &mentor_id).len();
    let alex_report = alex
        .connect_tcp(listener.local_addr(), &sam_id)
        .await
        .expect("local storage works");
    let sam_report = next(&mut listener).await;
    assert_eq!(alex_report.interrupted, None, "{alex_report:?}");
    assert_eq!((sam_report.documents, sam_report.sent_changes), (0, 0));
    assert_eq!(alex_report.applied_changes, 0);
    assert!(
        !has(alex.store(), &plan, "owner3"),
        "a revoked share is not synced"
    );
    assert_eq!(direct_entries(sam.store(), &mentor_id).len(), before);
}

// ---- a room's network --------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_that_delays_drops_and_cuts_cannot_stop_convergence_or_double_apply() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let mut relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let (owner, mentor, plan, _) = shared_plan(&relay, Access::Write).await;
    relay.kill();
    const OWNER_EDITS: usize = 150;
    const MENTOR_EDITS: usize = 60;
    // Long texts, so batches span many Noise frames and a cut lands inside them.
    let long = "a long and careful description of what helps ".repeat(40);
    for i in 0..OWNER_EDITS {
        owner
            .s()
            .put(
                s::COPING_STRATEGIES,
                coping(&format!("o{i}"), &format!("{long}{i}")),
            )
            .expect("owner edit");
    }
    for i in 0..MENTOR_EDITS {
        mentor
            .s()
            .shared_put(
                &plan,
                s::COPING_STRATEGIES,
                coping(&format!("m{i}"), &format!("{long}{i}")),
            )
            .expect("mentor edit");
    }
    let sam = DirectSync::new(owner.store(), fast());
    let alex = DirectSync::new(mentor.store(), fast());
    let mut listener = sam
        .listen("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listen");
    let faults = Faults {
        max_delay: Duration::from_millis(3),
        drop: 0.01,
        cut: 0.02,
    };
    let proxy = FlakyProxy::start(listener.local_addr(), faults, 16).await;
    let sam_id = sam.store().device_id();
    let mut applied_at_alex = 0u64;
    let mut problems = Vec::new();
    let mut clean = false;
    for attempt in 0..60 {
        let report = tokio::time::timeout(
            Duration::from_secs(30),
            alex.connect_tcp(proxy.addr, &sam_id),
        )
        .await
        .expect("every session ends by itself")
        .expect("local storage works");
        applied_at_alex += report.applied_changes;
        match report.interrupted {
            None => {
                clean = true;
                eprintln!("converged after {} sessions", attempt + 1);
                break;
            }
            Some(p) => problems.push(p),
        }
    }
    assert!(clean, "no clean session in 60: {problems:?}");
    assert!(
        !problems.is_empty(),
        "the proxy interrupted at least one session (else this test proves nothing)"
    );
    // Sam's side of every session, each ended by itself (a stalled one by its idle timeout).
    let mut applied_at_sam = 0u64;
    let connections = proxy.connections.load(std::sync::atomic::Ordering::Relaxed);
    for _ in 0..connections {
        let served = next(&mut listener).await;
        applied_at_sam += served.applied_changes;
        if let Some(p) = served.interrupted {
            problems.push(p);
        }
    }
    for p in &problems {
        // A cut during the handshake looks like a hang-up, the rest like a bad network.
        assert!(
            p.transient() || *p == DirectProblem::HandshakeFailed,
            "only network problems: {p:?}"
        );
    }
    assert_eq!(
        sam.store().doc_heads(&plan).expect("heads"),
        alex.store().doc_heads(&plan).expect("heads"),
        "converged"
    );
    // Every change applied exactly once on each side, however often sessions broke.
    assert_eq!(applied_at_alex, OWNER_EDITS as u64);
    assert_eq!(applied_at_sam, MENTOR_EDITS as u64);
    let alex_id = alex.store().device_id();
    let logged: u32 = direct_entries(sam.store(), &alex_id)
        .iter()
        .map(|d| d.changes)
        .sum();
    assert!(
        logged >= OWNER_EDITS as u32,
        "every batch that left is in the disclosure log ({logged})"
    );
}

// ---- direct and relay together --------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_and_relay_sync_never_double_apply_and_a_relay_synced_third_device_joins_later() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let (owner, mentor, plan, mentor_id) = shared_plan(&relay, Access::Write).await;
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("both1", "from Sam, both ways"))
        .expect("edit");
    mentor
        .s()
        .shared_put(
            &plan,
            s::COPING_STRATEGIES,
            coping("both2", "from Alex, both ways"),
        )
        .expect("edit");
    // In the room: a direct session first.
    let sam = DirectSync::new(owner.store(), fast());
    let alex = DirectSync::new(mentor.store(), fast());
    let mut listener = sam
        .listen("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listen");
    let report = alex
        .connect_tcp(listener.local_addr(), &owner.s().device_id())
        .await
        .expect("local storage works");
    assert_eq!(report.interrupted, None, "{report:?}");
    assert_eq!((report.sent_changes, report.applied_changes), (1, 1));
    next(&mut listener).await;
    drop(listener);
    let heads = owner.s().doc_heads(&plan).expect("heads");
    assert_eq!(heads, mentor.s().doc_heads(&plan).expect("heads"));

    // Then both reach the relay: each pushes the envelope with its edit, each reads the
    // other's — and applies nothing twice.
    let pushed = mentor.sync().await;
    assert_eq!(pushed.sent, 1, "{pushed:?}");
    let pulled = owner.sync().await;
    assert!(
        pulled.duplicates >= 1,
        "Alex's envelope was a duplicate: {pulled:?}"
    );
    assert_eq!(pulled.applied, 0, "{pulled:?}");
    let pulled = mentor.sync().await;
    assert!(
        pulled.duplicates >= 1,
        "Sam's envelope was a duplicate: {pulled:?}"
    );
    assert_eq!(pulled.applied, 0, "{pulled:?}");
    assert_eq!(owner.s().doc_heads(&plan).expect("heads"), heads);
    assert_eq!(mentor.s().doc_heads(&plan).expect("heads"), heads);

    // A third device joins later, through the relay only.
    let third = NetDevice::new("Taylor", &relay.url);
    let (third_id, _) = pair(&owner, &third).await.expect("pairing");
    owner
        .s()
        .share(DocKind::Plan, &third_id, Access::Read, "clinic", None)
        .expect("share");
    settle(&[&owner, &mentor, &third]).await;
    assert!(has(third.s(), &plan, "both1") && has(third.s(), &plan, "both2"));
    assert_eq!(third.s().doc_heads(&plan).expect("heads"), heads);
    assert_eq!(mentor.s().doc_heads(&plan).expect("heads"), heads);

    // The disclosure log says what went where, and how.
    let log = owner.s().disclosure_log().expect("log");
    assert!(log
        .iter()
        .any(|d| d.what == "direct" && d.peer_id == mentor_id && d.doc_id == plan));
    assert!(log
        .iter()
        .any(|d| d.what != "direct" && d.peer_id == third_id));
    assert!(log
        .iter()
        .all(|d| !(d.what == "direct" && d.peer_id == third_id)));
}
