//! Privacy properties of the sync engine, end to end: real stores on disk, the in-memory relay
//! of `twofold_tests::relay_sim`. The disclosure log is exact under lost and repeated
//! acknowledgements; no plaintext of any document kind crosses the relay; a read-only device
//! upgraded to write converges whatever order it reads its streams in; a device added to a
//! shared document later gets every later change; unpairing cuts a device off completely.

use std::collections::{BTreeMap, HashSet};

use automerge::transaction::Transactable;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use twofold_core::crypto::StreamId;
use twofold_core::sections::{self as s};
use twofold_core::*;
use twofold_tests::mem_devices::settle;
use twofold_tests::mem_devices::{contains, coping, heads, pair, MemDevice as Device};
use twofold_tests::net_devices::now_ms as now;
use twofold_tests::record_reader::RecordReader;
use twofold_tests::relay_sim::{Faults, MemRelay};

/// Pushes everything waiting; acknowledges each stored envelope unless `ack` is false.
/// Returns what was pushed, as (outbox id, bytes).
fn push(d: &Device, relay: &MemRelay, ack: bool) -> Vec<(i64, Vec<u8>)> {
    let out = d.s().sync().outgoing().expect("outgoing");
    for post in &out.mailbox {
        relay.post(&post.mailbox, &post.bytes);
        d.s().sync().mailbox_posted(post.id).expect("posted");
    }
    let mut pushed = Vec::new();
    for e in &out.envelopes {
        relay.put_stream(&e.stream, e.read_token_hash, e.append_token_hash);
        let stored = relay.append(&e.stream, e.append_token.as_bytes(), &e.envelope);
        assert!(stored.is_some(), "the relay took the envelope");
        if ack {
            d.s().sync().acked(e.id, stored).expect("ack");
        }
        pushed.push((e.id, e.envelope.clone()));
    }
    pushed
}

/// In which order a device reads the streams it follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Channels first (what `sync_follows` suggests).
    ChannelsFirst,
    /// The document streams the device already knows first, its channels after.
    DocumentsFirst,
}

/// Reads every stream `d` follows, in `order` for the streams it knows now, then again
/// (normal order) while new streams appear. Returns what each envelope did.
fn pull(d: &Device, relay: &MemRelay, order: Order) -> Vec<Received> {
    let mut outcomes = Vec::new();
    let mut follows = d.s().sync().follows().expect("follows");
    if order == Order::DocumentsFirst {
        // `sync_follows` lists channels first; reversed, the documents come first.
        follows.reverse();
    }
    let mut seen = HashSet::new();
    loop {
        let fresh: Vec<_> = follows
            .into_iter()
            .filter(|f| seen.insert((f.stream.0, f.after)))
            .collect();
        if fresh.is_empty() {
            break;
        }
        for f in fresh {
            for (pos, bytes) in relay.read(&f.stream, f.read_token.as_bytes(), f.after) {
                outcomes.push(
                    d.s()
                        .sync()
                        .receive(&f.stream, pos, &bytes)
                        .expect("receive"),
                );
            }
        }
        follows = d.s().sync().follows().expect("follows");
    }
    outcomes
}

