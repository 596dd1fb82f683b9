//! Only writers append, and nobody takes a stream id first (issue 20, item 4; ADR 0022): each
//! an attack through a real relay process on loopback, against real stores on disk, that
//! succeeded before the change.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use sha2::Sha256;
use twofold_core::sections as s;
use twofold_core::{Access, CopingStrategy, DocKind, Domain, ItemId};
use twofold_testkit::RelayProcess;
use twofold_tests::net_devices::{pair, settle, NetDevice};

/// What a hostile app on a device can read of its own store: the stream of `doc_id` it follows,
/// with the document key and epoch (everything in the database is the device's own).
fn stream_and_key(device: &NetDevice, doc_id: &str) -> ([u8; 16], [u8; 32]) {
    let conn = rusqlite::Connection::open(&device.path).expect("open raw");
    conn.pragma_update(None, "key", format!("x'{}'", hex::encode(device.key)))
        .expect("key");
    let (stream, key): (Vec<u8>, Vec<u8>) = conn
        .query_row(
            "SELECT stream_id, key FROM streams WHERE doc_id = ?1 AND active = 1",
            [doc_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the document's stream");
    (
        stream.try_into().expect("16 bytes"),
        key.try_into().expect("32 bytes"),
    )
}

/// The version 1 derivation every keyholder could make (`docs/protocol.md` before ADR 0022),
/// written out here so the attack is the same whatever the core calls it.
fn version_one_token(key: &[u8; 32], label: &[u8], stream: &[u8; 16]) -> [u8; 32] {
    let mut out = [0u8; 32];
    Hkdf::<Sha256>::new(Some(b"twofold/v1/doc-key"), key)
        .expand_multi_info(&[label, &stream[..]], &mut out)
        .expect("32 bytes");
    out
}

async fn post_envelope(url: &str, stream: &[u8; 16], token: &[u8; 32]) -> u16 {
    reqwest::Client::new()
        .post(format!("{url}/v1/streams/{}/envelopes", hex::encode(stream)))
        .header("authorization", format!("Bearer {}", URL_SAFE_NO_PAD.encode(token)))
        .body(vec![0x01; 200])
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

fn strategy(id: &str) -> CopingStrategy {
    CopingStrategy {
        id: ItemId::parse("id", id).expect("id"),
        description: "walk to the river".to_string(),
        domain: Domain::Both,
    }
}

/// A mentor who may only read holds the document key. With version 1 streams that was enough to
/// derive the append token and put records in the owner's stream (which every reader then had
/// to read and refuse). Now the append token is random per epoch and only writers get it: the
/// relay refuses everything the mentor can derive, and the owner's stream works as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_mentor_cannot_append_to_the_owners_stream() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let owner = NetDevice::new("Sam", &relay.url);
    let mentor = NetDevice::new("Alex", &relay.url);
    let (mentor_id, _) = pair(&owner, &mentor).await.expect("pairing");
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Read, "support", None)
        .expect("share");
    settle(&[&owner, &mentor]).await;
    let plan = owner.s().doc_id(DocKind::Plan).expect("plan");

    let (stream, key) = stream_and_key(&mentor, &plan);
    let derived = version_one_token(&key, b"twofold/v1/append-token", &stream);
    let read = mentor
        .s()
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .find(|f| f.stream.0 == stream)
        .expect("the mentor follows the plan")
        .read_token;
    for (what, token) in [
        ("the version 1 append token", derived),
        ("the read token", *read.as_bytes()),
    ] {
        assert_eq!(
            post_envelope(&relay.url, &stream, &token).await,
            404,
            "the relay took a record from a read-only mentor with {what}"
        );
    }

    // The owner's stream is untouched and still carries the owner's edits.
    owner
        .s()
        .put(s::COPING_STRATEGIES, strategy("owner1"))
        .expect("owner's edit");
    let reports = settle(&[&owner, &mentor]).await;
    assert!(
        reports.iter().all(|r| r.rejected_total() == 0),
        "{reports:?}"
    );
    let id = ItemId::parse("id", "owner1").expect("id");
    assert!(mentor
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &id)
        .is_ok());
}

/// Someone who learns a stream id before the owner registers it (from a grant, a log, a
/// shoulder) registered it first with tokens of their own: the owner's registration was then
/// refused and the document never reached the mentor. Now the relay accepts an id only with the
/// token hashes it is made from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_can_register_a_stream_id_before_its_owner() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let owner = NetDevice::new("Sam", &relay.url);
    let mentor = NetDevice::new("Alex", &relay.url);
    let (mentor_id, _) = pair(&owner, &mentor).await.expect("pairing");
    settle(&[&owner, &mentor]).await;
    let before: Vec<_> = owner
        .s()
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .map(|f| f.stream)
        .collect();
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Write, "support", None)
        .expect("share");
    let plan_stream = owner
        .s()
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .map(|f| f.stream)
        .find(|s| !before.contains(s))
        .expect("the plan's new stream");

    let squat = reqwest::Client::new()
        .put(format!("{}/v1/streams/{}", relay.url, hex::encode(plan_stream.0)))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"read_token_hash":"{}","append_token_hash":"{}"}}"#,
            hex::encode([0x5a; 32]),
            hex::encode([0xa5; 32])
        ))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16();

    let report = owner.sync().await;
    assert!(
        report.interrupted.is_none(),
        "the owner's stream is unusable: {report:?}"
    );
    settle(&[&owner, &mentor]).await;
    let plan = owner.s().doc_id(DocKind::Plan).expect("plan");
    mentor
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, strategy("mentor1"))
        .expect("the writer's edit");
    settle(&[&owner, &mentor]).await;
    let id = ItemId::parse("id", "mentor1").expect("id");
    assert!(
        owner.s().get(s::COPING_STRATEGIES, &id).is_ok(),
        "the writer's edit came back to the owner"
    );
    assert_eq!(squat, 404, "the relay let a stranger register the id first");
}
