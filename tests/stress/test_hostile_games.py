"""Hostile game servers, each a real published game run by a real hub on 127.0.0.1.

Fork bomb, setsid escapes, 8 GB, CPU spin, disk fill, 100 MB of output, reading the
hub's database and key, rewriting its own package, and a hub killed with SIGKILL while
rooms are being created: limits hold, no process is left once the room (or the hub) is
gone, nothing of the hub's is readable, and the next room runs the package unchanged.
Game processes are found by their environment (/proc/<pid>/environ), which carries the
test's unique game name. ``GAMEHUB_STRESS=full`` runs the long variant (more cycles).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub_core import gameprocs
from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.gameprocs import ProcessLimits
from hub_core.gameprocs import _os as osx
from hub_core.server.thread import HubThread
from hub_core.wire.keys import KEY_FILE, KnownHubs
from hub_core.wire.schema import RoomView
from tests.hub_core.conftest import hub_config
from tests.hub_core.gamefactory import make_server_game
from tests.stress.conftest import processes_with_env

FULL = os.environ.get("GAMEHUB_STRESS") == "full"
KILL_CYCLES = 120 if FULL else 10
LIMITS = ProcessLimits(processes=24, memory_mb=512, cpu_seconds=2, file_size_mb=16, scratch_mb=48)
pytestmark = pytest.mark.skipif(not osx.HAS_PROC, reason="finds game processes through /proc")

# Every hostile server listens first and takes the hub's ready probe, then misbehaves.
PRELUDE = """
import os, socket, sys, time
srv = socket.create_server((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
srv.accept()[0].close()
"""
SLEEP = "\ntime.sleep(120)\n"


def game_pids(marker: str) -> list[int]:
    """Live processes whose environment holds ``marker`` (e.g. GAME_NAME=...)."""
    return processes_with_env(marker)


async def eventually(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition did not hold in time"
        await asyncio.sleep(0.02)


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Stage:
    """A hub, a developer who publishes hostile games, and a player who opens rooms."""

    def __init__(self, hub: HubThread, dev: HubClient, ann: HubClient, tmp: Path) -> None:
        self.hub, self.dev, self.ann, self.tmp = hub, dev, ann, tmp
        self.data = hub.hub.paths.hub

    async def publish(self, body: str, *, prelude: bool = True) -> str:
        name = f"hostile{secrets.token_hex(4)}"
        server = (PRELUDE if prelude else "") + body
        await publish(self.dev, make_server_game(self.tmp / name, name, server=server))
        return name

    async def open_room(self, name: str) -> RoomView:
        return (await self.ann.create_room(name, timeout=20)).room

    async def closed(self, room_id: str, timeout: float = 20.0) -> dict[str, Any]:
        """The room's last snapshot once the hub has closed it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listed = (await self.ann.list_rooms()).rooms
            if all(r.id != room_id for r in listed):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError(f"room {room_id} did not close")
        return {"log": self.log(room_id)}

    async def leave(self, room_id: str) -> None:
        await self.ann.leave_room(room_id)

    def log(self, room_id: str) -> str:
        return (self.hub.hub.paths.logs / "rooms" / f"{room_id}.log").read_text(errors="replace")

    def reason(self, room_id: str) -> str:
        lines = [x for x in self.log(room_id).splitlines() if "The game server" in x]
        return lines[-1] if lines else ""


@pytest.fixture
def hub(data_dir: Path) -> Iterator[HubThread]:
    thread = HubThread(hub_config(data_dir, ready_timeout=5.0, process_limits=LIMITS))
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
async def stage(hub: HubThread, tmp_path: Path) -> AsyncIterator[Stage]:
    assert hub.hub.endpoints is not None
    endpoint = hub.hub.endpoints.endpoint("127.0.0.1")
    known = KnownHubs(tmp_path / "known_hubs.json")
    async with (
        await HubClient.connect(endpoint, known_hubs=known, timeout=5.0) as dev,
        await HubClient.connect(endpoint, known_hubs=known, timeout=5.0) as ann,
    ):
        await dev.register("developer", "dana", "secret")
        await dev.login("developer", "dana", "secret")
        await ann.register("player", "ann", "secret")
        await ann.login("player", "ann", "secret")
        yield Stage(hub, dev, ann, tmp_path)


# -- processes -------------------------------------------------------------------------


FORK_BOMB = """
kids = 0
for _ in range(400):
    try:
        if os.fork() == 0:
            time.sleep(120)
            os._exit(0)
        kids += 1
    except OSError:
        print("fork refused after", kids, flush=True)
        break
"""


async def test_a_fork_bomb_stops_at_the_limit_and_leaves_nothing(stage: Stage) -> None:
    name = await stage.publish(FORK_BOMB + SLEEP)
    room = await stage.open_room(name)
    most = 0
    deadline = time.monotonic() + 20
    while (pids := game_pids(f"GAME_NAME={name}")) and time.monotonic() < deadline:
        most = max(most, len(pids))
        listed = (await stage.ann.list_rooms()).rooms
        if all(r.id != room.id for r in listed):
            break
        await asyncio.sleep(0.02)
    await stage.closed(room.id)
    assert most <= LIMITS.processes
    assert f"more than {LIMITS.processes} processes" in stage.reason(room.id)
    await eventually(lambda: game_pids(f"GAME_NAME={name}") == [])


SETSID_ESCAPE = """
for _ in range(3):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.setsid()
            time.sleep(120)
        os._exit(0)
    time.sleep(0.05)
print("escaped", flush=True)
"""


async def test_setsid_escapes_die_with_the_room(stage: Stage) -> None:
    name = await stage.publish(SETSID_ESCAPE + SLEEP)
    room = await stage.open_room(name)
    await eventually(lambda: len(game_pids(f"GAME_NAME={name}")) == 4)  # server + 3 escaped
    escaped = [p for p in game_pids(f"GAME_NAME={name}") if osx.proc_stat(p)]
    assert len({osx.proc_stat(p)[2] for p in escaped if osx.proc_stat(p)}) >= 2  # type: ignore[index]
    await stage.leave(room.id)  # the room empties and closes
    await stage.closed(room.id)
    await eventually(lambda: game_pids(f"GAME_NAME={name}") == [])


async def test_a_server_that_exits_leaving_an_escapee_with_its_output_closes_its_room(
    stage: Stage,
) -> None:
    body = (
        "if os.fork() == 0:\n    os.setsid()\n    time.sleep(120)\ntime.sleep(0.5)\nsys.exit(3)\n"
    )
    name = await stage.publish(body)
    room = await stage.open_room(name)
    await stage.closed(room.id)  # not held open by the escapee's copy of stdout
    assert "exit code 3" in stage.reason(room.id)
    await eventually(lambda: game_pids(f"GAME_NAME={name}") == [])


async def test_8_gb_allocation_fails_and_the_room_closes(stage: Stage) -> None:
    name = await stage.publish("block = bytearray(8 * 1024**3)\nprint('got 8 GB')" + SLEEP)
    room = await stage.open_room(name)
    await stage.closed(room.id)
    assert "MemoryError" in stage.log(room.id)
    assert "got 8 GB" not in stage.log(room.id)
    await eventually(lambda: game_pids(f"GAME_NAME={name}") == [])


async def test_a_cpu_spin_is_stopped_at_its_cpu_limit(stage: Stage) -> None:
    name = await stage.publish("while True:\n    pass\n")
    room = await stage.open_room(name)
    await stage.closed(room.id, timeout=40)
    assert f"its {LIMITS.cpu_seconds} s of CPU time" in stage.reason(room.id)
    await eventually(lambda: game_pids(f"GAME_NAME={name}") == [])


# -- disk ------------------------------------------------------------------------------


DISK_FILL = """
home = os.environ["HOME"]
for n in range(200):  # 10 MiB files, each under the file-size limit, 2 GB at most
    with open(os.path.join(home, f"fill{n}.bin"), "wb") as f:
        for _ in range(10):
            f.write(b"x" * 1024 * 1024)
    time.sleep(0.01)
"""


async def test_a_disk_fill_closes_the_room_with_the_reason(stage: Stage) -> None:
    name = await stage.publish(DISK_FILL + SLEEP)
    room = await stage.open_room(name)
    await stage.closed(room.id)
    reason = f"wrote more than {LIMITS.scratch_mb} MiB to its folder and was stopped"
    assert reason in stage.reason(room.id)
    assert not (stage.data / "servers" / "scratch" / room.id).exists()
    await eventually(lambda: game_pids(f"GAME_NAME={name}") == [])


async def test_100_mb_of_output_leaves_a_log_of_its_last_mib(stage: Stage) -> None:
    body = """
line = "x" * 1023 + "\\n"
for i in range(100 * 1024):
    sys.stdout.write(line)
print("the very end", flush=True)
"""
    name = await stage.publish(body + SLEEP)
    room = await stage.open_room(name)
    await eventually(lambda: "the very end" in stage.log(room.id), timeout=60)
    log_path = stage.hub.hub.paths.logs / "rooms" / f"{room.id}.log"
    assert log_path.stat().st_size <= 2 * 1024 * 1024 + 4096
    assert "Earlier output was dropped" in stage.log(room.id)
    await stage.leave(room.id)
    await stage.closed(room.id)
    assert log_path.stat().st_size <= 2 * 1024 * 1024 + 4096


# -- files -----------------------------------------------------------------------------


def reader(targets: list[Path], last: Path) -> str:
    tries = "".join(
        f"""
try:
    if os.path.isdir({str(t)!r}):
        print("READ", {str(t)!r}, os.listdir({str(t)!r}), flush=True)
    else:
        print("READ", {str(t)!r}, open({str(t)!r}, "rb").read()[:40], flush=True)
except OSError as exc:
    print("DENIED", {str(t)!r}, type(exc).__name__, flush=True)
"""
        for t in targets
    )
    return tries + f"print('now without catching', flush=True)\nopen({str(last)!r}).read()\n"


@pytest.mark.skipif(not gameprocs.protections().landlock_abi, reason="needs Landlock")
async def test_the_hubs_files_other_games_and_home_are_not_readable(stage: Stage) -> None:
    other = await stage.publish("print('other')" + SLEEP)
    other_room = await stage.open_room(other)
    await stage.leave(other_room.id)
    players = sorted((stage.data / "db").rglob("*"))
    assert players, "the hub's database has files"
    targets = [
        stage.data / KEY_FILE,
        stage.data / "db",
        *players[:5],
        stage.data / "unpacked" / other,
        Path("/root"),
        Path.home(),
    ]
    name = await stage.publish(reader(targets, stage.data / KEY_FILE) + SLEEP)
    room = await stage.open_room(name)
    await stage.closed(room.id)
    log = stage.log(room.id)
    assert "READ" not in log.replace("now without", "")
    assert log.count("DENIED") == len(targets)
    assert "tried to read or write outside its folder and was stopped" in stage.reason(room.id)
    await eventually(lambda: game_pids(f"GAME_NAME={name}") == [])


REWRITE = """
for rel in ("server.py", "manifest.json", "added.py"):
    try:
        with open(rel, "w") as f:
            f.write("print('changed by a room')")
        print("CHANGED", rel, flush=True)
    except OSError as exc:
        print("REFUSED", rel, type(exc).__name__, flush=True)
"""


@pytest.mark.parametrize("landlock", [True, False], ids=["landlock", "copy"])
async def test_a_room_cannot_change_what_the_next_room_runs(
    stage: Stage, landlock: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if landlock and not gameprocs.protections().landlock_abi:
        pytest.skip("needs Landlock")
    if not landlock:  # the fallback: each room runs a fresh copy of the package
        monkeypatch.setenv("GAMEHUB_NO_LANDLOCK", "1")
        gameprocs.protections.cache_clear()
    try:
        name = await stage.publish(REWRITE + SLEEP)
        first = await stage.open_room(name)
        folder = next((stage.data / "unpacked" / name).iterdir())
        before = digest(folder)
        await eventually(lambda: stage.log(first.id).count(" server.py") >= 1)
        await eventually(lambda: "added.py" in stage.log(first.id).split("Starting")[-1])
        await stage.leave(first.id)
        await stage.closed(first.id)
        assert digest(folder) == before
        second = await stage.open_room(name)
        await eventually(lambda: "added.py" in stage.log(second.id).split("Starting")[-1])
        assert "changed by a room" not in stage.log(second.id)
        word = "REFUSED" if landlock else "CHANGED"  # the copy may change; the next room's not
        assert stage.log(second.id).count(word) == 3
        await stage.leave(second.id)
        await stage.closed(second.id)
    finally:
        monkeypatch.delenv("GAMEHUB_NO_LANDLOCK", raising=False)
        gameprocs.protections.cache_clear()


# -- the hub killed with SIGKILL ---------------------------------------------------------


def describe(pid: int) -> str:
    """Where a leftover game process came from: its parent, cgroups and command."""
    proc = Path(f"/proc/{pid}")
    try:
        status = dict(line.split(":\t", 1) for line in (proc / "status").read_text().splitlines())
        cgroups = (proc / "cgroup").read_text().replace("\n", " ")
        cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return f"{pid}: gone"
    return f"{pid}: state {status.get('State')} ppid {status.get('PPid')} {cmd} [{cgroups}]"


class HubProcess:
    """A real hub in its own process (tests/stress/_hub_main.py)."""

    def __init__(self, data: Path, **env: str) -> None:
        args = [sys.executable, "-m", "tests.stress._hub_main", str(data)]
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, **env}
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the hub did not start"
        self.endpoint = f"127.0.0.1:{json.loads(line)['req_port']}"

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)


ESCAPING_SERVER = """
import os, socket, time
if os.fork() == 0:  # a grandchild in its own session, as a crashed hub's game might leave
    os.setsid()
    time.sleep(120)
    os._exit(0)
srv = socket.create_server((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
while True:
    srv.accept()[0].close()
"""


async def create_rooms(endpoint: str, known: KnownHubs, players: list[str]) -> None:
    """Each player creates a room at once; the hub may die at any moment meanwhile."""

    async def one(user: str) -> None:
        async with await HubClient.connect(endpoint, known_hubs=known, timeout=3.0) as c:
            await c.login("player", user, "secret")
            await c.create_room("crashy", timeout=10)

    await asyncio.gather(*(one(u) for u in players), return_exceptions=True)


async def test_no_game_server_survives_a_hub_killed_while_creating_rooms(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    known = KnownHubs(tmp_path / "known_hubs.json")
    marker = "GAME_NAME=crashy"
    players = [f"p{n}" for n in range(4)]
    hub = HubProcess(data)
    async with await HubClient.connect(hub.endpoint, known_hubs=known, timeout=5.0) as c:
        await c.register("developer", "dana", "secret")
        await c.login("developer", "dana", "secret")
        await publish(c, make_server_game(tmp_path / "crashy", "crashy", server=ESCAPING_SERVER))
        for user in players:
            await c.register("player", user, "secret")
    rng = random.Random(9)
    pending: list[asyncio.Future[None]] = []
    servers_seen = 0
    try:
        for _cycle in range(KILL_CYCLES):
            creating = asyncio.ensure_future(create_rooms(hub.endpoint, known, players))
            pending.append(creating)
            await asyncio.sleep(rng.uniform(0.0, 0.6))
            servers_seen += len(game_pids(marker))
            hub.kill()
            creating.cancel()  # requests to the dead hub would only time out
            await asyncio.wait([creating], timeout=1)
            hub = HubProcess(data)  # its start kills what the dead one left
            # What its start killed may take a moment to leave on a loaded machine; a
            # survivor (never killed) is still there after the grace.
            with contextlib.suppress(AssertionError):
                await eventually(lambda: game_pids(marker) == [], timeout=3.0)
            left = game_pids(marker)
            assert left == [], [describe(pid) for pid in left]
    finally:
        hub.kill()
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    assert servers_seen > 0  # rooms were indeed being created when the hubs died
    leftover = HubProcess(data)
    leftover.kill()
    assert game_pids(marker) == []


async def test_without_cgroups_setsid_escapes_still_die_with_the_room(tmp_path: Path) -> None:
    """The fallback: the hub is a child subreaper and finds escapees by their room token."""
    hub = HubProcess(tmp_path / "data", GAMEHUB_NO_CGROUPS="1")
    known = KnownHubs(tmp_path / "known_hubs.json")
    name = f"hostile{secrets.token_hex(4)}"
    try:
        async with (
            await HubClient.connect(hub.endpoint, known_hubs=known, timeout=5.0) as dev,
            await HubClient.connect(hub.endpoint, known_hubs=known, timeout=5.0) as ann,
        ):
            await dev.register("developer", "dana", "secret")
            await dev.login("developer", "dana", "secret")
            game = make_server_game(tmp_path / name, name, server=PRELUDE + SETSID_ESCAPE + SLEEP)
            await publish(dev, game)
            await ann.register("player", "ann", "secret")
            await ann.login("player", "ann", "secret")
            room = (await ann.create_room(name, timeout=20)).room
            await eventually(lambda: len(game_pids(f"GAME_NAME={name}")) == 4)
            await ann.leave_room(room.id, timeout=20)
            await eventually(lambda: game_pids(f"GAME_NAME={name}") == [])
    finally:
        hub.kill()
        for pid in game_pids(f"GAME_NAME={name}"):  # what a failure left behind
            os.kill(pid, signal.SIGKILL)