fn streams_of(d: &Device) -> HashSet<StreamId> {
    d.s()
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .map(|f| f.stream)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The disclosure log
// ---------------------------------------------------------------------------------------------

#[test]
fn disclosure_log_has_exactly_one_entry_per_acked_batch_per_peer() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let supporter = Device::new("Jo");
    let mentor_id = pair(&owner, &mentor, &relay);
    let supporter_id = pair(&owner, &supporter, &relay);
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("before sharing"))
        .expect("put");
    let all = [&owner, &mentor, &supporter];
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Write, "mentor", None)
        .expect("share");
    settle(&all, &relay);
    owner
        .s()
        .share(
            DocKind::Plan,
            &supporter_id,
            Access::Read,
            "supporter",
            None,
        )
        .expect("share");
    settle(&all, &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");

    // The grants: one snapshot entry per grant, carrying every change of the document. A new
    // share starts a new epoch, so the mentor gets (and the log records) a second snapshot.
    let log = owner.s().disclosure_log().expect("log");
    assert_eq!(log.len(), 3, "{log:#?}");
    let plan_changes = owner.s().export_bytes(DocKind::Plan).expect("bytes");
    let plan_changes = automerge::AutoCommit::load(&plan_changes)
        .expect("load")
        .get_changes(&[])
        .len() as u32;
    for (entry, peer) in log.iter().zip([mentor_id, mentor_id, supporter_id]) {
        assert_eq!(entry.peer_id, peer);
        assert_eq!(entry.what, "snapshot");
        assert_eq!(entry.kind, DocKind::Plan);
        assert_eq!(entry.doc_id, plan);
        assert_eq!(entry.changes, plan_changes);
    }

    // 12 edits in 4 batches. Batch 1: the acknowledgement is lost and the same envelope is
    // pushed again. Batch 2: acknowledged twice. Batch 3: lost, then retried together with
    // batch 4.
    let batches = [2usize, 3, 4, 3];
    let mut written = Vec::new();
    let mut edit = |n: usize| {
        for _ in 0..n {
            let item = coping(&format!("edit {}", written.len()));
            owner
                .s()
                .put(s::COPING_STRATEGIES, item.clone())
                .expect("put");
            written.push(item);
        }
    };
    let mut envelope_sizes = Vec::new();

    edit(batches[0]);
    let first = push(&owner, &relay, false);
    assert_eq!(first.len(), 1, "one batch, one envelope");
    assert_eq!(owner.s().disclosure_log().expect("log").len(), 3);
    let retried = push(&owner, &relay, true);
    assert_eq!(retried, first, "a retry sends the same bytes");
    envelope_sizes.push(first[0].1.len() as u64);

    edit(batches[1]);
    let second = push(&owner, &relay, true);
    assert_eq!(second.len(), 1);
    owner
        .s()
        .sync()
        .acked(second[0].0, None)
        .expect("a repeated acknowledgement");
    envelope_sizes.push(second[0].1.len() as u64);
    assert!(push(&owner, &relay, true).is_empty(), "nothing left");

    edit(batches[2]);
    let third = push(&owner, &relay, false);
    assert_eq!(third.len(), 1);
    edit(batches[3]);
    let fourth = push(&owner, &relay, true);
    assert_eq!(
        fourth.len(),
        2,
        "the unacknowledged batch, then the new one"
    );
    assert_eq!(
        fourth[0], third[0],
        "the unacknowledged batch is sent unchanged"
    );
    envelope_sizes.push(fourth[0].1.len() as u64);
    envelope_sizes.push(fourth[1].1.len() as u64);

    settle(&all, &relay);
    let log = owner.s().disclosure_log().expect("log");
    assert_eq!(log.len(), 3 + 2 * batches.len(), "{log:#?}");
    for peer in [mentor_id, supporter_id] {
        let mine: Vec<&Disclosure> = log
            .iter()
            .filter(|d| d.peer_id == peer && d.what == "changes")
            .collect();
        assert_eq!(
            mine.iter().map(|d| d.changes as usize).collect::<Vec<_>>(),
            batches.to_vec(),
            "one entry per batch, with its change count"
        );
        assert_eq!(
            mine.iter().map(|d| d.bytes).collect::<Vec<_>>(),
            envelope_sizes,
            "each entry records the bytes of its envelope"
        );
        assert!(mine
            .iter()
            .all(|d| d.doc_id == plan && d.kind == DocKind::Plan));
    }
    // The batches arrived.
    for d in [&mentor, &supporter] {
        let got = d
            .s()
            .shared_list(&plan, s::COPING_STRATEGIES)
            .expect("list");
        assert!(written.iter().all(|w| got.contains(w)));
    }

    // The mentor's own writes: its log names the owner, once per acknowledged batch.
    for i in 0..2 {
        mentor
            .s()
            .shared_put(&plan, s::COPING_STRATEGIES, coping(&format!("mentor {i}")))
            .expect("mentor put");
    }
    let lost = push(&mentor, &relay, false);
    assert_eq!(lost.len(), 1);
    assert!(mentor.s().disclosure_log().expect("log").is_empty());
    assert_eq!(push(&mentor, &relay, true), lost);
    mentor.s().sync().acked(lost[0].0, None).expect("again");
    let mentor_log = mentor.s().disclosure_log().expect("log");
    assert_eq!(mentor_log.len(), 1, "{mentor_log:#?}");
    assert_eq!(mentor_log[0].peer_id, owner.s().device_id());
    assert_eq!(mentor_log[0].changes, 2);
    assert_eq!(mentor_log[0].what, "changes");
    settle(&all, &relay);
    assert_eq!(heads(&owner, &plan), heads(&mentor, &plan));
    assert_eq!(heads(&owner, &plan), heads(&supporter, &plan));
    assert_eq!(
        owner.s().disclosure_log().expect("log").len(),
        3 + 2 * batches.len(),
        "receiving the mentor's changes discloses nothing"
    );
}

// ---------------------------------------------------------------------------------------------
// Canaries
// ---------------------------------------------------------------------------------------------

