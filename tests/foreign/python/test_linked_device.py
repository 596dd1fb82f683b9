"""The person's second device through the bindings and a real relay (ADR 0012): a tablet
linked to the phone by a link invite and the same code gets the person's documents, writes,
and the mentor sees its edits; removed from the phone, its later edits reach nobody and the
person's documents leave it when it next syncs."""

import pytest

from twofold_ffi import Access, DocumentKind, PeerStatus, SectionItem, SectionName, TwofoldError

from test_sharing import coping, device, now_ms, pair


def descriptions(store) -> list:
    return sorted(c.description for c in store.list_coping_strategies())


async def test_a_linked_tablet_writes_like_the_phone_until_it_is_removed(tmp_path, sync):
    phone = await device(tmp_path, "Lena")
    mentor = await device(tmp_path, "Rosa")
    tablet = await device(tmp_path, "Lena-tablet")
    await phone.put_coping_strategy(coping("walk by the river"))
    rosa = await pair(phone, mentor, sync)
    await phone.share(DocumentKind.PLAN, rosa, Access.WRITE, "support", None)
    await sync.settle([phone, mentor])

    link = await phone.create_link_invite(sync.url, now_ms() + 600_000)
    assert link.startswith("twofold:link:2:")
    with pytest.raises(TwofoldError.InvalidInput):
        await mentor.accept_invite(link, "Rosa")
    pending = await tablet.accept_link_invite(link, "Lena's tablet")
    assert pending.linked and pending.status == PeerStatus.AWAITING_APPROVAL
    await sync.settle([tablet, phone])
    asking = [p for p in phone.peers() if p.status == PeerStatus.NEEDS_DECISION]
    assert len(asking) == 1 and asking[0].linked
    assert pending.verification_code == ""
    assert asking[0].verification_code == tablet.pairing(phone.device_id()).verification_code
    tablet_id = asking[0].id
    await phone.approve_pairing(tablet_id)
    await sync.settle([phone, tablet, mentor])

    plan = phone.doc_id(DocumentKind.PLAN)
    assert tablet.doc_id(DocumentKind.PLAN) == plan
    assert descriptions(tablet) == ["walk by the river"]
    await tablet.put_coping_strategy(coping("call Rosa from the tablet"))
    await sync.settle([tablet, phone, mentor])
    await sync.settle([phone, mentor, tablet])
    assert descriptions(phone) == ["call Rosa from the tablet", "walk by the river"]
    seen = sorted(i.item.description for i in mentor.shared_list(plan, SectionName.COPING_STRATEGIES))
    assert seen == ["call Rosa from the tablet", "walk by the river"]
    assert tablet.doc_heads(plan) == phone.doc_heads(plan) == mentor.doc_heads(plan)

    with pytest.raises(TwofoldError.InvalidInput):
        await tablet.remove_device(phone.device_id())
    await phone.remove_device(tablet_id)
    assert all(p.id != tablet_id for p in phone.peers())
    await tablet.put_coping_strategy(coping("TABLET-AFTER-REMOVAL"))
    await phone.put_coping_strategy(coping("PHONE-AFTER-REMOVAL"))
    await sync.settle([phone, mentor])
    await sync.settle([tablet, phone, mentor])
    assert "TABLET-AFTER-REMOVAL" not in descriptions(phone)
    assert descriptions(tablet) == [], "the person's plan left the removed tablet"



async def link(phone, tablet, sync) -> str:
    invite = await phone.create_link_invite(sync.url, now_ms() + 600_000)
    pending = await tablet.accept_link_invite(invite, "Lena's tablet")
    await sync.settle([tablet, phone])
    asking = [p for p in phone.peers() if p.status == PeerStatus.NEEDS_DECISION and p.linked]
    assert asking[0].verification_code == tablet.pairing(phone.device_id()).verification_code
    await phone.approve_pairing(asking[0].id)
    await sync.settle([phone, tablet])
    return asking[0].id


async def test_the_mentor_reaches_the_tablet_and_the_tablet_takes_the_lost_phones_place(tmp_path, sync):
    phone = await device(tmp_path, "Lena")
    mentor = await device(tmp_path, "Rosa")
    tablet = await device(tmp_path, "Lena-tablet")
    await phone.put_coping_strategy(coping("walk by the river"))
    rosa = await pair(phone, mentor, sync)
    await phone.share(DocumentKind.PLAN, rosa, Access.WRITE, "support", None)
    lena = phone.device_id()
    await mentor.add_mentor_note(lena, "before the tablet")
    await sync.settle([phone, mentor])
    with pytest.raises(TwofoldError.InvalidInput):
        await tablet.take_over_from_lost_device(lena)

    await link(phone, tablet, sync)
    await sync.settle([phone, mentor, tablet])
    await sync.settle([mentor, tablet, phone])
    # Peers learn of the person's devices: Rosa's notes reach the tablet; Rosa lists only Lena.
    assert [n.note.text for n in tablet.mentor_notes()] == ["before the tablet"]
    assert [p.display_name for p in tablet.peers() if not p.linked] == ["Rosa"]
    assert [p.display_name for p in mentor.peers()] == ["Lena"]

    # The phone is lost: the tablet takes its place; Rosa follows, the phone gets nothing new.
    await tablet.take_over_from_lost_device(lena)
    await sync.settle([tablet, mentor])
    await sync.settle([mentor, tablet])
    plan = tablet.doc_id(DocumentKind.PLAN)
    await mentor.add_mentor_note(tablet.device_id(), "after the phone was lost")
    await mentor.shared_put(plan, SectionItem.COPING_STRATEGIES(coping("ROSA-AFTER-LOSS")))
    await sync.settle([mentor, tablet, phone])
    await sync.settle([tablet, mentor, phone])
    view = mentor.mentor_view()
    assert [(m.peer, m.name) for m in view.mentees] == [(tablet.device_id(), "Lena")]
    assert "after the phone was lost" in [n.note.text for n in tablet.mentor_notes()]
    assert "ROSA-AFTER-LOSS" in descriptions(tablet)
    assert "ROSA-AFTER-LOSS" not in descriptions(phone)
    assert "after the phone was lost" not in [n.note.text for n in phone.mentor_notes()]
