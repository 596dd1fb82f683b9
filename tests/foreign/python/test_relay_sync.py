"""Sync over the real relay: a `twofold-relay` process on loopback, started once for the suites by
scripts/foreign-tests.sh (its address in TWOFOLD_RELAY_URL), real stores on disk, and the FFI's
SyncSession doing the network: `sync_now` as a background scheduler would call it, live sync
with a status listener as the foreground does, a listener on a document shared with this
device, unpairing, and what a sync against an unreachable relay reports."""

import asyncio
import os
import queue
import secrets
import threading
import time

import pytest

from twofold_ffi import (
    Access,
    CopingStrategy,
    DocumentKind,
    DocumentListener,
    DocumentSnapshot,
    Domain,
    Meeting,
    MeetingFormat,
    MeetingKind,
    PeerStatus,
    SectionItem,
    SectionName,
    SyncProblem,
    SyncStatus,
    SyncStatusListener,
    TwofoldError,
    TwofoldStore,
    new_item_id,
)

# A port nothing listens on (TCP "discard"): connecting is refused at once.
CLOSED_PORT_URL = "http://127.0.0.1:9"


def now_ms() -> int:
    return int(time.time() * 1000)


async def device(tmp_path, name: str) -> TwofoldStore:
    store = await TwofoldStore.open(str(tmp_path / f"{name}.db"), secrets.token_bytes(32))
    await store.set_display_name(name)
    return store


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


def clean(report) -> None:
    assert report.interrupted is None, str(report)
    assert report.rejected == [], str(report)
    assert report.pending == 0, str(report)


async def settle(*sessions) -> list:
    """sync_now on each in turn until a whole round moves nothing; every report clean."""
    reports = []
    for _ in range(10):
        moved = 0
        for s in sessions:
            r = await s.sync_now()
            clean(r)
            moved += r.sent + r.mailbox_sent + r.applied
            reports.append(r)
        if moved == 0:
            return reports
    raise AssertionError(f"the devices did not settle in 10 rounds: {reports}")


