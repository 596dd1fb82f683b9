"""Pairing, consent-scoped sharing and sync: real stores on disk, the suites' real relay, and
the FFI's SyncSession running the library's exchange loop (the `sync` fixture, conftest.py).
The refusal tests also drive the FFI's sans-IO engine directly, the way an app with its own
transport would: tampered, truncated and replayed envelopes, bad arguments."""

import datetime
import secrets
import time

import pytest

from twofold_ffi import (
    Access,
    Author,
    CopingStrategy,
    DocumentKind,
    DocumentSnapshot,
    Domain,
    Meeting,
    MeetingFormat,
    MeetingKind,
    NewCheckIn,
    PeerStatus,
    Received,
    RejectReason,
    SectionItem,
    SectionName,
    SharedAlert,
    SuggestionStatus,
    TwofoldError,
    TwofoldStore,
    WellbeingFields,
    new_item_id,
)

def now_ms() -> int:
    return int(time.time() * 1000)


# --- devices -----------------------------------------------------------------------------------


async def device(tmp_path, name: str) -> TwofoldStore:
    store = await TwofoldStore.open(str(tmp_path / f"{name}.db"), secrets.token_bytes(32))
    await store.set_display_name(name)
    return store


async def pair(owner: TwofoldStore, other: TwofoldStore, sync) -> str:
    """Pairs `other` with `owner`; returns other's device id as the owner knows it."""
    invite = await owner.create_invite(sync.url, now_ms() + 600_000)
    pending = await other.accept_invite(invite, other.display_name())
    assert pending.status == PeerStatus.AWAITING_APPROVAL
    assert pending.id == owner.device_id()
    assert pending.verification_code == "", "no code before the owner's half arrives"
    await sync.settle([other, owner])
    asking = [p for p in owner.peers() if p.status == PeerStatus.NEEDS_DECISION]
    assert len(asking) == 1
    shown = other.pairing(owner.device_id()).verification_code
    assert asking[0].verification_code == shown, "both screens show the same code"
    assert asking[0].display_name == other.display_name()
    approved = await owner.approve_pairing(asking[0].id)
    assert approved.status == PeerStatus.PAIRED
    await sync.settle([owner, other])
    seen = [p for p in other.peers() if p.id == owner.device_id()]
    assert seen[0].status == PeerStatus.PAIRED
    assert seen[0].display_name == owner.display_name()
    assert asking[0].id == other.device_id()
    return asking[0].id


def coping(text: str, domain=Domain.BOTH) -> CopingStrategy:
    return CopingStrategy(id=new_item_id(), description=text, domain=domain)


def weekly_meeting() -> Meeting:
    return Meeting(
        id=new_item_id(),
        name="Dual Recovery group",
        kind=MeetingKind.DUAL_RECOVERY_ANONYMOUS,
        format=MeetingFormat.IN_PERSON,
        address="Calle Mayor 1, Madrid",
        start="2026-03-03T19:00:00",
        time_zone="Europe/Madrid",
        duration_minutes=90,
        rrule="FREQ=WEEKLY;BYDAY=TU",
    )


def shared(store: TwofoldStore, kind: DocumentKind):
    found = [d for d in store.shared_with_me() if d.kind == kind]
    assert len(found) == 1, f"{kind} is shared with this device once"
    return found[0]


def copings(store: TwofoldStore, doc_id: str) -> list:
    items = store.shared_list(doc_id, SectionName.COPING_STRATEGIES)
    assert all(i.is_coping_strategies() for i in items)
    return [i.item for i in items]


# --- pairing -----------------------------------------------------------------------------------


