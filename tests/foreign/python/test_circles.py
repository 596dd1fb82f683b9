"""Peer circles through the bindings and the suites' real relay (ADR 0019): a host starts a
circle, two members join with a circle invite and the code comparison, post and react while
apart and see one order; a member's status and the circle's meeting reach the others; the
host removes a member, who gets nothing new; nobody met in the circle is in the people list;
and the relay's files hold none of the words."""

import pytest

from twofold_ffi import CircleRole, TwofoldError

from test_sharing import device, now_ms


async def join(host, circle, member, name, sync):
    invite = await host.create_circle_invite(circle, sync.url, now_ms() + 600_000)
    assert invite.startswith("twofold:circle:2:")
    with pytest.raises(TwofoldError.InvalidInput):
        await member.accept_invite(invite, name)
    pending = await member.accept_circle_invite(invite, name)
    await sync.settle([member, host])
    asking = host.circle_join_requests(circle)
    assert pending.verification_code == ""
    shown = member.pairing(host.device_id()).verification_code
    assert len(asking) == 1 and asking[0].verification_code == shown
    await host.approve_pairing(asking[0].id)
    await sync.settle([host, member])
    return asking[0].id


def texts(store, circle):
    return [m.text for m in store.circle(circle).messages]


async def test_a_circle_merges_posts_in_one_order_and_a_removed_member_gets_nothing_new(tmp_path, sync):
    host = await device(tmp_path, "Samantha")
    anna = await device(tmp_path, "Anna")
    ben = await device(tmp_path, "Ben")
    circle = await host.create_circle("PY-CIRCLE Tuesday group", "Sam")
    await host.set_circle_guidelines(circle, "What is said here stays here.")
    anna_id = await join(host, circle, anna, "PY-NAME Anna", sync)
    ben_id = await join(host, circle, ben, "Ben", sync)
    await sync.settle([host, anna, ben])

    # Apart: each posts; then everyone meets and every copy shows one order.
    first = await anna.post_circle_message(circle, "PY-MSG anna")
    await ben.post_circle_message(circle, "PY-MSG ben")
    await host.post_circle_message(circle, "PY-MSG sam")
    await ben.set_circle_status(circle, "PY-STATUS tired but ok", "#3a7bd5")
    await sync.settle([host, anna, ben])
    await sync.settle([host, anna, ben])
    order = [m.id for m in host.circle(circle).messages]
    assert len(order) == 3
    for store in (anna, ben):
        assert [m.id for m in store.circle(circle).messages] == order
    await host.react_in_circle(circle, first, "💛")
    await sync.settle([host, anna])
    view = anna.circle(circle)
    assert [r.reaction for m in view.messages if m.id == first for r in m.reactions] == ["💛"]
    assert [s.words for s in view.statuses] == ["PY-STATUS tired but ok"]
    assert view.guidelines == "What is said here stays here."
    assert sorted(m.name for m in view.members) == ["Ben", "PY-NAME Anna", "Sam"]
    assert view.summary.my_role == CircleRole.MEMBER and view.summary.active

    # Circle members are not the person's people.
    assert host.peers() == [] and anna.peers() == []

    # A member cannot remove anyone; the host removes Ben, who gets nothing new.
    with pytest.raises(TwofoldError.InvalidInput):
        await anna.remove_circle_member(circle, ben_id)
    await host.remove_circle_member(circle, ben_id)
    await sync.settle([host, anna, ben])
    await host.post_circle_message(circle, "PY-AFTER-BEN")
    await sync.settle([host, anna, ben])
    assert "PY-AFTER-BEN" in texts(anna, circle)
    assert "PY-AFTER-BEN" not in texts(ben, circle)
    assert not ben.circle(circle).summary.active
    with pytest.raises(TwofoldError.NotAllowed):
        await ben.post_circle_message(circle, "PY-BEN-LATE")

    # Hidden for me: only here.
    await anna.hide_circle_message(circle, first, False)
    assert first not in [m.id for m in anna.circle(circle).messages]
    assert first in [m.id for m in host.circle(circle).messages]

    for canary in (b"PY-MSG", b"PY-STATUS", b"PY-NAME", b"PY-CIRCLE", b"PY-AFTER-BEN"):
        assert not sync.relay_holds(canary), canary