const CANARIES: &[&str] = &[
    "Qv7-CANARY-owner-name-kestrel",
    "Qv7-CANARY-mentor-name-osprey",
    "Qv7-CANARY-plan-before-heron",
    "Qv7-CANARY-plan-after-ibis",
    "Qv7-CANARY-contacts-before-plover",
    "Qv7-CANARY-contacts-after-avocet",
    "Qv7-CANARY-schedule-before-godwit",
    "Qv7-CANARY-schedule-after-dunlin",
    "Qv7-CANARY-journal-before-curlew",
    "Qv7-CANARY-journal-after-snipe",
    "Qv7-CANARY-summary-milestone-bittern",
    "Qv7-CANARY-notes-note-merlin",
    "Qv7-CANARY-notes-suggestion-hobby",
    "Qv7-CANARY-notes-message-shrike",
    "Qv7-CANARY-purpose-wryneck",
];

fn contact(name: &str) -> Contact {
    Contact {
        id: ItemId::random(),
        name: name.to_string(),
        roles: vec![ContactRole::Friend],
        phones: vec![],
        email: None,
        availability: String::new(),
        notes: String::new(),
        crisis_order: None,
        do_not_involve: false,
    }
}

fn meeting(name: &str) -> Meeting {
    Meeting {
        id: ItemId::random(),
        name: name.to_string(),
        kind: MeetingKind::DualRecoveryAnonymous,
        format: MeetingFormat::InPerson,
        address: "Calle Mayor 1".into(),
        location_notes: String::new(),
        conference_url: None,
        conference_phone: None,
        start: LocalDateTime(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 3)
                .expect("date")
                .and_hms_opt(19, 0, 0)
                .expect("time"),
        ),
        time_zone: "Europe/Madrid".into(),
        duration_minutes: 60,
        rrule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
        exdates: vec![],
        type_codes: vec![],
        accessibility: String::new(),
        language: String::new(),
        cost: String::new(),
        reminder_offsets_minutes: vec![],
        source_slug: None,
        attendance_option: None,
        latitude: None,
        longitude: None,
        region: None,
        conference_url_notes: None,
        conference_phone_notes: None,
        notes: String::new(),
    }
}

fn check_in(day: Day, note: &str) -> NewCheckIn {
    NewCheckIn {
        day,
        mood: 5,
        craving: 2,
        sleep_hours: Some(7.0),
        medication_taken: Some(true),
        doses: Vec::new(),
        used_substance: false,
        triggers_met: vec![],
        coping_used: vec![],
        warning_signs: vec![],
        note: note.to_string(),
    }
}