async def test_pairing_shows_one_code_on_both_screens_and_an_invite_works_once(tmp_path, sync):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    late = await device(tmp_path, "Jo")
    assert len(owner.device_id()) == 32 and owner.device_id() != mentor.device_id()
    assert owner.display_name() == "Sam"

    invite = await owner.create_invite(sync.url, now_ms() + 600_000)
    first = await mentor.accept_invite(invite, "Alex")
    second = await late.accept_invite(invite, "Jo")
    assert first.verification_code == second.verification_code == "", "no code before the owner's half"
    # Both requests reach the relay before the owner looks.
    assert (await sync.round(mentor)).mailbox_sent == 1
    assert (await sync.round(late)).mailbox_sent == 1
    looked = await sync.round(owner)
    assert (looked.received, looked.applied) == (2, 1), looked
    # The invite works once: its mailbox closed with the first valid request.
    assert [(r.reason, r.count) for r in looked.rejected] == [("unknown_stream", 1)], looked
    assert [(p.display_name, p.status) for p in owner.peers()] == [("Alex", PeerStatus.NEEDS_DECISION)]
    # The owner's half of the code went to Alex alone; Jo never gets a code to compare.
    assert looked.mailbox_sent == 1, looked
    await sync.round(mentor)
    await sync.round(late)
    assert owner.peers()[0].verification_code == mentor.pairing(owner.device_id()).verification_code
    assert len(owner.peers()[0].verification_code) == 6
    assert late.pairing(owner.device_id()).verification_code == ""
    assert owner.peers()[0].paired_at_ms is None

    await owner.approve_pairing(mentor.device_id())
    await sync.settle([owner, mentor, late])
    assert [(p.display_name, p.status) for p in mentor.peers()] == [("Sam", PeerStatus.PAIRED)]
    assert owner.peers()[0].status == PeerStatus.PAIRED
    assert owner.peers()[0].paired_at_ms is not None
    assert late.peers()[0].status == PeerStatus.AWAITING_APPROVAL, "nobody answers a used invite"
    # Each side's finished mailbox was deleted on the relay by its session (the owner's join
    # mailbox, Alex's reply mailbox); Jo's reply mailbox is still read, so it stays.
    for store in (owner, mentor, late):
        assert (await store.sync_outgoing()).mailbox_deletes == []
    # A pairing shares nothing by itself.
    assert mentor.shared_with_me() == []
    # Approving twice: nothing is pending any more.
    with pytest.raises(TwofoldError.NotFound):
        await owner.approve_pairing(mentor.device_id())


async def test_a_declined_pairing_can_be_shared_nothing(tmp_path, sync):
    owner = await device(tmp_path, "Sam")
    stranger = await device(tmp_path, "Pat")
    invite = await owner.create_invite(sync.url, now_ms() + 600_000)
    await stranger.accept_invite(invite, "Pat")
    await sync.settle([stranger, owner])
    declined = await owner.decline_pairing(stranger.device_id())
    assert declined.status == PeerStatus.DECLINED
    await sync.settle([owner, stranger])
    assert [p.status for p in stranger.peers()] == [PeerStatus.DECLINED]
    with pytest.raises(TwofoldError.NotAllowed):
        await owner.share(DocumentKind.PLAN, stranger.device_id(), Access.READ, "no", None)
    assert owner.shares() == []
    assert stranger.shared_with_me() == []


# --- share, edit offline, converge --------------------------------------------------------------


