"""Game servers as real child processes on 127.0.0.1: start, ready, exit, stop, limits, orphans.

The fake servers live in tests/hub_core/fakegames; each test copies them into its own
package folder, which is the servers' working directory.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol

import pytest

from hub_core import gameprocs
from hub_core.gameprocs import (
    GameServer,
    GameStartError,
    ProcessLimits,
    ServerExit,
    ServerSpec,
    ServerState,
    _spawn,
    game_command,
    kill_orphans,
    server_command,
    start_server,
)
from hub_core.gameprocs import _os as osx
from hub_core.server.lobby.callback import GameFinished, LobbyCallback

needs_posix = pytest.mark.skipif(not osx.POSIX, reason="process groups and rlimits are POSIX")
needs_proc = pytest.mark.skipif(not osx.HAS_PROC, reason="needs Linux /proc")
DEFAULT_LIMITS = ProcessLimits()


class Start(Protocol):
    async def __call__(
        self, entry: str, *, limits: ProcessLimits = ..., ready_timeout: float = ...
    ) -> GameServer: ...


def make_spec(package: Path, entry: str, **changes: Any) -> ServerSpec:
    values: dict[str, Any] = {
        "room_id": "room1",
        "game": "fake",
        "version": "1.2.3",
        "package_dir": package,
        "entry": entry,
        "players": ["alice", "bob"],
        "bind_host": "127.0.0.1",
        "lobby_host": "127.0.0.1",
        "lobby_connect_host": "127.0.0.1",
        "lobby_port": 1,
        "log_path": package.parent / "logs" / "room1.log",
    }
    values.update(changes)
    return ServerSpec(**values)


@pytest.fixture
async def start(package: Path, state_dir: Path) -> AsyncIterator[Start]:
    """Starts fake servers; whatever is still running at the end is stopped."""
    started: list[GameServer] = []

    async def start_(
        entry: str, *, limits: ProcessLimits = DEFAULT_LIMITS, ready_timeout: float = 5.0
    ) -> GameServer:
        spec = make_spec(package, entry)
        server = await start_server(
            spec, limits=limits, ready_timeout=ready_timeout, state_dir=state_dir
        )
        started.append(server)
        return server

    yield start_
    for server in started:
        await server.stop(grace=0.5)


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Waits until ``check()`` holds, for what the hub does not await (grandchildren dying)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition did not hold in time"
        await asyncio.sleep(0.01)


def live_members(pgid: int) -> list[int]:
    """Processes of a group that are alive (not zombies waiting for init to reap them)."""
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    return [p for p in pids if (s := osx.proc_stat(p)) and s[1] == pgid and s[0] not in "ZX"]


def connects(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def records(state_dir: Path) -> list[Path]:
    """What is left in the orphan records folder: records, and scratch folders of rooms."""
    if not state_dir.exists():
        return []
    scratch = state_dir / "scratch"
    rooms = sorted(scratch.iterdir()) if scratch.exists() else []
    return sorted(p for p in state_dir.iterdir() if p != scratch) + rooms


def real(path: Path) -> Path:
    return path.resolve()


def log_text(package: Path) -> str:
    return (package.parent / "logs" / "room1.log").read_text()


def reported(package: Path, key: str) -> str | None:
    """What a fake server printed as ``KEY value`` (fakelib), read from the room's log."""
    path = package.parent / "logs" / "room1.log"
    lines = path.read_text().splitlines() if path.exists() else []
    values = [line.split(" ", 1)[1] for line in lines if line.startswith(key + " ")]
    return values[-1] if values else None


async def until_reported(package: Path, key: str) -> str:
    await eventually(lambda: reported(package, key) is not None)
    value = reported(package, key)
    assert value is not None
    return value


# -- the contract ----------------------------------------------------------------------


