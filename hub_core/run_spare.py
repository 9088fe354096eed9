"""A warm spare game server: ``run-script --spare FD HUB_PID [CGROUP_FDS]``, before its room.

The hub keeps two idle (hub_core.gameprocs._spare), so a new room's server does not wait
for a Python to start (~11 ms from source, ~25 ms for the frozen executable's bootloader)
nor for the standard-library modules most game servers import first. While it waits it
dies with the hub (PR_SET_PDEATHSIG at once, and it exits when its socket reaches EOF).
Its assignment comes over that socket: the room's argv, working directory and full
environment, and the jail's fds (SCM_RIGHTS). It then becomes the server exactly as a
freshly started process would: the room's environment and folder, then
run_script.run_script, whose first step is the same ``confine`` (pdeathsig, cgroups,
rlimits, Landlock) before any of the game's code runs.

Joining a cgroup (a write to its ``cgroup.procs``) makes the kernel wait for an RCU grace
period: 10-25 ms, the largest part of a room's creation. So a spare joins the cgroups its
room will have (made by the hub for it, passed as CGROUP_FDS) as its first act, while it
waits; ``confine`` then skips those very files (same device and inode) and joins any other.
Where it runs as root it also waits at a lower priority (LOW_PRIORITY), so that its start
never takes CPU from a room's server starting meanwhile, and takes the hub's back when its
room comes, before any game code.

Standard library only, and nothing from a game's folder or PYTHONPATH: it runs under
``python -I`` (or the frozen executable, which ignores PYTHONPATH) before any room exists.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable

from hub_core import run_script as rs

SPARE_OPTION = "--spare"
ACK = b"1"  # the spare's answer once it holds its assignment: the hub may forget it
MAX_FDS = 16  # a room passes one fd per cgroup controller and its Landlock ruleset
_BUFFER = 1 << 16
LOW_PRIORITY = 10  # added to a spare's niceness until its room comes (CFS: ~1/10 the share)
# Imported while the spare waits, so a room's server finds them loaded: what the sample
# games and gamehub_sdk import first (~10 ms of every start). None reads the environment
# or the working directory when imported, so the room's own values still apply.
WARM_MODULES = ("contextlib", "selectors", "json", "enum", "functools", "collections")


def encode(argv: list[str], cwd: str, env: dict[str, str], fds: tuple[int, ...]) -> bytes:
    """The assignment as the hub sends it: a length, then NUL-separated fields (no json:
    neither side needs a parser for it, and NUL appears in no argv, path or variable)."""
    fields = [os.fsencode(cwd), b"%d" % len(argv), *map(os.fsencode, argv), b"%d" % len(env)]
    fields += [os.fsencode(k) + b"=" + os.fsencode(v) for k, v in env.items()]
    fields += [b"%d" % len(fds), *(b"%d" % fd for fd in fds)]
    body = b"\0".join(fields)
    return b"%d\0" % len(body) + body


def decode(body: bytes) -> tuple[list[str], str, dict[str, str], list[int]]:
    """``encode``'s fields back: argv, cwd, environment, and the fd numbers the hub used."""
    fields = iter(body.split(b"\0"))
    cwd = os.fsdecode(next(fields))
    argv = [os.fsdecode(next(fields)) for _ in range(int(next(fields)))]
    pairs = [os.fsdecode(next(fields)).partition("=") for _ in range(int(next(fields)))]
    numbers = [int(next(fields)) for _ in range(int(next(fields)))]
    return argv, cwd, {k: v for k, _, v in pairs}, numbers


def serve(args: list[str]) -> int:
    """Waits for a room, takes on its environment, folder and jail, and runs its server."""
    try:
        niceness = lower_priority()
        fd, hub = int(args[0]), int(args[1])
        libc = rs._libc()
        if libc is not None:
            rs._die_with(libc, hub)  # an unassigned spare must not outlive the hub either
        joined = join(rs._numbers(args[2], ",") if len(args) > 2 else [])
    except (OSError, ValueError, IndexError) as exc:
        print(f"GameHub's spare game server could not start ({exc}).", file=sys.stderr)
        return rs.EXIT_UNCONFINED
    for name in WARM_MODULES:
        __import__(name)
    with socket.socket(fileno=fd) as sock:  # closed before any of the game's code runs
        assignment = _receive(sock)
        if assignment is None:
            return 0  # the hub stopped or replaced this spare: no room, nothing ran
        sock.sendall(ACK)
    (argv, cwd, env, numbers), fds = assignment
    if niceness is not None:
        restore_priority(niceness)
    _become(cwd, env, numbers, fds, joined)
    return rs.run_script(argv)