async def test_share_plan_read_write_and_schedule_read_only_edit_offline_and_converge(tmp_path, sync):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    mentor_id = await pair(owner, mentor, sync)

    first = coping("call my sister")
    meeting = weekly_meeting()
    await owner.put_coping_strategy(first)
    await owner.put_meeting(meeting)
    await owner.share(DocumentKind.PLAN, mentor_id, Access.WRITE, "weekly sessions", None)
    await owner.share(DocumentKind.SCHEDULE, mentor_id, Access.READ, "meeting reminders")
    assert [(s.kind, s.access, s.purpose, s.peer_name, s.ended_at_ms) for s in owner.shares()] == [
        (DocumentKind.PLAN, Access.WRITE, "weekly sessions", "Alex", None),
        (DocumentKind.SCHEDULE, Access.READ, "meeting reminders", "Alex", None),
    ]
    await sync.settle([owner, mentor])

    docs = mentor.shared_with_me()
    assert {(d.kind, d.access, d.owner_name, d.owner) for d in docs} == {
        (DocumentKind.PLAN, Access.WRITE, "Sam", owner.device_id()),
        (DocumentKind.SCHEDULE, Access.READ, "Sam", owner.device_id()),
    }
    assert len(docs) == 2
    plan = shared(mentor, DocumentKind.PLAN).doc_id
    schedule = shared(mentor, DocumentKind.SCHEDULE).doc_id
    assert plan == owner.doc_id(DocumentKind.PLAN)
    assert copings(mentor, plan) == [first]
    got = mentor.shared_get(schedule, SectionName.MEETINGS, meeting.id)
    assert got == SectionItem.MEETINGS(meeting)
    snapshot = await mentor.shared_snapshot(schedule)
    assert isinstance(snapshot, DocumentSnapshot.SCHEDULE)
    assert snapshot.schedule.meetings == [meeting]

    # Offline on both sides, including the same item (different fields).
    await owner.put_coping_strategy(CopingStrategy(id=first.id, description="call my sister, or text her", domain=Domain.BOTH))
    await mentor.shared_put(plan, SectionItem.COPING_STRATEGIES(
        CopingStrategy(id=first.id, description=first.description, domain=Domain.MENTAL_HEALTH)))
    from_mentor = coping("box breathing, 4 counts")
    await mentor.shared_put(plan, SectionItem.COPING_STRATEGIES(from_mentor))
    from_owner = coping("walk to the river")
    await owner.put_coping_strategy(from_owner)
    # Read-only is enforced on the mentor's device: a typed refusal, nothing written.
    with pytest.raises(TwofoldError.NotAllowed) as refused:
        await mentor.shared_put(schedule, SectionItem.MEETINGS(weekly_meeting()))
    assert "schedule" in refused.value.reason
    with pytest.raises(TwofoldError.NotAllowed):
        await mentor.shared_remove(schedule, SectionName.MEETINGS, meeting.id)
    # An item of another document's section is refused by field.
    with pytest.raises(TwofoldError.InvalidInput) as wrong:
        await mentor.shared_put(plan, SectionItem.MEETINGS(weekly_meeting()))
    assert wrong.value.field == "section"

    await sync.settle([owner, mentor])
    merged = CopingStrategy(id=first.id, description="call my sister, or text her", domain=Domain.MENTAL_HEALTH)
    assert owner.get_coping_strategy(first.id) == merged, "edits of different fields of one item merge"
    assert sorted(owner.list_coping_strategies(), key=lambda c: c.id) == sorted(
        [merged, from_mentor, from_owner], key=lambda c: c.id)
    assert copings(mentor, plan) == owner.list_coping_strategies(), "the same items, in the same order"
    assert mentor.doc_heads(plan) == owner.doc_heads(plan)
    assert mentor.shared_list(schedule, SectionName.MEETINGS) == [SectionItem.MEETINGS(meeting)]

    # Who wrote what, on both sides.
    on_owner = owner.authorship(plan, SectionName.COPING_STRATEGIES, from_mentor.id)
    assert on_owner.created_by == Author.PEER(id=mentor.device_id(), name="Alex")
    assert mentor.authorship(plan, SectionName.COPING_STRATEGIES, from_mentor.id).created_by == Author.THIS_DEVICE()
    on_mentor = mentor.authorship(plan, SectionName.COPING_STRATEGIES, from_owner.id)
    assert on_mentor.created_by == Author.PEER(id=owner.device_id(), name="Sam")
    assert owner.authorship(plan, SectionName.COPING_STRATEGIES, from_owner.id).last_edited_by == Author.THIS_DEVICE()

    # The disclosure log: the snapshots sent with the grants, then one entry per acked batch.
    log = owner.disclosure_log()
    assert {(d.kind, d.what) for d in log if d.what == "snapshot"} == {
        (DocumentKind.PLAN, "snapshot"), (DocumentKind.SCHEDULE, "snapshot")}
    assert all(d.peer_id == mentor_id for d in log)
    before = len(log)
    await owner.put_coping_strategy(coping("cold shower"))
    out = await owner.sync_outgoing()
    assert len(owner.disclosure_log()) == before, "nothing is disclosed before the relay has it"
    for e in out.envelopes:
        await owner.sync_acked(e.id)
        await owner.sync_acked(e.id)  # a repeated acknowledgement is written once
    log = owner.disclosure_log()
    assert len(log) == before + 1
    assert (log[-1].kind, log[-1].peer_id, log[-1].what, log[-1].changes) == (
        DocumentKind.PLAN, mentor_id, "changes", 1)
    assert log[-1].doc_id == plan and log[-1].bytes > 0


