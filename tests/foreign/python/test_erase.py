"""Delete everything from this phone, through the bindings: the paired device is asked to
delete what was shared with it and does; then every file of the store is gone, and a store
whose key is lost can be removed without opening it."""

import os
import secrets

import pytest

from twofold_ffi import (
    Access,
    DocumentKind,
    TwofoldError,
    TwofoldStore,
    erase_store_at,
    set_aside_store_at,
)

from test_sharing import coping, device, pair


def store_files(directory, name):
    return sorted(f for f in os.listdir(directory) if f.startswith(name))


async def test_erase_asks_back_what_was_shared_then_removes_every_file(tmp_path, sync):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    mentor_id = await pair(owner, mentor, sync)
    await owner.put_coping_strategy(coping("Walk round the block"))
    await owner.share(DocumentKind.PLAN, mentor_id, Access.READ, "weekly sessions", None)
    await owner.share(DocumentKind.SCHEDULE, mentor_id, Access.READ, "meetings", None)
    await sync.settle([owner, mentor])
    assert len(mentor.shared_with_me()) == 2

    assert await owner.prepare_erase() == 2
    await sync.settle([owner, mentor])
    assert mentor.shared_with_me() == [], "the mentor's device deleted both copies"
    assert store_files(tmp_path, "Sam.db"), "prepare_erase alone removes nothing here"

    assert await owner.erase_everything() >= 2
    assert store_files(tmp_path, "Sam.db") == [], "no file of the store is left"
    with pytest.raises(TwofoldError.Closed):
        owner.display_name()
    assert store_files(tmp_path, "Alex.db"), "the other store is untouched"


async def test_a_store_whose_key_is_lost_is_erased_without_opening_it(tmp_path):
    path = str(tmp_path / "lost-key.db")
    store = await TwofoldStore.open(path, secrets.token_bytes(32))
    await store.set_when_well("Mornings with the dog.")
    store.close()
    with pytest.raises(TwofoldError.WrongKey):
        await TwofoldStore.open(path, secrets.token_bytes(32))
    assert erase_store_at(path) >= 2
    assert store_files(tmp_path, "lost-key.db") == []
    assert erase_store_at(path) == 0, "erasing twice is fine"
    with pytest.raises(TwofoldError.InvalidInput):
        erase_store_at(" ")


async def test_a_store_whose_key_is_lost_is_set_aside_and_opens_again_with_its_key(tmp_path):
    path = str(tmp_path / "lost-key.db")
    old_key = secrets.token_bytes(32)
    store = await TwofoldStore.open(path, old_key)
    await store.set_when_well("Mornings with the dog.")
    store.close()
    new_key = secrets.token_bytes(32)
    with pytest.raises(TwofoldError.WrongKey):
        await TwofoldStore.open(path, new_key)
    aside = set_aside_store_at(path)
    assert aside is not None and aside.startswith(path + ".unreadable-"), aside
    fresh = await TwofoldStore.open(path, new_key)  # the place is free: a new store, to pair again
    assert fresh.when_well() == ""
    fresh.close()
    found = await TwofoldStore.open(aside, old_key)  # the old key came back
    assert found.when_well() == "Mornings with the dog."
    found.close()
    assert set_aside_store_at(str(tmp_path / "nothing-here.db")) is None
    with pytest.raises(TwofoldError.InvalidInput):
        set_aside_store_at(" ")
