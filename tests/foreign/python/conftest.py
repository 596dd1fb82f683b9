"""Finds the generated module: scripts/bindgen.sh writes it (with the library beside it) to
build/bindings/python; TWOFOLD_PY_BINDINGS overrides the directory. Also the suites' real relay
(scripts/foreign-tests.sh starts it): its address, and syncing over it with the FFI's
SyncSession — the library's exchange loop, not one written here."""

import os
import pathlib
import secrets
import sys

import pytest

_default = pathlib.Path(__file__).resolve().parents[3] / "build" / "bindings" / "python"
sys.path.insert(0, os.environ.get("TWOFOLD_PY_BINDINGS", str(_default)))


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "twofold.db")


@pytest.fixture
def relay_url() -> str:
    url = os.environ.get("TWOFOLD_RELAY_URL", "")
    # Never a skip: without the relay these tests fail.
    assert url.startswith("http://127.0.0.1:"), (
        f"TWOFOLD_RELAY_URL is {url!r}: run through scripts/foreign-tests.sh, which starts the relay"
    )
    return url


class Sync:
    """One SyncSession per store over the suites' relay."""

    def __init__(self, url: str):
        self.url = url
        self._sessions = {}

    def session(self, store):
        key = store.device_id()
        if key not in self._sessions:
            self._sessions[key] = store.sync_session(self.url)
        return self._sessions[key]

    async def round(self, store):
        """One sync_now of one device; a clean exchange or the test fails."""
        report = await self.session(store).sync_now()
        assert report.interrupted is None, report
        return report

    async def settle(self, stores):
        """sync_now on each in turn until a whole round moves nothing."""
        for _ in range(10):
            moved = 0
            for store in stores:
                r = await self.round(store)
                moved += r.sent + r.mailbox_sent + r.applied
            if moved == 0:
                return
        raise AssertionError("the devices did not settle in 10 rounds")

    @staticmethod
    def relay_holds(needle: bytes) -> bool:
        """Whether any file the relay keeps (its database and journal) contains `needle`."""
        root = pathlib.Path(os.environ.get("TWOFOLD_RELAY_DATA_DIR", ""))
        assert root.is_dir(), f"TWOFOLD_RELAY_DATA_DIR is {str(root)!r}: run through scripts/foreign-tests.sh"
        return any(needle in f.read_bytes() for f in root.rglob("*") if f.is_file())


@pytest.fixture
def sync(relay_url) -> Sync:
    return Sync(relay_url)
