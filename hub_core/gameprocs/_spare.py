"""The hub's warm spares: idle game-server processes, each handed the next room created.

Most of a room's creation is a Python starting (~11 ms from source; ~25 ms for the frozen
executable, PyInstaller's bootloader), the server's first standard-library imports
(~10 ms) and joining the room's cgroups (10-25 ms: the kernel waits for an RCU grace
period). A spare (hub_core.run_spare) has done all three before its room exists and
waits, blocked on a socketpair inherited at its start; its cgroups, made for it here,
become its room's (RoomCgroup.adopt). Handing it a room sends the room's argv, working
directory, full environment and jail fds (SCM_RIGHTS); the spare then applies the very
run_script.confine a directly started server applies, before any game code. Its process
handle, output pipe, session and pid become the room's server: the hub watches, logs and
kills it exactly like one it started itself.

POOL spares per hub, started lazily once the hub's first room listens: a hub that never
hosts a room (most test hubs too) carries no idle process. A room takes the spare that
was started first (the likeliest to have finished starting); the next ones start once the
room's server listens, when the room no longer needs the CPU, at a lower priority where
the spare can take the hub's back later (root). Two, not one, because rooms created back
to back (~30 ms apart) come faster than one frozen spare starts (60-100 ms on a busy
machine): with one, every other room waited for its spare. Measured on the frozen build,
20 rooms back to back, load 1.4-1.5: p50 28-43 ms; the same build with the spares at the
hub's own priority 28-72 ms. A room starts its server directly, and the hub's log says
why, when no spare is ready, on Windows (no fd passing), when the spare fails, and when
the hub's environment changed since the spare started (that spare is replaced).

Each spare starts with the room token (GAMEHUB_ROOM_TOKEN) of the room it will serve
already in its environment, and that room's jail takes it (``token``): the environment
the kernel shows in /proc/PID/environ is the one a process was started with, and that is
where the hub finds a room's processes without cgroups (_room.kill_by_token), the
spare's own and its children's that fork without exec included.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
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
POOL = 2  # spares per hub: rooms created back to back each find one that has started


class SlotState(StrEnum):
    """Lifecycle of one of a hub's spare slots (``WarmSpare``)."""

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


@dataclass
class _Slot:
    """One spare, waiting or on its way, and what its room will take over from it."""

    state: SlotState = SlotState.EMPTY
    spare: Spare | None = None
    token: str | None = None  # the waiting or starting spare's
    claimed: bool = False  # a room's jail took that token: the spare is that room's
    cgroup: RoomCgroup | None = None  # the spare's, until a room claims it
    cgroup_made: bool = False  # made, or not needed: the spare may be claimed
    starting: asyncio.Future[None] | None = None
    started: int = 0  # the order spares were started in: the oldest is the likeliest ready


