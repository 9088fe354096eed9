"""Starting a game server's process: its entry, port, environment, limits and log.

Every failure here is a GameStartError whose message names what went wrong.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hub_core import run_script
from hub_core.gameprocs import _os as osx
from hub_core.gameprocs._cgroup import RoomCgroup
from hub_core.gameprocs._log import RoomLog
from hub_core.gameprocs._orphans import write_record
from hub_core.gameprocs._room import RoomJail
from hub_core.gameprocs._types import GameStartError, ProcessLimits, ServerSpec

log = logging.getLogger("hub_core.gameprocs")

_PRIVATE_ENV = ("GAMEHUB_PASSWORD",)  # a stranger's game never sees the user's password


def game_command(script: Path) -> list[str]:
    """How to run a game's Python script with the Python that runs GameHub.

    A PyInstaller build has no separate Python: the GameHub executable runs the script
    itself through its hidden ``run-script`` sub-command (hub_core.cli.RUN_SCRIPT).
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, "run-script", str(script)]
    return [sys.executable, "-u", str(script)]


def server_command(script: Path) -> list[str]:
    """How the hub runs a game server: through run_script, which confines it first.

    From source, ``python -I`` runs run_script.main: isolated, so neither the game's
    folder, nor PYTHONPATH (its libraries), nor a user site-packages can put a module (a
    sitecustomize, a shadowed ctypes) in front of the jail; run_script puts PYTHONPATH
    back once the jail is on. A frozen build isolates itself that way.
    """
    if getattr(sys, "frozen", False):
        return game_command(script)
    return [sys.executable, "-I", "-u", "-c", _BOOT, str(script)]


def spare_command(fd: int, hub_pid: int, joins: list[int]) -> list[str]:
    """The hub's warm spare (hub_core.run_spare): ``server_command`` without a script yet;
    ``joins``: its cgroups' ``cgroup.procs`` fds, which it writes itself into first."""
    spare = ["--spare", str(fd), str(hub_pid), *([",".join(map(str, joins))] if joins else [])]
    if getattr(sys, "frozen", False):
        return [sys.executable, run_script.RUN_SCRIPT, *spare]
    return [sys.executable, "-I", "-u", "-c", _BOOT, *spare]


# Where hub_core is found goes last on the path (never ahead of the standard library) and
# comes off it again; a -c command, unlike a script run by its path, is not compiled
# afresh at every start: run_script's cached bytecode is used.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(run_script.__file__)))
_BOOT = (
    f"import sys; sys.path.append({_ROOT!r}); import hub_core.run_script as r; "
    "sys.path.pop(); r.main()"
)


def entry_script(spec: ServerSpec) -> Path:
    """The server script, refused if it lies outside the package (a stranger's manifest)."""
    entry = Path(spec.entry)
    if not spec.entry or entry.is_absolute() or ".." in entry.parts:
        raise GameStartError(f"The game's server entry {spec.entry!r} is not inside its package.")
    root = spec.package_dir.resolve()
    script = (root / entry).resolve()
    if not script.is_relative_to(root):
        raise GameStartError(f"The game's server entry {spec.entry!r} leads outside its package.")
    if not script.is_file():
        raise GameStartError(
            f"The game's server entry {spec.entry!r} is missing from {spec.package_dir}."
        )
    return script


# Ports handed to servers that may not have bound them yet: the OS knows nothing of them
# until then and may give the same one to the next room (seen with 50 rooms created at
# once: the second server failed to bind, and the first's answered the hub's probe).
_HANDED_OUT: dict[int, float] = {}
RESERVE_S = 60.0  # longer than any server's start (ServerSpec's ready timeout)
_TRIES = 20


def free_port(host: str) -> int:
    """A port that was free on ``host`` a moment ago, for GAME_PORT, and not handed to
    another starting server in the last RESERVE_S seconds. Called on the hub's loop."""
    now = time.monotonic()
    for port in [p for p, when in _HANDED_OUT.items() if now - when > RESERVE_S]:
        del _HANDED_OUT[port]
    for _ in range(_TRIES):
        port = _unbound_port(host)
        if port not in _HANDED_OUT:
            _HANDED_OUT[port] = now
            return port
    raise GameStartError(f"No port is free for the game server on {host}; try again shortly.")


def _unbound_port(host: str) -> int:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, 0, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as sock:
            sock.bind(address)
            return int(sock.getsockname()[1])
    except OSError as exc:
        raise GameStartError(
            f"No port is free for the game server on {host}: {exc.strerror or exc}."
        ) from None


def hub_environment() -> dict[str, str]:
    """What every game server inherits from the hub: its environment but the secrets."""
    return {k: v for k, v in os.environ.items() if k not in _PRIVATE_ENV}