async def wait_for(what: str, done, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting: {what}"
        await asyncio.sleep(0.05)


def has_item(store: TwofoldStore, doc_id: str, item_id: str) -> bool:
    try:
        store.shared_get(doc_id, SectionName.COPING_STRATEGIES, item_id)
        return True
    except TwofoldError.NotFound:
        return False


def owns_item(store: TwofoldStore, item_id: str) -> bool:
    try:
        store.get_coping_strategy(item_id)
        return True
    except TwofoldError.NotFound:
        return False


def copings(store: TwofoldStore, doc_id: str) -> list:
    items = store.shared_list(doc_id, SectionName.COPING_STRATEGIES)
    assert all(i.is_coping_strategies() for i in items)
    return [i.item for i in items]


def shared(store: TwofoldStore, kind: DocumentKind):
    found = [d for d in store.shared_with_me() if d.kind == kind]
    assert len(found) == 1, f"{kind} is shared with this device once: {store.shared_with_me()}"
    return found[0]


async def pair(owner, owner_s, mentor, mentor_s, relay_url: str) -> str:
    """The pairing ceremony through the relay with sync_now only; returns the mentor's id."""
    invite = await owner.create_invite(relay_url, now_ms() + 600_000)
    pending = await mentor.accept_invite(invite, mentor.display_name())
    assert pending.status == PeerStatus.AWAITING_APPROVAL
    sent = await mentor_s.sync_now()
    clean(sent)
    assert sent.mailbox_sent == 1, f"the join request went to the invite's mailbox: {sent}"
    asking = []
    for _ in range(10):
        clean(await owner_s.sync_now())
        asking = [p for p in owner.peers() if p.status == PeerStatus.NEEDS_DECISION]
        if asking:
            break
    assert len(asking) == 1, f"the join request arrived through the relay: {owner.peers()}"
    # Commit-then-reveal: the mentor's screen has no code until the owner's half arrives.
    assert pending.verification_code == ""
    shown = ""
    for _ in range(5):
        clean(await owner_s.sync_now())
        clean(await mentor_s.sync_now())
        shown = mentor.pairing(owner.device_id()).verification_code
        if shown:
            break
    shown = mentor.pairing(owner.device_id()).verification_code
    assert asking[0].verification_code == shown, "both screens show the same code"
    assert len(shown) == 6 and shown.isdigit()
    assert asking[0].display_name == mentor.display_name()
    assert asking[0].id == mentor.device_id()
    approved = await owner.approve_pairing(asking[0].id)
    assert approved.status == PeerStatus.PAIRED
    await settle(owner_s, mentor_s)
    [seen] = mentor.peers()
    assert (seen.id, seen.status, seen.display_name) == (owner.device_id(), PeerStatus.PAIRED, owner.display_name())
    return asking[0].id


class Statuses(SyncStatusListener):
    """Every status delivered, in order, from the listener's own thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen = []

    def on_status(self, status):
        with self.lock:
            self.seen.append(status)

    def all(self) -> list:
        with self.lock:
            return list(self.seen)


class Snapshots(DocumentListener):
    def __init__(self):
        self.q: "queue.Queue[DocumentSnapshot]" = queue.Queue()

    def on_document(self, snapshot):
        self.q.put(snapshot)


def plan_copings(snapshot) -> list:
    assert isinstance(snapshot, DocumentSnapshot.PLAN), snapshot
    return snapshot.plan.coping_strategies


# --- sync_now only ------------------------------------------------------------------------------


async def test_pair_share_edit_offline_and_converge_with_sync_now(tmp_path, relay_url):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    owner_s = owner.sync_session(relay_url)
    mentor_s = mentor.sync_session(relay_url)
    assert owner_s.status() == SyncStatus.IDLE()
    assert not owner_s.is_live()
    mentor_id = await pair(owner, owner_s, mentor, mentor_s, relay_url)
    assert mentor.shared_with_me() == [], "a pairing shares nothing by itself"

    first = coping("call my sister")
    meeting = weekly_meeting()
    await owner.put_coping_strategy(first)
    await owner.put_meeting(meeting)
    await owner.share(DocumentKind.PLAN, mentor_id, Access.WRITE, "weekly sessions", None)
    await owner.share(DocumentKind.SCHEDULE, mentor_id, Access.READ, "meeting reminders", None)
    granted = await owner_s.sync_now()
    clean(granted)
    assert granted.sent >= 2 and granted.sent_bytes > granted.sent, str(granted)
    got = await mentor_s.sync_now()
    clean(got)
    assert got.applied >= 2 and got.received >= got.applied, str(got)
    await settle(owner_s, mentor_s)

    docs = mentor.shared_with_me()
    assert {(d.kind, d.access, d.owner_name, d.owner) for d in docs} == {
        (DocumentKind.PLAN, Access.WRITE, "Sam", owner.device_id()),
        (DocumentKind.SCHEDULE, Access.READ, "Sam", owner.device_id()),
    }
    plan = shared(mentor, DocumentKind.PLAN).doc_id
    schedule = shared(mentor, DocumentKind.SCHEDULE).doc_id
    assert plan == owner.doc_id(DocumentKind.PLAN)
    assert schedule == owner.doc_id(DocumentKind.SCHEDULE)
    assert copings(mentor, plan) == [first]
    assert mentor.shared_list(schedule, SectionName.MEETINGS) == [SectionItem.MEETINGS(meeting)]

    # Offline on both sides (no sync), including the same item: different fields of it.
    await owner.put_coping_strategy(
        CopingStrategy(id=first.id, description="call my sister, or text her", domain=Domain.BOTH))
    await mentor.shared_put(plan, SectionItem.COPING_STRATEGIES(
        CopingStrategy(id=first.id, description=first.description, domain=Domain.MENTAL_HEALTH)))
    from_mentor = coping("box breathing, 4 counts")
    await mentor.shared_put(plan, SectionItem.COPING_STRATEGIES(from_mentor))
    from_owner = coping("walk to the river")
    await owner.put_coping_strategy(from_owner)
    with pytest.raises(TwofoldError.NotAllowed):
        await mentor.shared_put(schedule, SectionItem.MEETINGS(weekly_meeting()))

    # What each sync_now did.
    pushed = await owner_s.sync_now()
    clean(pushed)
    assert pushed.sent >= 1 and pushed.sent_bytes > 0, str(pushed)
    assert pushed.applied == 0, f"the mentor has not synced yet: {pushed}"
    crossed = await mentor_s.sync_now()
    clean(crossed)
    assert crossed.sent >= 1 and crossed.applied >= 1, f"pushed its edits and got the owner's: {crossed}"
    back = await owner_s.sync_now()
    clean(back)
    assert back.applied >= 1 and back.sent == 0, f"got the mentor's edits: {back}"
    await settle(owner_s, mentor_s)
    status = owner_s.status()
    assert status.is_UP_TO_DATE() and abs(status.at_ms - now_ms()) < 60_000, str(status)

    merged = CopingStrategy(id=first.id, description="call my sister, or text her", domain=Domain.MENTAL_HEALTH)
    assert owner.get_coping_strategy(first.id) == merged, "edits of different fields of one item merge"
    assert sorted(owner.list_coping_strategies(), key=lambda c: c.id) == sorted(
        [merged, from_mentor, from_owner], key=lambda c: c.id)
    assert copings(mentor, plan) == owner.list_coping_strategies(), "the same items, in the same order"
    assert mentor.doc_heads(plan) == owner.doc_heads(plan)
    assert mentor.doc_heads(schedule) == owner.doc_heads(schedule)
    assert mentor.shared_list(schedule, SectionName.MEETINGS) == [SectionItem.MEETINGS(meeting)]

    # Nothing left: one more round moves nothing.
    for s in (owner_s, mentor_s):
        idle = await s.sync_now()
        clean(idle)
        assert (idle.sent, idle.mailbox_sent, idle.applied) == (0, 0, 0), str(idle)
    owner.close()
    mentor.close()


# --- live sync, listeners, unpair ----------------------------------------------------------------


async def test_live_sync_delivers_without_sync_now_and_unpair_cuts_the_mentor_off(tmp_path, relay_url):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    owner_s = owner.sync_session(relay_url)
    mentor_s = mentor.sync_session(relay_url)
    statuses = Statuses()
    subscription = mentor_s.watch_status(statuses)
    await wait_for("the current status", lambda: len(statuses.all()) >= 1)
    assert statuses.all()[0] == SyncStatus.IDLE()

    mentor_id = await pair(owner, owner_s, mentor, mentor_s, relay_url)
    first = coping("call my sister")
    await owner.put_coping_strategy(first)
    await owner.share(DocumentKind.PLAN, mentor_id, Access.WRITE, "weekly sessions", None)
    await settle(owner_s, mentor_s)
    plan = shared(mentor, DocumentKind.PLAN).doc_id
    await wait_for("UpToDate after sync_now", lambda: any(s.is_UP_TO_DATE() for s in statuses.all()))
    before_live = len(statuses.all())

    snapshots = Snapshots()
    handle = mentor.subscribe_shared_document(plan, snapshots)
    assert plan_copings(snapshots.q.get(timeout=10)) == [first], "the current state first"

    owner_s.start_live()
    mentor_s.start_live()
    mentor_s.start_live()  # again: nothing happens
    assert owner_s.is_live() and mentor_s.is_live()
    await wait_for("the mentor's live sync reports UpToDate",
                   lambda: any(s.is_UP_TO_DATE() for s in statuses.all()[before_live:]))

    # No sync_now from here on: the commit is pushed and the relay's frame applied.
    live = coping("text Jo")
    await owner.put_coping_strategy(live)
    await wait_for("the owner's edit arrives live", lambda: has_item(mentor, plan, live.id))
    after = plan_copings(snapshots.q.get(timeout=10))
    assert after == [first, live], "the listener saw the owner's edit"
    from_mentor = coping("walk together")
    await mentor.shared_put(plan, SectionItem.COPING_STRATEGIES(from_mentor))
    await wait_for("the mentor's edit arrives live", lambda: owns_item(owner, from_mentor.id))
    await wait_for("both sides agree", lambda: mentor.doc_heads(plan) == owner.doc_heads(plan))
    assert copings(mentor, plan) == owner.list_coping_strategies() == [first, live, from_mentor]
    assert all(not s.is_ERROR() and not s.is_STORAGE_FAILED() for s in statuses.all()), [str(s) for s in statuses.all()]

    await owner_s.stop_live()
    await mentor_s.stop_live()
    assert not owner_s.is_live() and not mentor_s.is_live()
    subscription.cancel()

    # Unpair from the owner's side: the mentor hears of it, keeps what it had, read-only.
    await owner.unpair(mentor_id)
    assert all(p.id != mentor_id for p in owner.peers())
    ended = [s for s in owner.shares() if s.peer == mentor_id]
    assert [(s.kind, s.end_reason) for s in ended] == [(DocumentKind.PLAN, "unpaired")]
    await settle(owner_s, mentor_s)
    assert shared(mentor, DocumentKind.PLAN).access is None, "the mentor's app can say the share ended"
    assert copings(mentor, plan) == [first, live, from_mentor], "kept what it had"
    with pytest.raises(TwofoldError.NotAllowed):
        await mentor.shared_put(plan, SectionItem.COPING_STRATEGIES(coping("after the unpairing")))
    secret = coping("owner, after unpairing")
    await owner.put_coping_strategy(secret)
    await settle(owner_s, mentor_s)
    await settle(mentor_s, owner_s)
    assert not has_item(mentor, plan, secret.id), "a later edit never reaches the unpaired device"
    assert copings(mentor, plan) == [first, live, from_mentor]
    handle.cancel()
    owner.close()
    mentor.close()


# --- problems -------------------------------------------------------------------------------------


async def test_an_unreachable_relay_is_an_offline_report_not_an_exception(tmp_path, relay_url):
    owner = await device(tmp_path, "Sam")
    joiner = await device(tmp_path, "Alex")
    # Something to send and something to read: a join request, and the invite's mailbox.
    invite = await owner.create_invite(CLOSED_PORT_URL, now_ms() + 600_000)
    await joiner.accept_invite(invite, "Alex")
    for store in (owner, joiner):
        session = store.sync_session(CLOSED_PORT_URL)
        started = time.monotonic()
        report = await session.sync_now()
        assert time.monotonic() - started < 10, "a refused connection fails fast"
        assert report.interrupted == SyncProblem.OFFLINE(), str(report)
        assert (report.sent, report.mailbox_sent, report.received, report.applied) == (0, 0, 0, 0), str(report)
        assert report.rejected == []
        status = session.status()
        assert status.is_OFFLINE() and status.problem == SyncProblem.OFFLINE(), str(status)
    # Nothing was lost: the same join request goes out through the real relay.
    reached = await joiner.sync_session(relay_url).sync_now()
    clean(reached)
    assert reached.mailbox_sent == 1, str(reached)
    owner.close()
    joiner.close()


async def test_a_malformed_relay_url_is_invalid_input_naming_relay(tmp_path):
    store = await device(tmp_path, "Sam")
    for bad in ["not a url", "", "ftp://relay.example", "relay.example:443", "http://",
                "http://relay.example"]:
        with pytest.raises(TwofoldError.InvalidInput) as e:
            store.sync_session(bad)
        assert e.value.field == "relay", bad
    assert store.sync_session("https://relay.example/twofold").status() == SyncStatus.IDLE()
    store.close()