class WarmSpare:
    """A hub's warm spares: ``take`` hands one a room, ``refill`` starts the next ones."""

    def __init__(self, size: int = POOL) -> None:
        self._slots = [_Slot() for _ in range(size)]
        self._started = itertools.count(1)
        self._closed = False
        self._ending: set[asyncio.Future[None]] = set()
        self._off = _why_off()  # None: spares are used
        self._said_off = False

    @property
    def state(self) -> SlotState:
        """CLOSED once the hub stops; else WAITING if a spare waits, STARTING if one is on
        its way, EMPTY if there is none."""
        if self._closed:
            return SlotState.CLOSED
        states = {slot.state for slot in self._slots}
        for state in (SlotState.WAITING, SlotState.STARTING):
            if state in states:
                return state
        return SlotState.EMPTY

    @property
    def pid(self) -> int | None:
        """The pid of the waiting spare the next room gets (``claim``), if there is one."""
        slot = self._next()
        return slot.spare.proc.pid if slot is not None and slot.spare is not None else None

    @property
    def waiting(self) -> list[int]:
        """The pids of every waiting spare."""
        return [s.spare.proc.pid for s in self._slots if s.spare is not None and not s.claimed]

    def claim(self) -> tuple[str, RoomCgroup | None] | None:
        """A spare's room token and cgroup, for one room only, whose jail takes them
        (``take`` then gives that room the spare); None: the room starts its server directly."""
        slot = self._next()
        if slot is None or slot.token is None:
            return None
        slot.claimed = True
        cgroup, slot.cgroup = slot.cgroup, None
        return slot.token, cgroup

    def unclaim(self, claim: tuple[str, RoomCgroup | None] | None) -> None:
        """The room that claimed a spare will not start: its cgroup goes (with the spare
        in it: the next room finds it gone and starts its server directly), the token may
        serve the next room."""
        if claim is None:
            return
        token, cgroup = claim
        if cgroup is not None:
            self._later(asyncio.to_thread(cgroup.remove))
        for slot in self._slots:
            if slot.token == token:
                slot.claimed = False

    def refill(self) -> None:
        """Starts a spare in the background in every empty slot."""
        if self._off is not None or self._closed:
            return
        for slot in self._slots:
            if slot.state is SlotState.EMPTY:
                slot.state = SlotState.STARTING
                slot.token, slot.claimed, slot.started = new_token(), False, next(self._started)
                slot.cgroup, slot.cgroup_made = None, not protections().cgroups
                slot.starting = asyncio.ensure_future(self._start(slot, slot.token))

    async def take(
        self, argv: list[str], cwd: Path, env: dict[str, str], fds: tuple[int, ...]
    ) -> Spare | None:
        """The spare, now running this room's server; None: start it directly (logged)."""
        if self._off is not None:
            if not self._said_off:
                log.info("Game servers start directly, without a warm spare: %s", self._off)
                self._said_off = True
            return None
        token = env.get(TOKEN_VARIABLE)
        slot = next((s for s in self._slots if s.token is not None and s.token == token), None)
        if slot is None:
            log.info("No warm spare is ready for this room; its game server starts directly")
            return None  # the spares are other rooms', or there is none
        if slot.starting is not None:  # its spawn takes milliseconds: worth waiting for
            await asyncio.shield(slot.starting)
        if slot.token != token or slot.spare is None:  # it failed; the slot may be refilled
            log.info("No warm spare is ready; the game server starts directly")
            return None
        spare, slot.spare, slot.token = slot.spare, None, None
        slot.state = SlotState.EMPTY
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
        return spare  # the next one starts once this room listens (start_server: refill)

    async def close(self) -> None:
        """The hub is stopping: the waiting spares exit (EOF), and none starts again."""
        self._closed = True
        for slot in self._slots:
            if slot.starting is not None:
                await asyncio.shield(slot.starting)  # it sees CLOSED and discards its spare
            if slot.spare is not None:
                self._discard(slot.spare, slot.cgroup)
                slot.spare, slot.cgroup = None, None
            slot.state = SlotState.CLOSED
        if self._ending:
            await asyncio.gather(*self._ending)

    def _next(self) -> _Slot | None:
        """The slot the next room claims: the spare started first (a spare counts as
        WAITING once it is exec'd, not once its Python has started)."""
        free = [s for s in self._slots if s.token is not None and not s.claimed and s.cgroup_made]
        return min(free, key=lambda s: s.started, default=None)

    async def _start(self, slot: _Slot, token: str) -> None:
        spare: Spare | None = None
        joins: list[int] = []  # the spare's fds of its cgroup.procs files; the hub's copies
        try:
            if not slot.cgroup_made:
                slot.cgroup, joins = await asyncio.to_thread(_spare_cgroup, token)
                slot.cgroup_made = True
            spare = await _spawn_spare(token, joins)
        except (GameStartError, OSError) as exc:  # OSError: no fds left for its socket
            log.warning("No warm spare game server (%s); servers start directly", exc)
        finally:
            slot.starting = None
            for fd in joins:
                os.close(fd)
        if self._closed or spare is None:
            cgroup, slot.cgroup = slot.cgroup, None  # still the spare's: no room claimed it
            if spare is not None:
                self._discard(spare, cgroup)
            elif cgroup is not None:
                self._later(asyncio.to_thread(cgroup.remove))
        if not self._closed:
            slot.spare = spare
            slot.state = SlotState.WAITING if spare is not None else SlotState.EMPTY
            slot.token = token if spare is not None else None

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