async def test_env_and_cwd_follow_the_contract(
    start: Start, package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAME_ENV_DUMP", "1")
    monkeypatch.setenv("GAMEHUB_PASSWORD", "secret")
    server = await start("echo_server.py")
    info = json.loads(await until_reported(package, "ENV"))
    env = info["env"]
    run_dir = real(package) if gameprocs.protections().landlock_abi else server.scratch / "package"
    assert Path(info["cwd"]) == run_dir
    assert env["HOME"] == str(server.scratch)
    assert env["TMPDIR"] == str(server.scratch / "tmp")
    assert {k: env[k] for k in ("GAME_HOST", "GAME_PORT", "ROOM_ID", "GAME_NAME")} == {
        "GAME_HOST": "127.0.0.1",
        "GAME_PORT": str(server.port),
        "ROOM_ID": "room1",
        "GAME_NAME": "fake",
    }
    assert env["GAME_VERSION"] == "1.2.3"
    assert env["GAME_PLAYERS"] == "alice,bob"
    assert (env["LOBBY_HOST"], env["LOBBY_CONNECT_HOST"], env["LOBBY_PORT"]) == (
        "127.0.0.1",
        "127.0.0.1",
        "1",
    )
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["PATH"] == os.environ["PATH"]  # the hub's environment is passed on...
    assert "GAMEHUB_PASSWORD" not in env  # ...but not the user's password
    assert info["argv"] == [str(run_dir / "echo_server.py")]
    # stdin, stdout, stderr and the one listdir opened: the hub's cgroup and Landlock fds,
    # open in the child until exec, are not inherited by the game.
    assert len(info["fds"]) <= 4 if osx.HAS_PROC else True


async def test_a_silent_server_is_ready_and_serves(start: Start, package: Path) -> None:
    server = await start("echo_server.py")
    with socket.create_connection(("127.0.0.1", server.port), timeout=2) as conn:
        conn.sendall(b"hello")
        assert conn.recv(16) == b"hello"
    lines = log_text(package).splitlines()
    assert len(lines) == 1 and lines[0].startswith("[gamehub]")  # only the hub's header
    assert not server.exited


async def test_ready_waits_until_the_server_listens(start: Start) -> None:
    began = time.monotonic()
    server = await start("slow_start.py")
    assert connects(server.port)  # start_server returned no earlier than the listen
    assert time.monotonic() - began >= 0.5


def test_probes_start_at_2_ms_and_stay_at_most_5_ms_apart() -> None:
    delays = gameprocs._probe_delays()
    schedule = [next(delays) for _ in range(8)]
    assert schedule[0] == 0.002
    assert schedule == sorted(schedule)
    assert schedule[-1] == 0.005  # a slow poll would delay every room's creation


@pytest.mark.parametrize(
    ("bind", "probe"), [("0.0.0.0", "127.0.0.1"), ("::", "::1"), ("192.168.1.5", "192.168.1.5")]
)
def test_wildcard_binds_are_probed_on_loopback(bind: str, probe: str) -> None:
    assert gameprocs._probe_host(bind) == probe


# -- failing to start ------------------------------------------------------------------


async def test_crash_at_once_reports_exit_code_and_output(start: Start, state_dir: Path) -> None:
    with pytest.raises(GameStartError, match="exit code 3") as caught:
        await start("crash_server.py")
    assert "boom" in str(caught.value)
    assert records(state_dir) == []


async def test_never_listening_times_out_and_is_killed(
    start: Start, package: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAME_PID_FILE", "1")
    with pytest.raises(GameStartError, match=r"did not listen on port \d+ within 0.5 s"):
        await start("never_listens.py", ready_timeout=0.5)
    pid = int(await until_reported(package, "PID"))
    assert not osx.is_alive(pid)
    assert records(state_dir) == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("nope.py", "missing"),
        ("../outside.py", "not inside"),
        ("/etc/hostname", "not inside"),
        ("", "not inside"),
        ("link.py", "leads outside"),
    ],
)
async def test_bad_entries_are_refused(
    package: Path, state_dir: Path, tmp_path: Path, entry: str, message: str
) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("print('not from the package')\n")
    (package / "link.py").symlink_to(outside)
    with pytest.raises(GameStartError, match=message):
        await start_server(make_spec(package, entry), state_dir=state_dir)


