"""The hub's warm spare: one idle game-server process, handed the next room it creates.

Most of a room's creation is a Python starting (~11 ms from source; ~25 ms for the frozen
executable, PyInstaller's bootloader) and the server's first standard-library imports
(~10 ms). A spare (hub_core.run_spare) has done both before its room exists and waits,
blocked on a socketpair inherited at its start. Handing it a room sends the room's argv,
working directory, full environment and jail fds (SCM_RIGHTS); the spare then applies
the very run_script.confine a directly started server applies, before any game code. Its
process handle, output pipe, session and pid become the room's server: the hub watches,
logs and kills it exactly like one it started itself.

One spare per hub, started lazily once the hub's first room listens: a hub that never
hosts a room (most test hubs too) carries no idle process. The next one starts as soon
as a spare has taken its room, in the background: its Python start then overlaps the
room's game code on another core instead of the next room's creation. Measured from
source at load 5-6, 20 rooms created back to back: p50 66-86 ms against 100-112 ms when
the next spare started only once the room listened (it was still starting when the next
room came); with 0.3 s between rooms both were 40-54 ms (noise). A room starts its
server directly, and the hub's log says why, when no spare is ready, on Windows (no fd
passing), when the spare fails, and when the hub's environment changed since the spare
started (that spare is replaced).

Each spare starts with the room token (GAMEHUB_ROOM_TOKEN) of the room it will serve
already in its environment, and that room's jail takes it (``token``): the environment
the kernel shows in /proc/PID/environ is the one a process was started with, and that is
where the hub finds a room's processes without cgroups (_room.kill_by_token), the
spare's own and its children's that fork without exec included.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Awaitable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hub_core import run_spare
from hub_core.gameprocs import _os as osx
from hub_core.gameprocs._cgroup import RoomCgroup
from hub_core.gameprocs._log import RoomLog
from hub_core.gameprocs._room import INSTANCE, TOKEN_VARIABLE, new_token, protections
from hub_core.gameprocs._spawn import (
    exec_child,
    hub_environment,
    output_reader,
    server_command,
    spare_command,
    spawn,
    starting,
)
from hub_core.gameprocs._types import GameStartError, ServerSpec

log = logging.getLogger("hub_core.gameprocs")

SUPPORTED = sys.platform != "win32" and hasattr(socket, "send_fds")
OFF_VARIABLE = "GAMEHUB_NO_SPARE"  # "1": servers always start directly (benchmarks, escape hatch)
ACK_TIMEOUT = 5.0  # a spare still starting on a busy machine answers late, not never
END_GRACE = 2.0  # how long a discarded spare has to exit on EOF before it is killed


class SlotState(StrEnum):
    """Lifecycle of a hub's spare slot (``WarmSpare``)."""

    EMPTY = "empty"  # no spare: before the first room, or just given or discarded
    STARTING = "starting"  # a background task is spawning the next spare
    WAITING = "waiting"  # a spare is idle, blocked reading its assignment
    CLOSED = "closed"  # the hub is stopping: no spare is ever started again


@dataclass
class Spare:
    """One spare process and the hub's ends of its socket and output pipe."""

    proc: asyncio.subprocess.Process
    sock: socket.socket
    read_end: int  # its stdout and stderr: the room's log once it has a room
    command: list[str]  # its /proc cmdline, which the orphan record must match
    made_for: dict[str, str]  # the hub's environment when it started
    token: str  # its room's token, in its environment from the start


