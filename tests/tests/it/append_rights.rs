//! Only writers append, nobody takes a stream id first, and document ids are the owner's (issue
//! 20, item 4; ADR 0022): each an attack through a real relay process on loopback, against real
//! stores on disk, that succeeded before the change.

use automerge::ActorId;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use sha2::Sha256;
use twofold_core::crypto::{
    seal, wrap_doc_key, DeviceIdentity, DevicePublicKeys, DocKey, StreamId, WrapContext,
};
use twofold_core::docs::genesis::genesis;
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
        .post(format!(
            "{url}/v1/streams/{}/envelopes",
            hex::encode(stream)
        ))
        .header(
            "authorization",
            format!("Bearer {}", URL_SAFE_NO_PAD.encode(token)),
        )
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
        .put(format!(
            "{}/v1/streams/{}",
            relay.url,
            hex::encode(plan_stream.0)
        ))
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

/// A hostile app on `from` queues a grant it made itself on its channel to `to`: a document
/// under `doc_id`, read-only, with an empty plan (the version 1 grant format, which a device of
/// either version reads). It goes out with `from`'s next sync, signed by `from` as any message.
fn forge_grant(from: &NetDevice, to: &NetDevice, doc_id: &str) {
    let conn = rusqlite::Connection::open(&from.path).expect("open raw");
    conn.pragma_update(None, "key", format!("x'{}'", hex::encode(from.key)))
        .expect("key");
    let to_id = to.s().device_id();
    let secret: Vec<u8> = conn
        .query_row("SELECT secret FROM identity", [], |r| r.get(0))
        .expect("identity");
    let identity = DeviceIdentity::from_secret_bytes(&secret).expect("identity");
    let to_keys: Vec<u8> = conn
        .query_row(
            "SELECT public_keys FROM peers WHERE peer_id = ?1",
            [&to_id.0[..]],
            |r| r.get(0),
        )
        .expect("peer");
    let to_keys = DevicePublicKeys::from_bytes(&to_keys).expect("keys");
    let (channel, key, epoch, seq): (Vec<u8>, Vec<u8>, u32, i64) = conn
        .query_row(
            "UPDATE streams SET next_seq = next_seq + 1 WHERE peer_id = ?1 AND active = 1 \
             RETURNING stream_id, key, epoch, next_seq - 1",
            [&to_id.0[..]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("the channel");
    let channel = StreamId(channel.try_into().expect("16 bytes"));
    let channel_key = DocKey::from_secret_bytes(epoch, &key.try_into().expect("32 bytes"));

    let doc_key = DocKey::generate(0).expect("rng");
    let stream = StreamId::random().expect("rng");
    let mut id = [0u8; 16];
    hex::decode_to_slice(doc_id, &mut id).expect("hex id");
    let wrapped = wrap_doc_key(
        &doc_key,
        &WrapContext { doc_id: id, stream },
        &identity,
        &to_keys,
    )
    .expect("wrap");
    let json = serde_json::json!({
        "type": "grant",
        "doc_id": doc_id,
        "kind": DocKind::Plan,
        "access": "read",
        "epoch": 0,
        "stream": hex::encode(stream.0),
        "wrapped_key": hex::encode(wrapped),
        "read_from": 0,
        "writers": [],
        "purpose": "support",
        "expires_at_ms": null,
        "replaces": null,
    });
    let json = serde_json::to_vec(&json).expect("json");
    let tail = genesis(DocKind::Plan, &ActorId::random())
        .expect("genesis")
        .save();
    let mut payload = vec![0x02];
    payload.extend_from_slice(&(json.len() as u32).to_be_bytes());
    payload.extend_from_slice(&json);
    payload.extend_from_slice(&tail);
    let envelope = seal(&channel_key, &identity, channel, seq as u64, &payload).expect("seal");
    conn.execute(
        "INSERT INTO outbox (stream_id, seq, doc_id, peer_id, changes, envelope, created_at) \
         VALUES (?1, ?2, NULL, NULL, 0, ?3, 0)",
        rusqlite::params![&channel.0[..], seq, envelope],
    )
    .expect("queued");
}

/// Document ids were global: a peer who learned one (every grant names its document) could
/// grant a document of its own under it. Granted under the person's own document's id, it was
/// refused; granted under another owner's before that owner's grant arrived, it took the id,
/// and the real owner's grant was refused from then on — the person never got that document.
/// Now ids are the owner's: a document under an id this device already holds for someone else
/// is kept under a local id of its own, so both arrive and neither touches the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_cannot_take_a_document_id_that_is_someone_elses() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let person = NetDevice::new("Sam", &relay.url);
    let sponsor = NetDevice::new("Robin", &relay.url);
    let hostile = NetDevice::new("Alex", &relay.url);
    let (hostile_on_sponsor, _) = pair(&sponsor, &hostile).await.expect("pairing");
    let (person_on_sponsor, _) = pair(&sponsor, &person).await.expect("pairing");
    let (person_on_hostile, _) = pair(&hostile, &person).await.expect("pairing");
    let hostile_on_person = hostile.s().device_id();

    // The hostile peer learns both ids the ordinary way: it is sent both documents.
    person
        .s()
        .put(s::COPING_STRATEGIES, strategy("mine1"))
        .expect("the person's own plan");
    person
        .s()
        .share(
            DocKind::Plan,
            &hostile_on_person,
            Access::Read,
            "support",
            None,
        )
        .expect("share");
    sponsor
        .s()
        .put(s::COPING_STRATEGIES, strategy("sponsor1"))
        .expect("the sponsor's plan");
    sponsor
        .s()
        .share(
            DocKind::Plan,
            &hostile_on_sponsor,
            Access::Read,
            "support",
            None,
        )
        .expect("share");
    settle(&[&person, &sponsor, &hostile]).await;
    let own_plan = person.s().doc_id(DocKind::Plan).expect("plan");
    let sponsors_plan = sponsor.s().doc_id(DocKind::Plan).expect("plan");
    let held = hostile.s().shared_with_me().expect("shared");
    assert!(held.iter().any(|d| d.doc_id == own_plan));
    assert!(held.iter().any(|d| d.doc_id == sponsors_plan));

    // Before the sponsor shares its plan with the person, the hostile peer grants the person
    // two documents of its own under those ids.
    forge_grant(&hostile, &person, &own_plan);
    forge_grant(&hostile, &person, &sponsors_plan);
    let _ = person_on_hostile;
    settle(&[&hostile, &person]).await;
    sponsor
        .s()
        .share(
            DocKind::Plan,
            &person_on_sponsor,
            Access::Read,
            "support",
            None,
        )
        .expect("share");
    settle(&[&sponsor, &person]).await;

    // Nothing of the person's own plan changed.
    assert_eq!(person.s().doc_id(DocKind::Plan).expect("plan"), own_plan);
    let mine = ItemId::parse("id", "mine1").expect("id");
    assert!(person.s().get(s::COPING_STRATEGIES, &mine).is_ok());
    // The sponsor's plan arrived, whatever id it is kept under here, and keeps arriving.
    let theirs = || {
        person
            .s()
            .shared_with_me()
            .expect("shared")
            .into_iter()
            .find(|d| d.owner == sponsor.s().device_id() && d.kind == DocKind::Plan)
            .expect("the sponsor's plan reached the person")
    };
    let sponsor_item = ItemId::parse("id", "sponsor1").expect("id");
    assert!(person
        .s()
        .shared_get(&theirs().doc_id, s::COPING_STRATEGIES, &sponsor_item)
        .is_ok());
    sponsor
        .s()
        .put(s::COPING_STRATEGIES, strategy("sponsor2"))
        .expect("a later edit");
    settle(&[&sponsor, &person]).await;
    let later = ItemId::parse("id", "sponsor2").expect("id");
    assert!(person
        .s()
        .shared_get(&theirs().doc_id, s::COPING_STRATEGIES, &later)
        .is_ok());
    // The hostile peer's documents are kept as its own, apart from both.
    let forged: Vec<_> = person
        .s()
        .shared_with_me()
        .expect("shared")
        .into_iter()
        .filter(|d| d.owner == hostile_on_person)
        .collect();
    assert!(forged
        .iter()
        .all(|d| d.doc_id != own_plan && d.doc_id != theirs().doc_id));
}