async def test_a_revoked_device_keeps_what_it_had_and_gets_nothing_new(tmp_path, sync):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    supporter = await device(tmp_path, "Jo")
    mentor_id = await pair(owner, mentor, sync)
    supporter_id = await pair(owner, supporter, sync)
    for peer in (mentor_id, supporter_id):
        await owner.share(DocumentKind.PLAN, peer, Access.WRITE, "support", None)
    before = coping("walk to the river")
    await owner.put_coping_strategy(before)
    everyone = [owner, mentor, supporter]
    await sync.settle(everyone)
    plan = owner.doc_id(DocumentKind.PLAN)
    assert copings(supporter, plan) == [before]

    await owner.revoke_share(DocumentKind.PLAN, supporter_id)
    after = coping("the plan after the revocation")
    await owner.put_coping_strategy(after)
    await sync.settle(everyone)

    assert copings(supporter, plan) == [before], "keeps what it had"
    with pytest.raises(TwofoldError.NotFound):
        supporter.shared_get(plan, SectionName.COPING_STRATEGIES, after.id)
    assert copings(mentor, plan) == [before, after], "the mentor still gets everything"
    assert shared(supporter, DocumentKind.PLAN).access is None, "the app can say the share ended"
    with pytest.raises(TwofoldError.NotAllowed):
        await supporter.shared_put(plan, SectionItem.COPING_STRATEGIES(coping("written after revocation")))
    ended = [s for s in owner.shares() if s.peer == supporter_id]
    assert [(s.end_reason, s.ended_at_ms is not None) for s in ended] == [("revoked", True)]
    assert all(s.ended_at_ms is None for s in owner.shares() if s.peer == mentor_id)
    # Nothing more reaches the revoked device: what is disclosed from now on goes to the mentor.
    count = len([d for d in owner.disclosure_log() if d.peer_id == supporter_id])
    await owner.put_coping_strategy(coping("one more"))
    await sync.settle(everyone)
    assert len([d for d in owner.disclosure_log() if d.peer_id == supporter_id]) == count
    assert len(copings(supporter, plan)) == 1
    assert len(copings(mentor, plan)) == 3
    assert mentor.doc_heads(plan) == owner.doc_heads(plan)


# --- the summary instead of the journal, notes and suggestions ----------------------------------