#[test]
fn plaintext_canaries_in_every_document_kind_never_reach_the_relay() {
    // The scan can see a canary: an Automerge change writes a short string verbatim, so an
    // unencrypted change would show it.
    let mut probe = automerge::AutoCommit::new();
    probe
        .put(automerge::ROOT, "x", CANARIES[3])
        .expect("probe put");
    let raw = probe
        .get_last_local_change()
        .expect("a change")
        .raw_bytes()
        .to_vec();
    assert!(contains(&raw, CANARIES[3].as_bytes()));

    let relay = MemRelay::default();
    let owner = Device::new(CANARIES[0]);
    let mentor = Device::new(CANARIES[1]);
    let mentor_id = pair(&owner, &mentor, &relay);
    let owner_id = owner.s().device_id();
    let today = Day(chrono::Utc::now().date_naive());

    // Before sharing: these travel in the grants' snapshots.
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping(CANARIES[2]))
        .expect("plan");
    owner
        .s()
        .put(s::CONTACTS, contact(CANARIES[4]))
        .expect("contacts");
    owner
        .s()
        .put(s::MEETINGS, meeting(CANARIES[6]))
        .expect("schedule");
    owner
        .s()
        .record_check_in(check_in(today, CANARIES[8]), now())
        .expect("journal");
    // The summary has no free text of its own; a recovery's name lands in its milestones.
    owner
        .s()
        .put(
            s::RECOVERIES,
            Recovery {
                id: ItemId::random(),
                substance: CANARIES[10].to_string(),
                started: Day(today.0 - chrono::Duration::days(40)),
            },
        )
        .expect("recovery");
    for kind in [
        DocKind::Plan,
        DocKind::Contacts,
        DocKind::Schedule,
        DocKind::Journal,
        DocKind::Summary,
    ] {
        owner
            .s()
            .share(kind, &mentor_id, Access::Write, CANARIES[14], None)
            .expect("share");
    }
    settle(&[&owner, &mentor], &relay);

    // After sharing: these travel as changes.
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping(CANARIES[3]))
        .expect("plan");
    owner
        .s()
        .put(s::CONTACTS, contact(CANARIES[5]))
        .expect("contacts");
    owner
        .s()
        .put(s::MEETINGS, meeting(CANARIES[7]))
        .expect("schedule");
    owner
        .s()
        .record_check_in(
            check_in(Day(today.0 - chrono::Duration::days(1)), CANARIES[9]),
            now(),
        )
        .expect("journal");
    // The mentor's notes and suggestions document.
    mentor
        .s()
        .add_mentor_note(&owner_id, CANARIES[11])
        .expect("note");
    let idea = coping(CANARIES[12]);
    mentor
        .s()
        .suggest(&owner_id, s::COPING_STRATEGIES, idea.clone(), CANARIES[13])
        .expect("suggest");
    settle(&[&mentor, &owner], &relay);
    let open = owner.s().suggestions().expect("suggestions");
    assert_eq!(open.len(), 1);
    owner
        .s()
        .accept_suggestion(&open[0].notes_doc_id, &open[0].suggestion.id)
        .expect("accept");
    settle(&[&owner, &mentor], &relay);

    // Everything arrived where it was meant to (so the canaries did cross, encrypted).
    let mut seen_by_mentor = String::new();
    for doc in mentor.s().shared_with_me().expect("list") {
        let snapshot = mentor.s().shared_snapshot(&doc.doc_id).expect("snapshot");
        seen_by_mentor.push_str(&format!("{snapshot:?}"));
    }
    for canary in &CANARIES[2..=10] {
        assert!(
            seen_by_mentor.contains(canary),
            "the mentor has {canary} (a positive control)"
        );
    }
    // The notes document went the other way.
    let seen_by_owner = format!(
        "{:?}{:?}",
        owner.s().mentor_notes().expect("notes"),
        owner.s().suggestions().expect("suggestions")
    );
    for canary in &CANARIES[11..=13] {
        assert!(seen_by_owner.contains(canary), "the owner has {canary}");
    }
    assert_eq!(
        owner.s().peers().expect("peers")[0].display_name,
        CANARIES[1]
    );
    assert_eq!(
        mentor.s().peers().expect("peers")[0].display_name,
        CANARIES[0]
    );
    assert_eq!(
        owner
            .s()
            .get(s::COPING_STRATEGIES, &idea.id)
            .expect("accepted")
            .description,
        CANARIES[12]
    );

    // Not one of them in any byte the relay holds: envelopes of every stream, mailboxes.
    let stored = relay.all_bytes();
    assert!(stored.len() >= 10, "the scan covers real traffic");
    let total: usize = stored.iter().map(|b| b.len()).sum();
    assert!(total > 10_000, "{total} bytes scanned");
    for bytes in &stored {
        for canary in CANARIES {
            assert!(
                !contains(bytes, canary.as_bytes()),
                "{canary} crossed the relay in plaintext"
            );
        }
    }
    // Nor in the stores' files at rest (SQLCipher, WAL included).
    for d in [&owner, &mentor] {
        for entry in std::fs::read_dir(d.dir.path()).expect("dir") {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
            for canary in CANARIES {
                assert!(!contains(&bytes, canary.as_bytes()), "{canary} at rest");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Upgrading a read-only device to write, whatever order it reads its streams in
// ---------------------------------------------------------------------------------------------

/// The owner shares the plan read-only with `mentor` and `clinician`; both sync; the owner
/// edits; then the mentor is upgraded to write (a new consent, so a new epoch) while the
/// owner keeps editing. The mentor and the clinician read their streams in `order`; the
/// mentor writes straight after. Everyone must converge and the mentor's writes must be the
/// owner's.
fn upgrade_race(order: Order) {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let clinician = Device::new("Dr K");
    let mentor_id = pair(&owner, &mentor, &relay);
    let clinician_id = pair(&owner, &clinician, &relay);
    for peer in [&mentor_id, &clinician_id] {
        owner
            .s()
            .share(DocKind::Plan, peer, Access::Read, "read", None)
            .expect("share");
    }
    let all = [&owner, &mentor, &clinician];
    settle(&all, &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("while read-only"))
        .expect("put");
    push(&owner, &relay, true);

    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Write, "now write", None)
        .expect("upgrade");
    let after = coping("after the upgrade");
    owner
        .s()
        .put(s::COPING_STRATEGIES, after.clone())
        .expect("put");
    push(&owner, &relay, true);

    for d in [&mentor, &clinician] {
        let outcomes = pull(d, &relay, order);
        assert!(
            !outcomes
                .iter()
                .any(|o| matches!(o, Received::Rejected(r) if *r != RejectReason::StaleEpoch)),
            "{order:?}: {outcomes:?}"
        );
    }
    let listed = mentor.s().shared_with_me().expect("list");
    assert_eq!(listed[0].access, Some(Access::Write), "{order:?}");
    let mine = coping("written by the mentor after the upgrade");
    mentor
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, mine.clone())
        .expect("the mentor may write now");
    push(&mentor, &relay, true);
    // The owner reads the mentor's change (and the clinician then reads it from the stream),
    // in the same order as the others.
    let at_owner = pull(&owner, &relay, order);
    assert!(
        at_owner
            .iter()
            .any(|o| matches!(o, Received::Applied { .. })),
        "{order:?}: the owner applied the mentor's change: {at_owner:?}"
    );
    assert!(
        !at_owner.iter().any(|o| matches!(o, Received::Rejected(_))),
        "{order:?}: {at_owner:?}"
    );
    assert_eq!(
        owner
            .s()
            .get(s::COPING_STRATEGIES, &mine.id)
            .expect("accepted"),
        mine
    );
    pull(&clinician, &relay, order);
    settle(&all, &relay);
    let h = heads(&owner, &plan);
    assert_eq!(heads(&mentor, &plan), h, "{order:?}: mentor");
    assert_eq!(heads(&clinician, &plan), h, "{order:?}: clinician");
    assert!(clinician
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &mine.id)
        .is_ok());
    assert!(mentor
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &after.id)
        .is_ok());
}

