//! The sync engine end to end: real stores on disk, pairing through mailboxes, shares, edits
//! on both sides while offline, convergence — through the in-memory relay of
//! `twofold_tests::relay_sim` (the wire only; everything else is real).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use twofold_core::crypto::StreamId;
use twofold_core::sections::{self as s};
use twofold_core::{
    Access, Author, Day, DocKind, Domain, Error, ItemId, KeyId, NewCheckIn, PeerStatus, Received,
    RejectReason, SectionId,
};
use twofold_tests::mem_devices::{
    contains, coping, heads, pair, plan_shared, settle, MemDevice as Device, RELAY,
};
use twofold_tests::net_devices::now_ms as now;
use twofold_tests::record_reader::RecordReader;
use twofold_tests::relay_sim::{Faults, MemRelay};
use twofold_tests::sqlcipher_pages::store_plaintext;

#[test]
fn pair_share_edit_offline_on_both_sides_and_converge() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let mentor_id = pair(&owner, &mentor, &relay);

    // A pairing shares nothing by itself.
    assert!(mentor.s().shared_with_me().expect("list").is_empty());

    let shared = coping("call my sister");
    owner
        .s()
        .put(s::COPING_STRATEGIES, shared.clone())
        .expect("put");
    owner
        .s()
        .share(
            DocKind::Plan,
            &mentor_id,
            Access::Write,
            "weekly sessions",
            None,
        )
        .expect("share plan");
    owner
        .s()
        .share(
            DocKind::Schedule,
            &mentor_id,
            Access::Read,
            "meeting reminders",
            None,
        )
        .expect("share schedule");
    settle(&[&owner, &mentor], &relay);

    let docs = mentor.s().shared_with_me().expect("list");
    assert_eq!(docs.len(), 2);
    assert!(docs.iter().all(|d| d.owner_name == "Sam"));
    let plan = docs
        .iter()
        .find(|d| d.kind == DocKind::Plan)
        .expect("plan")
        .doc_id
        .clone();
    let schedule = docs
        .iter()
        .find(|d| d.kind == DocKind::Schedule)
        .expect("schedule");
    assert_eq!(
        mentor
            .s()
            .shared_list(&plan, s::COPING_STRATEGIES)
            .expect("list"),
        vec![shared.clone()]
    );

    // Offline on both sides, including the same item.
    let mut from_owner = shared.clone();
    from_owner.description = "call my sister, or text her".into();
    owner
        .s()
        .put(s::COPING_STRATEGIES, from_owner)
        .expect("owner edit");
    let mut from_mentor = shared.clone();
    from_mentor.domain = Domain::MentalHealth;
    mentor
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, from_mentor)
        .expect("mentor edit");
    let mentor_new = coping("box breathing, 4 counts");
    mentor
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, mentor_new.clone())
        .expect("mentor adds");
    // Read-only is enforced on the device too.
    let refused =
        mentor
            .s()
            .shared_remove(&schedule.doc_id, SectionId::Meetings, &ItemId::random());
    assert!(
        matches!(refused, Err(Error::ReadOnly { .. })),
        "{refused:?}"
    );

    settle(&[&owner, &mentor], &relay);
    assert_eq!(heads(&owner, &plan), heads(&mentor, &plan));
    let merged = owner
        .s()
        .get(s::COPING_STRATEGIES, &shared.id)
        .expect("get");
    assert_eq!(merged.description, "call my sister, or text her");
    assert_eq!(
        merged.domain,
        Domain::MentalHealth,
        "edits of different fields of one item merge"
    );
    assert!(owner.s().get(s::COPING_STRATEGIES, &mentor_new.id).is_ok());
    let who = owner
        .s()
        .authorship(&plan, SectionId::CopingStrategies, &mentor_new.id)
        .expect("who");
    assert_eq!(
        who.created_by,
        Author::Peer {
            id: mentor.s().device_id(),
            name: "Alex".into()
        }
    );
    let who = mentor
        .s()
        .authorship(&plan, SectionId::CopingStrategies, &mentor_new.id)
        .expect("who");
    assert_eq!(who.created_by, Author::ThisDevice);

    // Every batch that reached the mentor is in the owner's disclosure log.
    let log = owner.s().disclosure_log().expect("log");
    assert!(log
        .iter()
        .any(|d| d.kind == DocKind::Plan && d.what == "snapshot"));
    assert!(log.iter().all(|d| d.peer_id == mentor_id));
}

#[test]
fn revoked_device_keeps_what_it_had_and_gets_nothing_new() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let supporter = Device::new("Jo");
    let mentor_id = pair(&owner, &mentor, &relay);
    let supporter_id = pair(&owner, &supporter, &relay);
    for peer in [&mentor_id, &supporter_id] {
        owner
            .s()
            .share(DocKind::Plan, peer, Access::Write, "support", None)
            .expect("share");
    }
    let before = coping("walk to the river");
    owner
        .s()
        .put(s::COPING_STRATEGIES, before.clone())
        .expect("put");
    let all = [&owner, &mentor, &supporter];
    settle(&all, &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    assert!(supporter
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &before.id)
        .is_ok());

    let streams_before: Vec<StreamId> = supporter
        .s()
        .sync()
        .follows()
        .expect("f")
        .iter()
        .map(|f| f.stream)
        .collect();
    let reader = RecordReader::capture(&supporter.path, &supporter.key, &streams_before);
    owner
        .s()
        .revoke_share(DocKind::Plan, &supporter_id)
        .expect("revoke");
    let after = coping("the secret after revocation");
    owner
        .s()
        .put(s::COPING_STRATEGIES, after.clone())
        .expect("put");
    let outgoing = owner.s().sync().outgoing().expect("out");
    // Nothing the owner sends from now on is on a stream the revoked device can read, except
    // its channel — and that carries only the notice, no document bytes.
    for e in &outgoing.envelopes {
        if streams_before.contains(&e.stream) {
            assert!(
                reader.open(&e.stream, &e.envelope).payload.len() < 250,
                "only the revocation notice goes to the revoked device"
            );
        }
    }
    settle(&all, &relay);
    assert!(
        supporter
            .s()
            .shared_get(&plan, s::COPING_STRATEGIES, &before.id)
            .is_ok(),
        "keeps what it had"
    );
    assert!(
        supporter
            .s()
            .shared_get(&plan, s::COPING_STRATEGIES, &after.id)
            .is_err(),
        "gets nothing new"
    );
    assert!(
        mentor
            .s()
            .shared_get(&plan, s::COPING_STRATEGIES, &after.id)
            .is_ok(),
        "the mentor still does"
    );
    let listed = supporter.s().shared_with_me().expect("list");
    assert_eq!(listed[0].access, None, "the app can say the share ended");
    // A change the revoked device makes is refused by the others.
    let late = coping("written after revocation");
    assert!(supporter
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, late.clone())
        .is_err());
    settle(&all, &relay);
    assert!(owner.s().get(s::COPING_STRATEGIES, &late.id).is_err());
    assert_eq!(heads(&owner, &plan), heads(&mentor, &plan));
}

