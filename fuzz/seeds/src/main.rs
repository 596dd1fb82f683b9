//! Writes the seed corpora of the fuzz targets (`fuzz/corpus/<target>/`) from the real encoders
//! and the test suite's sample files, with the same fixed keys as the targets, so that a sealed
//! seed opens in its target. Run on stable from the repository root:
//!
//!   cargo run --manifest-path fuzz/Cargo.toml -p twofold-fuzz-seeds
//!
//! Seeds are small and committed; what the fuzzer adds to a corpus is not.

#[path = "../../targets/src/fixtures.rs"]
#[allow(dead_code)] // the targets use all of it; the seeds most
mod fixtures;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ROOT};
use twofold_core::backup::{BackupContents, Cell, KdfParams, TableDump};
use twofold_core::crypto::{
    seal, seal_reply, wrap_doc_key, wrap_doc_key_to_prekey, AppendRight, CapabilityToken,
    CodeNonce, JoinRequest, PairingDecision, PrekeySecret, StreamId, WrapContext,
};
use twofold_core::docs::genesis::genesis;
use twofold_core::docs::snapshot::{JSON_FORMAT, JSON_VERSION};
use twofold_core::lock::LockFile;
use twofold_core::sync::control::{ControlMessage, Grant, PrekeyAnnouncement, ReadPosition};
use twofold_core::sync::payload;
use twofold_core::{AddressHint, DocKind, DocumentSnapshot, JsonExport};

use fixtures::{
    doc_key, mentor_keys, mentor_prekey, DOC_ID, INVITE, MENTOR, MENTOR_NONCE, OWNER, OWNER_NONCE, PLATFORM_KEY,
    STREAM,
};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = corpus().join(target);
    fs::create_dir_all(&dir).expect("corpus directory");
    fs::write(dir.join(name), bytes).expect("seed file");
}

fn with_mode(mode: u8, bytes: &[u8]) -> Vec<u8> {
    [&[mode][..], bytes].concat()
}

/// A document of `kind` as a device has it after its first edits: genesis plus one change.
fn document(kind: DocKind) -> AutoCommit {
    let mut doc = genesis(kind, &ActorId::from(&[0x77u8; 16][..])).expect("genesis");
    doc.put(ROOT, "fuzz_seed", "a small edit").expect("put");
    doc.commit();
    doc
}

fn last_change(doc: &mut AutoCommit) -> Vec<u8> {
    let heads = doc.get_heads();
    doc.get_change_by_hash(&heads[0])
        .expect("the head change")
        .raw_bytes()
        .to_vec()
}