async def test_summary_instead_of_journal_and_suggestions_flow_back(tmp_path, sync):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    mentor_id = await pair(owner, mentor, sync)
    owner_id = owner.device_id()
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    await owner.record_check_in(NewCheckIn(
        day=today, mood=4, craving=7, sleep_hours=5.0, medication_taken=True,
        note="CANARY-journal-note",
    ))
    await owner.refresh_wellbeing_summary(today)
    await owner.share(DocumentKind.SUMMARY, mentor_id, Access.READ, "how I'm doing", None)
    await owner.share(DocumentKind.PLAN, mentor_id, Access.READ, "my plan", None)
    await sync.settle([owner, mentor])

    assert sorted(d.kind.value for d in mentor.shared_with_me()) == sorted(
        [DocumentKind.PLAN.value, DocumentKind.SUMMARY.value]), "never the journal"
    summary = shared(mentor, DocumentKind.SUMMARY).doc_id
    weeks = mentor.shared_list(summary, SectionName.WEEKS)
    assert all(w.is_weeks() for w in weeks)
    assert sum(w.item.check_ins for w in weeks) == 1
    assert weeks[-1].item.craving_avg == 7.0
    assert weeks[-1].item.mood_avg == 4.0
    snapshot = await mentor.shared_snapshot(summary)
    assert isinstance(snapshot, DocumentSnapshot.SUMMARY)
    assert "CANARY" not in snapshot.json
    assert not sync.relay_holds(b"CANARY"), "no note text leaves the phone"
    with pytest.raises(TwofoldError.NotAllowed):
        await mentor.shared_put(summary, SectionItem.OPEN_ALERTS(SharedAlert(id="high_craving", since=today)))

    # The owner stops sharing mood, substance use and milestones: they never leave the phone.
    assert owner.wellbeing_fields() == WellbeingFields(
        mood=True, craving=True, use_days=True, trends=True, milestones=True, alerts=True)
    await owner.set_wellbeing_fields(WellbeingFields(
        mood=False, craving=True, use_days=False, trends=True, milestones=False, alerts=True))
    await owner.set_time_zone("Pacific/Kiritimati")
    assert owner.time_zone() == "Pacific/Kiritimati"
    await owner.add_recovery("CANARY-recovery", "2026-01-01")
    await sync.settle([owner, mentor])
    week = mentor.shared_list(summary, SectionName.WEEKS)[-1].item
    assert (week.mood_avg, week.use_days, week.craving_avg) == (None, None, 7.0)
    assert mentor.shared_list(summary, SectionName.MILESTONES) == []
    assert "CANARY" not in (await mentor.shared_snapshot(summary)).json

    # The mentor only reads the plan, but can write notes and suggest.
    idea = coping("cold water on the face")
    other = coping("count backwards from 100")
    made = await mentor.suggest(owner_id, SectionItem.COPING_STRATEGIES(idea), "worked for me")
    assert (made.section, made.item, made.status) == (
        "coping_strategies", SectionItem.COPING_STRATEGIES(idea), SuggestionStatus.OPEN)
    await mentor.suggest(owner_id, SectionItem.COPING_STRATEGIES(other), "maybe")
    note = await mentor.add_mentor_note(owner_id, "good session today")
    with pytest.raises(TwofoldError.InvalidInput) as journal:
        await mentor.suggest(owner_id, SectionItem.CHECK_INS(
            owner.list_check_ins()[0]), "")
    assert journal.value.field == "section"
    with pytest.raises(TwofoldError.InvalidInput) as empty:
        await mentor.suggest(owner_id, SectionItem.COPING_STRATEGIES(
            CopingStrategy(id=new_item_id(), description="", domain=Domain.BOTH)), "")
    assert empty.value.field == "coping_strategies.description"
    await sync.settle([mentor, owner])

    received = {r.suggestion.message: r for r in owner.suggestions()}
    assert sorted((m, r.from_name, r.from_id, r.suggestion.status) for m, r in received.items()) == [
        ("maybe", "Alex", mentor_id, SuggestionStatus.OPEN),
        ("worked for me", "Alex", mentor_id, SuggestionStatus.OPEN),
    ]
    assert received["worked for me"].suggestion.item == SectionItem.COPING_STRATEGIES(idea)
    received = [received["worked for me"], received["maybe"]]
    notes = owner.mentor_notes()
    assert [(n.from_name, n.note.text) for n in notes] == [("Alex", "good session today")]
    assert notes[0].note.id == note.id
    await owner.accept_suggestion(received[0].notes_doc_id, received[0].suggestion.id)
    await owner.dismiss_suggestion(received[1].notes_doc_id, received[1].suggestion.id)
    assert owner.get_coping_strategy(idea.id) == idea, "accepted into the owner's own plan"
    with pytest.raises(TwofoldError.NotFound):
        owner.get_coping_strategy(other.id)
    with pytest.raises(TwofoldError.InvalidInput) as twice:
        await owner.accept_suggestion(received[0].notes_doc_id, received[0].suggestion.id)
    assert twice.value.field == "suggestion"

    await sync.settle([owner, mentor])
    decided = {s.message: s.status for s in mentor.suggestions_for(owner_id)}
    assert decided == {"worked for me": SuggestionStatus.ACCEPTED, "maybe": SuggestionStatus.DISMISSED}
    plan = owner.doc_id(DocumentKind.PLAN)
    assert copings(mentor, plan) == [idea], "the accepted item reached the mentor's read-only view"


# --- refusals ----------------------------------------------------------------------------------


