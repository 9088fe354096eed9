"""Game servers as child processes, one per room (DESIGN §5).

A server runs as the leader of its own session and process group, with the contract's
environment, resource limits, and its output read by the hub into the room's capped
log. On Linux it is confined (``_room``): Landlock lets it read its package
(its working directory, read-only) and the runtime and write only its private scratch
folder (HOME, TMPDIR), which goes with the room; without Landlock it runs a fresh copy
of the package in that folder. A cgroup per room (root) holds its process limit and
lets the hub kill every descendant, setsid or not; the kernel kills it if the hub dies
(PR_SET_PDEATHSIG). The hub prepares all that; the server's own process applies it
before any game code runs (hub_core.run_script.confine), so no preexec_fn is needed and
the hub starts it with vfork, not a copy of its memory. The hub notices at once when it
listens (TCP probes a few milliseconds apart, racing its exit) and when it exits
(asyncio's child watcher, no polling). A record per room, written before the fork, lets
a hub that crashed kill its leftovers at the next start (``kill_orphans``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from hub_core.gameprocs import _os as osx
from hub_core.gameprocs._log import NOTE, RoomLog, prune_logs
from hub_core.gameprocs._orphans import kill_orphans, remove_record
from hub_core.gameprocs._room import Protections, RoomJail, protections
from hub_core.gameprocs._spare import WarmSpare, launch
from hub_core.gameprocs._spawn import (
    entry_script,
    environment,
    free_port,
    game_command,
    prepare,
    server_command,
    write_start_record,
)
from hub_core.gameprocs._types import (
    GameStartError,
    ProcessLimits,
    ServerExit,
    ServerSpec,
    ServerState,
)

__all__ = [
    "NOTE",
    "GameServer",
    "GameStartError",
    "ProcessLimits",
    "Protections",
    "ServerExit",
    "ServerSpec",
    "ServerState",
    "WarmSpare",
    "game_command",
    "kill_orphans",
    "protections",
    "prune_logs",
    "server_command",
    "start_server",
]

log = logging.getLogger(__name__)

PROBE_FIRST = 0.002  # the first ready probe is retried after 2 ms, then twice as long...
PROBE_MAX = 0.005  # ...but never more than 5 ms apart: a slow poll would delay every room
PROBE_CONNECT_TIMEOUT = 1.0
WATCH_INTERVAL = 0.5  # how often the watchdog looks at a server's process count...
SCRATCH_EVERY = 2  # ...and every this many looks, at the size of its scratch folder
LAST_LINES = 10
_PUMP_DRAIN = 2.0  # how long the end of a server waits for the rest of its output
MIB = 1024 * 1024
DEFAULT_LIMITS = ProcessLimits()  # frozen, so one shared default is safe


# Lifecycle of a GameServer: ServerState (STARTING → RUNNING → STOPPING → EXITED).
# Every state goes to EXITED when the child dies, or when the watchdog kills a room that
# went over a limit. A server that never reaches RUNNING is stopped by start_server,
# which raises GameStartError instead of returning it.

OnState = Callable[[ServerState], None]


class GameServer:
    """One running game server, made by ``start_server``."""

    def __init__(
        self,
        spec: ServerSpec,
        proc: asyncio.subprocess.Process,
        port: int,
        *,
        limits: ProcessLimits,
        record: Path,
        jail: RoomJail,
        room_log: RoomLog,
        output: asyncio.StreamReader,
        on_state: OnState | None = None,
    ) -> None:
        self.spec = spec
        self.state = ServerState.STARTING
        self._on_state = on_state
        if on_state is not None:
            on_state(self.state)
        self.port = port
        self.pid = proc.pid
        self.scratch = jail.scratch
        self._proc = proc
        self._limits = limits
        self._record = record
        self._jail = jail
        self._log = room_log
        self._reason: str | None = None
        self._ended: asyncio.Future[ServerExit] = asyncio.get_running_loop().create_future()
        self._pump = asyncio.ensure_future(room_log.pump(output))
        self._watchdog = asyncio.ensure_future(self._watch())
        self._reaper = asyncio.ensure_future(self._reap())

    @property
    def exited(self) -> bool:
        return self._ended.done()

    async def wait(self) -> ServerExit:
        """Resolves the moment the server has exited and its room is cleaned up."""
        return await asyncio.shield(self._ended)

    async def stop(self, grace: float = 2.0) -> None:
        """SIGTERM to the whole group, SIGKILL after ``grace`` seconds; safe to call twice."""
        if not self._ended.done():
            self._reason = self._reason or "was stopped by the hub"
            self._enter(ServerState.STOPPING)
            self._signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(self._ended), grace)
            except TimeoutError:
                self._signal(signal.SIGKILL)
                await asyncio.shield(self._ended)
        remove_record(self._record)

    def _enter(self, state: ServerState) -> None:
        if state is not self.state:
            self.state = state
            if self._on_state is not None:
                self._on_state(state)

    # -- STARTING ----------------------------------------------------------------------

    async def _until_ready(self, host: str, timeout: float) -> None:
        """Returns once the port accepts a connection; raises if the server exits or dawdles."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        for delay in _probe_delays():
            if self._ended.done():
                ended = self._ended.result()
                raise GameStartError(
                    f"The game server exited during start ({ended.status_text()})."
                    f"{ended.last_output()}",
                    ended=ended,
                    last_lines=ended.last_lines,
                )
            if await _accepts(host, self.port):
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                late = f"did not listen on port {self.port} within {timeout:g} s"
                self._reason = f"was stopped because it {late}"
                lines = self._log.last_lines(LAST_LINES)
                last = ServerExit(None, None, lines).last_output()
                raise GameStartError(
                    f"The game server {late}, so it was stopped.{last}",
                    late=timeout,
                    last_lines=lines,
                )
            await asyncio.wait([self._ended], timeout=min(delay, remaining))

    # -- RUNNING -----------------------------------------------------------------------

    async def _watch(self) -> None:
        """Kills the room once it starts too many processes or fills its scratch folder.

        The cgroup's counters are tiny kernel files, read on the loop; counting a
        process group (no cgroups) and sizing the scratch folder walk folders, so they
        run on a worker thread, the scratch only every SCRATCH_EVERY-th look.
        """
        for look in itertools.count(1):
            await asyncio.sleep(WATCH_INTERVAL)
            reason = self._too_many() if self._jail.cgroup else None
            if reason is None and self._jail.cgroup is None and osx.HAS_PROC:
                reason = await asyncio.to_thread(self._too_many)
            if reason is None and look % SCRATCH_EVERY == 0:
                reason = await asyncio.to_thread(self._too_big)
            if reason is not None:
                self._reason = reason
                log.warning("Game server of room %s %s", self.spec.room_id, reason)
                self._signal(signal.SIGKILL)
                return

    def _too_many(self) -> str | None:
        limit = self._limits.processes
        cgroup = self._jail.cgroup
        if cgroup is not None:
            if cgroup.refused_forks():
                return f"tried to start more than {limit} processes and threads and was stopped"
        elif (count := osx.group_size(self.pid)) > limit:
            return f"was killed because it started {count} processes (the limit is {limit})"
        return None

    def _too_big(self) -> str | None:
        if self._jail.scratch_used() > self._limits.scratch_mb * MIB:
            return f"wrote more than {self._limits.scratch_mb} MiB to its folder and was stopped"
        return None

    def _signal(self, sig: signal.Signals) -> None:
        if sys.platform == "win32":  # no process groups to signal; the leader only
            with contextlib.suppress(ProcessLookupError):
                if sig == signal.SIGKILL:
                    self._proc.kill()
                else:
                    self._proc.terminate()
            return
        if sig == signal.SIGKILL and self._jail.cgroup is not None:
            self._jail.cgroup.kill_members()
        if not osx.kill_group(self.pid, sig):
            with contextlib.suppress(ProcessLookupError):
                self._proc.send_signal(sig)

    # -- EXITED ------------------------------------------------------------------------

    async def _reap(self) -> None:
        status = await self._proc.wait()
        self._watchdog.cancel()
        osx.kill_group(self.pid, signal.SIGKILL)  # what the server started ends with it
        await asyncio.to_thread(self._jail.release)  # ... and so does what escaped the group
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._pump), _PUMP_DRAIN)
        remove_record(self._record)
        last = self._log.last_lines(LAST_LINES)
        reason = self._reason or self._xcpu(status) or self._refused(status, last)
        ended = ServerExit.from_status(status, last, reason)
        self._log.note(f"The game server {ended.how()}.")
        self._log.close()
        log.info("Game server of room %s (pid %d) %s", self.spec.room_id, self.pid, ended.how())
        self._enter(ServerState.EXITED)
        self._ended.set_result(ended)

    def _xcpu(self, status: int) -> str | None:
        if sys.platform == "win32" or status != -signal.SIGXCPU:
            return None
        return f"was killed because it used its {self._limits.cpu_seconds} s of CPU time"

    def _refused(self, status: int, last: list[str]) -> str | None:
        """A crash on a sandbox refusal, named as such (Landlock says only EACCES)."""
        if status == 0 or self._jail.ruleset is None:
            return None
        if any("PermissionError" in line or "Permission denied" in line for line in last):
            return "tried to read or write outside its folder and was stopped"
        return None


