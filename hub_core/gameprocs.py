"""Game servers as child processes, one per room (DESIGN §5).

A server runs as the leader of its own session and process group, with the package
folder as working directory, the contract's environment, resource limits, and its
output appended to the room's log. The hub notices at once when it listens (TCP
probes a few milliseconds apart, racing its exit) and when it exits (asyncio's child
watcher, no polling); stopping it stops everything it started. A record per running
server lets a hub that crashed kill its leftovers at the next start (``kill_orphans``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from hub_core import _gameprocs_os as osx
from hub_core._gameprocs_orphans import kill_orphans, remove_record, write_record
from hub_core._gameprocs_spawn import (
    NOTE,
    entry_script,
    environment,
    free_port,
    game_command,
    rlimit_plan,
    spawn,
)
from hub_core._gameprocs_types import GameStartError, ProcessLimits, ServerExit, ServerSpec

__all__ = [
    "GameServer",
    "GameStartError",
    "ProcessLimits",
    "ServerExit",
    "ServerSpec",
    "game_command",
    "kill_orphans",
    "start_server",
]

log = logging.getLogger(__name__)

PROBE_FIRST = 0.002  # the first ready probe is retried after 2 ms, then twice as long...
PROBE_MAX = 0.005  # ...but never more than 5 ms apart: a slow poll would delay every room
PROBE_CONNECT_TIMEOUT = 1.0
WATCH_INTERVAL = 0.5  # how often the process-count watchdog counts a server's group
LAST_LINES = 10
_TAIL_BYTES = 16 * 1024
DEFAULT_LIMITS = ProcessLimits()  # frozen, so one shared default is safe


# Lifecycle of a GameServer, one per room:
#   STARTING  spawned as the leader of its own session and process group, under its
#             limits; start_server probes its port while racing its exit
#   RUNNING   its port accepted a connection; start_server has returned it
#   STOPPING  stop() sent SIGTERM to the whole group; SIGKILL follows after the grace
#   EXITED    the child was reaped (asyncio's child watcher, no polling); the rest of its
#             group was killed, its orphan record deleted, and wait() resolved
# Every state goes to EXITED when the child dies, or when the watchdog kills a group that
# started too many processes. A server that never reaches RUNNING is stopped by
# start_server, which raises GameStartError instead of returning it.


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
        log_offset: int,
    ) -> None:
        self.spec = spec
        self.port = port
        self.pid = proc.pid
        self._proc = proc
        self._limits = limits
        self._record = record
        self._log_offset = log_offset
        self._reason: str | None = None
        self._ended: asyncio.Future[ServerExit] = asyncio.get_running_loop().create_future()
        self._watchdog: asyncio.Task[None] | None = None
        if osx.HAS_PROC:
            self._watchdog = asyncio.ensure_future(self._watch_processes())
        self._reaper = asyncio.ensure_future(self._reap())

    @property
    def exited(self) -> bool:
        return self._ended.done()

    async def wait(self) -> ServerExit:
        """Resolves the moment the server has exited and its group is cleaned up."""
        return await asyncio.shield(self._ended)

    async def stop(self, grace: float = 2.0) -> None:
        """SIGTERM to the whole group, SIGKILL after ``grace`` seconds; safe to call twice."""
        if not self._ended.done():
            self._reason = self._reason or "was stopped by the hub"
            self._signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(self._ended), grace)
            except TimeoutError:
                self._signal(signal.SIGKILL)
                await asyncio.shield(self._ended)
        remove_record(self._record)

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
                    f"{ended.last_output()}"
                )
            if await _accepts(host, self.port):
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                late = f"did not listen on port {self.port} within {timeout:g} s"
                self._reason = f"was stopped because it {late}"
                last = ServerExit(None, None, self._tail()).last_output()
                raise GameStartError(f"The game server {late}, so it was stopped.{last}")
            await asyncio.wait([self._ended], timeout=min(delay, remaining))

    # -- RUNNING -----------------------------------------------------------------------

    async def _watch_processes(self) -> None:
        """Kills the group once it holds more processes than allowed (a fork bomb)."""
        limit = self._limits.processes
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            count = await asyncio.to_thread(osx.group_size, self.pid)
            if count > limit:
                self._reason = (
                    f"was killed because it started {count} processes (the limit is {limit})"
                )
                log.warning("Game server of room %s %s", self.spec.room_id, self._reason)
                osx.kill_group(self.pid, signal.SIGKILL)
                return

    def _signal(self, sig: signal.Signals) -> None:
        if sys.platform == "win32":  # no process groups to signal; the leader only
            with contextlib.suppress(ProcessLookupError):
                if sig == signal.SIGKILL:
                    self._proc.kill()
                else:
                    self._proc.terminate()
        elif not osx.kill_group(self.pid, sig):
            with contextlib.suppress(ProcessLookupError):
                self._proc.send_signal(sig)

    # -- EXITED ------------------------------------------------------------------------

    async def _reap(self) -> None:
        status = await self._proc.wait()
        if self._watchdog is not None:
            self._watchdog.cancel()
        osx.kill_group(self.pid, signal.SIGKILL)  # what the server started ends with it
        remove_record(self._record)
        ended = ServerExit.from_status(status, self._tail(), self._reason or self._xcpu(status))
        self._note(f"The game server {ended.how()}.")
        log.info("Game server of room %s (pid %d) %s", self.spec.room_id, self.pid, ended.how())
        self._ended.set_result(ended)

    def _xcpu(self, status: int) -> str | None:
        if sys.platform == "win32" or status != -signal.SIGXCPU:
            return None
        return f"was killed because it used its {self._limits.cpu_seconds} s of CPU time"

    def _tail(self) -> list[str]:
        """The last lines this run of the server wrote to the room's log."""
        try:
            with self.spec.log_path.open("rb") as f:
                size = f.seek(0, os.SEEK_END)
                f.seek(max(self._log_offset, size - _TAIL_BYTES))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return []
        lines = [line.rstrip() for line in text.splitlines()]
        return [line for line in lines if line and not line.startswith(NOTE)][-LAST_LINES:]

    def _note(self, text: str) -> None:
        """A line of the hub's own in the room's log: why a server ended, for instance."""
        with contextlib.suppress(OSError), self.spec.log_path.open("a", encoding="utf-8") as f:
            f.write(f"{NOTE} {time.strftime('%Y-%m-%d %H:%M:%S')} {text}\n")