#[test]
fn upgrade_to_write_reading_the_channel_first() {
    upgrade_race(Order::ChannelsFirst);
}

#[test]
fn upgrade_to_write_reading_the_document_stream_first() {
    upgrade_race(Order::DocumentsFirst);
}

/// The upgrade that used to stay in the same epoch: the mentor's read-only share ended
/// earlier (revoked), the stream moved on with the owner's and another writer's envelopes,
/// and the mentor is then given write access. The clinician, already paired with the
/// mentor (so it knows its keys), reads the document stream before its channel.
fn upgrade_after_revocation(order: Order) {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let clinician = Device::new("Dr K");
    let supporter = Device::new("Jo");
    let mentor_id = pair(&owner, &mentor, &relay);
    let clinician_id = pair(&owner, &clinician, &relay);
    let supporter_id = pair(&owner, &supporter, &relay);
    // The clinician and the mentor know each other from elsewhere.
    pair(&mentor, &clinician, &relay);
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Read, "read", None)
        .expect("share");
    owner
        .s()
        .share(DocKind::Plan, &clinician_id, Access::Read, "read", None)
        .expect("share");
    owner
        .s()
        .share(DocKind::Plan, &supporter_id, Access::Write, "write", None)
        .expect("share");
    let all = [&owner, &mentor, &clinician, &supporter];
    settle(&all, &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");

    owner
        .s()
        .revoke_share(DocKind::Plan, &mentor_id)
        .expect("revoke");
    // The stream of the new epoch gets a history before the mentor comes back.
    for i in 0..3 {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(&format!("owner {i}")))
            .expect("put");
        supporter
            .s()
            .shared_put(
                &plan,
                s::COPING_STRATEGIES,
                coping(&format!("supporter {i}")),
            )
            .unwrap_or(());
        settle(&all, &relay);
    }
    assert_eq!(heads(&owner, &plan), heads(&supporter, &plan));

    owner
        .s()
        .share(
            DocKind::Plan,
            &mentor_id,
            Access::Write,
            "back, writing",
            None,
        )
        .expect("share again");
    push(&owner, &relay, true);
    let outcomes = pull(&mentor, &relay, order);
    assert!(
        !outcomes.iter().any(|o| matches!(o, Received::Rejected(_))),
        "{order:?}: {outcomes:?}"
    );
    let mine = coping("the mentor, back with write access");
    mentor
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, mine.clone())
        .expect("write");
    push(&mentor, &relay, true);
    // Later owner edits reach the mentor too.
    let later = coping("owner, after the mentor came back");
    owner
        .s()
        .put(s::COPING_STRATEGIES, later.clone())
        .expect("put");
    push(&owner, &relay, true);
    let at_clinician = pull(&clinician, &relay, order);
    assert!(
        !at_clinician
            .iter()
            .any(|o| matches!(o, Received::Rejected(r) if *r != RejectReason::StaleEpoch)),
        "{order:?}: {at_clinician:?}"
    );
    settle(&all, &relay);
    assert!(owner.s().get(s::COPING_STRATEGIES, &mine.id).is_ok());
    let h = heads(&owner, &plan);
    for (name, d) in [
        ("mentor", &mentor),
        ("clinician", &clinician),
        ("supporter", &supporter),
    ] {
        assert_eq!(heads(d, &plan), h, "{order:?}: {name}");
    }
    assert!(mentor
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &later.id)
        .is_ok());
}

