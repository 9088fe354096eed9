"""The warm spare (gameprocs._spare, hub_core.run_spare): a room's server that had started
before its room existed. Real spare processes, real servers on 127.0.0.1, real jails.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.gameprocs import GameServer, WarmSpare, kill_orphans, start_server
from hub_core.gameprocs import _os as osx
from hub_core.gameprocs._cgroup import ROOT as CGROUPS
from hub_core.gameprocs._spare import POOL, SUPPORTED, SlotState
from hub_core.gameprocs._spawn import output_reader
from hub_core.run_script import CONFINE_VARIABLE, EXIT_UNCONFINED, confinement
from hub_core.server.thread import HubThread
from hub_core.wire.keys import KnownHubs
from tests.hub_core.gamefactory import make_server_game
from tests.hub_core.gameprocs.test_gameprocs import (
    connects,
    eventually,
    make_spec,
    reported,
)

pytestmark = pytest.mark.skipif(not (SUPPORTED and osx.HAS_PROC), reason="needs fd passing")


@pytest.fixture
async def spare() -> AsyncIterator[WarmSpare]:
    warm = WarmSpare()
    yield warm
    await warm.close()


async def waiting(warm: WarmSpare) -> int:
    """Starts the spare (as a hub does after a room) and returns its pid once it waits."""
    warm.refill()
    await eventually(lambda: warm.state is SlotState.WAITING)
    assert warm.pid is not None
    return warm.pid


def environ_of(pid: int) -> list[bytes]:
    """What the kernel shows as a process's environment: the one it was started with."""
    return Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")