async def test_a_missing_package_folder_is_refused(tmp_path: Path, state_dir: Path) -> None:
    spec = make_spec(tmp_path / "gone", "start_server.py")
    with pytest.raises(GameStartError, match="missing"):
        await start_server(spec, state_dir=state_dir)


# -- running and stopping ----------------------------------------------------------------


@needs_posix
async def test_exit_is_noticed_at_once(start: Start, state_dir: Path) -> None:
    server = await start("echo_server.py")
    waiting = asyncio.ensure_future(server.wait())
    await asyncio.sleep(0.05)
    assert not waiting.done()  # nothing resolves before the exit...
    os.kill(server.pid, signal.SIGKILL)
    ended = await asyncio.wait_for(waiting, 5)  # ...and it resolves when it happens
    assert (ended.returncode, ended.signal_name) == (None, "SIGKILL")
    assert "killed by SIGKILL" in ended.describe()
    assert server.exited
    assert records(state_dir) == []
    assert "[gamehub]" in log_text(state_dir.parent / "package").splitlines()[-1]


@needs_proc
async def test_stop_kills_the_whole_group(start: Start, package: Path, state_dir: Path) -> None:
    server = await start("spawns_child.py")
    grandchild = int(await until_reported(package, "CHILD"))
    assert osx.is_alive(grandchild)
    await server.stop()
    await server.stop()  # idempotent
    assert not osx.is_alive(server.pid)
    await eventually(lambda: not osx.is_alive(grandchild))
    assert (await server.wait()).describe().startswith("The game server was stopped by the hub")
    assert records(state_dir) == []


@needs_proc
async def test_a_server_that_dies_takes_its_children_along(start: Start, package: Path) -> None:
    server = await start("spawns_child.py")
    grandchild = int(await until_reported(package, "CHILD"))
    os.kill(server.pid, signal.SIGKILL)  # the leader only
    await server.wait()
    await eventually(lambda: not osx.is_alive(grandchild))


@needs_posix
async def test_stop_escalates_to_sigkill(start: Start) -> None:
    server = await start("stubborn.py")
    await server.stop(grace=0.2)
    ended = await server.wait()
    assert ended.signal_name == "SIGKILL"


async def test_the_orphan_record_lives_as_long_as_the_server(start: Start, state_dir: Path) -> None:
    server = await start("echo_server.py")
    record = json.loads((state_dir / "room1.json").read_text())
    assert record["pid"] == record["pgid"] == server.pid
    assert record["port"] == server.port
    assert record["cmdline"] == server_command(real(server.spec.package_dir) / "echo_server.py")
    assert abs(record["started"] - time.time()) < 60
    await server.stop()
    assert not (state_dir / "room1.json").exists()


async def test_a_game_reports_its_end_to_the_lobby(package: Path, state_dir: Path) -> None:
    reports: list[GameFinished] = []

    async def on_finished(report: GameFinished) -> tuple[bool, str]:
        reports.append(report)
        return True, "The room is waiting again."

    callback = LobbyCallback(on_finished)
    port = await callback.start()
    try:
        spec = make_spec(package, "reports_finished.py", lobby_port=port)
        server = await start_server(spec, state_dir=state_dir)
        ended = await asyncio.wait_for(server.wait(), 10)
    finally:
        await callback.stop()
    assert ended.returncode == 0
    assert reports == [
        GameFinished("room1", False, {"winner": "alice", "scores": {"alice": 0, "bob": 1}})
    ]
    assert 'lobby said {"ok": true' in log_text(package)


# -- limits ------------------------------------------------------------------------------


@needs_proc
async def test_a_fork_bomb_is_killed_by_the_process_watchdog(start: Start, package: Path) -> None:
    server = await start("fork_bomb.py", limits=ProcessLimits(processes=20))
    ended = await asyncio.wait_for(server.wait(), 10)
    assert ended.signal_name == "SIGKILL"
    assert "20 processes" in ended.describe()
    assert "20 processes" in log_text(package)
    await eventually(lambda: live_members(server.pid) == [])