#[test]
fn upgrade_after_a_revocation_reading_the_channel_first() {
    upgrade_after_revocation(Order::ChannelsFirst);
}

#[test]
fn upgrade_after_a_revocation_reading_the_document_stream_first() {
    upgrade_after_revocation(Order::DocumentsFirst);
}

/// A device given a share of a document whose stream already has a history must get every
/// later change of every writer (its sequence numbers for the stream start where the
/// snapshot ends, not at 1).
#[test]
fn a_device_added_later_gets_every_later_change() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let late = Device::new("Jo");
    let mentor_id = pair(&owner, &mentor, &relay);
    let late_id = pair(&owner, &late, &relay);
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Write, "mentor", None)
        .expect("share");
    let all = [&owner, &mentor, &late];
    settle(&all, &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    for i in 0..3 {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(&format!("owner {i}")))
            .expect("put");
        mentor
            .s()
            .shared_put(&plan, s::COPING_STRATEGIES, coping(&format!("mentor {i}")))
            .expect("put");
        settle(&all, &relay);
    }
    owner
        .s()
        .share(DocKind::Plan, &late_id, Access::Read, "later", None)
        .expect("share");
    settle(&all, &relay);
    let from_owner = coping("owner, after the late share");
    let from_mentor = coping("mentor, after the late share");
    owner
        .s()
        .put(s::COPING_STRATEGIES, from_owner.clone())
        .expect("put");
    mentor
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, from_mentor.clone())
        .expect("put");
    settle(&all, &relay);
    for item in [&from_owner, &from_mentor] {
        assert!(
            late.s()
                .shared_get(&plan, s::COPING_STRATEGIES, &item.id)
                .is_ok(),
            "{}",
            item.description
        );
    }
    assert_eq!(heads(&late, &plan), heads(&owner, &plan));
    assert_eq!(heads(&mentor, &plan), heads(&owner, &plan));
}

/// The same races under a lossy, duplicating, reordering wire, over several seeds.
#[test]
fn upgrades_and_late_shares_converge_under_faults() {
    for seed in 0..3u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let relay = MemRelay::default();
        let owner = Device::new("Sam");
        let mentor = Device::new("Alex");
        let clinician = Device::new("Dr K");
        let mentor_id = pair(&owner, &mentor, &relay);
        let clinician_id = pair(&owner, &clinician, &relay);
        owner
            .s()
            .share(DocKind::Plan, &mentor_id, Access::Read, "read", None)
            .expect("share");
        let plan = owner.s().doc_id(DocKind::Plan).expect("id");
        let devices = [&owner, &mentor, &clinician];
        let mut mentor_wrote = Vec::new();
        for step in 0..60 {
            owner
                .s()
                .put(s::COPING_STRATEGIES, coping(&format!("{seed}-{step}")))
                .expect("put");
            if step == 15 {
                owner
                    .s()
                    .share(DocKind::Plan, &mentor_id, Access::Write, "write", None)
                    .expect("upgrade");
            }
            if step == 30 {
                owner
                    .s()
                    .share(DocKind::Plan, &clinician_id, Access::Read, "late", None)
                    .expect("late share");
            }
            if step > 15 {
                let item = coping(&format!("m{seed}-{step}"));
                if mentor
                    .s()
                    .shared_put(&plan, s::COPING_STRATEGIES, item.clone())
                    .is_ok()
                {
                    mentor_wrote.push(item);
                }
            }
            for d in devices {
                d.exchange(&relay, Faults::HARSH, rng.random());
            }
        }
        let all = [&owner, &mentor, &clinician];
        settle(&all, &relay);
        assert!(!mentor_wrote.is_empty(), "seed {seed}");
        for item in &mentor_wrote {
            assert!(
                owner.s().get(s::COPING_STRATEGIES, &item.id).is_ok(),
                "seed {seed}: {}",
                item.description
            );
        }
        let h = heads(&owner, &plan);
        assert_eq!(heads(&mentor, &plan), h, "seed {seed}: mentor");
        assert_eq!(heads(&clinician, &plan), h, "seed {seed}: clinician");
    }
}

// ---------------------------------------------------------------------------------------------
// Unpairing
// ---------------------------------------------------------------------------------------------