fn main() {
    let mut doc = document(DocKind::Plan);
    let change = last_change(&mut doc);
    let changes = payload::encode_changes([&change[..]]);
    let snapshot = doc.save();

    // Envelopes: one as received (mode 0) and payloads for the target to seal (mode 1).
    let envelope = seal(&doc_key(), &OWNER, STREAM, 1, &changes).expect("seal");
    write("envelope", "changes-received", &with_mode(0, &envelope));
    write("envelope", "changes-sealed", &with_mode(1, &changes));

    // Control messages (the type byte is the target's own).
    let wrapped = wrap_doc_key(
        &doc_key(),
        &WrapContext {
            doc_id: DOC_ID,
            stream: STREAM,
        },
        &OWNER,
        &mentor_keys(),
    )
    .expect("wrap");
    let grant = ControlMessage::Grant(Box::new(Grant {
        doc_id: hex::encode(DOC_ID),
        kind: DocKind::Plan,
        access: "read".into(),
        epoch: fixtures::EPOCH,
        stream: hex::encode(STREAM.0),
        wrapped_key: hex::encode(&wrapped),
        read_from: 3,
        writers: vec![hex::encode(mentor_keys().to_bytes())],
        // Not the hash STREAM is certified by (the fixture's id is a legacy one): the check
        // refuses it, which the target reaches too.
        append_token_hash: Some(hex::encode([0x55; 32])),
        append_token: None,
        purpose: "mentoring".into(),
        expires_at_ms: Some(1_900_000_000_000),
        replaces: None,
    }));
    let grant_payload = payload::encode_control(&grant, &snapshot);
    write("control", "grant", &grant_payload[1..]);
    // A writer's grant on a stream certified by its tokens (ADR 0022), which the target
    // accepts whole.
    let right = AppendRight::Writer(CapabilityToken([0x77; 32]));
    let certified = right.stream_id(&doc_key()).expect("a version 2 right");
    let writer_wrapped = wrap_doc_key(
        &doc_key(),
        &WrapContext {
            doc_id: DOC_ID,
            stream: certified,
        },
        &OWNER,
        &mentor_keys(),
    )
    .expect("wrap");
    let writer_grant = ControlMessage::Grant(Box::new(Grant {
        doc_id: hex::encode(DOC_ID),
        kind: DocKind::Plan,
        access: "write".into(),
        epoch: fixtures::EPOCH,
        stream: hex::encode(certified.0),
        wrapped_key: hex::encode(&writer_wrapped),
        read_from: 0,
        writers: vec![hex::encode(mentor_keys().to_bytes())],
        append_token_hash: Some(hex::encode(right.append_hash(&doc_key(), &certified))),
        append_token: Some(hex::encode([0x77; 32])),
        purpose: "mentoring".into(),
        expires_at_ms: None,
        replaces: None,
    }));
    write(
        "control",
        "grant-writer",
        &payload::encode_control(&writer_grant, &snapshot)[1..],
    );
    write("envelope", "grant-sealed", &with_mode(1, &grant_payload));
    // A prekey announcement (ADR 0026), signed by the owner, acknowledging the mentor's prekey;
    // and a grant whose key is wrapped to that prekey (version 2).
    let announcement = ControlMessage::Prekey(PrekeyAnnouncement::new(
        &PrekeySecret::from_secret_bytes(&[0x32; 32]).sign(&OWNER),
        Some(&mentor_prekey().public()),
    ));
    write(
        "control",
        "prekey",
        &payload::encode_control(&announcement, &[])[1..],
    );
    // A member's read positions for the owner's trim (ADR 0023).
    let read_through = ControlMessage::ReadThrough {
        streams: vec![ReadPosition {
            stream: hex::encode(certified.0),
            through: 41,
        }],
    };
    write(
        "control",
        "read-through",
        &payload::encode_control(&read_through, &[])[1..],
    );
    let prekey_wrapped = wrap_doc_key_to_prekey(
        &doc_key(),
        &WrapContext {
            doc_id: DOC_ID,
            stream: certified,
        },
        &OWNER,
        &mentor_keys(),
        &mentor_prekey().public(),
    )
    .expect("wrap");
    let ControlMessage::Grant(mut prekey_grant) = writer_grant.clone() else {
        unreachable!("built as a grant above")
    };
    prekey_grant.wrapped_key = hex::encode(&prekey_wrapped);
    write(
        "control",
        "grant-prekey",
        &payload::encode_control(&ControlMessage::Grant(prekey_grant), &snapshot)[1..],
    );
    let writers = ControlMessage::Writers {
        doc_id: hex::encode(DOC_ID),
        epoch: 2,
        writers: vec![hex::encode(mentor_keys().to_bytes())],
    };
    write(
        "control",
        "writers",
        &payload::encode_control(&writers, &[])[1..],
    );
    let revoked = ControlMessage::Revoked {
        doc_id: hex::encode(DOC_ID),
        reason: "erased".into(),
    };
    write(
        "control",
        "revoked",
        &payload::encode_control(&revoked, &[])[1..],
    );
    let sos_id = "0123456789abcdef0123456789abcdef";
    for (name, json) in [
        (
            "sos",
            format!(
                r#"{{"type":"sos","sos_id":"{sos_id}","text":"please call","location":null,"sent_at_ms":1800000000000,"rung":0,"answer_within_ms":300000}}"#
            ),
        ),
        (
            "sos-answer",
            format!(r#"{{"type":"sos_answer","sos_id":"{sos_id}","reply":"coming"}}"#),
        ),
        (
            "sos-closed",
            format!(r#"{{"type":"sos_closed","sos_id":"{sos_id}"}}"#),
        ),
    ] {
        let len = u32::try_from(json.len()).expect("short").to_be_bytes();
        write("control", name, &[&len[..], json.as_bytes()].concat());
    }

    // Payloads and Automerge bytes.
    write("payload", "changes", &changes);
    // Signed changes (ADR 0024): the change with a signature slot (its bytes do not matter to
    // the decoder; the engine checks them against the author's key).
    let signed = payload::encode_signed_changes([&change[..]], &[[0x5a; 64]]);
    write("payload", "signed-changes", &signed);
    write(
        "payload",
        "control",
        &payload::encode_control(&revoked, &[]),
    );
    for kind in [
        DocKind::Plan,
        DocKind::Contacts,
        DocKind::Schedule,
        DocKind::Journal,
        DocKind::Summary,
        DocKind::Notes,
    ] {
        let mut doc = document(kind);
        write("automerge_load", &format!("{kind}"), &doc.save());
        if kind == DocKind::Journal {
            let change = last_change(&mut doc);
            write("automerge_load", "one-change", &change);
        }
        let export = JsonExport {
            format: JSON_FORMAT.into(),
            version: JSON_VERSION,
            document: DocumentSnapshot::read(kind, &doc).expect("snapshot"),
        };
        let json = serde_json::to_vec_pretty(&export).expect("json");
        write("json_import", &format!("{kind}"), &json);
    }

    // Pairing.
    write("invite", "invite", INVITE.encode().as_bytes());
    write(
        "invite",
        "invite-pasted",
        format!("  {}\n", INVITE.encode()).as_bytes(),
    );
    let join = JoinRequest::seal(&INVITE, &MENTOR, "Sam (mentor)", &CodeNonce(MENTOR_NONCE))
        .expect("join");
    write("join_request", "received", &with_mode(0, &join));
    let mut plain = mentor_keys().to_bytes().to_vec();
    plain.extend_from_slice(&MENTOR_NONCE);
    plain.push(3);
    plain.extend_from_slice(b"Sam");
    plain.extend_from_slice(&[0u8; 64]);
    write("join_request", "plaintext", &with_mode(1, &plain));
    let approved = PairingDecision::Approved {
        channel_key: zeroize::Zeroizing::new([0x44; 32]),
        channel_stream: StreamId([0x45; 16]),
        owner_name: "Alex".into(),
    };
    for (name, decision) in [
        ("approved", Some(approved)),
        ("declined", Some(PairingDecision::Declined)),
        ("nonce-only", None),
    ] {
        let nonce = CodeNonce(OWNER_NONCE);
        let reply = seal_reply(&INVITE, &OWNER, &mentor_keys(), &nonce, decision.as_ref())
            .expect("reply");
        write("pairing_reply", name, &with_mode(0, &reply));
    }

    // Formats: the test suite's sample files.
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let feed = fs::read(tests.join("meeting_guide/tsml_quirks.json")).expect("fixture");
    write("meeting_guide", "tsml_quirks", &feed);
    write(
        "meeting_guide",
        "small",
        br#"[{"name":"Tuesday Night","slug":"tuesday-night","day":2,"time":"19:00","end_time":"20:00","types":["O","D"],"location":"Church","address":"1 Main St","city":"Springfield","state":"IL","postal_code":"62701","country":"US","latitude":39.78,"longitude":-89.65,"timezone":"America/Chicago","conference_url":"https://meet.example.org/x"}]"#,
    );
    write("icalendar", "other-calendars", ICS.as_bytes());
    write("vcard", "other-apps", VCF.as_bytes());

    // Backups.
    let contents = BackupContents {
        format: twofold_core::backup::contents::CONTENTS_FORMAT.into(),
        version: twofold_core::backup::contents::CONTENTS_VERSION,
        schema: 12,
        made_at_ms: 1_800_000_000_000,
        display_name: "Alex".into(),
        predecessors: vec![hex::encode(OWNER.public_keys().to_bytes())],
        documents: BTreeMap::from([(
            hex::encode(DOC_ID),
            twofold_core::backup::contents::encode_b64(&snapshot),
        )]),
        tables: BTreeMap::from([(
            "peers".to_string(),
            TableDump {
                columns: vec!["id".into(), "name".into(), "key".into(), "gone".into()],
                rows: vec![vec![
                    Cell::Int(1),
                    Cell::Text("Sam".into()),
                    Cell::blob(&[1, 2, 3]),
                    Cell::Null,
                ]],
            },
        )]),
    };
    let encoded = contents.encode().expect("encode");
    let file =
        twofold_core::backup::seal(&encoded, "a long passphrase", KdfParams::CHEAP_FOR_TESTS)
            .expect("seal");
    write("backup", "file", &file);
    write("backup", "contents-deflated", &with_mode(0, &encoded));
    let json = serde_json::to_vec(&contents).expect("json");
    write("backup", "contents-json", &with_mode(1, &json));

    // Direct sync.
    let mut offer = vec![1, 1, 0, 1, 32];
    offer.extend_from_slice(hex::encode(DOC_ID).as_bytes());
    offer.push(1);
    offer.push(16);
    offer.extend_from_slice(&[0x77; 16]);
    offer.extend_from_slice(&2u64.to_be_bytes());
    write("direct_message", "offer", &offer);
    let mut msg = vec![2, 32];
    msg.extend_from_slice(hex::encode(DOC_ID).as_bytes());
    msg.extend_from_slice(&1u32.to_be_bytes());
    msg.extend_from_slice(&u32::try_from(change.len()).expect("short").to_be_bytes());
    msg.extend_from_slice(&change);
    write("direct_message", "changes", &msg);
    write("direct_message", "done", &[3]);
    let hint = AddressHint::new(
        47_000,
        vec![
            "192.168.1.20".parse::<IpAddr>().expect("ip"),
            "fe80::1".parse::<IpAddr>().expect("ip"),
        ],
    )
    .expect("hint");
    write("address_hint", "two-addresses", hint.encode().as_bytes());

    // The app lock: a file as written, and a plaintext for the target to seal.
    let lock = LockFile::new(KdfParams::CHEAP_FOR_TESTS, [0x12; 16], [0x34; 72]).expect("lock");
    write(
        "lock_file",
        "file",
        &with_mode(0, &lock.seal(&PLATFORM_KEY).expect("seal")),
    );
    let mut plain = vec![1, 0];
    plain.extend_from_slice(&64u32.to_be_bytes());
    plain.extend_from_slice(&1u32.to_be_bytes());
    plain.extend_from_slice(&1u32.to_be_bytes());
    plain.extend_from_slice(&[0x12; 16]);
    plain.extend_from_slice(&2u32.to_be_bytes());
    plain.extend_from_slice(&1_800_000_000_000i64.to_be_bytes());
    plain.extend_from_slice(&[0x34; 72]);
    plain.extend_from_slice(&[0x56; 32]);
    write("lock_file", "plaintext", &with_mode(1, &plain));

    // The relay, and what its client reads from it.
    for (name, text) in RELAY_HTTP {
        write("relay_http", name, text.as_bytes());
    }
    for (name, text) in RELAY_WS {
        write("relay_ws", name, text.as_bytes());
    }
    let mut page = Vec::new();
    for (position, bytes) in [(4u64, &envelope[..]), (5, &b"x"[..])] {
        page.extend_from_slice(&position.to_be_bytes());
        page.extend_from_slice(&u32::try_from(bytes.len()).expect("short").to_be_bytes());
        page.extend_from_slice(bytes);
    }
    write("relay_records", "page", &with_mode(0, &page));
    write("relay_records", "records", &with_mode(2, &page));
    let mut frame = vec![1];
    frame.extend_from_slice(&STREAM.0);
    frame.extend_from_slice(&4u64.to_be_bytes());
    frame.extend_from_slice(&envelope);
    write("relay_records", "frame", &with_mode(1, &frame));

    let mut out = std::io::stdout().lock();
    writeln!(out, "seeds written under {}", corpus().display()).expect("stdout");
}

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\n\
BEGIN:VEVENT\r\nUID:abc-1@example.org\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Paris:20240108T190000\r\n\
DTEND;TZID=Europe/Paris:20240108T203000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\nEXDATE;TZID=Europe/Paris:20240115T190000,20240122T190000\r\n\
SUMMARY:Therapy group\\, Paris\r\nCONFERENCE;VALUE=URI;FEATURE=VIDEO:https://meet.example.org/x\r\n\
BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:utc-1\r\nDTSTART:20240301T120000Z\r\nDURATION:PT45M\r\nSUMMARY:Call\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:allday\r\nDTSTART;VALUE=DATE:20240301\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:rid\r\nRECURRENCE-ID:20240301T120000Z\r\nDTSTART:20240301T130000Z\r\nSUMMARY:Orphan\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

const VCF: &str =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dr. Lee\r\nN:Lee;Ann;;;\r\nTEL;TYPE=CELL:+1 555 0199\r\n\
TEL:not a number\r\nEMAIL:ann@example.org\r\nCATEGORIES:Therapist,Work\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Sponsor\r\nTEL:+1 555 0100\r\nROLE:sponsor\r\nEND:VCARD\r\n";

/// Tokens: read = 32 bytes of 0x01, append = 32 bytes of 0x02 (base64url), their hashes hex.
const RELAY_HTTP: [(&str, &str); 5] = [
    (
        "create-append-read",
        "PUT /v1/streams/780e66d8cf817f84e899ef5fe2f3884d\ncontent-type: application/json\n\n\
{\"read_token_hash\":\"c87e481f8b0b312bfc0b1476e7982ba9513f0380bb3a5c8c14b1ea529254e64c\",\
\"append_token_hash\":\"fbf8f83edad590a782a86948f41cab988a128bcf92eb2bcb91ecbc0e4f594bba\"}\n%%\n\
POST /v1/streams/780e66d8cf817f84e899ef5fe2f3884d/envelopes\n\
authorization: Bearer AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI\n\
content-type: application/octet-stream\n\nan opaque envelope\n%%\n\
GET /v1/streams/780e66d8cf817f84e899ef5fe2f3884d/envelopes?after=0&limit=10\n\
authorization: Bearer AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\n\n",
    ),
    (
        "mailbox",
        "POST /v1/mailboxes/cccccccccccccccccccccccccccccccc\n\nsealed join request\n%%\n\
GET /v1/mailboxes/cccccccccccccccccccccccccccccccc?after=0\n\n",
    ),
    (
        "push",
        "PUT /v1/push/dddddddddddddddddddddddddddddddd\n\
authorization: Bearer AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\n\n\
{\"gateway\":\"https://push.example.org\",\"pushkey\":\"k\",\"streams\":[]}\n%%\n\
DELETE /v1/push/dddddddddddddddddddddddddddddddd\n\
authorization: Bearer AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\n\n",
    ),
    ("health", "GET /health\n\n%%\nGET /metrics\n\n"),
    (
        "unknown",
        "PATCH /v2/nothing?x=1\nx-twofold-head: 3\n\nbody",
    ),
];

const RELAY_WS: [(&str, &str); 3] = [
    (
        "follow",
        "{\"op\":\"follow\",\"stream\":\"780e66d8cf817f84e899ef5fe2f3884d\",\
\"token\":\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\",\"after\":0}\n\
{\"op\":\"unfollow\",\"stream\":\"780e66d8cf817f84e899ef5fe2f3884d\"}",
    ),
    (
        "mailbox",
        "{\"op\":\"follow_mailbox\",\"mailbox\":\"cccccccccccccccccccccccccccccccc\"}\n\
{\"op\":\"unfollow_mailbox\",\"mailbox\":\"cccccccccccccccccccccccccccccccc\"}",
    ),
    (
        "push-live",
        "{\"op\":\"push_live\",\"registration\":\"dddddddddddddddddddddddddddddddd\",\
\"token\":\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\"}\n{\"op\":\"nope\"}",
    ),
];