async def start_server(
    spec: ServerSpec,
    *,
    limits: ProcessLimits = DEFAULT_LIMITS,
    ready_timeout: float = 10.0,
    state_dir: Path,
    on_state: OnState | None = None,
    spare: WarmSpare | None = None,
) -> GameServer:
    """Starts a room's server; returns once its port accepts connections.

    Raises GameStartError, whose message names what went wrong, if the entry is missing
    or outside the package, the process cannot start, it exits during start, or it does
    not listen within ``ready_timeout`` seconds (then it is killed first). ``on_state``
    hears every ServerState the server enters, from STARTING on. ``spare``: the hub's
    warm spares, one of which becomes this server if one is ready (``_spare``).
    """
    script = entry_script(spec)
    port = free_port(spec.bind_host)
    claim = spare.claim() if spare is not None else None  # the spare's, for this room only
    try:
        plan, jail, room_log, record = await asyncio.to_thread(
            prepare, spec, limits, state_dir, claim
        )
    except BaseException:
        if spare is not None:
            spare.unclaim(claim)
        raise
    script = jail.run_dir / script.relative_to(spec.package_dir.resolve())
    confined, pass_fds = jail.confinement(plan)
    env = environment(spec, port) | jail.env | confined
    try:
        proc, output, command = await launch(
            spare, spec, script, env, jail.run_dir, pass_fds, room_log
        )
    except BaseException:
        room_log.close()
        await asyncio.to_thread(jail.release)
        remove_record(record)
        raise
    finally:
        jail.spawned()
    server = GameServer(
        spec,
        proc,
        port,
        limits=limits,
        record=record,
        jail=jail,
        room_log=room_log,
        output=output,
        on_state=on_state,
    )
    try:
        write_start_record(state_dir, spec.room_id, jail, (proc.pid, port, command))
        await server._until_ready(_probe_host(spec.bind_host), ready_timeout)
    except BaseException:
        await server.stop(grace=0)
        raise
    finally:
        if spare is not None:  # the next spares start once this room's no longer needs the CPU
            spare.refill()
    if not server.exited:  # it may have ended already, just after listening
        server._enter(ServerState.RUNNING)
    log.info("Game server of room %s listens on port %d (pid %d)", spec.room_id, port, proc.pid)
    return server


def _probe_host(bind_host: str) -> str:
    """Where the hub connects to see the server listen: loopback for the wildcards."""
    return {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(bind_host, bind_host)


def _probe_delays() -> Iterator[float]:
    delay = PROBE_FIRST
    while True:
        yield delay
        delay = min(delay * 2, PROBE_MAX)


async def _accepts(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port), PROBE_CONNECT_TIMEOUT
        )
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True
