"""Operating-system details of game server processes: limits, process groups, /proc.

Linux gets everything. Other POSIX systems get resource limits and process-group
kills, but nothing that needs /proc (process counting, orphan matching). Windows gets
neither; ``gameprocs`` logs that once per server.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

POSIX = os.name == "posix"
HAS_PROC = sys.platform.startswith("linux") and os.path.exists("/proc/self/stat")

if sys.platform != "win32":
    import resource

# One limit as the child applies it: (resource, soft, hard).
Rlimit = tuple[int, int, int]
NPROC_SLACK = 512  # RLIMIT_NPROC room for the user's other programs: see rlimit_plan


def signal_name(number: int) -> str:
    """'SIGKILL' for 9; a plain 'signal 42' for numbers Python has no name for."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def kill_group(pgid: int, sig: int) -> bool:
    """Signals a whole process group; False when it no longer exists (or is not ours)."""
    if not POSIX or pgid <= 1:  # never signal group 0 (our own) or 1 (init's)
        return False
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


# -- /proc (Linux) ---------------------------------------------------------------------


def proc_stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, process group, session, start time in clock ticks), or None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and ')'; fields resume after the last ')'.
    rest = raw[raw.rfind(b")") + 2 :].split()
    # rest[i] is field i + 3 of proc(5): state 3, pgrp 5, session 6, starttime 22.
    return rest[0].decode(), int(rest[2]), int(rest[3]), int(rest[19])


def proc_cmdline(pid: int) -> list[str] | None:
    """The argv a process was started with, or None if it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    if not raw:  # zombies and kernel threads have an empty cmdline
        return None
    return [os.fsdecode(part) for part in raw.rstrip(b"\0").split(b"\0")]


def boot_id() -> str | None:
    """Changes at every boot: start times and pids from another boot mean nothing."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def all_pids() -> list[int]:
    """Every process id in /proc now (empty without /proc)."""
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


class _Census:
    """Processes per process group, from one scan of /proc shared by every watchdog.

    A scan reads every process's stat file, so its cost grows with the machine's process
    count; sharing one for ``max_age`` keeps it independent of the number of rooms.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._taken = -1e9
        self._counts: Counter[int] = Counter()

    def group_size(self, pgid: int, max_age: float) -> int:
        with self._lock:
            if time.monotonic() - self._taken > max_age:
                self._counts = Counter(stat[1] for pid in all_pids() if (stat := proc_stat(pid)))
                self._taken = time.monotonic()
            return self._counts[pgid]


_census = _Census()


def group_size(pgid: int, max_age: float = 0.2) -> int:
    """How many processes are in a process group, zombies included (they hold pids too)."""
    return _census.group_size(pgid, max_age)


def is_alive(pid: int) -> bool:
    """A process exists and is not a zombie waiting to be reaped."""
    stat = proc_stat(pid) if HAS_PROC else None
    if stat is not None:
        return stat[0] not in ("Z", "X")
    if not POSIX or HAS_PROC:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def user_tasks() -> int:
    """Tasks (threads) this user runs now: what the kernel's RLIMIT_NPROC counts."""
    uid = os.getuid()
    total = 0
    for pid in all_pids():
        with contextlib.suppress(OSError, IndexError, ValueError):
            if os.stat(f"/proc/{pid}").st_uid == uid:
                raw = Path(f"/proc/{pid}/stat").read_bytes()
                total += int(raw[raw.rfind(b")") + 2 :].split()[17])  # num_threads, field 20
    return total


# -- resource limits (POSIX) -----------------------------------------------------------


def rlimit_plan(
    memory_mb: int, cpu_seconds: int, processes: int, file_size_mb: int, open_files: int
) -> list[Rlimit]:
    """The limits a game server gets, worked out in the hub so the child only makes syscalls.

    Limits are only ever lowered: where the hub itself runs under a lower hard limit,
    that one stays. RLIMIT_NPROC counts every process (thread, in fact) of the user,
    not of the game, and the kernel does not enforce it for root; so it is set to what
    the user runs now plus ``processes`` plus NPROC_SLACK, and ``gameprocs`` counts the
    game's own process group itself. The slack is there because the kernel checks the
    limit against all the user's threads whenever the game starts a thread or process:
    without it, a browser opening tabs could stop a long-running game from starting a
    thread. What remains is a backstop that keeps a fork bomb from filling the machine
    before the watchdog's next look. Root gets no RLIMIT_NPROC at all: the kernel would
    not enforce it (the room's cgroup limits root's processes instead).
    """
    if sys.platform == "win32":
        return []
    mb = 1024 * 1024
    wanted = [
        (resource.RLIMIT_AS, memory_mb * mb, memory_mb * mb),
        # SIGXCPU at the soft limit (Python dies of it); SIGKILL a second later if ignored.
        (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
        (resource.RLIMIT_FSIZE, file_size_mb * mb, file_size_mb * mb),
        (resource.RLIMIT_NOFILE, open_files, open_files),
        # A game that hits its memory limit must not leave a huge core file behind.
        (resource.RLIMIT_CORE, 0, 0),
    ]
    if HAS_PROC and os.geteuid() != 0:  # root: not enforced, so not worth a scan of /proc
        headroom = _recent_user_tasks() + processes + NPROC_SLACK
        wanted.append((resource.RLIMIT_NPROC, headroom, headroom))
    return [_clamp(res, soft, hard) for res, soft, hard in wanted]


_tasks_seen = [-1e9, 0]  # [when, how many]: user_tasks() a moment ago


def _recent_user_tasks(max_age: float = 1.0) -> int:
    """user_tasks(), counted at most once a ``max_age``: a scan reads every process's stat
    file (milliseconds on a busy machine, at each room's start); the slack absorbs a
    second's change. Rooms starting at once may both scan: harmless."""
    if time.monotonic() - _tasks_seen[0] > max_age:
        _tasks_seen[:] = [time.monotonic(), user_tasks()]
    return int(_tasks_seen[1])


def _clamp(res: int, soft: int, hard: int) -> Rlimit:
    if sys.platform == "win32":
        return res, soft, hard
    _, current_hard = resource.getrlimit(res)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
    return res, min(soft, hard), hard