class WarmSpare:
    """A hub's one warm spare: ``take`` hands it a room, ``refill`` starts the next."""

    def __init__(self) -> None:
        self.state = SlotState.EMPTY
        self._spare: Spare | None = None
        self._token: str | None = None  # the waiting or starting spare's
        self._claimed = False  # a room's jail took that token: the spare is that room's
        self._cgroup: RoomCgroup | None = None  # the spare's, until a room claims it
        self._cgroup_made = False  # made, or not needed: the spare may be claimed
        self._starting: asyncio.Future[None] | None = None
        self._ending: set[asyncio.Future[None]] = set()
        self._off = _why_off()  # None: spares are used
        self._said_off = False

    @property
    def pid(self) -> int | None:
        """The waiting spare's pid (the next room's server), if there is one."""
        return self._spare.proc.pid if self._spare is not None else None

    def claim(self) -> tuple[str, RoomCgroup | None] | None:
        """The spare's room token and cgroup, for one room only, whose jail takes them
        (``take`` then gives that room the spare); None: the room starts its server directly."""
        if self._token is None or self._claimed or not self._cgroup_made:
            return None
        self._claimed = True
        cgroup, self._cgroup = self._cgroup, None
        return self._token, cgroup

    def unclaim(self, claim: tuple[str, RoomCgroup | None] | None) -> None:
        """The room that claimed the spare will not start: its cgroup goes (with the spare
        in it: the next room finds it gone and starts its server directly), the token may
        serve the next room."""
        if claim is None:
            return
        token, cgroup = claim
        if cgroup is not None:
            self._later(asyncio.to_thread(cgroup.remove))
        if token == self._token:
            self._claimed = False

    def refill(self) -> None:
        """Starts the next spare in the background, unless one is there or coming."""
        if self._off is None and self.state is SlotState.EMPTY:
            self.state = SlotState.STARTING
            self._token, self._claimed = new_token(), False
            self._cgroup, self._cgroup_made = None, not protections().cgroups
            self._starting = asyncio.ensure_future(self._start(self._token))

    async def take(
        self, argv: list[str], cwd: Path, env: dict[str, str], fds: tuple[int, ...]
    ) -> Spare | None:
        """The spare, now running this room's server; None: start it directly (logged)."""
        if self._off is not None:
            if not self._said_off:
                log.info("Game servers start directly, without a warm spare: %s", self._off)
                self._said_off = True
            return None
        if env.get(TOKEN_VARIABLE) != self._token or self._token is None:
            log.info("No warm spare is ready for this room; its game server starts directly")
            return None  # the spare is another room's, or there is none
        if self._starting is not None:  # its spawn takes milliseconds: worth waiting for
            await asyncio.shield(self._starting)
        spare, self._spare, self._token = self._spare, None, None
        if self.state is SlotState.WAITING:
            self.state = SlotState.EMPTY
        if spare is None:
            log.info("No warm spare is ready; the game server starts directly")
            return None
        if spare.made_for != hub_environment():
            log.info("The warm spare predates a change of the hub's environment; replaced")
            self._discard(spare)
            return None
        try:
            await _assign(spare, run_spare.encode(argv, str(cwd), env, fds), fds)
        except (OSError, TimeoutError) as exc:
            log.warning("The warm spare failed (%s); the game server starts directly", exc)
            self._discard(spare, kill=True)
            return None
        spare.sock.close()
        self.refill()  # the next room's, starting while this room's game code runs
        return spare

    async def close(self) -> None:
        """The hub is stopping: the waiting spare exits (EOF), and none starts again."""
        self.state = SlotState.CLOSED
        if self._starting is not None:
            await asyncio.shield(self._starting)  # it sees CLOSED and discards its spare
        if self._spare is not None:
            self._discard(self._spare, self._cgroup)
            self._spare, self._cgroup = None, None
        if self._ending:
            await asyncio.gather(*self._ending)

    async def _start(self, token: str) -> None:
        spare: Spare | None = None
        joins: list[int] = []  # the spare's fds of its cgroup.procs files; the hub's copies
        try:
            if not self._cgroup_made:
                self._cgroup, joins = await asyncio.to_thread(_spare_cgroup, token)
                self._cgroup_made = True
            spare = await _spawn_spare(token, joins)
        except (GameStartError, OSError) as exc:  # OSError: no fds left for its socket
            log.warning("No warm spare game server (%s); servers start directly", exc)
        finally:
            self._starting = None
            for fd in joins:
                os.close(fd)
        if self.state is SlotState.CLOSED or spare is None:
            cgroup, self._cgroup = self._cgroup, None  # still the spare's: no room claimed it
            if spare is not None:
                self._discard(spare, cgroup)
            elif cgroup is not None:
                self._later(asyncio.to_thread(cgroup.remove))
        if self.state is not SlotState.CLOSED:
            self._spare = spare
            self.state = SlotState.WAITING if spare is not None else SlotState.EMPTY
            self._token = token if spare is not None else None

    def _discard(
        self, spare: Spare, cgroup: RoomCgroup | None = None, *, kill: bool = False
    ) -> None:
        """Closes the hub's ends (a waiting spare exits at EOF), reaps it meanwhile, then
        removes ``cgroup``, its own if no room claimed it."""
        spare.sock.close()
        os.close(spare.read_end)
        if kill and spare.proc.returncode is None:  # not reaped: the pid is still its own
            osx.kill_group(spare.proc.pid, signal.SIGKILL)
        self._later(_reap(spare.proc, cgroup))

    def _later(self, ending: Awaitable[None]) -> None:
        """Cleanup that runs in the background; ``close`` waits for it."""
        task = asyncio.ensure_future(ending)
        self._ending.add(task)
        task.add_done_callback(self._ending.discard)