/// Live sync over the simulated relay: the follow delivers each record as it is stored, a
/// commit is pushed at once, and a wire that fails pushes and loses, duplicates and shuffles
/// reads still converges — the same live loop as over a real relay's WebSocket.
#[test]
fn live_sync_over_a_faulty_simulated_wire_delivers_both_ways() {
    let (relay, owner, mentor, _, plan) = plan_shared(Access::Write);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let owner_live = owner.client(&relay, Faults::HARSH, 7).start_live();
        let mentor_live = mentor.client(&relay, Faults::HARSH, 8).start_live();
        let mut sent = Vec::new();
        for i in 0..5 {
            let from_owner = coping(&format!("owner, live {i}"));
            owner
                .s()
                .put(s::COPING_STRATEGIES, from_owner.clone())
                .expect("put");
            let from_mentor = coping(&format!("mentor, live {i}"));
            mentor
                .s()
                .shared_put(&plan, s::COPING_STRATEGIES, from_mentor.clone())
                .expect("put");
            sent.push(from_owner);
            sent.push(from_mentor);
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let owner_has = sent
                .iter()
                .all(|c| owner.s().get(s::COPING_STRATEGIES, &c.id).is_ok());
            let mentor_has = sent.iter().all(|c| {
                mentor
                    .s()
                    .shared_get(&plan, s::COPING_STRATEGIES, &c.id)
                    .is_ok()
            });
            if owner_has && mentor_has {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "live sync delivered everything in time (owner {owner_has}, mentor {mentor_has})"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        owner_live.stop().await;
        mentor_live.stop().await;
    });
    assert_eq!(heads(&owner, &plan), heads(&mentor, &plan));
}

/// A device does not read its own envelopes back: the relay's answer to an append says where
/// it landed, and when that is right after the cursor, the cursor moves past it. Someone
/// else's envelope in between is still read, and the own one after it is skipped as a
/// duplicate.
#[test]
fn a_device_does_not_read_back_what_it_just_sent() {
    let (relay, owner, mentor, _, plan) = plan_shared(Access::Write);

    for text in ["one", "two", "three"] {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(text))
            .expect("put");
    }
    let sent = owner.exchange(&relay, Faults::NONE, 1);
    assert_eq!((sent.sent, sent.received), (1, 0), "{sent:?}");
    let again = owner.exchange(&relay, Faults::NONE, 2);
    assert_eq!((again.sent, again.received), (0, 0), "{again:?}");

    // The mentor writes first; the owner's next envelope lands after it.
    mentor
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, coping("from the mentor"))
        .expect("put");
    assert_eq!(mentor.exchange(&relay, Faults::NONE, 3).sent, 1);
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("four"))
        .expect("put");
    let crossed = owner.exchange(&relay, Faults::NONE, 4);
    assert_eq!(crossed.sent, 1, "{crossed:?}");
    assert_eq!(
        (crossed.received, crossed.applied, crossed.duplicates),
        (2, 1, 1),
        "the mentor's envelope applied, the own one after it skipped: {crossed:?}"
    );
    settle(&[&owner, &mentor], &relay);
    assert_eq!(heads(&owner, &plan), heads(&mentor, &plan));
}

/// `owner` shares each of its documents with the new phone `with`, read-only.
fn share_every_kind(owner: &Device, with: &KeyId) {
    for kind in DocKind::ALL {
        owner
            .s()
            .share(kind, with, Access::Read, "new phone", None)
            .expect("share");
    }
}

/// A new device's first sync reads each stream once: the grants on its channel open four
/// document streams, read in the same pull; with nothing to send after applying them, the
/// sync does not read all five again (issue 19: a third of a first sync's requests).
#[test]
fn a_first_sync_reads_each_stream_once() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let fresh = Device::new("Alex");
    let fresh_id = pair(&owner, &fresh, &relay);
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("call my sister"))
        .expect("put");
    share_every_kind(&owner, &fresh_id);
    assert!(owner.exchange(&relay, Faults::NONE, 1).sent >= 4);

    let before = relay.wire_reads();
    let report = fresh.exchange(&relay, Faults::NONE, 2);
    let reads = relay.wire_reads() - before;
    assert_eq!(report.applied, 4, "the four grants: {report:?}");
    assert_eq!(fresh.s().shared_with_me().expect("list").len(), 4);
    // The channel, the four documents' streams, and whatever else the device follows.
    let streams = fresh.s().sync().follows().expect("follows").len() as u64;
    assert!(streams >= 5, "{streams} streams followed");
    assert_eq!(reads, streams, "each stream read once: {report:?}");

    // Something that arrives later is read by the next sync, as before.
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("text Jo"))
        .expect("put");
    owner.exchange(&relay, Faults::NONE, 3);
    let later = fresh.exchange(&relay, Faults::NONE, 4);
    assert_eq!(later.applied, 1, "{later:?}");
}

/// A new device's grants share one commit (issue 19: one fsync and one marker, not four):
/// when its listener first hears of a document shared with it, all four are there, on disk
/// and in memory alike.
#[test]
fn a_new_devices_grants_commit_together() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let fresh = Device::new("Alex");
    let fresh_id = pair(&owner, &fresh, &relay);
    share_every_kind(&owner, &fresh_id);
    assert!(owner.exchange(&relay, Faults::NONE, 1).sent >= 4);

    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = std::sync::Arc::downgrade(&fresh.shared_store());
    let log = heard.clone();
    let _sub = fresh.s().subscribe_shared(move |_| {
        let Some(store) = store.upgrade() else { return };
        let there = store.shared_with_me().map_or(0, |d| d.len());
        log.lock().expect("log").push(there);
    });
    let report = fresh.exchange(&relay, Faults::NONE, 2);
    assert_eq!(report.applied, 4, "the four grants: {report:?}");
    let heard = heard.lock().expect("log").clone();
    assert_eq!(heard, [4, 4, 4, 4], "documents there at each event");
    drop(_sub);
    let mut fresh = fresh;
    fresh.restart();
    assert_eq!(fresh.s().shared_with_me().expect("list").len(), 4);
    assert_eq!(fresh.exchange(&relay, Faults::NONE, 3).applied, 0);
}