@needs_posix
async def test_a_memory_hog_hits_its_memory_limit(start: Start, package: Path) -> None:
    server = await start("memory_hog.py", limits=ProcessLimits(memory_mb=200))
    ended = await asyncio.wait_for(server.wait(), 10)
    assert ended.returncode == 1
    assert "MemoryError" in ended.describe()
    assert "MemoryError" in log_text(package)


@needs_posix
async def test_a_busy_loop_hits_its_cpu_limit(start: Start, package: Path) -> None:
    server = await start("busy_loop.py", limits=ProcessLimits(cpu_seconds=1))
    ended = await asyncio.wait_for(server.wait(), 20)
    assert ended.signal_name in ("SIGXCPU", "SIGKILL")
    assert "CPU time" in ended.describe()
    assert "CPU time" in log_text(package)


@needs_posix
async def test_a_disk_filler_hits_its_file_size_limit(start: Start, package: Path) -> None:
    server = await start("disk_filler.py", limits=ProcessLimits(file_size_mb=5))
    ended = await asyncio.wait_for(server.wait(), 10)
    assert ended.returncode == 1
    assert "File too large" in log_text(package)
    assert not (package / "filler.bin").exists()  # it wrote to its scratch folder...
    assert not server.scratch.exists()  # ...which went with the room


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="memory_mb"):
        ProcessLimits(memory_mb=0)


# -- orphans -----------------------------------------------------------------------------


@needs_proc
async def test_kill_orphans_kills_a_server_left_running(start: Start, state_dir: Path) -> None:
    server = await start("echo_server.py")  # as if the hub had died now
    assert await asyncio.to_thread(kill_orphans, state_dir) == 1
    ended = await asyncio.wait_for(server.wait(), 5)
    assert ended.signal_name == "SIGKILL"
    assert records(state_dir) == []


