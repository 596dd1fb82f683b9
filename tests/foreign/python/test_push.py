"""Push wake-ups from Python (ADR 0013): real stores on disk, a real relay process started here
with a push gateway that is a real HTTP server on loopback (the suites' shared relay calls no
gateway, so this test starts its own from TWOFOLD_RELAY_BIN, which scripts/foreign-tests.sh
exports). Alex's phone registers and is not connected; Sam asks for help; the gateway is told
to wake Alex's phone and nothing more; Alex syncs and has the request; after unregistering
nobody is woken."""

import asyncio
import json
import os
import secrets
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import Sync
from twofold_ffi import Contact, ContactRole, PeerStatus, Phone, SosLocation, TwofoldError, TwofoldStore

WORDS = "CANARY-py-push-words-3hv8"
PUSHKEY = "apns-token-of-alexs-phone-42"
APP_ID = "org.twofold.test"


def now_ms() -> int:
    return int(time.time() * 1000)


class Gateway:
    """A Matrix-push-gateway-shaped endpoint on loopback that keeps every body it receives."""

    def __init__(self):
        self.bodies = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if self.path == "/_matrix/push/v1/notify":
                    gateway.bodies.append(body)
                answer = b'{"rejected":[]}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    async def wait_for(self, n: int, seconds: float) -> bool:
        for _ in range(int(seconds * 100)):
            if len(self.bodies) >= n:
                return True
            await asyncio.sleep(0.01)
        return False


@pytest.fixture
def gateway():
    g = Gateway()
    yield g
    g.server.shutdown()


@pytest.fixture
def push_relay(tmp_path, gateway):
    binary = os.environ.get("TWOFOLD_RELAY_BIN", "")
    # Never a skip: without the relay this test fails.
    assert os.access(binary, os.X_OK), f"TWOFOLD_RELAY_BIN is {binary!r}: run through scripts/foreign-tests.sh"
    log = open(tmp_path / "relay.log", "wb")
    relay = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:0", "--data-dir", str(tmp_path / "relay"),
         "--push-gateway", f"{APP_ID}={gateway.url}", "--push-interval-ms", "1000",
         "--ip-rate", "1000", "--ip-burst", "10000", "--token-rate", "1000", "--token-burst", "10000"],
        stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
    )
    line = relay.stdout.readline().decode().strip()
    assert line.startswith("twofold-relay listening on http://127.0.0.1:"), line
    yield line.removeprefix("twofold-relay listening on ")
    relay.terminate()
    relay.wait(timeout=10)
    log.close()


async def test_a_registered_phone_is_woken_with_nothing_but_its_token(tmp_path, gateway, push_relay):
    sync = Sync(push_relay)
    sam = await TwofoldStore.open(str(tmp_path / "sam.db"), secrets.token_bytes(32))
    alex = await TwofoldStore.open(str(tmp_path / "alex.db"), secrets.token_bytes(32))
    await sam.set_display_name("Sam")
    await alex.set_display_name("Alex")
    invite = await sam.create_invite(sync.url, now_ms() + 600_000)
    await alex.accept_invite(invite, "Alex")
    await sync.settle([alex, sam])
    asking = [p for p in sam.peers() if p.status == PeerStatus.NEEDS_DECISION]
    await sam.approve_pairing(asking[0].id)
    await sync.settle([sam, alex])
    alex_id = asking[0].id
    await sam.put_contact(
        Contact(id="contact-alex", name="Alex", roles=[ContactRole.MENTOR],
                phones=[Phone(label="mobile", number="+34 600 000 001")], crisis_order=1)
    )
    await sam.link_sos_contact("contact-alex", alex_id)

    # Bad input is a typed error; nothing is registered.
    with pytest.raises(TwofoldError.InvalidInput):
        await alex.register_push("a token with spaces", APP_ID)
    with pytest.raises(TwofoldError.InvalidInput):
        await alex.register_push(PUSHKEY, "https://not-a-name")
    assert alex.push_gateway() is None

    await alex.register_push(PUSHKEY, APP_ID)
    assert alex.push_gateway() == APP_ID
    await sync.round(alex)
    assert gateway.bodies == []

    place = SosLocation(lat_e6=40_416_775, lon_e6=-3_703_790, accuracy_m=30)
    sent = await sam.send_sos(WORDS, place, 300_000)
    await sync.round(sam)
    assert await gateway.wait_for(1, 5), "Alex's phone was woken"
    body = gateway.bodies[0]
    assert json.loads(body) == {
        "notification": {"devices": [{"app_id": APP_ID, "pushkey": PUSHKEY}], "prio": "high"}
    }
    for needle in (WORDS, "Sam", "Alex", sent.sos_id, sam.device_id(), alex_id, "40416775"):
        assert needle.encode() not in body, needle

    # Woken, Alex's phone syncs and has the request.
    await sync.round(alex)
    assert [r.sos_id for r in alex.sos_received()] == [sent.sos_id]

    # Unregistered: the relay is told at the next sync, and wakes nobody after.
    await alex.unregister_push()
    assert alex.push_gateway() is None
    await sync.round(alex)
    await asyncio.sleep(1.2)
    woken = len(gateway.bodies)
    await sam.close_sos(sent.sos_id)
    await sync.round(sam)
    await asyncio.sleep(1.5)
    assert len(gateway.bodies) == woken
