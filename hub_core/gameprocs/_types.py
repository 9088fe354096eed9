"""The data of gameprocs: limits, what to run, how it ended, and the start error.

Kept apart so the spawning helpers and the process handle can share them; import them
from ``hub_core.gameprocs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hub_core.errors import GameHubError
from hub_core.gameprocs import _os as osx

_SIGNAL_HINTS = {
    "SIGKILL": "out of memory or CPU time?",
    "SIGXCPU": "it used up its CPU time",
    "SIGXFSZ": "it wrote a file larger than allowed",
    "SIGSEGV": "it crashed",
    "SIGABRT": "it aborted",
}


class ServerState(StrEnum):
    """Where a game server is in its life (``gameprocs.GameServer``), one per room."""

    # its scratch folder, cgroup and ruleset were prepared and its record written before
    # the fork; it runs confined, and start_server probes its port while racing its exit
    STARTING = "starting"
    # its port accepted a connection; start_server returned it; the watchdog watches its
    # process count and scratch size
    RUNNING = "running"
    # stop() sent SIGTERM to the whole room; SIGKILL follows after the grace
    STOPPING = "stopping"
    # reaped (asyncio's child watcher, no polling); everything else in its cgroup or group
    # was killed, its scratch and record deleted, its last output read, wait() resolved
    EXITED = "exited"


class GameStartError(GameHubError):
    """The game server could not be started."""

    def __init__(
        self,
        message: str | None = None,
        *,
        ended: ServerExit | None = None,
        late: float | None = None,
        last_lines: list[str] | None = None,
    ) -> None:
        """``ended``: it exited during start; ``late``: it did not listen within that many
        seconds; ``last_lines``: its last output. Callers that word their own sentences
        (the pre-publish check) read these instead of parsing the message.
        """
        super().__init__(message)
        self.ended = ended
        self.late = late
        self.last_lines = last_lines if last_lines is not None else []


@dataclass(frozen=True)
class ProcessLimits:
    """What one game server, and everything it starts, may use (POSIX; Windows: no limits).

    ``memory_mb`` is address space (RLIMIT_AS): reserved thread stacks count too.
    ``cpu_seconds`` (RLIMIT_CPU) is per process. ``file_size_mb`` (RLIMIT_FSIZE) caps
    each file the server writes; ``scratch_mb`` caps the total of its private scratch
    folder, checked while it runs (the room is closed when it is over). ``processes``
    counts processes and threads: on Linux with cgroups (root) it is the room's pids.max,
    which the kernel enforces, and a room whose fork was refused is stopped; every
    descendant, even one that called setsid, is in the room's cgroup and dies with it.
    Without cgroups the hub counts the server's process group instead, and a process
    that left the group with setsid is found by its room token (the hub is a child
    subreaper) when the room ends. RLIMIT_NPROC backs that up loosely (it counts every
    thread of the user, and the kernel does not enforce it for root; see
    _os.rlimit_plan).
    """

    memory_mb: int = 1024
    cpu_seconds: int = 3600
    processes: int = 64
    file_size_mb: int = 256
    open_files: int = 256
    scratch_mb: int = 256

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 1:
                raise ValueError(f"ProcessLimits.{name} must be at least 1, not {value}.")


@dataclass(frozen=True)
class ServerSpec:
    """One room's server: what to run, for whom, and where it listens, reports and logs."""

    room_id: str
    game: str
    version: str
    package_dir: Path  # working directory: the installed/stored package folder
    entry: str  # manifest entry_server, relative to package_dir
    players: list[str]  # seat order
    bind_host: str  # GAME_HOST: where the server must listen
    lobby_host: str
    lobby_connect_host: str
    lobby_port: int
    log_path: Path  # the hub appends the child's stdout and stderr here (capped)
    libs_dir: Path | None = None  # the game's installed wheels: on its import path, read-only


@dataclass(frozen=True)
class ServerExit:
    """How a server ended, for the room's players and the hub's log."""

    returncode: int | None  # None when a signal ended it
    signal_name: str | None
    last_lines: list[str]  # the server's own last output lines
    reason: str | None = None  # set when the hub ended it: a phrase after "The game server"

    @classmethod
    def from_status(cls, status: int, last_lines: list[str], reason: str | None) -> ServerExit:
        """From asyncio's returncode, where -N means killed by signal N."""
        if status < 0:
            return cls(None, osx.signal_name(-status), last_lines, reason)
        return cls(status, None, last_lines, reason)

    def status_text(self) -> str:
        return f"exit code {self.returncode}" if self.signal_name is None else self.signal_name

    def how(self) -> str:
        """The end as a phrase after 'The game server': 'stopped (exit code 1)'."""
        if self.reason:
            return self.reason
        if self.signal_name is None:
            return f"stopped (exit code {self.returncode})"
        hint = _SIGNAL_HINTS.get(self.signal_name)
        return f"was killed by {self.signal_name}" + (f" ({hint})" if hint else "")

    def last_output(self) -> str:
        """' Last output: a | b | c' (at most 300 characters), or '' if it printed nothing."""
        if not self.last_lines:
            return ""
        text = " | ".join(line.strip() for line in self.last_lines[-3:])
        if len(text) > 300:
            text = "…" + text[-299:]
        return f" Last output: {text}"

    def describe(self) -> str:
        return f"The game server {self.how()}.{self.last_output()}"
