"""A request for help through the encrypted channel, and the mentor's overview, from Python:
real stores on disk, the suites' real relay, the FFI's SyncSession. Sam links his ladder
contact to Alex's paired phone, sends his own words and a place; Alex's listener hears it,
Alex answers "on my way", Sam sees it and closes the request; the relay's files hold neither
the words nor the place; Alex's overview puts Sam on top while it is open."""

import asyncio
import secrets
import time

import pytest

from twofold_ffi import (
    Attention,
    Contact,
    ContactRole,
    DocumentKind,
    Access,
    Interruption,
    PeerStatus,
    Phone,
    QuietHours,
    SosEvent,
    SosListener,
    SosLocation,
    SosReply,
    SosState,
    TwofoldError,
    TwofoldStore,
)

WORDS = "CANARY-py-sos-words-7fj2"
NOTE = "CANARY-py-mentor-note-2kq9"


def now_ms() -> int:
    return int(time.time() * 1000)


async def device(tmp_path, name: str) -> TwofoldStore:
    store = await TwofoldStore.open(str(tmp_path / f"{name}.db"), secrets.token_bytes(32))
    await store.set_display_name(name)
    return store


async def pair(owner: TwofoldStore, other: TwofoldStore, sync) -> str:
    invite = await owner.create_invite(sync.url, now_ms() + 600_000)
    await other.accept_invite(invite, other.display_name())
    await sync.settle([other, owner])
    asking = [p for p in owner.peers() if p.status == PeerStatus.NEEDS_DECISION]
    await owner.approve_pairing(asking[0].id)
    await sync.settle([owner, other])
    return asking[0].id


class Recorder(SosListener):
    def __init__(self):
        self.events = []

    def on_sos(self, event):
        self.events.append(event)


async def test_an_sos_reaches_the_mentor_is_answered_and_tops_the_overview(tmp_path, sync):
    sam = await device(tmp_path, "Sam")
    alex = await device(tmp_path, "Alex")
    alex_id = await pair(sam, alex, sync)

    # Nobody linked yet: not allowed, the app offers the prepared SMS instead.
    with pytest.raises(TwofoldError.NotAllowed):
        await sam.send_sos(None, None, 300_000)

    await sam.put_contact(
        Contact(
            id="contact-alex",
            name="Alex",
            roles=[ContactRole.MENTOR],
            phones=[Phone(label="mobile", number="+34 600 000 001")],
            crisis_order=1,
        )
    )
    await sam.link_sos_contact("contact-alex", alex_id)
    assert [(e.contact_id, e.peer) for e in sam.sos_ladder()] == [("contact-alex", alex_id)]
    with pytest.raises(TwofoldError.InvalidInput):
        await sam.send_sos(WORDS, None, 5)  # under a minute

    heard = Recorder()
    handle = alex.subscribe_sos(heard)
    place = SosLocation(lat_e6=40_416_775, lon_e6=-3_703_790, accuracy_m=30)
    sent = await sam.send_sos(WORDS, place, 300_000)
    assert sent.state == SosState.OPEN
    await sync.settle([sam, alex])
    for _ in range(200):
        if heard.events:
            break
        await asyncio.sleep(0.01)
    assert len(heard.events) == 1, heard.events
    assert isinstance(heard.events[0], SosEvent.RECEIVED)
    assert heard.events[0].sos_id == sent.sos_id
    got = alex.sos_received()
    assert [(r.sos_id, r.text, r.location, r.from_name) for r in got] == [(sent.sos_id, WORDS, place, "Sam")]
    assert any(d.what == "sos_with_location" and d.peer_id == alex_id for d in sam.disclosure_log())

    # Alex's overview: Sam on top while the request is open, quiet hours or not.
    await sam.share(DocumentKind.PLAN, alex_id, Access.READ, "support")
    await sync.settle([sam, alex])
    # From an hour ago to an hour from now (UTC: Alex set no zone). A fixed 00:00-23:59 would
    # leave out the last minute of the day, and the test failed when run at 23:59.
    minute = int(time.time() // 60) % 1440
    await alex.set_quiet_hours(QuietHours(start_minute=(minute + 23 * 60) % 1440, end_minute=(minute + 60) % 1440))
    await alex.set_mentee_note(sam.device_id(), NOTE)
    view = alex.mentor_view()
    assert [(m.name, m.attention) for m in view.mentees] == [("Sam", Attention.SOS)]
    assert view.mentees[0].note == NOTE
    assert alex.should_interrupt(Interruption.SOS)
    assert not alex.should_interrupt(Interruption.UPDATE)

    await alex.answer_sos(sam.device_id(), sent.sos_id, SosReply.ON_MY_WAY)
    await sync.settle([alex, sam])
    answered = sam.sos(sent.sos_id)
    assert answered.state == SosState.ANSWERED
    assert answered.rungs[0].reply == SosReply.ON_MY_WAY
    await sam.close_sos(sent.sos_id)
    await sync.settle([sam, alex])
    assert alex.sos_received()[0].closed
    assert alex.mentor_view().mentees[0].attention == Attention.CALM
    handle.cancel()

    for needle in (WORDS.encode(), NOTE.encode(), b"40416775", b"on_my_way"):
        assert not sync.relay_holds(needle), needle
