"""Backup and restore through the bindings: a paired, sharing owner's store sealed with a
passphrase, the phone wiped, the backup restored into a new store — the same documents, shares,
log and pairings, and the mentor recognises the new phone after one sync. A wrong passphrase and a damaged file are typed errors that touch nothing.
Uses the real Argon2id parameters (64 MiB): four derivations, about a second in all."""

import os
import secrets

import pytest

from twofold_ffi import Access, DocumentKind, SectionItem, TwofoldError, TwofoldStore

from test_sharing import coping, device, pair

PASSPHRASE = "blue kettle morning walk"


def pairings(store):
    """Peers without their six digits: the code is derived from both devices' keys, and a
    restored phone has new keys."""
    return [(p.id, p.display_name, p.status, p.paired_at_ms, p.relay) for p in store.peers()]


async def test_backup_wipe_restore_brings_everything_back(tmp_path, sync):
    owner = await device(tmp_path, "Sam")
    mentor = await device(tmp_path, "Alex")
    mentor_id = await pair(owner, mentor, sync)
    await owner.set_when_well("Steady mornings, calls with Alex.")
    await owner.put_coping_strategy(coping("Walk round the block"))
    await owner.share(DocumentKind.PLAN, mentor_id, Access.WRITE, "weekly sessions", None)
    await sync.settle([owner, mentor])

    before = {
        "plan": await owner.document_snapshot(DocumentKind.PLAN),
        "journal": await owner.document_snapshot(DocumentKind.JOURNAL),
        "shares": owner.shares(),
        "log": owner.disclosure_log(),
        "peers": pairings(owner),
        "name": owner.display_name(),
    }
    old_device = owner.device_id()
    backup = await owner.export_backup(PASSPHRASE)
    assert b"Steady mornings" not in backup and b"Alex" not in backup, "sealed, not readable"
    path = owner.path()
    owner.close()
    for suffix in ("", "-wal", "-shm", ".keycheck"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)

    new_path = str(tmp_path / "new-phone.db")
    new_key = secrets.token_bytes(32)
    restored = await TwofoldStore.restore_backup(new_path, new_key, backup, PASSPHRASE)
    after = {
        "plan": await restored.document_snapshot(DocumentKind.PLAN),
        "journal": await restored.document_snapshot(DocumentKind.JOURNAL),
        "shares": restored.shares(),
        "log": restored.disclosure_log(),
        "peers": pairings(restored),
        "name": restored.display_name(),
    }
    assert after == before
    assert restored.device_id() != old_device, "the new phone has its own keys"
    restored.close()
    reopened = await TwofoldStore.open(new_path, new_key)
    assert reopened.when_well() == "Steady mornings, calls with Alex."

    # The mentor recognises the restored phone after one sync (ADR 0010): the pairing moves to
    # its keys, and edits flow both ways again.
    await sync.settle([reopened, mentor])
    assert [p.id for p in mentor.peers()] == [reopened.device_id()]
    plan = reopened.doc_id(DocumentKind.PLAN)
    await mentor.shared_put(plan, SectionItem.COPING_STRATEGIES(coping("Call Alex on Sundays")))
    await reopened.put_coping_strategy(coping("Written on the new phone"))
    await sync.settle([reopened, mentor])
    await sync.settle([mentor, reopened])
    mine = sorted(c.description for c in reopened.list_coping_strategies())
    assert mine == ["Call Alex on Sundays", "Walk round the block", "Written on the new phone"]
    assert reopened.doc_heads(plan) == mentor.doc_heads(plan)
    reopened.close()


async def test_wrong_passphrase_damaged_file_and_a_used_store_are_refused(tmp_path, key):
    store = await TwofoldStore.open(str(tmp_path / "old.db"), key)
    await store.set_when_well("mine")
    with pytest.raises(TwofoldError.InvalidInput) as short:
        await store.export_backup("short")
    assert short.value.field == "passphrase"
    backup = await store.export_backup(PASSPHRASE)

    target = str(tmp_path / "target.db")
    with pytest.raises(TwofoldError.WrongPassphrase):
        await TwofoldStore.restore_backup(target, key, backup, "not my passphrase")
    with pytest.raises(TwofoldError.ImportRefused):
        await TwofoldStore.restore_backup(target, key, backup[: len(backup) // 2], PASSPHRASE)
    with pytest.raises(TwofoldError.ImportRefused):
        await TwofoldStore.restore_backup(target, key, b"not a backup at all", PASSPHRASE)
    assert not os.path.exists(target), "nothing was written"
    # The old store holds data: a restore never overwrites it.
    store.close()
    with pytest.raises(TwofoldError.NotAllowed):
        await TwofoldStore.restore_backup(str(tmp_path / "old.db"), key, backup, PASSPHRASE)
    again = await TwofoldStore.open(str(tmp_path / "old.db"), key)
    assert again.when_well() == "mine"
    again.close()