/// The payload a revocation notice stays under: a notice, never document bytes.
const NOTICE_MAX: usize = 250;

#[test]
fn unpair_cuts_the_device_off_and_the_others_carry_on() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let supporter = Device::new("Jo");
    let mentor_id = pair(&owner, &mentor, &relay);
    let supporter_id = pair(&owner, &supporter, &relay);
    let owner_id = owner.s().device_id();
    for (kind, access) in [
        (DocKind::Plan, Access::Write),
        (DocKind::Schedule, Access::Read),
        (DocKind::Summary, Access::Read),
    ] {
        owner
            .s()
            .share(kind, &mentor_id, access, "mentor", None)
            .expect("share");
    }
    owner
        .s()
        .share(
            DocKind::Plan,
            &supporter_id,
            Access::Write,
            "supporter",
            None,
        )
        .expect("share");
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("before"))
        .expect("put");
    mentor
        .s()
        .add_mentor_note(&owner_id, "a note before")
        .expect("note");
    let all = [&owner, &mentor, &supporter];
    settle(&all, &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    assert_eq!(mentor.s().shared_with_me().expect("list").len(), 3);
    assert_eq!(owner.s().mentor_notes().expect("notes").len(), 1);

    // Every stream the mentor can read or write, and how much each holds now.
    let mentor_streams = streams_of(&mentor);
    // The relay cannot tell who wrote a record (envelope version 2); the mentor's keys can.
    let reader = RecordReader::capture(&mentor.path, &mentor.key, &mentor_streams);
    let before: BTreeMap<[u8; 16], usize> = mentor_streams
        .iter()
        .map(|s| (s.0, relay.records(s).len()))
        .collect();
    let mentor_log_before = owner
        .s()
        .disclosure_log()
        .expect("log")
        .iter()
        .filter(|d| d.peer_id == mentor_id)
        .count();

    owner.s().unpair(&mentor_id).expect("unpair");
    owner
        .s()
        .unpair(&mentor_id)
        .expect("unpairing twice is harmless");
    assert!(
        owner
            .s()
            .peers()
            .expect("peers")
            .iter()
            .all(|p| p.id != mentor_id),
        "a removed device is not listed"
    );
    assert!(matches!(
        owner
            .s()
            .share(DocKind::Plan, &mentor_id, Access::Read, "again", None),
        Err(Error::NotPaired)
    ));
    let shares = owner.s().shares().expect("shares");
    for share in shares.iter().filter(|s| s.peer == mentor_id) {
        assert_eq!(share.end_reason.as_deref(), Some("unpaired"), "{share:?}");
        assert_eq!(
            share.peer_name, "Alex",
            "the consent history keeps the name"
        );
    }
    assert_eq!(shares.iter().filter(|s| s.peer == mentor_id).count(), 3);
    assert!(shares
        .iter()
        .any(|s| s.peer == supporter_id && s.ended_at_ms.is_none()));

    // The owner is online: the notices and the new epoch's grants go out, and the supporter
    // hears of the new epoch. (A writer that has not yet heard of it still writes under the
    // old key, which the mentor holds, and may pass on what the mentor wrote meanwhile: see
    // ADR 0004.)
    push(&owner, &relay, true);
    supporter.exchange(&relay, Faults::NONE, 1);
    // The mentor writes before it hears of it; the owner writes after.
    let late = coping("the mentor, after being unpaired");
    mentor
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, late.clone())
        .expect("the mentor does not know yet");
    let late_note = mentor
        .s()
        .add_mentor_note(&owner_id, "a note after")
        .expect("note");
    let late_envelopes = push(&mentor, &relay, true);
    assert_eq!(late_envelopes.len(), 2, "the plan edit and the note");
    let secret = coping("owner, after unpairing");
    owner
        .s()
        .put(s::COPING_STRATEGIES, secret.clone())
        .expect("put");
    owner
        .s()
        .put(s::MEETINGS, meeting("a new meeting after unpairing"))
        .expect("put");
    owner
        .s()
        .record_check_in(check_in(Day(chrono::Utc::now().date_naive()), ""), now())
        .expect("check-in");
    let from_supporter = coping("the supporter carries on");
    supporter
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, from_supporter.clone())
        .expect("put");
    settle(&all, &relay);

    // Zero new bytes from anyone else on any stream the mentor can read, except the
    // revocation notices on its channel.
    let mut notices = 0;
    for stream in &mentor_streams {
        let records = relay.records(stream);
        for record in &records[before[&stream.0]..] {
            let opened = reader.open(stream, record);
            if opened.sender.0 == mentor.s().device_id().0 {
                continue;
            }
            assert!(
                opened.payload.len() < NOTICE_MAX,
                "only a notice, never document bytes ({} bytes)",
                opened.payload.len()
            );
            notices += 1;
        }
    }
    assert_eq!(notices, 3, "one revocation notice per share");
    for doc in mentor.s().shared_with_me().expect("list") {
        assert_eq!(doc.access, None, "{:?}: the share ended", doc.kind);
    }
    assert!(mentor
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &secret.id)
        .is_err());
    assert!(
        mentor
            .s()
            .shared_get(&plan, s::COPING_STRATEGIES, &from_supporter.id)
            .is_err(),
        "nor through another writer"
    );
    assert!(
        mentor
            .s()
            .shared_put(&plan, s::COPING_STRATEGIES, coping("after the notice"))
            .is_err(),
        "the mentor's copy is read-only now"
    );
    // The mentor's late writes were refused everywhere.
    assert!(owner.s().get(s::COPING_STRATEGIES, &late.id).is_err());
    assert!(supporter
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &late.id)
        .is_err());
    assert!(owner
        .s()
        .mentor_notes()
        .expect("notes")
        .iter()
        .all(|n| n.note.id != late_note.id));
    assert_eq!(
        owner.s().mentor_notes().expect("notes").len(),
        1,
        "the notes that arrived are kept"
    );
    for (id, bytes) in &late_envelopes {
        let _ = id;
        let stream = StreamId(bytes[1..17].try_into().expect("16 bytes"));
        let outcome = owner
            .s()
            .sync()
            .receive(&stream, 10_000, bytes)
            .expect("receive");
        assert!(
            matches!(outcome, Received::Rejected(_)),
            "a late envelope offered straight to the owner: {outcome:?}"
        );
    }
    // The owner no longer reads anything the mentor can write.
    assert!(streams_of(&owner).is_disjoint(&mentor_streams));
    // Nothing more was disclosed to the mentor.
    assert_eq!(
        owner
            .s()
            .disclosure_log()
            .expect("log")
            .iter()
            .filter(|d| d.peer_id == mentor_id)
            .count(),
        mentor_log_before
    );
    // The others carry on.
    assert!(owner
        .s()
        .get(s::COPING_STRATEGIES, &from_supporter.id)
        .is_ok());
    assert!(supporter
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &secret.id)
        .is_ok());
    assert_eq!(heads(&owner, &plan), heads(&supporter, &plan));
}