async def start_server(
    spec: ServerSpec,
    *,
    limits: ProcessLimits = DEFAULT_LIMITS,
    ready_timeout: float = 10.0,
    state_dir: Path,
) -> GameServer:
    """Starts a room's server; returns once its port accepts connections.

    Raises GameStartError, whose message names what went wrong, if the entry is missing
    or outside the package, the process cannot start, it exits during start, or it does
    not listen within ``ready_timeout`` seconds (then it is killed first).
    """
    script = entry_script(spec)
    port = free_port(spec.bind_host)
    command = game_command(script)
    plan = await asyncio.to_thread(rlimit_plan, limits)
    proc, offset = await spawn(spec, command, environment(spec, port), plan)
    record = state_dir / f"{spec.room_id}.json"
    server = GameServer(spec, proc, port, limits=limits, record=record, log_offset=offset)
    try:
        _write_record(state_dir, spec.room_id, proc.pid, port, command)
        await server._until_ready(_probe_host(spec.bind_host), ready_timeout)
    except BaseException:
        await server.stop(grace=0)
        raise
    log.info("Game server of room %s listens on port %d (pid %d)", spec.room_id, port, proc.pid)
    return server


def _write_record(state_dir: Path, room_id: str, pid: int, port: int, cmd: list[str]) -> None:
    try:
        write_record(state_dir, room_id, pid, port, cmd)
    except OSError as exc:
        raise GameStartError(
            f"The game server's record in {state_dir} cannot be written: {exc.strerror or exc}."
        ) from None


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