/// A catch-up applied a batch to a commit ends exactly where applying each envelope on its own
/// does: the same outcome for every record (a forged one in the middle refused, a replay a
/// duplicate), the same document, the same cursor.
#[test]
fn a_batched_catch_up_matches_one_envelope_at_a_time() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mut batched = Device::new("Alex");
    let single = Device::new("Jo");
    let mut ids = Vec::new();
    for reader in [&batched, &single] {
        let id = pair(&owner, reader, &relay);
        owner
            .s()
            .share(DocKind::Plan, &id, Access::Read, "support", None)
            .expect("share");
        ids.push(id);
    }
    settle(&[&owner, &batched, &single], &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    // The plan's stream: the one stream both readers follow (each has its own channel).
    let theirs: Vec<StreamId> = single
        .s()
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .map(|f| f.stream)
        .collect();
    let stream = batched
        .s()
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .find(|f| theirs.contains(&f.stream))
        .expect("the plan's stream")
        .stream;
    let cursor = batched.s().sync().follows().expect("f");
    let after = cursor.iter().find(|f| f.stream == stream).expect("f").after;
    // One envelope per edit, with a forged record and a replay among them.
    for i in 0..(twofold_core::sync::RECEIVE_BATCH * 2 + 5) {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(&format!("edit {i}")))
            .expect("put");
        assert_eq!(owner.exchange(&relay, Faults::NONE, i as u64).sent, 1);
        if i == 40 {
            let mut forged = relay.records(&stream).last().expect("one").clone();
            let at = forged.len() / 2;
            forged[at] ^= 0x01;
            relay.inject(&stream, forged);
        }
        if i == 50 {
            let again = relay.records(&stream).last().expect("one").clone();
            relay.inject(&stream, again);
        }
    }
    let records: Vec<(u64, Vec<u8>)> = relay
        .records(&stream)
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i as u64 + 1, r))
        .filter(|(p, _)| *p > after)
        .collect();
    let refs: Vec<(u64, &[u8])> = records.iter().map(|(p, r)| (*p, &r[..])).collect();
    let at_once = batched
        .s()
        .sync()
        .receive_batch(&stream, &refs)
        .expect("batch");
    let one_by_one: Vec<Received> = refs
        .iter()
        .map(|(p, r)| single.s().sync().receive(&stream, *p, r).expect("one"))
        .collect();
    assert_eq!(at_once, one_by_one);
    assert_eq!(
        at_once
            .iter()
            .filter(|r| matches!(r, Received::Rejected(_)))
            .count(),
        1,
        "the forged record"
    );
    assert_eq!(
        at_once
            .iter()
            .filter(|r| matches!(r, Received::Duplicate))
            .count(),
        1,
        "the replay"
    );
    assert_eq!(heads(&batched, &plan), heads(&owner, &plan));
    assert_eq!(heads(&single, &plan), heads(&owner, &plan));
    let cursor_of = |d: &Device| {
        d.s()
            .sync()
            .follows()
            .expect("f")
            .into_iter()
            .find(|f| f.stream == stream)
            .expect("f")
            .after
    };
    assert_eq!(cursor_of(&batched), records.last().expect("some").0);
    assert_eq!(cursor_of(&single), cursor_of(&batched));
    batched.restart();
    assert_eq!(
        heads(&batched, &plan),
        heads(&owner, &plan),
        "all of it on disk"
    );
}

/// A grant whose snapshot does not merge into this device's copy — here the owner's copy holds
/// a forged change under the writer's own actor and sequence number — is refused on its own:
/// it uses up its sequence number, the writer's other streams go on syncing, and the next
/// sync does not fail on it again.
#[test]
fn a_grant_that_does_not_merge_is_refused_and_does_not_stop_sync() {
    use automerge::transaction::Transactable;
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let clinician = Device::new("Dr K");
    let mentor_id = pair(&owner, &mentor, &relay);
    let clinician_id = pair(&owner, &clinician, &relay);
    for (id, access) in [(&mentor_id, Access::Write), (&clinician_id, Access::Read)] {
        owner
            .s()
            .share(DocKind::Plan, id, access, "support", None)
            .expect("share");
    }
    settle(&[&owner, &mentor, &clinician], &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");

    // The mentor writes offline: its first change to the plan.
    mentor
        .s()
        .shared_put(
            &plan,
            s::COPING_STRATEGIES,
            coping("the mentor's real change"),
        )
        .expect("put");
    // The owner's copy gets a different change under the mentor's actor and the same
    // sequence number (an import carries it in).
    let mut forged =
        automerge::AutoCommit::load(&owner.s().export_bytes(DocKind::Plan).expect("export"))
            .expect("load");
    forged.set_actor(automerge::ActorId::from(&mentor.s().device_id().0[..]));
    forged
        .put(automerge::ROOT, "forged", "not what the mentor wrote")
        .expect("forge");
    owner
        .s()
        .import_bytes(DocKind::Plan, &forged.save())
        .expect("import");
    // A new epoch: the mentor's grant carries a snapshot with the forged change.
    owner
        .s()
        .revoke_share(DocKind::Plan, &clinician_id)
        .expect("revoke");
    assert!(owner
        .exchange(&relay, Faults::NONE, 1)
        .interrupted
        .is_none());

    let first = mentor.exchange(&relay, Faults::NONE, 2);
    assert!(
        first
            .rejected
            .iter()
            .any(|(reason, _)| *reason == RejectReason::MalformedPayload),
        "the grant is refused: {first:?}"
    );
    let again = mentor.exchange(&relay, Faults::NONE, 3);
    assert_eq!(
        again.rejected_total(),
        0,
        "refused once, not on every sync: {again:?}"
    );
    // The mentor still has its plan copy and its own change.
    assert_eq!(
        mentor
            .s()
            .shared_list(&plan, s::COPING_STRATEGIES)
            .expect("list")
            .iter()
            .filter(|c| c.description == "the mentor's real change")
            .count(),
        1
    );
}

/// Changes nobody may bring (issue 20, item 3): one under the receiving device's own actor
/// that it does not have (a forged "you wrote this", or its next sequence number taken so its
/// real change would fail as a duplicate), and one under the genesis actor that is not the
/// genesis. Even the document's owner, who may pass on anything else, is refused, and the
/// mentor's copy goes on with its own first change its own.
#[test]
fn no_one_brings_a_change_under_the_receivers_own_actor_or_a_false_genesis() {
    use automerge::transaction::Transactable;
    let (relay, owner, mentor, _, plan) = plan_shared(Access::Write);
    let forge = |actor: &[u8], text: &str| {
        let mut doc =
            automerge::AutoCommit::load(&owner.s().export_bytes(DocKind::Plan).expect("export"))
                .expect("load");
        doc.set_actor(automerge::ActorId::from(actor));
        doc.put(automerge::ROOT, "forged", text).expect("forge");
        doc.commit();
        doc.save()
    };
    for (round, actor) in [
        mentor.s().device_id().0.to_vec(),
        b"twofold-genesis1".to_vec(),
    ]
    .into_iter()
    .enumerate()
    {
        let round = round as u64 * 10;
        let forged = forge(&actor, &format!("words put in someone's mouth, {round}"));
        let before = owner.s().doc_heads(&plan).expect("heads");
        owner
            .s()
            .import_bytes(DocKind::Plan, &forged)
            .expect("the owner's own copy takes the import");
        assert_ne!(
            owner.s().doc_heads(&plan).expect("heads"),
            before,
            "the import added it"
        );
        let sent = owner.exchange(&relay, Faults::NONE, round + 1);
        assert_eq!(sent.sent, 1, "{sent:?}");
        let seen = mentor.exchange(&relay, Faults::NONE, round + 2);
        assert!(
            seen.rejected
                .iter()
                .any(|(reason, _)| *reason == RejectReason::WrongAuthor),
            "refused as a wrong author: {seen:?}"
        );
    }
    // The mentor's copy holds no forgery: its own first change, under its own actor and
    // first sequence number, is its own.
    mentor
        .s()
        .shared_put(
            &plan,
            s::COPING_STRATEGIES,
            coping("the mentor's real change"),
        )
        .expect("put");
    assert!(mentor
        .s()
        .shared_list(&plan, s::COPING_STRATEGIES)
        .expect("list")
        .iter()
        .any(|c| c.description == "the mentor's real change"));
}

/// A record whose sender nobody knows (issue 20, item 4) is held and read again for a while —
/// a writer list may still be on its way — but not for ever: after a day and a few reads it is
/// refused for good, and the stream no longer starts every sync from it.
#[test]
fn a_record_from_a_sender_nobody_knows_is_held_a_while_then_refused_for_good() {
    let (relay, owner, mentor, _, _) = plan_shared(Access::Read);
    let counts = |streams: &[StreamId]| -> Vec<usize> {
        streams.iter().map(|s| relay.records(s).len()).collect()
    };
    let follows: Vec<StreamId> = mentor
        .s()
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .map(|f| f.stream)
        .collect();
    let before = counts(&follows);
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("first"))
        .expect("put");
    assert_eq!(owner.exchange(&relay, Faults::NONE, 1).sent, 1);
    let after = counts(&follows);
    let plan_stream = follows
        .iter()
        .zip(before.iter().zip(after.iter()))
        .find(|(_, (b, a))| a > b)
        .map(|(s, _)| *s)
        .expect("the plan's stream grew");
    // Sealed with the stream's real key by a device nobody paired with: the sender data opens,
    // the sender is unknown.
    let reader = RecordReader::capture(&mentor.path, &mentor.key, [&plan_stream]);
    let stranger = twofold_core::crypto::DeviceIdentity::generate().expect("rng");
    let stray =
        twofold_core::crypto::seal(reader.key(&plan_stream), &stranger, plan_stream, 1, b"\x01")
            .expect("seal");
    relay.inject(&plan_stream, stray);
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("after the stray"))
        .expect("put");
    assert_eq!(owner.exchange(&relay, Faults::NONE, 2).sent, 1);

    let unknown = |r: &twofold_core::SyncReport| {
        r.rejected
            .iter()
            .any(|(reason, _)| *reason == RejectReason::UnknownSender)
    };
    // Held: read again at each sync, while what came after it applies.
    for round in 0..3 {
        let seen = mentor.exchange(&relay, Faults::NONE, 10 + round);
        assert!(unknown(&seen), "held and read again: {seen:?}");
    }
    assert!(mentor
        .s()
        .shared_list(
            &owner.s().doc_id(DocKind::Plan).expect("plan"),
            s::COPING_STRATEGIES
        )
        .expect("list")
        .iter()
        .any(|c| c.description == "after the stray"));
    // A day later it is refused for good: the next sync reads nothing of it.
    mentor.advance_clock(25 * 60 * 60_000);
    let last = mentor.exchange(&relay, Faults::NONE, 20);
    assert!(unknown(&last), "{last:?}");
    let quiet = mentor.exchange(&relay, Faults::NONE, 21);
    assert!(!unknown(&quiet), "no longer read: {quiet:?}");
    assert_eq!(quiet.received, 0, "{quiet:?}");
}