def spawn_group(package: Path, script: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A process group like one a crashed hub left behind; its output on a pipe."""
    command = game_command(package / script)
    return subprocess.Popen(
        command,
        cwd=package,
        env={**os.environ, **env},
        start_new_session=True,
        stdout=subprocess.PIPE,
    )


def write_record(state_dir: Path, name: str, pid: int, cmdline: list[str]) -> Path:
    state_dir.mkdir(exist_ok=True)
    path = state_dir / f"{name}.json"
    record = {"pid": pid, "pgid": pid, "port": 1, "started": time.time(), "cmdline": cmdline}
    path.write_text(json.dumps(record))
    return path


@needs_proc
async def test_kill_orphans_kills_a_leftover_group(
    package: Path, state_dir: Path, tmp_path: Path
) -> None:
    env = {"GAME_HOST": "127.0.0.1", "GAME_PORT": "0"}
    leader = spawn_group(package, "spawns_child.py", env)
    try:
        assert leader.stdout is not None
        line = await asyncio.to_thread(leader.stdout.readline)
        grandchild = int(line.split()[1])
        record = write_record(state_dir, "old", leader.pid, [str(a) for a in leader.args])  # type: ignore[union-attr]
        assert await asyncio.to_thread(kill_orphans, state_dir) == 1
        assert leader.wait(timeout=5) == -signal.SIGKILL
        await eventually(lambda: not osx.is_alive(grandchild))
        assert not record.exists()
    finally:
        leader.kill()
        leader.wait()


@needs_proc
async def test_kill_orphans_spares_a_pid_now_running_another_program(
    package: Path, state_dir: Path
) -> None:
    other = spawn_group(package, "never_listens.py", {})
    try:
        await eventually(lambda: osx.proc_cmdline(other.pid) == other.args)
        record = write_record(state_dir, "old", other.pid, game_command(package / "x.py"))
        assert await asyncio.to_thread(kill_orphans, state_dir) == 0
        assert osx.is_alive(other.pid)
        assert not record.exists()
    finally:
        other.kill()
        other.wait()


def test_kill_orphans_drops_garbage_and_tolerates_no_folder(tmp_path: Path) -> None:
    assert kill_orphans(tmp_path / "nowhere") == 0
    state = tmp_path / "state"
    state.mkdir()
    (state / "a.json").write_text("not json")
    (state / "b.json").write_text(json.dumps({"pid": "x", "pgid": 1, "cmdline": []}))
    (state / ".c.json.tmp").write_text("{}")
    assert kill_orphans(state) == 0
    assert list(state.iterdir()) == []


# -- commands and messages ---------------------------------------------------------------


def test_game_command_uses_this_python() -> None:
    assert game_command(Path("/g/s.py")) == [sys.executable, "-u", str(Path("/g/s.py"))]


def test_game_command_in_a_frozen_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert game_command(Path("/g/s.py")) == [sys.executable, "run-script", str(Path("/g/s.py"))]


@pytest.mark.parametrize(
    ("ended", "expected"),
    [
        (ServerExit(1, None, []), "The game server stopped (exit code 1)."),
        (
            ServerExit(1, None, ["Traceback", "  x()", "ValueError: bad"]),
            "The game server stopped (exit code 1). Last output: Traceback | x() | ValueError: bad",
        ),
        (
            ServerExit(None, "SIGKILL", []),
            "The game server was killed by SIGKILL (out of memory or CPU time?).",
        ),
        (ServerExit(None, "SIGHUP", []), "The game server was killed by SIGHUP."),
        (
            ServerExit(None, "SIGTERM", [], "was stopped by the hub"),
            "The game server was stopped by the hub.",
        ),
    ],
)
def test_exits_are_described_in_a_sentence(ended: ServerExit, expected: str) -> None:
    assert ended.describe() == expected


def test_long_output_is_shortened() -> None:
    text = ServerExit(1, None, ["x" * 1000]).describe()
    assert len(text) < 400 and text.endswith("x")


# -- the server's states, recorded --------------------------------------------------------


async def record_states(
    package: Path, state_dir: Path, entry: str, *, ready_timeout: float = 5.0
) -> tuple[list[ServerState], GameServer | None]:
    seen: list[ServerState] = []
    spec = make_spec(package, entry)
    try:
        server = await start_server(
            spec, ready_timeout=ready_timeout, state_dir=state_dir, on_state=seen.append
        )
    except GameStartError:
        return seen, None
    return seen, server


async def test_states_of_a_server_that_runs_and_is_stopped(package: Path, state_dir: Path) -> None:
    seen, server = await record_states(package, state_dir, "echo_server.py")
    assert server is not None and server.state is ServerState.RUNNING
    await server.stop()
    assert seen == ["starting", "running", "stopping", "exited"]
    await server.stop()  # twice is harmless and enters nothing new
    assert seen[-1] is ServerState.EXITED and len(seen) == 4


async def test_states_of_a_server_that_exits_by_itself(package: Path, state_dir: Path) -> None:
    (package / "brief.py").write_text(
        "import fakelib, time\nsock = fakelib.listen()\ntime.sleep(0.5)\n", encoding="utf-8"
    )
    seen, server = await record_states(package, state_dir, "brief.py")
    assert server is not None
    await server.wait()
    assert seen == ["starting", "running", "exited"]


async def test_states_of_a_server_that_crashes_during_start(package: Path, state_dir: Path) -> None:
    seen, server = await record_states(package, state_dir, "crash_server.py")
    assert server is None
    assert seen == ["starting", "exited"]


async def test_states_of_a_server_that_never_listens(package: Path, state_dir: Path) -> None:
    seen, server = await record_states(package, state_dir, "never_listens.py", ready_timeout=0.5)
    assert server is None
    assert seen == ["starting", "stopping", "exited"]


def test_a_port_handed_to_a_starting_server_is_not_handed_out_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The OS may offer the same free port twice before the first server binds it."""
    offered = iter([47001, 47001, 47001, 47002])
    monkeypatch.setattr(_spawn, "_unbound_port", lambda host: next(offered))
    monkeypatch.setattr(_spawn, "_HANDED_OUT", {})
    assert [_spawn.free_port("127.0.0.1"), _spawn.free_port("127.0.0.1")] == [47001, 47002]
    monkeypatch.setattr(_spawn, "_unbound_port", lambda host: 47001)
    with pytest.raises(GameStartError, match="No port is free"):
        _spawn.free_port("127.0.0.1")