def environment(spec: ServerSpec, port: int) -> dict[str, str]:
    env = hub_environment()
    env.update(
        GAME_HOST=spec.bind_host,
        GAME_PORT=str(port),
        ROOM_ID=spec.room_id,
        GAME_NAME=spec.game,
        GAME_VERSION=spec.version,
        GAME_PLAYERS=",".join(spec.players),
        LOBBY_HOST=spec.lobby_host,
        LOBBY_CONNECT_HOST=spec.lobby_connect_host,
        LOBBY_PORT=str(spec.lobby_port),
        # Some games of the original system read the port under this name.
        LOBBY_CONNECT_PORT=str(spec.lobby_port),
        PYTHONUNBUFFERED="1",
    )
    return env


def rlimit_plan(limits: ProcessLimits) -> list[osx.Rlimit]:
    if not osx.POSIX:
        log.info("Resource limits are not applied to game servers on this system")
        return []
    return osx.rlimit_plan(
        limits.memory_mb,
        limits.cpu_seconds,
        limits.processes,
        limits.file_size_mb,
        limits.open_files,
    )


def starting(spec: ServerSpec, command: list[str]) -> str:
    """The room log's first line, however its server starts."""
    return f"Starting {spec.game} {spec.version} for room {spec.room_id}: {shlex.join(command)}"


async def spawn(
    spec: ServerSpec,
    command: list[str],
    env: dict[str, str],
    cwd: Path,
    pass_fds: tuple[int, ...],
    log: RoomLog,
) -> tuple[asyncio.subprocess.Process, asyncio.StreamReader]:
    """Starts the child with its output on a pipe the hub copies into the room's log.

    No preexec_fn: the child confines itself (run_script.confine) with the fds passed
    here, so CPython starts it with vfork, not a fork that copies the whole hub's memory.

    The pipe is the hub's own, not asyncio's subprocess.PIPE: asyncio's Process.wait()
    also waits for its pipes to close, which a descendant that kept stdout would delay
    until the room is cleaned up, which itself waits for wait(): a deadlock.
    """
    log.note(starting(spec, command))
    if sys.platform == "win32":  # the selector loop cannot watch pipes there
        proc = await exec_child(command, env, cwd, pass_fds, subprocess.PIPE)
        assert proc.stdout is not None
        return proc, proc.stdout
    read_end, write_end = os.pipe()
    try:
        proc = await exec_child(command, env, cwd, pass_fds, write_end)
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    return proc, await output_reader(read_end)


async def output_reader(read_end: int) -> asyncio.StreamReader:
    """The hub's end of a server's output pipe, read on the loop (it owns the fd now)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    pipe = os.fdopen(read_end, "rb", buffering=0)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe)
    return reader


async def exec_child(
    command: list[str],
    env: dict[str, str],
    cwd: Path,
    pass_fds: tuple[int, ...],
    stdout: int,
) -> asyncio.subprocess.Process:
    try:
        return await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            pass_fds=pass_fds,
            **_session_options(),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GameStartError(f"The game server failed to start: {exc}.") from None


def _session_options() -> dict[str, Any]:
    """Its own process group, so stopping it stops everything it started."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def prepare(
    spec: ServerSpec,
    limits: ProcessLimits,
    state_dir: Path,
    claim: tuple[str, RoomCgroup | None] | None = None,
) -> tuple[list[osx.Rlimit], RoomJail, RoomLog, Path]:
    """Blocking work before the fork: limits, the record, the jail, the log.

    ``claim``: the warm spare's room token and cgroup (WarmSpare.claim), or None.
    """
    plan = rlimit_plan(limits)
    jail: RoomJail | None = None
    token, cgroup = claim if claim is not None else (None, None)
    try:
        jail = RoomJail.prepare(
            spec.room_id, spec.package_dir, state_dir, limits.processes, spec.libs_dir, token,
            cgroup,
        )  # fmt: skip
        record = write_start_record(state_dir, spec.room_id, jail, None)
        return plan, jail, RoomLog(spec.log_path), record
    except OSError as exc:
        if jail is not None:
            jail.release()
        raise GameStartError(
            f"The game server's folders could not be prepared: {exc.strerror or exc}."
        ) from None


def write_start_record(
    state_dir: Path, room_id: str, jail: RoomJail, started: tuple[int, int, list[str]] | None
) -> Path:
    """Before the fork (what to kill: cgroup, token), then again with the pid once started."""
    try:
        return write_record(state_dir, room_id, started, jail.record())
    except OSError as exc:
        raise GameStartError(
            f"The game server's record in {state_dir} cannot be written: {exc.strerror or exc}."
        ) from None