def _why_off() -> str | None:
    if not SUPPORTED:
        return "it needs fd passing, which this system lacks"
    if os.environ.get(OFF_VARIABLE) == "1":
        return f"turned off by {OFF_VARIABLE}=1"
    return None


async def launch(
    spare: WarmSpare | None,
    spec: ServerSpec,
    script: Path,
    env: dict[str, str],
    cwd: Path,
    pass_fds: tuple[int, ...],
    room_log: RoomLog,
) -> tuple[asyncio.subprocess.Process, asyncio.StreamReader, list[str]]:
    """The room's server process, its output, and its command line: the warm spare when
    one takes the room, else a process started for it as before (_spawn.spawn)."""
    command = server_command(script)
    taken = None
    if spare is not None:
        taken = await spare.take([str(script)], cwd, env, pass_fds)
    if taken is None:
        proc, output = await spawn(spec, command, env, cwd, pass_fds, room_log)
        return proc, output, command
    room_log.note(starting(spec, command))
    log.info("Room %s's game server is the warm spare (pid %d)", spec.room_id, taken.proc.pid)
    return taken.proc, await output_reader(taken.read_end), taken.command


def _spare_cgroup(token: str) -> tuple[RoomCgroup | None, list[int]]:
    """The cgroup the next spare joins as it starts (blocking), and the fds it joins through;
    (None, []) where that fails: the room then makes its own, as without a spare."""
    try:
        cgroup = RoomCgroup.create(INSTANCE, f"spare-{token}", None)
    except OSError as exc:
        log.warning("No cgroup for the warm spare (%s); its room makes its own", exc)
        return None, []
    joins, cgroup.join_fds = cgroup.join_fds, []  # the room's jail opens its own (adopt)
    return cgroup, joins


async def _spawn_spare(token: str, joins: list[int]) -> Spare:
    """A spare process, started with the hub's environment: the one its rooms inherit."""
    ours, theirs = socket.socketpair()
    made_for = hub_environment()
    command = spare_command(theirs.fileno(), os.getpid(), joins)
    env = made_for | {"PYTHONUNBUFFERED": "1", TOKEN_VARIABLE: token}
    read_end, write_end = os.pipe()
    try:
        proc = await exec_child(command, env, Path.cwd(), (theirs.fileno(), *joins), write_end)
    except BaseException:
        ours.close()
        os.close(read_end)
        raise
    finally:
        theirs.close()
        os.close(write_end)
    ours.setblocking(False)
    return Spare(proc, ours, read_end, command, made_for, token)


async def _assign(spare: Spare, message: bytes, fds: tuple[int, ...]) -> None:
    """Sends the room and its jail's fds; returns once the spare holds them."""
    if spare.proc.returncode is not None:
        raise OSError(f"it had exited with status {spare.proc.returncode}")
    loop = asyncio.get_running_loop()
    sent = socket.send_fds(spare.sock, [message], list(fds))
    if sent < len(message):
        await loop.sock_sendall(spare.sock, message[sent:])
    answer = await asyncio.wait_for(loop.sock_recv(spare.sock, 1), ACK_TIMEOUT)
    if answer != run_spare.ACK:
        raise OSError("it exited before it took the room")


async def _reap(proc: asyncio.subprocess.Process, cgroup: RoomCgroup | None = None) -> None:
    try:
        await asyncio.wait_for(proc.wait(), END_GRACE)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
    if cgroup is not None:
        await asyncio.to_thread(cgroup.remove)