/// An invite's secret opens its mailboxes and seals the owner's reply; once the owner decided,
/// or the invite expired unanswered, it is not kept (issue 20, item 7): a stolen database holds
/// neither, not even in free pages or the WAL.
#[test]
fn invite_secrets_leave_the_store_once_decided_or_expired() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let secret_of = |invite: &str| {
        twofold_core::crypto::Invite::decode(invite, (now() / 1000) as u64)
            .expect("invite")
            .secret
            .0
    };
    let answered = owner
        .s()
        .create_invite(RELAY, now() + 600_000)
        .expect("invite");
    let unanswered = owner
        .s()
        .create_invite(RELAY, now() + 600_000)
        .expect("invite");
    mentor
        .s()
        .accept_invite(&answered, "Alex", now())
        .expect("accept");
    settle(&[&mentor, &owner], &relay);
    let request = owner
        .s()
        .peers()
        .expect("peers")
        .into_iter()
        .find(|p| p.status == PeerStatus::NeedsDecision)
        .expect("request");
    owner.s().checkpoint().expect("checkpoint");
    let pages = store_plaintext(&owner.path, &owner.key);
    assert!(
        contains(&pages, &secret_of(&answered)),
        "kept until decided"
    );
    owner.s().approve_pairing(&request.id).expect("approve");
    owner.advance_clock(700_000);
    settle(&[&owner, &mentor], &relay);
    owner.s().checkpoint().expect("checkpoint");
    let pages = store_plaintext(&owner.path, &owner.key);
    assert!(!contains(&pages, &secret_of(&answered)), "decided: gone");
    assert!(!contains(&pages, &secret_of(&unanswered)), "expired: gone");
    assert!(owner
        .s()
        .peers()
        .expect("peers")
        .iter()
        .any(|p| p.id == request.id && p.status == PeerStatus::Paired));
}

/// The owner's half of the code goes to the first join request only (issue 20, item 2): a
/// second device answering the same invite — someone who saw the QR code over a shoulder, or
/// a man in the middle trying a second key — is refused and never learns the owner's nonce,
/// so it cannot try again against a known value. The code the first device shows matches the
/// owner's; the one the answering device showed before the owner's part came was empty.
#[test]
fn an_invite_reveals_its_half_of_the_code_to_one_request_only() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let (first, second) = (Device::new("Alex"), Device::new("Mallory"));
    let invite = owner
        .s()
        .create_invite(RELAY, now() + 600_000)
        .expect("invite");
    for (device, name) in [(&first, "Alex"), (&second, "Mallory")] {
        let pending = device
            .s()
            .accept_invite(&invite, name, now())
            .expect("accept");
        assert_eq!(
            pending.verification_code, "",
            "no code before the owner's half"
        );
        // One at a time, so the relay holds Alex's request first.
        settle(&[device], &relay);
    }
    settle(&[&owner, &first, &second], &relay);
    let asking: Vec<_> = owner
        .s()
        .peers()
        .expect("peers")
        .into_iter()
        .filter(|p| p.status == PeerStatus::NeedsDecision)
        .collect();
    assert_eq!(asking.len(), 1, "{asking:?}");
    assert_eq!(asking[0].display_name, "Alex");
    let shown = |d: &Device| {
        d.s()
            .pairing(&owner.s().device_id())
            .expect("pairing")
            .expect("under way")
    };
    assert_eq!(shown(&first).verification_code, asking[0].verification_code);
    assert_eq!(asking[0].verification_code.len(), 6);
    assert_eq!(
        shown(&second).verification_code,
        "",
        "Mallory learned nothing"
    );
    assert_eq!(shown(&second).status, PeerStatus::AwaitingApproval);
    // (Its request is not even read: the invite's mailbox closed with Alex's.)
    // Approving needs the code; the approval reaches Alex, whose code stays the same.
    owner.s().approve_pairing(&asking[0].id).expect("approve");
    settle(&[&owner, &first], &relay);
    assert_eq!(shown(&first).status, PeerStatus::Paired);
    assert_eq!(shown(&first).verification_code, asking[0].verification_code);
}

