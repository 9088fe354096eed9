"""Handing a hub over between two real `gamehub host` processes, with real clients.

The old hub runs from one data folder; a player's copy waits with `gamehub host
--accept-handoff` in another; `gamehub handoff` on the host moves the hub. Clients must
end up on the new host with their sessions, rooms and records, and nothing may be lost
when the transfer fails half-way.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.errors import HubHandedOver
from hub_core.wire.keys import KEY_FILE, KnownHubs
from tests.hub_core.cli.test_cli import GAMEHUB, HostProcess
from tests.hub_core.gamefactory import make_server_game

PASSWORD = "secret-pass"
ENV = os.environ | {"GAMEHUB_PASSWORD": PASSWORD}
RUNNING: list[Receiver] = []


@pytest.fixture(autouse=True)
def _stop_receivers() -> Iterator[None]:
    """A failed test must not leave its receiver process behind."""
    yield
    while RUNNING:
        RUNNING.pop().stop()


class Receiver:
    """`gamehub host --accept-handoff` in the background; ``lines`` are its JSON lines."""

    def __init__(self, data: Path, hub: str, *extra: str, wrap: tuple[str, ...] = ()):
        """``wrap``: a command that runs the receiver (say, inside its own mount namespace)."""
        args = [
            *wrap, *GAMEHUB, "host", "--accept-handoff", "--hub", hub, "--user", "bob",
            "--data", str(data), "--bind", "127.0.0.1", "--port", "0", "--json",
            "--no-discovery", *extra,
        ]  # fmt: skip
        self.proc = popen(args)
        RUNNING.append(self)
        self.lines: list[dict[str, Any]] = []

    def until(self, key: str, value: object = None, timeout: float = 30) -> dict[str, Any]:
        """Reads lines until one has ``key`` (equal to ``value`` if given)."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(f"receiver ended: {self.lines} {err}")
            data = json.loads(line)
            self.lines.append(data)
            if key in data and (value is None or data[key] == value):
                return data
        raise AssertionError(f"no {key}={value} within {timeout} s: {self.lines}")

    def part_way(self) -> None:
        """Waits until some bytes of the hub's files arrived, and not all of them."""
        line = self.until("handoff", "receiving")
        while not 0 < line["done"] < line["total"]:
            line = self.until("handoff", "receiving")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.communicate()


def start_driver(data: Path, *extra: str) -> subprocess.Popen[str]:
    """`gamehub handoff` in the background."""
    return popen([*GAMEHUB, "handoff", "--data", str(data), "--to", "bob", "--json", *extra])


def popen(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
    )


def host_once(data: Path) -> subprocess.CompletedProcess[str]:
    """`gamehub host` that is expected to refuse to start."""
    args = [*GAMEHUB, "host", "--data", str(data), "--bind", "127.0.0.1", "--port", "0"]
    return subprocess.run(args, capture_output=True, text=True, timeout=30)


def can_unshare() -> bool:
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