def lower_priority() -> int | None:
    """Lowers this process's priority while it starts and waits (LOW_PRIORITY), so that
    its start never slows down a room's server starting meanwhile; returns the niceness
    to restore when its room comes. None, and unchanged, where it could not raise it back
    (that needs root, or CAP_SYS_NICE) or the system has no niceness."""
    if not hasattr(os, "setpriority") or os.geteuid() != 0:
        return None
    before = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, min(before + LOW_PRIORITY, 19))
    return before


def restore_priority(niceness: int) -> None:
    """Back to the hub's niceness, that of a server it starts directly; or no game."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    except OSError as exc:
        print(f"GameHub's spare game server could not restore its priority ({exc}).",
              file=sys.stderr)  # fmt: skip
        os._exit(rs.EXIT_UNCONFINED)


def join(fds: list[int]) -> set[tuple[int, int]]:
    """Writes this process into each ``cgroup.procs`` file and closes it; the files' identities."""
    joined = set()
    try:
        for fd in fds:
            os.write(fd, b"0")
            st = os.fstat(fd)
            joined.add((st.st_dev, st.st_ino))
    finally:
        for fd in fds:
            os.close(fd)
    return joined


def _receive(
    sock: socket.socket,
) -> tuple[tuple[list[str], str, dict[str, str], list[int]], list[int]] | None:
    """The assignment and the fds it carried; None at EOF (the hub closed its end)."""
    data, fds, flags, _ = socket.recv_fds(sock, _BUFFER, MAX_FDS)
    if not data:
        return None
    size, _, body = data.partition(b"\0")
    chunks, missing = [body], int(size) - len(body)
    while missing > 0:
        more = sock.recv(min(missing, _BUFFER))
        if not more:
            return None
        chunks.append(more)
        missing -= len(more)
    if flags & getattr(socket, "MSG_CTRUNC", 0):
        fds = []  # some were dropped: the jail would be incomplete, so confine must fail
    return decode(b"".join(chunks)), fds


def _become(
    cwd: str, env: dict[str, str], numbers: list[int], fds: list[int], joined: set[tuple[int, int]]
) -> None:
    """The room's environment (C's getenv too: os.environ sets it) and working directory,
    and its jail description with the fd numbers this process received them under, less
    the cgroups it joined already."""
    if getattr(sys, "frozen", False):  # what the bootloader set for this very process wins,
        env |= {k: v for k, v in os.environ.items() if k.startswith("_PYI_")}  # as at exec
    os.environ.clear()
    os.environ.update(env)
    try:
        os.chdir(cwd)
        ours = dict(zip(numbers, fds, strict=True))
        if rs.CONFINE_VARIABLE in env:
            described = renumber(env[rs.CONFINE_VARIABLE], ours)
            os.environ[rs.CONFINE_VARIABLE] = unjoined(described, joined)
    except (OSError, KeyError, ValueError) as exc:
        print(f"GameHub could not confine this game server ({exc}), so it did not run it.",
              file=sys.stderr)  # fmt: skip
        os._exit(rs.EXIT_UNCONFINED)


def renumber(description: str, fds: dict[int, int]) -> str:
    """run_script.confinement's text with the hub's fd numbers replaced by ours.

    A number that did not arrive raises KeyError: a jail with a missing part never runs.
    """

    def ours(key: str, value: str) -> str:
        if key not in ("cgroups", "landlock"):
            return value
        return ",".join(str(fds[int(n)]) if int(n) >= 0 else n for n in value.split(",") if n)

    return _fields_changed(description, ours)


def unjoined(description: str, joined: set[tuple[int, int]]) -> str:
    """The description without the cgroup files this process joined through (``join``),
    which are closed: writing into one again would cost the grace period once more.

    Only the same file counts (device and inode): any other cgroup is still joined by
    ``confine``, and a membership that was never joined is never assumed.
    """

    def kept(key: str, value: str) -> str:
        if key != "cgroups":
            return value
        left = []
        for fd in rs._numbers(value, ","):
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) in joined:
                os.close(fd)
            else:
                left.append(str(fd))
        return ",".join(left)

    return _fields_changed(description, kept)


def _fields_changed(description: str, change: Callable[[str, str], str]) -> str:
    """``key=value;…`` with each value replaced by ``change(key, value)``."""
    parts = (part.partition("=") for part in description.split(";"))
    return ";".join(f"{key}={change(key, value)}" for key, _, value in parts)