/// A record the app died applying (an allocation abort cannot be caught) is not applied again
/// on every start: the marker left beside the database names it, the next sync refuses it
/// with its sender's number used up, and the sender's next envelope applies.
#[test]
fn a_record_the_app_died_applying_is_refused_after_restart() {
    let (relay, owner, mentor, _, plan) = plan_shared(Access::Read);
    let fatal = coping("the edit the app died on");
    owner
        .s()
        .put(s::COPING_STRATEGIES, fatal.clone())
        .expect("put");
    assert_eq!(owner.exchange(&relay, Faults::NONE, 1).sent, 1);
    let stream = mentor
        .s()
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .find(|f| relay.records(&f.stream).len() as u64 > f.after)
        .expect("the plan's stream, one record ahead");
    let position = stream.after + 1;
    // What the mentor's process left when it died applying that record (format:
    // core/src/sync/applying.rs).
    let marker = {
        let mut name = mentor.path.clone().into_os_string();
        name.push(".applying");
        std::path::PathBuf::from(name)
    };
    let bytes = [
        &stream.stream.0[..],
        &position.to_le_bytes(),
        &position.to_le_bytes(),
    ]
    .concat();
    std::fs::write(&marker, bytes).expect("marker");

    let report = mentor.exchange(&relay, Faults::NONE, 2);
    assert_eq!(
        report.rejected,
        vec![(RejectReason::MalformedPayload, 1)],
        "{report:?}"
    );
    assert!(
        !marker.exists(),
        "the marker is gone once the record is settled"
    );
    assert!(mentor
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &fatal.id)
        .is_err());
    // The owner's next envelope is applied, not held back as a gap behind the refused one.
    // (Its change builds on the refused one, so Automerge keeps it until that arrives: only
    // a new snapshot, at the next epoch, repairs the copy.)
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("the next edit"))
        .expect("put");
    assert_eq!(owner.exchange(&relay, Faults::NONE, 3).sent, 1);
    let after = mentor.exchange(&relay, Faults::NONE, 4);
    assert_eq!((after.applied, after.waiting), (1, 0), "{after:?}");

    // A marker naming a whole batch (the process died somewhere in it) only makes the next
    // start apply those records one at a time, each under its own marker.
    for text in ["one", "two"] {
        owner
            .s()
            .put(s::COPING_STRATEGIES, coping(text))
            .expect("put");
        assert_eq!(owner.exchange(&relay, Faults::NONE, 5).sent, 1);
    }
    let from = position + 2;
    let bytes = [
        &stream.stream.0[..],
        &from.to_le_bytes(),
        &(from + 1).to_le_bytes(),
    ]
    .concat();
    std::fs::write(&marker, bytes).expect("marker");
    let batch = mentor.exchange(&relay, Faults::NONE, 6);
    assert_eq!((batch.applied, batch.rejected_total()), (2, 0), "{batch:?}");
    assert!(!marker.exists());
}

/// A process that died somewhere in a channel's batch of grants (they share one commit):
/// the next start applies those records one at a time, each under its own marker, and every
/// grant arrives; a marker naming one record refuses that one only.
#[test]
fn grants_a_process_died_applying_are_applied_one_at_a_time_after_restart() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let fresh = Device::new("Alex");
    let late = Device::new("Jo");
    let mut ids = Vec::new();
    for device in [&fresh, &late] {
        let id = pair(&owner, device, &relay);
        ids.push(id);
    }
    settle(&[&owner, &fresh, &late], &relay);
    for id in &ids {
        share_every_kind(&owner, id);
    }
    assert!(owner.exchange(&relay, Faults::NONE, 1).sent >= 8);
    let marker_of = |device: &Device| {
        let mut name = device.path.clone().into_os_string();
        name.push(".applying");
        std::path::PathBuf::from(name)
    };
    // The channel: the one stream each device follows with records waiting for it.
    let channel = |device: &Device| {
        device
            .s()
            .sync()
            .follows()
            .expect("follows")
            .into_iter()
            .find(|f| relay.records(&f.stream).len() as u64 > f.after)
            .expect("the channel, with the grants")
    };

    // Died somewhere in the batch: every record applied, one at a time.
    // Everything after the cursor: the owner's grants, and what else it sent on the channel.
    let ch = channel(&fresh);
    let (from, last) = (ch.after + 1, ch.after + 64);
    let range = [&ch.stream.0[..], &from.to_le_bytes(), &last.to_le_bytes()].concat();
    std::fs::write(marker_of(&fresh), range).expect("marker");
    let report = fresh.exchange(&relay, Faults::NONE, 2);
    assert_eq!(report.rejected_total(), 0, "{report:?}");
    assert!(report.applied >= 4, "{report:?}");
    assert_eq!(fresh.s().shared_with_me().expect("list").len(), 4);
    assert!(!marker_of(&fresh).exists());

    // Died on one record: that one refused, its sender's number used up, the others applied.
    let ch = channel(&late);
    let grant = ch.after + 1;
    let one = [&ch.stream.0[..], &grant.to_le_bytes(), &grant.to_le_bytes()].concat();
    std::fs::write(marker_of(&late), one).expect("marker");
    let report = late.exchange(&relay, Faults::NONE, 3);
    assert_eq!(
        report.rejected,
        vec![(RejectReason::MalformedPayload, 1)],
        "{report:?}"
    );
    assert_eq!(report.applied, report.received - 1, "{report:?}");
    assert!(!marker_of(&late).exists());
}

#[test]
fn expired_consent_acts_as_revoked() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let clinician = Device::new("Dr K");
    let id = pair(&owner, &clinician, &relay);
    let soon = now() + 60_000;
    owner
        .s()
        .share(DocKind::Plan, &id, Access::Read, "appointment", Some(soon))
        .expect("share");
    settle(&[&owner, &clinician], &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    let later = coping("after the appointment");
    owner
        .s()
        .put(s::COPING_STRATEGIES, later.clone())
        .expect("put");
    // An hour later the consent has run out.
    for d in [&owner, &clinician] {
        d.advance_clock(soon + 3_600_000 - now());
    }
    settle(&[&owner, &clinician], &relay);
    assert!(clinician
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &later.id)
        .is_err());
    let shares = owner.s().shares().expect("shares");
    assert_eq!(shares[0].end_reason.as_deref(), Some("expired"));
}