def handoff(data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [*GAMEHUB, "handoff", "--data", str(data), "--to", "bob", "--json", *extra]
    return subprocess.run(args, capture_output=True, text=True, timeout=90, env=ENV)


@pytest.fixture
def old_hub(tmp_path: Path) -> Iterator[HostProcess]:
    proc = HostProcess(tmp_path / "old", "--no-discovery", "--no-samples", "--handoff-timeout", "2")
    yield proc
    if proc.proc.poll() is None:
        proc.stop()


@pytest.fixture
def known(tmp_path: Path) -> KnownHubs:
    return KnownHubs(tmp_path / "alice" / "known_hubs.json")


@pytest.fixture
async def alice(old_hub: HostProcess, known: KnownHubs) -> AsyncIterator[HubClient]:
    """A player with a live session (and bob's account, who will receive the hub)."""
    async with await HubClient.connect(old_hub.endpoint, known_hubs=known) as c:
        await c.register("player", "bob", PASSWORD)
        await c.register("player", "alice", PASSWORD)
        await c.login("player", "alice", PASSWORD)
        yield c


async def wait_for(check: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_handoff_moves_hub_sessions_rooms_and_records(
    tmp_path: Path, old_hub: HostProcess, alice: HubClient, known: KnownHubs
) -> None:
    async with await HubClient.connect(old_hub.endpoint) as dev:
        await dev.register("developer", "dana", PASSWORD)
        await dev.login("developer", "dana", PASSWORD)
        await publish(dev, make_server_game(tmp_path / "pong"))
    room = (await alice.create_room("pong")).room
    await alice.room_chat(room.id, "hello before the move")
    receiver = Receiver(tmp_path / "new", old_hub.endpoint)
    try:
        receiver.until("handoff", "offering")
        moved = handoff(tmp_path / "old")
        assert moved.returncode == 0, moved.stdout + moved.stderr
        new = receiver.until("req_port")
        assert new["key"] == old_hub.info["key"] and new["name"] == old_hub.info["name"]
        assert old_hub.proc.wait(timeout=20) == 0
        await wait_for(lambda: alice.address.port == new["req_port"])
        # Same session (no new login), same room, same records, on the new host.
        assert (await alice.whoami()).user == "alice"
        mine = await alice.my_room()
        assert mine is not None and mine.room.id == room.id and mine.room.players == ["alice"]
        assert [line.text for line in mine.chat] == ["hello before the move"]
        assert [g.name for g in await alice.list_games()] == ["pong"]
        # The hub's key pair is readable by its owner only on the new host too.
        assert (tmp_path / "new" / "hub" / KEY_FILE).stat().st_mode & 0o077 == 0
        marker = json.loads((tmp_path / "old" / "hub" / "HANDED_OVER.json").read_text())
        assert marker["req_port"] == new["req_port"] and marker["generation"] == 1
    finally:
        receiver.stop()
    # The old copy refuses to start again...
    again = host_once(tmp_path / "old")
    assert again.returncode != 0 and "was handed over" in again.stderr
    # ...and forced to, clients that followed the hub see the conflict.
    stale = HostProcess(tmp_path / "old", "--no-discovery", "--ignore-handoff-marker")
    try:
        with pytest.raises(HubHandedOver, match="old copy"):
            await HubClient.connect(stale.endpoint, known_hubs=known)
    finally:
        stale.stop()


async def test_receiver_killed_half_way_leaves_the_old_hub_serving(
    tmp_path: Path, old_hub: HostProcess, alice: HubClient
) -> None:
    receiver, driver = await slow_handoff(tmp_path, old_hub, alice)
    receiver.until("handoff", "receiving")
    receiver.part_way()  # some bytes arrived
    receiver.proc.kill()
    receiver.proc.communicate()
    out, err = driver.communicate(timeout=60)
    assert driver.returncode == 1, out + err
    assert "stopped answering" in out
    await still_serving(alice, old_hub)


async def slow_handoff(
    tmp_path: Path, old_hub: HostProcess, alice: HubClient
) -> tuple[Receiver, subprocess.Popen[str]]:
    """A hub with 8 MB of games handed to a receiver that takes 2 MB/s: time to break it."""
    await fill(alice, old_hub, tmp_path)
    receiver = Receiver(tmp_path / "new", old_hub.endpoint, "--handoff-rate", "2")
    receiver.until("handoff", "offering")
    return receiver, start_driver(tmp_path / "old")


async def fill(alice: HubClient, old_hub: HostProcess, tmp_path: Path) -> None:
    """A game with 8 MB of files, so a slow transfer takes a few seconds."""
    async with await HubClient.connect(old_hub.endpoint) as dev:
        await dev.register("developer", "dana", PASSWORD)
        await dev.login("developer", "dana", PASSWORD)
        files = {f"data/{i}.bin": os.urandom(1 << 20) for i in range(8)}
        game = make_server_game(tmp_path / "big", "big")
        for rel, content in files.items():
            (game / rel).parent.mkdir(parents=True, exist_ok=True)
            (game / rel).write_bytes(content)
        await publish(dev, game)


async def still_serving(alice: HubClient, old_hub: HostProcess) -> None:
    """The old hub answers, accepts writes again, and kept every record."""
    assert old_hub.proc.poll() is None
    assert (await alice.whoami()).user == "alice"
    await alice.register("player", "carol", PASSWORD)  # writes work again
    assert [g.name for g in await alice.list_games()] == ["big"]
    assert not (old_hub_data(old_hub) / "hub" / "HANDED_OVER.json").exists()


def old_hub_data(old_hub: HostProcess) -> Path:
    return Path(old_hub.info["data"])


async def test_old_hub_killed_half_way_loses_nothing(
    tmp_path: Path, old_hub: HostProcess, alice: HubClient
) -> None:
    receiver, driver = await slow_handoff(tmp_path, old_hub, alice)
    receiver.part_way()
    old_hub.proc.kill()
    old_hub.proc.communicate()
    driver.communicate(timeout=30)
    assert receiver.proc.wait(timeout=60) != 0
    out, err = receiver.proc.communicate()
    assert "Nothing changed here" in out, (receiver.proc.returncode, out, err)
    assert not (tmp_path / "new" / "hub").exists()
    assert not (tmp_path / "new" / "handoff.staging").exists()
    restarted = HostProcess(tmp_path / "old", "--no-discovery", "--no-samples")
    try:
        async with await HubClient.connect(restarted.endpoint) as c:
            await c.login("player", "alice", PASSWORD)
            assert [g.name for g in await c.list_games()] == ["big"]
    finally:
        restarted.stop()


async def test_connection_cut_half_way_old_hub_serves_on(
    tmp_path: Path, old_hub: HostProcess, alice: HubClient
) -> None:
    """A receiver that goes silent (stopped: no packets either way) is given up on."""
    receiver, driver = await slow_handoff(tmp_path, old_hub, alice)
    receiver.part_way()
    receiver.proc.send_signal(signal.SIGSTOP)
    try:
        out, err = driver.communicate(timeout=60)
    finally:
        receiver.proc.send_signal(signal.SIGCONT)
    assert driver.returncode == 1 and "stopped answering" in out, out + err
    await still_serving(alice, old_hub)
    assert receiver.proc.wait(timeout=60) != 0  # it learns the handoff is off, and cleans up
    assert not (tmp_path / "new" / "hub").exists()
    assert not (tmp_path / "new" / "handoff.staging").exists()


async def test_disk_full_on_the_receiver(
    tmp_path: Path, old_hub: HostProcess, alice: HubClient
) -> None:
    """The receiver's data folder on a 4 MB tmpfs (its own mount namespace); 8 MB arrive."""
    if not can_unshare():
        pytest.skip("needs unshare --mount (root on Linux) to give the receiver a tiny disk")
    await fill(alice, old_hub, tmp_path)
    small = tmp_path / "small"
    small.mkdir()
    mount = 'mount -t tmpfs -o size=4m tmpfs "$0" && exec "$@"'
    wrap = ("unshare", "--mount", "sh", "-c", mount, str(small))
    receiver = Receiver(small, old_hub.endpoint, wrap=wrap)
    receiver.until("handoff", "offering")
    moved = handoff(tmp_path / "old")
    assert moved.returncode == 1 and "no room left" in moved.stdout, moved.stdout + moved.stderr
    assert receiver.proc.wait(timeout=60) != 0
    await still_serving(alice, old_hub)


async def test_match_running_past_the_limit_ends_with_a_message(
    tmp_path: Path, old_hub: HostProcess, alice: HubClient
) -> None:
    """The handoff waits up to --wait-matches for a match, then ends it; the history says so."""
    async with await HubClient.connect(old_hub.endpoint) as dev:
        await dev.register("developer", "dana", PASSWORD)
        await dev.login("developer", "dana", PASSWORD)
        await publish(dev, make_server_game(tmp_path / "pong"))
    async with await HubClient.connect(old_hub.endpoint) as cara:
        await cara.register("player", "cara", PASSWORD)
        await cara.login("player", "cara", PASSWORD)
        room = (await alice.create_room("pong")).room
        await cara.join_room(room.id)
        for member in (alice, cara):
            await member.set_ready(room.id, True, room.version)
        await alice.propose_start(room.id)
        started = await cara.respond_start(room.id, True)
        assert started.room.state == "in_game"
        receiver = Receiver(tmp_path / "new", old_hub.endpoint)
        try:
            receiver.until("handoff", "offering")
            moved = handoff(tmp_path / "old", "--wait-matches", "1")
            assert moved.returncode == 0, moved.stdout + moved.stderr
            new = receiver.until("req_port")
            await wait_for(lambda: alice.address.port == new["req_port"])
            assert await alice.my_room() is None
            (match,) = (await alice.match_history("pong")).matches
            assert match.ending == "hub_stopped"
        finally:
            receiver.stop()