def cgroup_folders(pid: int) -> list[Path]:
    """The folders of the hub's cgroups a process is in (none where the hub makes none)."""
    found = []
    for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if path.startswith("/gamehub/") and controllers in ("pids", "freezer"):
            found.append(CGROUPS / controllers / path.lstrip("/"))
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent."""
    stat = osx.proc_stat(pid)
    return stat is not None and stat[0] not in "ZX"


async def start(
    package: Path, state_dir: Path, warm: WarmSpare | None, room: str = "room1"
) -> GameServer:
    spec = make_spec(package, "echo_server.py", room_id=room)
    return await start_server(spec, state_dir=state_dir, spare=warm, ready_timeout=10.0)


async def test_a_rooms_server_is_the_spare_and_the_next_room_gets_a_fresh_one(
    spare: WarmSpare, package: Path, state_dir: Path
) -> None:
    first = await waiting(spare)
    server = await start(package, state_dir, spare)
    try:
        assert server.pid == first
        assert connects(server.port)
        # The orphan record names the spare's real pid and command line.
        record = json.loads((state_dir / "room1.json").read_text())
        assert record["pid"] == first
        assert record["cmdline"] == osx.proc_cmdline(first)
        # Without cgroups the hub finds a room's processes by the token the kernel shows
        # in /proc/PID/environ: the spare was started with its room's.
        marker = f"GAMEHUB_ROOM_TOKEN={record['token']}".encode()
        assert marker in environ_of(first)
        await eventually(lambda: spare.state is SlotState.WAITING)  # refilled once taken
        second = spare.pid
        assert second is not None and second != first
        other = await start(package, state_dir, spare, room="room2")
        assert other.pid == second
        await other.stop(grace=0.5)
    finally:
        await server.stop(grace=0.5)


async def test_env_argv_cwd_and_fds_are_those_of_a_directly_started_server(
    spare: WarmSpare, package: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAME_ENV_DUMP", "1")
    monkeypatch.setenv("GAMEHUB_PASSWORD", "secret")
    seen = []
    for warm in (None, spare):
        if warm is not None:
            await waiting(warm)
        server = await start(package, state_dir, warm)
        await eventually(lambda: reported(package, "ENV") is not None)
        info = json.loads(reported(package, "ENV") or "")
        (package.parent / "logs" / "room1.log").unlink()
        per_room = {"GAME_PORT": "", "GAMEHUB_ROOM_TOKEN": ""}  # differ per room
        assert info["env"]["GAME_PORT"] == str(server.port)
        env = info["env"] | per_room
        seen.append((env, info["cwd"], info["argv"], len(info["fds"]), info["nice"]))
        assert (server.pid == spare.pid) is False  # the spare was used up, if there was one
        await server.stop(grace=0.5)
    direct, through_spare = seen
    changed = {
        k
        for k in direct[0].keys() | through_spare[0].keys()
        if direct[0].get(k) != through_spare[0].get(k)
    }
    assert changed == set(), {k: (direct[0].get(k), through_spare[0].get(k)) for k in changed}
    assert through_spare == direct
    assert "GAMEHUB_PASSWORD" not in direct[0] and direct[0]["GAME_ENV_DUMP"] == "1"


async def test_a_spare_killed_before_use_leaves_the_room_a_direct_start(
    spare: WarmSpare, package: Path, state_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dead = await waiting(spare)
    os.kill(dead, signal.SIGKILL)
    await eventually(lambda: not alive(dead))
    with caplog.at_level(logging.INFO, logger="hub_core.gameprocs"):
        server = await start(package, state_dir, spare)
    try:
        assert server.pid != dead
        assert connects(server.port)
        assert "The warm spare failed" in caplog.text
        await eventually(lambda: spare.state is SlotState.WAITING and spare.pid != dead)
    finally:
        await server.stop(grace=0.5)


async def test_a_spare_older_than_the_hubs_environment_is_replaced(
    spare: WarmSpare,
    package: Path,
    state_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stale = await waiting(spare)
    monkeypatch.setenv("GAME_SOMETHING_NEW", "1")
    with caplog.at_level(logging.INFO, logger="hub_core.gameprocs"):
        server = await start(package, state_dir, spare)
    try:
        assert server.pid != stale
        assert "replaced" in caplog.text
        await eventually(lambda: not alive(stale))  # told to go: EOF on its socket
        await eventually(lambda: spare.state is SlotState.WAITING)
    finally:
        await server.stop(grace=0.5)


async def test_a_spare_that_cannot_be_confined_never_runs_the_game(
    spare: WarmSpare, tmp_path: Path
) -> None:
    """A jail part that does not work (a cgroup file it cannot write) stops it as today."""
    await waiting(spare)
    claim = spare.claim()
    assert claim is not None
    token, cgroup = claim  # the room's now: its jail would remove it
    game = tmp_path / "game.py"
    game.write_text("print('GAME RAN', flush=True)\n")
    broken = os.open(os.devnull, os.O_RDONLY)
    try:
        env = dict(os.environ) | {
            "GAMEHUB_ROOM_TOKEN": token,
            CONFINE_VARIABLE: confinement(os.getpid(), [], [broken], -1),
        }
        taken = await spare.take([str(game)], tmp_path, env, (broken,))
    finally:
        os.close(broken)
    assert taken is not None
    output = await output_reader(taken.read_end)
    assert await asyncio.wait_for(taken.proc.wait(), 10) == EXIT_UNCONFINED
    text = (await asyncio.wait_for(output.read(), 10)).decode()
    assert "GameHub could not confine this game server" in text
    assert "GAME RAN" not in text
    if cgroup is not None:
        cgroup.remove()


async def test_an_orphaned_spare_server_is_killed_by_the_next_hub(
    spare: WarmSpare, package: Path, state_dir: Path
) -> None:
    pid = await waiting(spare)
    server = await start(package, state_dir, spare)
    try:
        assert server.pid == pid
        assert kill_orphans(state_dir) == 1  # matched by its record: pid, cmdline, start
        await eventually(lambda: not alive(pid))
    finally:
        await server.stop(grace=0)


async def test_unassigned_spares_exit_when_the_hub_closes_them(spare: WarmSpare) -> None:
    spare.refill()
    await eventually(lambda: len(spare.waiting) == POOL)
    pids = spare.waiting
    procs = [slot.spare.proc for slot in spare._slots if slot.spare is not None]
    groups = [folder for pid in pids for folder in cgroup_folders(pid)]
    await spare.close()
    assert not any(alive(pid) for pid in pids)
    assert [proc.returncode for proc in procs] == [0] * POOL  # left by themselves at EOF
    assert not [folder for folder in groups if folder.exists()]  # their cgroups went too
    spare.refill()  # a stopping hub starts none again
    assert spare.state is SlotState.CLOSED and spare.pid is None


async def test_two_rooms_created_back_to_back_each_get_a_warm_spare(
    spare: WarmSpare, package: Path, state_dir: Path
) -> None:
    """The next spare starts once a room listens; a room created right after it takes the
    other spare, which had started already, instead of waiting for that start."""
    spare.refill()
    await eventually(lambda: len(spare.waiting) == POOL)
    warm = set(spare.waiting)
    first = await start(package, state_dir, spare, room="room1")
    second = await start(package, state_dir, spare, room="room2")
    try:
        assert {first.pid, second.pid} == warm
        assert connects(first.port) and connects(second.port)
    finally:
        await first.stop(grace=0.5)
        await second.stop(grace=0.5)


# -- in a hub ------------------------------------------------------------------------


async def open_room(endpoint: str, known: KnownHubs, user: str) -> str:
    """A player's room of the "pong" test game; its id."""
    async with await HubClient.connect(endpoint, known_hubs=known, timeout=5.0) as c:
        await c.register("player", user, "secret")
        await c.login("player", user, "secret")
        return (await c.create_room("pong", timeout=20)).room.id


