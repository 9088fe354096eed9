"""What confines game servers: records before the fork, per-room cgroups, the capped log, pruning.

Real processes, real cgroups (root on Linux with cgroup v1; skipped elsewhere), real files.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from hub_core.gameprocs import (
    ProcessLimits,
    ServerSpec,
    WarmSpare,
    kill_orphans,
    protections,
    server_command,
    start_server,
)
from hub_core.gameprocs import _cgroup as cgroups
from hub_core.gameprocs import _os as osx
from hub_core.gameprocs._log import LOG_KEEP, LOG_SLACK, RoomLog, prune_logs
from hub_core.gameprocs._orphans import write_record
from hub_core.gameprocs._room import INSTANCE, RoomJail
from hub_core.gameprocs._spare import SlotState
from hub_core.run_script import CONFINE_VARIABLE, confinement
from tests.hub_core.gameprocs.test_gameprocs import eventually

needs_cgroups = pytest.mark.skipif(
    not (osx.HAS_PROC and protections().cgroups), reason="needs cgroup v1 and root"
)
FAKEGAMES = Path(__file__).parent.parent / "fakegames"
SLEEPER = "import time; time.sleep(60)"


def run_in(
    group: cgroups.RoomCgroup, folder: Path, script: str, **options: Any
) -> subprocess.Popen[bytes]:
    """A script that joins the cgroup before its first line, as a game server does."""
    path = folder / "game.py"
    path.write_text(script)
    env = os.environ | {CONFINE_VARIABLE: confinement(os.getpid(), [], group.join_fds, -1)}
    command = server_command(path)
    return subprocess.Popen(command, env=env, pass_fds=group.join_fds, **options)


def sleeper_in(group: cgroups.RoomCgroup, folder: Path) -> subprocess.Popen[bytes]:
    """A sleeping game, returned once it has joined the cgroup (its first act after exec)."""
    proc = run_in(group, folder, SLEEPER, start_new_session=True)
    deadline = time.monotonic() + 10
    while group.members() < 1 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    return proc


@needs_cgroups
def test_a_record_written_before_the_fork_is_enough_to_kill_the_room(tmp_path: Path) -> None:
    state = tmp_path / "servers"
    jail = RoomJail.prepare("r1", tmp_path, state, max_pids=8)
    assert jail.cgroup is not None
    write_record(state, "r1", None, jail.record())  # the hub died right after the fork
    proc = sleeper_in(jail.cgroup, tmp_path)
    jail.spawned()
    try:
        assert jail.cgroup.members() == 1
        assert kill_orphans(state) == 1
        assert proc.wait(timeout=5) == -9
        assert not jail.cgroup.paths[0].exists()
        assert not (state / "scratch" / "r1").exists()
        assert list(state.glob("*.json")) == []
    finally:
        proc.kill()
        proc.wait()


@needs_cgroups
def test_rooms_of_a_hub_that_is_gone_are_killed_without_a_record(tmp_path: Path) -> None:
    dead_hub = "999999999-test"  # no such pid
    group = cgroups.RoomCgroup.create(dead_hub, f"r{os.getpid()}", 8)
    proc = sleeper_in(group, tmp_path)
    group.close_fds()
    try:
        assert cgroups.sweep() >= 1
        assert proc.wait(timeout=5) == -9
        assert not group.paths[0].parent.exists()
    finally:
        proc.kill()
        proc.wait()


@needs_cgroups
def test_the_process_limit_holds_for_root(tmp_path: Path) -> None:
    group = cgroups.RoomCgroup.create("limit-test", f"r{os.getpid()}", 5)
    script = "import os, time\nn = 0\ntry:\n    for _ in range(50):\n        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)\n        n += 1\nexcept OSError:\n    pass\nprint(n)\n"  # noqa: E501
    proc = run_in(group, tmp_path, script, stdout=subprocess.PIPE)
    group.close_fds()
    try:
        assert proc.stdout is not None
        assert int(proc.stdout.readline()) == 4  # 5 tasks: the parent and 4 children
        assert group.refused_forks() >= 1
    finally:
        group.remove()
        proc.wait()
    assert not group.paths[0].exists()


def test_scratch_folders_of_a_crashed_hub_are_removed(tmp_path: Path) -> None:
    state = tmp_path / "servers"
    (state / "scratch" / "old" / "tmp").mkdir(parents=True)
    (state / "scratch" / "old" / "big.bin").write_bytes(b"x" * 1000)
    kill_orphans(state)
    assert not (state / "scratch").exists()


async def test_the_log_keeps_the_last_mib_and_says_what_was_dropped(tmp_path: Path) -> None:
    log = RoomLog(tmp_path / "room.log")
    log.note("Starting")
    stream = asyncio.StreamReader()
    line = b"y" * 99 + b"\n"
    for n in range(50_000):  # 5 MB
        stream.feed_data(line if n < 49_999 else b"the last line\n")
    stream.feed_eof()
    await log.pump(stream)
    log.close()
    data = (tmp_path / "room.log").read_bytes()
    assert len(data) <= LOG_KEEP + LOG_SLACK + 200
    assert b"Earlier output was dropped" in data.splitlines()[0]
    assert data.endswith(b"the last line\n")
    assert log.last_lines(1) == ["the last line"]


def test_old_room_logs_are_pruned_but_open_rooms_keep_theirs(tmp_path: Path) -> None:
    now = time.time()
    ages_days = {"a": 0, "b": 1, "c": 2, "d": 30, "e": 3}
    for name, days in ages_days.items():
        path = tmp_path / f"{name}.log"
        path.write_text(name)
        os.utime(path, (now - days * 86400, now - days * 86400))
    removed = prune_logs(tmp_path, keep=2, max_age_days=14, spare={"e"})
    assert sorted(p.stem for p in tmp_path.glob("*.log")) == ["a", "b", "e"]
    assert removed == 2


def test_protections_name_what_is_active_in_one_line() -> None:
    found = protections()
    line = found.describe()
    assert line.startswith("Game servers:")
    assert ("Landlock ABI" in line) == bool(found.landlock_abi)
    assert ("cgroup per room" in line) == found.cgroups
    assert json.dumps(found.as_dict())


@pytest.mark.skipif(not protections().landlock_abi, reason="needs Landlock")
def test_releasing_a_room_twice_closes_no_fd_of_someone_else(tmp_path: Path) -> None:
    jail = RoomJail.prepare("r2", tmp_path, tmp_path / "servers", max_pids=8)
    assert jail.ruleset is not None
    jail.spawned()  # after the fork: the hub's copies of the fds are closed...
    others = [os.open(os.devnull, os.O_RDONLY) for _ in range(6)]  # ...and reused by others
    try:
        jail.release()  # the room ends later: it must not close those numbers again
        for fd in others:
            os.fstat(fd)
    finally:
        for fd in others:
            os.close(fd)


@needs_cgroups
@pytest.mark.skipif(not protections().landlock_abi, reason="needs Landlock")
@pytest.mark.parametrize("via_spare", [False, True], ids=["started", "warm-spare"])
async def test_the_games_first_line_already_runs_inside_its_jail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, via_spare: bool
) -> None:
    """The server confines itself (run_script.confine), before any of the game's code.

    Nothing on PYTHONPATH (a game's libraries) runs before that either: a sitecustomize
    there would run first under a plain ``python script.py``. The same holds for a
    server that is the hub's warm spare, which started before its room existed.
    """
    package = tmp_path / "package"
    shutil.copytree(FAKEGAMES, package, ignore=shutil.ignore_patterns("__pycache__"))
    early = tmp_path / "libs"
    early.mkdir()
    (early / "sitecustomize.py").write_text("print('EARLY', flush=True)\n")
    (tmp_path / "secret.txt").write_text("the hub's")
    monkeypatch.setenv("PYTHONPATH", str(early))
    monkeypatch.setenv("GAME_OUTSIDE", str(tmp_path / "secret.txt"))
    spec = ServerSpec(
        room_id="room1", game="fake", version="1.0.0", package_dir=package,
        entry="first_line.py", players=["alice"], bind_host="127.0.0.1",
        lobby_host="127.0.0.1", lobby_connect_host="127.0.0.1", lobby_port=1,
        log_path=tmp_path / "room1.log",
    )  # fmt: skip
    limits = ProcessLimits(open_files=77)
    spare = WarmSpare() if via_spare else None
    if spare is not None:
        spare.refill()
        await eventually(lambda: spare.state is SlotState.WAITING, timeout=10)
    warm = spare.pid if spare is not None else None
    server = await start_server(spec, limits=limits, state_dir=tmp_path / "state", spare=spare)
    try:
        assert (server.pid == warm) is via_spare
        lines = (tmp_path / "room1.log").read_text().splitlines()
        assert not [line for line in lines if line.startswith("EARLY")]
        jail = json.loads(next(line[5:] for line in lines if line.startswith("JAIL ")))
        room = f"/gamehub/{INSTANCE}/room1"
        assert any(line.endswith(f":pids:{room}") for line in jail["cgroups"]), jail["cgroups"]
        assert any(line.endswith(f":freezer:{room}") for line in jail["cgroups"])
        assert jail["no_new_privs"] == "1"
        assert jail["outside"] == "refused"  # Landlock: only the package and the runtime
        assert jail["nofile"] == [77, 77]
        assert len(jail["fds"]) <= 4  # 0-2 and listdir's: the hub's fds were closed
        # PYTHONPATH is back on the game's path, after its own folder, as python puts it
        assert jail["path"][:2] == [str(package.resolve()), str(early)]
    finally:
        await server.stop(grace=0)
        if spare is not None:
            await spare.close()
