"""Direct sync between two stores, no relay in between (ADR 0011): paired and shared through the
suites' real relay, then a DirectSession listening on loopback TCP and another calling it by an
address code — the library's Noise KK session and exchange, not one written here."""

import secrets

import pytest

from test_relay_sync import clean, coping, copings, device, pair, settle, shared
from twofold_ffi import (
    Access,
    AddressHint,
    DirectProblem,
    DocumentKind,
    SectionItem,
    TwofoldError,
    TwofoldStore,
    decode_address_hint,
    discovery_service_type,
    encode_address_hint,
)


async def test_two_stores_sync_directly_by_an_address_code(tmp_path, relay_url):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    owner_s = owner.sync_session(relay_url)
    mentor_s = mentor.sync_session(relay_url)
    mentor_id = await pair(owner, owner_s, mentor, mentor_s, relay_url)
    await owner.share(DocumentKind.PLAN, mentor_id, Access.WRITE, "in the room", None)
    await settle(owner_s, mentor_s)
    plan = shared(mentor, DocumentKind.PLAN).doc_id

    # In the room, no relay: an edit on each side.
    from_owner = coping("walk to the river")
    from_mentor = coping("text me after the meeting")
    await owner.put_coping_strategy(from_owner)
    await mentor.shared_put(plan, SectionItem.COPING_STRATEGIES(from_mentor))

    listening = await owner.direct_session().listen(0)
    code = encode_address_hint(AddressHint(port=listening.port(), addresses=["127.0.0.1"]))
    assert code.startswith("TFD1:") and len(code) < 40, code
    assert decode_address_hint(code.lower()) == AddressHint(port=listening.port(), addresses=["127.0.0.1"])

    report = await mentor.direct_session().connect_hint(code, owner.device_id())
    assert report.interrupted is None, report
    assert (report.peer, report.documents, report.sent_changes, report.applied_changes) == (
        owner.device_id(), 1, 1, 1)
    served = await listening.next_report()
    assert served.interrupted is None and served.peer == mentor_id, served
    assert served.applied_changes == 1

    assert from_mentor in [c for c in owner.list_coping_strategies()]
    assert from_owner in copings(mentor, plan)
    assert owner.doc_heads(plan) == mentor.doc_heads(plan)
    assert any(d.what == "direct" and d.peer_id == mentor_id for d in owner.disclosure_log())

    # Again: only what is new, which is nothing.
    again = await mentor.direct_session().connect(f"127.0.0.1:{listening.port()}", owner.device_id())
    assert (again.interrupted, again.sent_changes, again.applied_changes) == (None, 0, 0), again
    listening.stop()

    # Found by the platform's NSD / Bonjour under a name only the two can compute: the name
    # Sam's phone registers is one Alex's phone looks for, and the other way round differs.
    assert discovery_service_type() == "_http._tcp.local."
    sam_name = owner.direct_session().discovery_name(mentor_id)
    assert len(sam_name) == 20 and all(c in "0123456789abcdef" for c in sam_name), sam_name
    assert sam_name in mentor.direct_session().peer_discovery_names(owner.device_id())
    assert sam_name != mentor.direct_session().discovery_name(owner.device_id())

    # Later, through the relay too: nothing is applied twice.
    reports = await settle(owner_s, mentor_s)
    assert sum(r.duplicates for r in reports) >= 2, reports
    assert owner.doc_heads(plan) == mentor.doc_heads(plan)


async def test_a_stranger_gets_nothing_and_bad_codes_name_the_field(tmp_path, relay_url):
    owner = await device(tmp_path, "Sam")
    stranger = await device(tmp_path, "Eve")
    listening = await owner.direct_session().listen(0)
    report = await stranger.direct_session().connect(f"127.0.0.1:{listening.port()}", owner.device_id())
    assert isinstance(report.interrupted, DirectProblem.NOT_PAIRED), report
    assert report.wire_sent == 0
    listening.stop()
    with pytest.raises(TwofoldError.NotAllowed):
        stranger.direct_session().discovery_name(owner.device_id())

    with pytest.raises(TwofoldError.InvalidInput) as bad:
        decode_address_hint("TFD1:0123")
    assert bad.value.field == "hint"
    with pytest.raises(TwofoldError.InvalidInput) as bad:
        encode_address_hint(AddressHint(port=4000, addresses=["not an address"]))
    assert bad.value.field == "addresses"