async def test_a_tampered_envelope_is_rejected_and_changes_nothing(tmp_path, sync):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    mentor_id = await pair(owner, mentor, sync)
    await owner.share(DocumentKind.PLAN, mentor_id, Access.WRITE, "support", None)
    await sync.settle([owner, mentor])
    plan = owner.doc_id(DocumentKind.PLAN)
    heads = mentor.doc_heads(plan)

    item = coping("one")
    await owner.put_coping_strategy(item)
    out = await owner.sync_outgoing()
    [good] = out.envelopes
    [follow] = [f for f in mentor.sync_follows() if f.stream == good.stream]
    # What a hostile relay (or a bit flip on its disk) would serve after the mentor's cursor:
    # the envelope with one bit of its payload's ciphertext flipped (which the signature inside
    # the encrypted sender data covers, envelope version 2), then cut short, then the genuine one.
    tampered = bytearray(good.envelope)
    tampered[-1] ^= 0x01
    flipped, truncated, genuine = bytes(tampered), bytes(good.envelope[:100]), bytes(good.envelope)
    p1, p2, p3 = follow.after + 1, follow.after + 2, follow.after + 3
    got = await mentor.sync_receive(follow.stream, p1, flipped)
    assert got == Received.REJECTED(RejectReason.BAD_SIGNATURE)
    assert mentor.doc_heads(plan) == heads, "a flipped bit changed nothing"
    assert copings(mentor, plan) == []
    got = await mentor.sync_receive(follow.stream, p2, truncated)
    assert got == Received.REJECTED(RejectReason.TRUNCATED)
    assert mentor.doc_heads(plan) == heads
    got = await mentor.sync_receive(follow.stream, p3, genuine)
    assert got.is_applied() and got.kind == DocumentKind.PLAN and got.changes == 1
    assert copings(mentor, plan) == [item]
    assert mentor.doc_heads(plan) == owner.doc_heads(plan)
    # The genuine envelope again (a replay) is ignored.
    assert await mentor.sync_receive(follow.stream, p3, genuine) == Received.DUPLICATE()
    counts = {c.reason: c.count for c in mentor.sync_rejections()}
    assert counts.get("bad_signature") == 1 and counts.get("truncated") == 1
    # Bytes for a stream nobody follows.
    unknown = await mentor.sync_receive("00" * 16, 1, genuine)
    assert unknown == Received.REJECTED(RejectReason.UNKNOWN_STREAM)


async def test_bad_arguments_are_typed_errors_not_crashes(tmp_path):
    store = await device(tmp_path, "Sam")
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.approve_pairing("not-a-device")
    assert e.value.field == "peer_id"
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.share(DocumentKind.PLAN, "AB" * 16, Access.READ, "x", None)
    assert e.value.field == "peer_id"
    with pytest.raises(TwofoldError.NotAllowed):
        await store.share(DocumentKind.PLAN, "ab" * 16, Access.READ, "x", None)
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.accept_invite("twofold:garbage", "Alex")
    assert e.value.field == "invite"
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.accept_invite("", "Alex")
    assert e.value.field == "invite"
    own = await store.create_invite("https://relay.example", now_ms() + 60_000)
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.accept_invite(own, "Sam")
    assert e.value.field == "invite"
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.create_invite("https://relay.example", now_ms() - 1)
    assert e.value.field == "expires_at"
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.sync_receive("xyz", 1, b"\x01\x02")
    assert e.value.field == "stream"
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.sync_receive_mailbox("00" * 15, 1, b"")
    assert e.value.field == "mailbox"
    unknown_box = await store.sync_receive_mailbox("00" * 16, 1, b"\x00" * 64)
    assert unknown_box.is_rejected()
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.sync_mailbox_deleted("0g" * 16)
    assert e.value.field == "mailbox"
    with pytest.raises(TwofoldError.InvalidInput) as e:
        store.shared_list("../plan", SectionName.COPING_STRATEGIES)
    assert e.value.field == "doc_id"
    with pytest.raises(TwofoldError.NotFound):
        store.shared_list("ab" * 16, SectionName.COPING_STRATEGIES)
    with pytest.raises(TwofoldError.InvalidInput) as e:
        store.shared_list(store.doc_id(DocumentKind.PLAN), SectionName.SUGGESTIONS)
    assert e.value.field == "section"
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.set_display_name("")
    assert e.value.field == "display_name"
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.share(DocumentKind.NOTES, "ab" * 16, Access.READ, "x", None)
    assert e.value.field == "kind"
    with pytest.raises(TwofoldError.InvalidInput) as e:
        await store.refresh_wellbeing_summary("2026-02-30")
    assert e.value.field == "today"
    # The store still works after every refusal.
    assert store.peers() == [] and store.shares() == []
    assert (await store.sync_outgoing()).envelopes == []
