"""Hub identity: keys pinned by name and by address; a mismatch is named as such, at once.

Real hubs on 127.0.0.1 (a "moved" hub is the same data folder on another port); one fake
hello answers with a trusted hub's key while the request port belongs to another hub.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import msgspec
import pytest
import zmq
import zmq.asyncio

from hub_core.client.hub_client import HubClient
from hub_core.errors import HubKeyChanged, HubKeyUnproven, HubUnreachable
from hub_core.server.hub import HubEndpoints
from hub_core.server.thread import HubThread
from hub_core.wire import protocol
from hub_core.wire.keys import KnownHubs, fingerprint
from tests.conftest import free_port
from tests.hub_core.conftest import hub_config


class Hubs:
    """Starts hubs by data folder and port; stops them all at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.running: list[HubThread] = []

    def start(self, folder: str, port: int, name: str = "Test hub") -> HubEndpoints:
        thread = HubThread(hub_config(self.root / folder, port=port, name=name))
        ends = thread.start()
        self.running.append(thread)
        return ends

    def stop_all(self) -> None:
        while self.running:
            self.running.pop().stop()


@pytest.fixture
def hubs(tmp_path: Path) -> Iterator[Hubs]:
    made = Hubs(tmp_path)
    yield made
    made.stop_all()


async def connect(port: int, known: KnownHubs, *, retrust: bool = False) -> None:
    client = await HubClient.connect(f"127.0.0.1:{port}", known_hubs=known, retrust=retrust)
    await client.close()


async def test_another_hub_at_a_trusted_address_is_flagged(
    hubs: Hubs, known_hubs: KnownHubs
) -> None:
    port = free_port()
    first = hubs.start("a", port)
    await connect(port, known_hubs)
    hubs.stop_all()
    other = hubs.start("b", port, name="Other hub")
    with pytest.raises(HubKeyChanged) as caught:
        await connect(port, known_hubs)
    err = caught.value
    assert (err.by, err.hub, err.pinned_hub) == ("address", "Other hub", "Test hub")
    assert (err.pinned, err.offered) == (first.fingerprint, other.fingerprint)
    assert first.fingerprint in str(err) and other.fingerprint in str(err)
    assert f"hub at 127.0.0.1:{port} is not the one you trusted" in str(err)
    await connect(port, known_hubs, retrust=True)  # re-trust, then it is simply pinned
    await connect(port, known_hubs)
    assert known_hubs.pinned_at(f"127.0.0.1:{port}") == (other.public_key, "Other hub")


async def test_a_trusted_name_elsewhere_with_another_key_is_flagged(
    hubs: Hubs, known_hubs: KnownHubs
) -> None:
    first = hubs.start("a", free_port())
    await connect(first.ports.req, known_hubs)
    impostor = hubs.start("b", free_port())  # same name, another address and key
    with pytest.raises(HubKeyChanged) as caught:
        await connect(impostor.ports.req, known_hubs)
    err = caught.value
    assert (err.by, err.hub) == ("name", "Test hub")
    assert (err.pinned, err.offered) == (first.fingerprint, impostor.fingerprint)
    assert "key of hub 'Test hub'" in str(err) and first.fingerprint in str(err)


async def test_a_trusted_hub_that_moved_keeps_its_key_and_is_accepted(
    hubs: Hubs, known_hubs: KnownHubs
) -> None:
    first = hubs.start("a", free_port())
    await connect(first.ports.req, known_hubs)
    hubs.stop_all()
    moved = hubs.start("a", free_port())  # same data folder: same name and key
    await connect(moved.ports.req, known_hubs)


async def test_pin_files_of_older_versions_still_load(hubs: Hubs, known_hubs: KnownHubs) -> None:
    first = hubs.start("a", free_port())
    old_format = {"Test hub": "x" * 40}  # name -> key, nothing by address
    known_hubs.path.parent.mkdir(parents=True)
    known_hubs.path.write_text(json.dumps(old_format), encoding="utf-8")
    with pytest.raises(HubKeyChanged, match="key of hub 'Test hub'"):
        await connect(first.ports.req, known_hubs)
    await connect(first.ports.req, known_hubs, retrust=True)
    names = json.loads(known_hubs.path.read_text(encoding="utf-8"))
    assert names == {"Test hub": first.public_key}  # still the old, flat format


@pytest.fixture
async def lying_hello(hubs: Hubs) -> AsyncIterator[tuple[int, HubEndpoints, HubEndpoints]]:
    """A hello on port+1 that announces hub a's key; the request port is hub b's."""
    trusted = hubs.start("a", free_port())
    other = hubs.start("b", free_port())
    port = free_port()
    sock = zmq.asyncio.Context.instance().socket(zmq.ROUTER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.bind(f"tcp://127.0.0.1:{port + 1}")
    hello = protocol.Hello(
        protocol=protocol.PROTOCOL_VERSION,
        name="Test hub",
        host="somebody",
        key=trusted.public_key,
        req_port=other.ports.req,
        pub_port=other.ports.pub,
    )

    async def answer() -> None:
        for _ in range(100):
            peer, _frame = await sock.recv_multipart()
            await sock.send_multipart([peer, msgspec.msgpack.encode(hello)])

    task = asyncio.ensure_future(answer())
    yield port, trusted, other
    task.cancel()
    sock.close(linger=0)


async def test_a_hub_that_cannot_prove_its_key_is_named_not_unreachable(
    lying_hello: tuple[int, HubEndpoints, HubEndpoints], known_hubs: KnownHubs
) -> None:
    port, trusted, _other = lying_hello
    await connect(trusted.ports.req, known_hubs)  # the real one is trusted
    with pytest.raises(HubKeyUnproven) as caught:
        await connect(port, known_hubs)
    assert not isinstance(caught.value, HubUnreachable)
    assert trusted.fingerprint in str(caught.value)
    assert "not the hub you trusted" in str(caught.value)
    assert known_hubs.pinned_at(f"127.0.0.1:{port}") is None  # nothing pinned on a lie


def test_cli_prints_both_fingerprints_and_exits_refused(hubs: Hubs, tmp_path: Path) -> None:
    port = free_port()
    first = hubs.start("a", port)
    data = tmp_path / "cli"
    command = [sys.executable, "-m", "hub_core", "register", "--hub", f"127.0.0.1:{port}"]
    command += ["--data", str(data), "--role", "player", "--user", "cli-user"]
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "GAMEHUB_PASSWORD": "cli-secret"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    hubs.stop_all()
    other = hubs.start("b", port, name="Other hub")
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1
    assert first.fingerprint in done.stderr and other.fingerprint in done.stderr
    assert "'Other hub'" in done.stderr and "'Test hub'" in done.stderr
    assert fingerprint(other.public_key) == other.fingerprint