#[test]
fn summary_instead_of_journal_and_suggestions_flow_back() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let id = pair(&owner, &mentor, &relay);
    let today = Day(chrono::Utc::now().date_naive());
    owner
        .s()
        .record_check_in(
            NewCheckIn {
                day: today,
                mood: 4,
                craving: 7,
                sleep_hours: Some(5.0),
                medication_taken: Some(true),
                doses: Vec::new(),
                used_substance: false,
                triggers_met: vec![],
                coping_used: vec![],
                warning_signs: vec![],
                note: "CANARY-journal-note".into(),
            },
            now(),
        )
        .expect("check-in");
    owner
        .s()
        .share(DocKind::Summary, &id, Access::Read, "how I'm doing", None)
        .expect("share");
    owner
        .s()
        .share(DocKind::Plan, &id, Access::Read, "my plan", None)
        .expect("share");
    settle(&[&owner, &mentor], &relay);
    let docs = mentor.s().shared_with_me().expect("list");
    assert!(docs.iter().all(|d| d.kind != DocKind::Journal));
    let summary = docs
        .iter()
        .find(|d| d.kind == DocKind::Summary)
        .expect("summary");
    let weeks = mentor
        .s()
        .shared_list(&summary.doc_id, s::WEEKS)
        .expect("weeks");
    assert_eq!(weeks.iter().map(|w| w.check_ins).sum::<u32>(), 1);
    assert_eq!(weeks.last().and_then(|w| w.craving_avg), Some(7.0));
    assert!(relay.all_bytes().iter().all(|b| !contains(b, b"CANARY")));

    // The mentor only reads the plan, but can suggest.
    let idea = coping("cold water on the face");
    let owner_id = owner.s().device_id();
    mentor
        .s()
        .suggest(
            &owner_id,
            s::COPING_STRATEGIES,
            idea.clone(),
            "worked for me",
        )
        .expect("suggest");
    let bad = mentor
        .s()
        .suggest(&owner_id, s::COPING_STRATEGIES, coping(""), "");
    assert!(matches!(bad, Err(Error::Invalid(_))), "{bad:?}");
    settle(&[&mentor, &owner], &relay);
    let open = owner.s().suggestions().expect("suggestions");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].from_name, "Alex");
    owner
        .s()
        .accept_suggestion(&open[0].notes_doc_id, &open[0].suggestion.id)
        .expect("accept");
    assert_eq!(
        owner
            .s()
            .get(s::COPING_STRATEGIES, &idea.id)
            .expect("copied"),
        idea
    );
    settle(&[&owner, &mentor], &relay);
    let seen = mentor.s().suggestions_for(&owner_id).expect("mentor view");
    assert_eq!(seen[0].status, twofold_core::SuggestionStatus::Accepted);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    assert!(mentor
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &idea.id)
        .is_ok());
}

#[test]
fn tampered_replayed_stale_oversized_and_truncated_envelopes_change_nothing() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let id = pair(&owner, &mentor, &relay);
    owner
        .s()
        .share(DocKind::Plan, &id, Access::Write, "support", None)
        .expect("share");
    settle(&[&owner, &mentor], &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("one"))
        .expect("put");
    let out = owner.s().sync().outgoing().expect("out");
    let good = out.envelopes.last().expect("an envelope").clone();
    let before = heads(&mentor, &plan);
    let follows = mentor.s().sync().follows().expect("follows");
    assert!(follows.iter().any(|f| f.stream == good.stream));
    let try_bytes = |bytes: &[u8]| {
        mentor
            .s()
            .sync()
            .receive(&good.stream, 1000, bytes)
            .expect("receive")
    };

    let mut cases: Vec<(&str, Vec<u8>, RejectReason)> = Vec::new();
    // Version, stream, epoch, nonce, sender data, payload: the clear header is bound to the
    // sender data, the sender data hides the signature over the payload.
    for (bit, expect) in [
        (0usize, RejectReason::UnsupportedVersion),
        (8 * 5, RejectReason::WrongStream),
        (8 * 20, RejectReason::StaleEpoch),
        (8 * 40, RejectReason::DecryptFailed),
        (8 * 70, RejectReason::DecryptFailed),
        (good.envelope.len() * 8 - 1, RejectReason::BadSignature),
    ] {
        let mut b = good.envelope.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        cases.push(("flipped bit", b, expect));
    }
    cases.push((
        "truncated",
        good.envelope[..100].to_vec(),
        RejectReason::Truncated,
    ));
    cases.push((
        "oversized",
        vec![1u8; 9 * 1024 * 1024],
        RejectReason::TooLarge,
    ));
    // Sealed with the stream's key by a device the mentor does not know.
    let stranger = twofold_core::crypto::DeviceIdentity::generate().expect("rng");
    let reader = RecordReader::capture(&mentor.path, &mentor.key, [&good.stream]);
    let forged =
        twofold_core::crypto::seal(reader.key(&good.stream), &stranger, good.stream, 1, b"\x01")
            .expect("seal");
    cases.push(("wrong signer", forged, RejectReason::UnknownSender));
    // Sealed by an outsider without the stream's key: its sender data does not open.
    let outsider_key = twofold_core::crypto::DocKey::generate(0).expect("rng");
    let outsider = twofold_core::crypto::seal(&outsider_key, &stranger, good.stream, 1, b"\x01")
        .expect("seal");
    cases.push(("outsider", outsider, RejectReason::DecryptFailed));
    for (what, bytes, reason) in cases {
        assert_eq!(try_bytes(&bytes), Received::Rejected(reason), "{what}");
        assert_eq!(heads(&mentor, &plan), before, "{what} changed nothing");
    }
    // The real one applies once; its replay is ignored.
    assert!(matches!(
        try_bytes(&good.envelope),
        Received::Applied { .. }
    ));
    let after = heads(&mentor, &plan);
    assert_eq!(try_bytes(&good.envelope), Received::Duplicate);
    assert_eq!(heads(&mentor, &plan), after);
    // After a revocation, envelopes of the old epoch are refused.
    let old_stream = good.stream;
    owner.s().revoke_share(DocKind::Plan, &id).expect("revoke");
    owner
        .s()
        .share(DocKind::Plan, &id, Access::Write, "again", None)
        .expect("share again");
    settle(&[&owner, &mentor], &relay);
    let stale = mentor
        .s()
        .sync()
        .receive(&old_stream, 1001, &good.envelope)
        .expect("receive");
    assert_eq!(stale, Received::Rejected(RejectReason::StaleEpoch));
    let counted = mentor.s().sync().rejections().expect("counters");
    // Counted by reason: the flipped bits above and the outsider's envelope.
    assert!(
        counted.iter().any(|(r, n)| r == "bad_signature" && *n >= 1)
            && counted
                .iter()
                .any(|(r, n)| r == "decrypt_failed" && *n >= 3),
        "{counted:?}"
    );
}

#[test]
fn simulated_devices_converge_under_loss_duplication_reordering_and_restarts() {
    for seed in 0..4u64 {
        simulate(seed);
    }
}