async def publish_pong(endpoint: str, known: KnownHubs, tmp_path: Path) -> None:
    async with await HubClient.connect(endpoint, known_hubs=known, timeout=5.0) as dev:
        await dev.register("developer", "dana", "secret")
        await dev.login("developer", "dana", "secret")
        await publish(dev, make_server_game(tmp_path / "pong", "pong"))


def spares_of(hub_pid: int) -> list[int]:
    """The live spare processes a hub process started."""
    pids = [pid for pid in osx.all_pids() if "--spare" in (osx.proc_cmdline(pid) or [])]
    return [pid for pid in pids if _ppid(pid) == hub_pid and alive(pid)]


def _ppid(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return -1
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


async def test_a_hub_starts_its_spare_after_a_room_and_stops_it_with_itself(
    hub: HubThread, endpoint: str, known_hubs: KnownHubs, tmp_path: Path
) -> None:
    spare = hub.hub.spare
    await publish_pong(endpoint, known_hubs, tmp_path)
    assert spare.state is SlotState.EMPTY  # none until the hub hosts a room
    await open_room(endpoint, known_hubs, "ann")
    await eventually(lambda: spare.state is SlotState.WAITING)
    first = spare.pid
    assert first is not None
    room = await open_room(endpoint, known_hubs, "bob")
    assert hub.hub.lobby._servers[room].pid == first  # the second room's server: the spare
    await eventually(lambda: spare.state is SlotState.WAITING)
    waiting_one = spare.pid
    assert waiting_one is not None and waiting_one != first
    await asyncio.to_thread(hub.stop)
    assert not alive(first) and not alive(waiting_one)
    assert spares_of(os.getpid()) == []


def hub_process(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A real hub in its own process (tests/stress/_hub_main.py) and its endpoint."""
    hub = subprocess.Popen(
        [sys.executable, "-m", "tests.stress._hub_main", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert hub.stdout is not None
    return hub, f"127.0.0.1:{json.loads(hub.stdout.readline())['req_port']}"


async def test_an_unassigned_spare_dies_with_a_hub_killed_9(tmp_path: Path) -> None:
    known = KnownHubs(tmp_path / "known_hubs.json")
    hub, endpoint = await asyncio.to_thread(hub_process, tmp_path / "data")
    try:
        await publish_pong(endpoint, known, tmp_path)
        await open_room(endpoint, known, "ann")
        await eventually(lambda: len(spares_of(hub.pid)) == POOL, timeout=15)
        started = spares_of(hub.pid)  # the spares started after that (direct) room
    finally:
        hub.kill()
        await asyncio.to_thread(hub.wait, 10)
    await eventually(lambda: not any(alive(pid) for pid in started), timeout=10)


async def test_no_spare_when_turned_off(
    package: Path,
    state_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("GAMEHUB_NO_SPARE", "1")
    warm = WarmSpare()
    with caplog.at_level(logging.INFO, logger="hub_core.gameprocs"):
        server = await start(package, state_dir, warm)
    try:
        assert warm.state is SlotState.EMPTY and warm.pid is None  # none started after it
        assert "turned off by GAMEHUB_NO_SPARE=1" in caplog.text
    finally:
        await server.stop(grace=0.5)
        await warm.close()