#[test]
fn unpair_from_the_mentor_side_ends_both_directions_locally() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let mentor_id = pair(&owner, &mentor, &relay);
    let owner_id = owner.s().device_id();
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Write, "mentor", None)
        .expect("share");
    mentor
        .s()
        .add_mentor_note(&owner_id, "before")
        .expect("note");
    settle(&[&owner, &mentor], &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    let owner_streams = streams_of(&owner);
    let reader = RecordReader::capture(&owner.path, &owner.key, &owner_streams);
    let before: BTreeMap<[u8; 16], usize> = owner_streams
        .iter()
        .map(|s| (s.0, relay.records(s).len()))
        .collect();

    mentor.s().unpair(&owner_id).expect("unpair");
    assert!(mentor.s().peers().expect("peers").is_empty());
    assert!(matches!(
        mentor.s().add_mentor_note(&owner_id, "after"),
        Err(Error::NotPaired)
    ));
    // The mentor's copy of the plan ended on its side: kept, read-only, nothing new.
    let listed = mentor.s().shared_with_me().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].access, None);
    let secret = coping("owner, after the mentor left");
    owner
        .s()
        .put(s::COPING_STRATEGIES, secret.clone())
        .expect("put");
    settle(&[&owner, &mentor], &relay);
    assert!(mentor
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &secret.id)
        .is_err());
    assert!(mentor.s().sync().follows().expect("follows").is_empty());
    // The owner got the notice for the notes document and nothing else from the mentor.
    let mut from_mentor = 0;
    for stream in &owner_streams {
        for record in &relay.records(stream)[before[&stream.0]..] {
            let opened = reader.open(stream, record);
            if opened.sender.0 == mentor.s().device_id().0 {
                assert!(opened.payload.len() < NOTICE_MAX);
                from_mentor += 1;
            }
        }
    }
    assert_eq!(from_mentor, 1, "the notes document's revocation notice");
    let notes: Vec<_> = owner
        .s()
        .shared_with_me()
        .expect("list")
        .into_iter()
        .filter(|d| d.kind == DocKind::Notes)
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].access, None, "the owner's copy of the notes ended");
    assert_eq!(owner.s().mentor_notes().expect("notes").len(), 1);
}