fn simulate(seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let relay = MemRelay::default();
    relay.set_no_dedup(seed % 2 == 1);
    let mut owner = Device::new("Sam");
    let mut mentor = Device::new("Alex");
    let mut supporter = Device::new("Jo");
    let mut clinician = Device::new("Dr K");
    let m = pair(&owner, &mentor, &relay);
    let sup = pair(&owner, &supporter, &relay);
    let c = pair(&owner, &clinician, &relay);
    owner
        .s()
        .share(DocKind::Plan, &m, Access::Write, "mentor", None)
        .expect("share");
    owner
        .s()
        .share(DocKind::Plan, &sup, Access::Write, "supporter", None)
        .expect("share");
    owner
        .s()
        .share(DocKind::Plan, &c, Access::Read, "clinician", None)
        .expect("share");
    owner
        .s()
        .share(DocKind::Schedule, &m, Access::Read, "mentor", None)
        .expect("share");
    owner
        .s()
        .share(DocKind::Summary, &c, Access::Read, "clinician", None)
        .expect("share");
    let plan = owner.s().doc_id(DocKind::Plan).expect("id");
    let mut written = Vec::new();
    let mut revoked_at = None;
    for step in 0..120 {
        let who = rng.random_range(0..4);
        let item = coping(&format!("s{seed}-{step}"));
        match who {
            0 => owner
                .s()
                .put(s::COPING_STRATEGIES, item.clone())
                .expect("owner put"),
            1 => mentor
                .s()
                .shared_put(&plan, s::COPING_STRATEGIES, item.clone())
                .unwrap_or(()),
            2 if revoked_at.is_none() => supporter
                .s()
                .shared_put(&plan, s::COPING_STRATEGIES, item.clone())
                .unwrap_or(()),
            _ => {}
        }
        written.push(item);
        if step == 80 {
            owner.s().revoke_share(DocKind::Plan, &sup).expect("revoke");
            revoked_at = Some(step);
        }
        if rng.random_bool(0.05) {
            match rng.random_range(0..4) {
                0 => owner.restart(),
                1 => mentor.restart(),
                2 => supporter.restart(),
                _ => clinician.restart(),
            }
        }
        // Devices come online at random, rarely all at once.
        for (i, d) in [&owner, &mentor, &supporter, &clinician]
            .into_iter()
            .enumerate()
        {
            if rng.random_bool(if i == 0 { 0.3 } else { 0.15 }) {
                d.exchange(&relay, Faults::HARSH, rng.random());
            }
        }
    }
    let all = [&owner, &mentor, &supporter, &clinician];
    settle(&all, &relay);
    let owner_heads = heads(&owner, &plan);
    assert_eq!(heads(&mentor, &plan), owner_heads, "seed {seed}: mentor");
    assert_eq!(
        heads(&clinician, &plan),
        owner_heads,
        "seed {seed}: clinician"
    );
    // No device has a document it may not see.
    let kinds = |d: &Device| -> Vec<DocKind> {
        d.s()
            .shared_with_me()
            .expect("list")
            .iter()
            .map(|x| x.kind)
            .collect()
    };
    assert!(!kinds(&mentor).contains(&DocKind::Journal));
    assert!(
        !kinds(&clinician).contains(&DocKind::Journal)
            && !kinds(&clinician).contains(&DocKind::Schedule)
    );
    assert!(!kinds(&supporter).contains(&DocKind::Schedule));
    // What the owner has is what the mentor has, item for item.
    assert_eq!(
        owner.s().list(s::COPING_STRATEGIES).expect("list"),
        mentor
            .s()
            .shared_list(&plan, s::COPING_STRATEGIES)
            .expect("list"),
        "seed {seed}"
    );
    let owner_items = owner.s().list(s::COPING_STRATEGIES).expect("list");
    assert!(
        owner_items.len() > 40,
        "seed {seed}: only {} items arrived",
        owner_items.len()
    );
}

/// A writer whose envelope is authentic but unusable (here: garbage where changes should be)
/// must not stall its later envelopes: the refusal uses up that sequence number.
#[test]
fn an_authentic_but_unusable_envelope_does_not_stall_its_sender() {
    use twofold_core::store::{database::Database, identity, streams};

    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let mentor_id = pair(&owner, &mentor, &relay);
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Write, "support", None)
        .expect("share");
    // An edit of the owner's puts the plan's stream on the relay.
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping("call my sister"))
        .expect("put");
    settle(&[&owner, &mentor], &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("plan");

    // The mentor's device sends an envelope it really signed, at its next sequence number,
    // holding bytes that are not Automerge changes.
    let db = Database::open(&mentor.path, &mentor.key).expect("mentor db");
    let me = db
        .read(identity::load)
        .expect("identity")
        .expect("made at open");
    let stream = mentor
        .s()
        .sync()
        .follows()
        .expect("follows")
        .into_iter()
        .map(|f| f.stream)
        .find(|s| {
            db.read(|c| streams::get(c, s))
                .expect("row")
                .is_some_and(|r| r.doc_id.as_deref() == Some(plan.as_str()))
        })
        .expect("the plan's stream");
    let row = db
        .read(|c| streams::get(c, &stream))
        .expect("row")
        .expect("row");
    let seq: u64 = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT next_seq FROM streams WHERE stream_id = ?1",
                [&stream.0[..]],
                |r| r.get::<_, i64>(0),
            )?)
        })
        .expect("next seq") as u64;
    let garbage =
        twofold_core::crypto::seal(&row.key, &me, stream, seq, b"\x01not changes").expect("seal");
    db.write(|tx| {
        tx.execute(
            "UPDATE streams SET next_seq = next_seq + 1 WHERE stream_id = ?1",
            [&stream.0[..]],
        )?;
        Ok(())
    })
    .expect("the mentor's device counts it as sent");
    drop(db);
    let position = relay.inject(&stream, garbage);
    let refused = owner
        .s()
        .sync()
        .receive(
            &stream,
            position,
            &relay.records(&stream)[position as usize - 1],
        )
        .expect("receive");
    assert_eq!(refused, Received::Rejected(RejectReason::MalformedPayload));

    // The mentor's next real edit arrives and applies: nothing waits behind the refusal.
    let after = coping("after a bad envelope");
    mentor
        .s()
        .shared_put(&plan, s::COPING_STRATEGIES, after.clone())
        .expect("put");
    settle(&[&mentor, &owner], &relay);
    assert_eq!(
        owner
            .s()
            .get(s::COPING_STRATEGIES, &after.id)
            .expect("arrived"),
        after
    );
    assert_eq!(heads(&owner, &plan), heads(&mentor, &plan));
}

/// Consent withdrawn before anything was sent: the grant waiting in the outbox must not go
/// out. It leaves as the revocation notice instead, and nothing is disclosed.
#[test]
fn a_share_revoked_before_it_was_sent_discloses_nothing() {
    let relay = MemRelay::default();
    let owner = Device::new("Sam");
    let mentor = Device::new("Alex");
    let mentor_id = pair(&owner, &mentor, &relay);
    let canary = "CANARY-revoked-before-sending-q7";
    owner
        .s()
        .put(s::COPING_STRATEGIES, coping(canary))
        .expect("put");
    owner
        .s()
        .share(DocKind::Plan, &mentor_id, Access::Read, "by mistake", None)
        .expect("share");
    owner
        .s()
        .revoke_share(DocKind::Plan, &mentor_id)
        .expect("revoke at once");
    settle(&[&owner, &mentor], &relay);

    assert!(mentor.s().shared_with_me().expect("list").is_empty());
    assert!(
        owner.s().disclosure_log().expect("log").is_empty(),
        "nothing was disclosed"
    );
    assert!(
        mentor.s().sync().rejections().expect("counts").is_empty(),
        "the stand-in notice is accepted: {:?}",
        mentor.s().sync().rejections()
    );
    let leaked = relay
        .all_bytes()
        .iter()
        .any(|b| b.windows(canary.len()).any(|w| w == canary.as_bytes()));
    assert!(!leaked);
    // The pairing still works: a later share arrives.
    owner
        .s()
        .share(
            DocKind::Plan,
            &mentor_id,
            Access::Read,
            "weekly sessions",
            None,
        )
        .expect("share again");
    settle(&[&owner, &mentor], &relay);
    let plan = owner.s().doc_id(DocKind::Plan).expect("plan");
    assert_eq!(
        mentor
            .s()
            .shared_list(&plan, s::COPING_STRATEGIES)
            .expect("list")
            .len(),
        1
    );
}

