"""The app lock through the bindings (ADR 0015): enable it, reopen with the PIN, a wrong PIN is
counted, and the duress PIN erases the store and opens an empty one that the same PIN then
opens. Real Argon2id parameters: each PIN check costs about 0.15 s here."""

import os
import secrets

import pytest

from twofold_ffi import LockState, TwofoldError, TwofoldStore, lock_state

PIN = "2468"
DURESS = "1357"
CANARY = "CANARY-py-lock-r8vn"


def files_of(directory):
    return {f: open(os.path.join(directory, f), "rb").read() for f in os.listdir(directory)}


async def test_enable_reopen_with_the_pin_a_wrong_pin_then_the_duress_pin(tmp_path):
    path = str(tmp_path / "Sam.db")
    key = secrets.token_bytes(32)
    store = await TwofoldStore.open(path, key)
    await store.set_when_well(CANARY)
    assert lock_state(path, key) == LockState.NO_LOCK()
    with pytest.raises(TwofoldError.InvalidInput) as short:
        await store.enable_app_lock("12")
    assert short.value.field == "pin" and "12" not in str(short.value)
    await store.enable_app_lock(PIN)
    await store.set_duress_pin(DURESS)
    status = store.app_lock_status()
    assert status.on and status.duress_pin
    store.close()

    assert lock_state(path, key) == LockState.LOCKED()
    with pytest.raises(TwofoldError.Locked):
        await TwofoldStore.open(path, key)
    with pytest.raises(TwofoldError.WrongKey):
        await TwofoldStore.open_with_pin(path, secrets.token_bytes(32), PIN)

    store = await TwofoldStore.open_with_pin(path, key, PIN)
    assert store.when_well() == CANARY
    store.close()

    with pytest.raises(TwofoldError.WrongPin) as wrong:
        await TwofoldStore.open_with_pin(path, key, "0000")
    assert wrong.value.wait_ms == 0, "the first wrong tries are free"
    assert "0000" not in str(wrong.value)

    empty = await TwofoldStore.open_with_pin(path, key, DURESS)
    assert empty.when_well() == "", "an empty store"
    status = empty.app_lock_status()
    assert status.on and not status.duress_pin, "still locked, as before"
    empty.close()
    for name, data in files_of(tmp_path).items():
        assert CANARY.encode() not in data, name

    assert lock_state(path, key) == LockState.LOCKED()
    with pytest.raises(TwofoldError.WrongPin):
        await TwofoldStore.open_with_pin(path, key, PIN)
    again = await TwofoldStore.open_with_pin(path, key, DURESS)
    await again.disable_app_lock(DURESS)
    again.close()
    assert lock_state(path, key) == LockState.NO_LOCK()
    reopened = await TwofoldStore.open(path, key)
    assert reopened.when_well() == ""
    reopened.close()


async def test_wrong_pins_past_the_free_tries_lock_out_with_the_wait(tmp_path):
    path = str(tmp_path / "Alex.db")
    key = secrets.token_bytes(32)
    store = await TwofoldStore.open(path, key)
    await store.enable_app_lock(PIN)
    with pytest.raises(TwofoldError.WrongPin):
        await store.change_pin("0000", "8642")
    store.close()
    for _ in range(3):
        with pytest.raises(TwofoldError.WrongPin):
            await TwofoldStore.open_with_pin(path, key, "0000")
    with pytest.raises(TwofoldError.WrongPin) as fifth:
        await TwofoldStore.open_with_pin(path, key, "0000")
    assert fifth.value.wait_ms == 30_000
    with pytest.raises(TwofoldError.LockedOut) as out:
        await TwofoldStore.open_with_pin(path, key, PIN)
    assert 0 < out.value.wait_ms <= 30_000
    state = lock_state(path, key)
    assert state.is_locked_out() and state.wait_ms <= 30_000