/// Sam's plan shared with two writers (Alex, Jo) and a reader (Kim), synced: the devices, the
/// three ids on Sam's side in that order, and the plan's id.
fn plan_with_two_writers_and_a_reader() -> (MemRelay, [Device; 4], Vec<KeyId>, String) {
    let relay = MemRelay::default();
    let [sam, alex, jo, kim] = ["Sam", "Alex", "Jo", "Kim"].map(Device::new);
    let mut ids = Vec::new();
    for (device, access) in [
        (&alex, Access::Write),
        (&jo, Access::Write),
        (&kim, Access::Read),
    ] {
        let id = pair(&sam, device, &relay);
        sam.s()
            .share(DocKind::Plan, &id, access, "support", None)
            .expect("share");
        ids.push(id);
    }
    settle(&[&sam, &alex, &jo, &kim], &relay);
    let plan = sam.s().doc_id(DocKind::Plan).expect("id");
    (relay, [sam, alex, jo, kim], ids, plan)
}

/// Seals `payload` as `device` on its stream of `doc_id`, with its own key and its sequence
/// number `ahead` past its next one: what a writer's device running altered code can send.
fn hostile_envelope(
    device: &Device,
    doc_id: &str,
    ahead: u64,
    payload: &[u8],
) -> (StreamId, Vec<u8>) {
    let conn = rusqlite::Connection::open(&device.path).expect("open the file");
    conn.pragma_update(None, "key", format!("x'{}'", hex::encode(device.key)))
        .expect("key");
    let identity = twofold_core::store::identity::load(&conn)
        .expect("read")
        .expect("an identity");
    let stream = twofold_core::store::streams::active_for_doc(&conn, doc_id)
        .expect("read")
        .expect("a stream");
    let envelope = twofold_core::crypto::seal(
        &stream.key,
        &identity,
        stream.stream,
        stream.next_seq + ahead,
        payload,
    )
    .expect("seal");
    (stream.stream, envelope)
}

/// A change under `author`'s actor on top of `doc` as `source` holds it: the author's next
/// sequence number, taken by whoever makes it.
fn change_as(source: &Device, kind: DocKind, author: &Device, text: &str) -> Vec<u8> {
    use automerge::transaction::Transactable;
    let mut doc =
        automerge::AutoCommit::load(&source.s().export_bytes(kind).expect("export")).expect("load");
    doc.set_actor(automerge::ActorId::from(&author.s().device_id().0[..]));
    doc.put(automerge::ROOT, "forged", text).expect("forge");
    doc.get_last_local_change()
        .expect("the change just made")
        .raw_bytes()
        .to_vec()
}

/// A writer cannot pass on a change under another device's actor (issue 20, item 3): not the
/// person's own ("the person wrote this", or the person's next sequence number taken so the
/// person's real change fails as a duplicate on every other copy) and not another writer's.
/// The hostile writer signs the envelope with its own key, which every reader checks; the
/// forged change has no signature of its author, with none or with one made up. Every other
/// copy refuses it and goes on converging with the real authors' changes.
#[test]
fn a_writer_cannot_pass_on_a_change_under_another_devices_actor() {
    use twofold_core::sync::payload::{encode_changes, encode_signed_changes};
    let (relay, [sam, alex, jo, kim], _, plan) = plan_with_two_writers_and_a_reader();
    let all = [&sam, &alex, &jo, &kim];
    jo.s()
        .shared_put(&plan, s::COPING_STRATEGIES, coping("Jo's first"))
        .expect("put");
    settle(&all, &relay);

    for (round, victim) in [&sam, &jo].into_iter().enumerate() {
        let forged = change_as(&sam, DocKind::Plan, victim, "words put in their mouth");
        let payload = if round == 0 {
            encode_changes([forged.as_slice()])
        } else {
            encode_signed_changes([forged.as_slice()], &[[7; 64]])
        };
        let (stream, envelope) = hostile_envelope(&alex, &plan, round as u64, &payload);
        relay.inject(&stream, envelope);
        for device in [&kim, &jo, &sam] {
            let seen = device.exchange(&relay, Faults::NONE, 10 + round as u64);
            assert!(
                seen.rejected
                    .iter()
                    .any(|(reason, _)| *reason == RejectReason::WrongAuthor),
                "round {round}: refused as a wrong author: {seen:?}"
            );
        }
        // The victim's real change, under the same actor and sequence number, reaches every
        // copy, and the copies agree.
        if round == 0 {
            sam.s()
                .put(s::COPING_STRATEGIES, coping("Sam's real words"))
                .expect("put");
        } else {
            jo.s()
                .shared_put(&plan, s::COPING_STRATEGIES, coping("Jo's real words"))
                .expect("put");
        }
        settle(&all, &relay);
        for device in [&alex, &jo, &kim] {
            assert_eq!(
                heads(device, &plan),
                heads(&sam, &plan),
                "round {round}: every copy converges"
            );
        }
    }
    let kept = kim
        .s()
        .shared_list(&plan, s::COPING_STRATEGIES)
        .expect("list");
    for text in ["Sam's real words", "Jo's real words", "Jo's first"] {
        assert!(kept.iter().any(|c| c.description == text), "{text}");
    }
}

/// The other side of the rule above: after a new epoch a writer passes on what the owner's new
/// snapshot lacks — here a revoked writer's last change, which the writer's own change builds
/// on — with the signature its author sent it with, and every copy takes it.
#[test]
fn a_writer_passes_on_a_revoked_writers_last_change_with_its_authors_signature() {
    let (relay, [sam, alex, jo, kim], ids, plan) = plan_with_two_writers_and_a_reader();

    // Jo's last change reaches Alex but not Sam; Alex builds on it, offline.
    jo.s()
        .shared_put(&plan, s::COPING_STRATEGIES, coping("Jo's last words"))
        .expect("put");
    assert_eq!(jo.exchange(&relay, Faults::NONE, 1).sent, 1);
    alex.exchange(&relay, Faults::NONE, 2);
    alex.s()
        .shared_put(&plan, s::COPING_STRATEGIES, coping("Alex, after Jo"))
        .expect("put");
    // Sam ends Jo's share without having read it: the new epoch's snapshot lacks it.
    sam.s()
        .revoke_share(DocKind::Plan, &ids[1])
        .expect("revoke");
    settle(&[&sam, &alex, &kim], &relay);

    for device in [&sam, &kim] {
        let list = device
            .s()
            .shared_list(&plan, s::COPING_STRATEGIES)
            .or_else(|_| device.s().list(s::COPING_STRATEGIES))
            .expect("list");
        for text in ["Jo's last words", "Alex, after Jo"] {
            assert!(
                list.iter().any(|c| c.description == text),
                "{text} on {}",
                device.s().display_name().unwrap_or_default()
            );
        }
    }
    assert_eq!(heads(&alex, &plan), heads(&sam, &plan));
    assert_eq!(heads(&kim, &plan), heads(&sam, &plan));
}
