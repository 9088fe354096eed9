"""What confines one room's server: its scratch folder, cgroup, Landlock ruleset and child setup.

``Protections`` is found once per hub process: which of Landlock, per-room cgroups and
the child-subreaper fallback work here, and why not. ``RoomJail`` prepares everything
for one server in the hub (folders, cgroup, ruleset, environment); the server's own
process applies it before its code runs (``confinement``, hub_core.run_script.confine).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import secrets
import shutil
import signal
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hub_core.gameprocs import _cgroup as cgroups
from hub_core.gameprocs import _os as osx
from hub_core.gameprocs import _sandbox as landlock
from hub_core.run_script import CONFINE_VARIABLE, confinement, libs_env

log = logging.getLogger("hub_core.gameprocs")

INSTANCE = f"{os.getpid()}-{secrets.token_hex(3)}"  # this hub process's cgroup folder
SCRATCH = "scratch"  # <state_dir>/scratch/<room>: the rooms' private folders
TOKEN_VARIABLE = "GAMEHUB_ROOM_TOKEN"  # in every room process's /proc/PID/environ
_PR_SET_CHILD_SUBREAPER = 36
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


@dataclass(frozen=True)
class Protections:
    """Which protections game servers get on this machine, and why the others are missing."""

    landlock_abi: int  # 0: unavailable
    landlock_missing: str
    cgroups: bool
    cgroups_missing: str
    subreaper: bool
    pdeathsig: bool

    def describe(self) -> str:
        """One line for the hub's log and the Hub tab."""
        if self.landlock_abi:
            sandbox = f"Landlock ABI {self.landlock_abi}"
        else:
            sandbox = f"no Landlock ({self.landlock_missing}; packages are copied per room)"
        contain = "cgroup per room" if self.cgroups else f"no cgroups ({self.cgroups_missing})"
        extra = ", subreaper" if self.subreaper else ""
        return f"Game servers: {sandbox}; {contain}{extra}; private scratch folder per room"

    def as_dict(self) -> dict[str, object]:
        return {
            "landlock_abi": self.landlock_abi,
            "cgroups": self.cgroups,
            "subreaper": self.subreaper,
            "summary": self.describe(),
        }


@cache
def protections() -> Protections:
    """Probes once per process; makes the hub a child subreaper where cgroups are missing."""
    abi, no_landlock = landlock.probe()
    if os.environ.get("GAMEHUB_NO_LANDLOCK") == "1":  # tests of the fallback, and escape hatch
        abi, no_landlock = 0, "turned off by GAMEHUB_NO_LANDLOCK=1"
    has_cgroups, no_cgroups = (
        cgroups.available() if osx.HAS_PROC else (False, "they exist only on Linux")
    )
    if os.environ.get("GAMEHUB_NO_CGROUPS") == "1":
        has_cgroups, no_cgroups = False, "turned off by GAMEHUB_NO_CGROUPS=1"
    subreaper = False
    if not has_cgroups and _LIBC is not None:
        # Escaped descendants are reparented to the hub instead of init, so it can find them.
        subreaper = _LIBC.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    return Protections(abi, no_landlock, has_cgroups, no_cgroups, subreaper, _LIBC is not None)


@dataclass
class RoomJail:
    """One server's confinement, built by ``prepare`` in the hub and undone by ``release``."""

    room_id: str
    scratch: Path
    run_dir: Path  # the server's working directory: the package, or its copy in scratch
    token: str  # TOKEN_VARIABLE, how leftovers are recognised without cgroups
    baseline: int = 0  # bytes of the package copy, which do not count against the cap
    cgroup: cgroups.RoomCgroup | None = None
    ruleset: landlock.Ruleset | None = None
    env: dict[str, str] = field(default_factory=dict)
    libs_dir: Path | None = None  # the game's libraries (or their copy in scratch)

    @classmethod
    def prepare(
        cls,
        room_id: str,
        package: Path,
        state_dir: Path,
        max_pids: int,
        libs: Path | None = None,
        token: str | None = None,
        cgroup: cgroups.RoomCgroup | None = None,
    ) -> RoomJail:
        """Blocking: folders, the package copy without Landlock, the cgroup and the ruleset.

        ``token``: the one the warm spare that will run the server already carries;
        ``cgroup``: the one it joined while it waited, which becomes the room's (and which
        the jail owns from here on, released with it).
        """
        found = protections()
        scratch = state_dir / SCRATCH / room_id
        shutil.rmtree(scratch, ignore_errors=True)
        (scratch / "tmp").mkdir(parents=True)
        jail = cls(room_id, scratch, package, token or new_token(), libs_dir=libs, cgroup=cgroup)
        try:
            if not found.landlock_abi:  # a fresh copy: no room changes what the next one runs
                jail.run_dir = scratch / "package"
                shutil.copytree(package, jail.run_dir, symlinks=True)
                if libs is not None:
                    jail.libs_dir = scratch / "libs"
                    shutil.copytree(libs, jail.libs_dir, symlinks=True)
                jail.baseline = folder_size(scratch)
            if cgroup is not None:
                cgroup.adopt(room_id, max_pids)
            elif found.cgroups:
                jail.cgroup = cgroups.RoomCgroup.create(INSTANCE, room_id, max_pids)
            if found.landlock_abi:
                libs_view = [libs.resolve()] if libs is not None else []
                readable = [package.resolve(), *libs_view, *landlock.runtime_paths()]
                writable = [scratch.resolve(), Path("/dev/null")]
                jail.ruleset = landlock.Ruleset.build(found.landlock_abi, readable, writable)
        except BaseException:
            jail.release()
            raise
        jail.env = _scratch_env(scratch, jail.token) | libs_env(jail.libs_dir)
        return jail

    def record(self) -> dict[str, object]:
        """What a hub that starts after a crash needs to kill this room's leftovers."""
        cgroup = [str(p) for p in self.cgroup.paths] if self.cgroup else []
        return {"cgroups": cgroup, "token": self.token, "scratch": str(self.scratch)}

    def confinement(self, plan: list[osx.Rlimit]) -> tuple[dict[str, str], tuple[int, ...]]:
        """What the server applies to itself before its code runs (run_script.confine):
        the environment variable that describes it, and the fds to pass to the child."""
        if not osx.POSIX:
            return {}, ()
        cgroup_fds = list(self.cgroup.join_fds) if self.cgroup is not None else []
        landlock_fd = self.ruleset.fd if self.ruleset is not None else -1
        described = confinement(os.getpid(), plan, cgroup_fds, landlock_fd)
        passed = (*cgroup_fds, *([landlock_fd] if landlock_fd >= 0 else []))
        return {CONFINE_VARIABLE: described}, passed

    def spawned(self) -> None:
        """The child has exec'd (or failed to): the hub needs no fds of its own any more."""
        if self.cgroup is not None:
            self.cgroup.close_fds()
        if self.ruleset is not None:
            self.ruleset.close()

    def release(self) -> None:
        """Kills whatever the room still runs and removes its cgroup and scratch (blocking)."""
        self.spawned()
        if self.cgroup is not None:
            self.cgroup.remove()
        elif osx.HAS_PROC:
            kill_by_token(self.token)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def scratch_used(self) -> int:
        return max(0, folder_size(self.scratch) - self.baseline)


def new_token() -> str:
    return secrets.token_hex(8)


def _scratch_env(scratch: Path, token: str) -> dict[str, str]:
    """HOME, TMPDIR and the XDG folders all inside the room's scratch folder."""
    home = str(scratch)
    return {
        "HOME": home,
        "TMPDIR": str(scratch / "tmp"),
        "XDG_CONFIG_HOME": str(scratch / ".config"),
        "XDG_CACHE_HOME": str(scratch / ".cache"),
        "XDG_DATA_HOME": str(scratch / ".local" / "share"),
        "XDG_STATE_HOME": str(scratch / ".local" / "state"),
        TOKEN_VARIABLE: token,
    }


def folder_size(folder: Path) -> int:
    """Bytes of the files under ``folder`` (allocated blocks: sparse files count what they use)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                st = os.lstat(os.path.join(root, name))
                total += max(st.st_size if st.st_blocks == 0 else 0, st.st_blocks * 512)
    return total


def kill_by_token(token: str) -> int:
    """SIGKILLs processes whose environment carries the room's token (no cgroups here)."""
    marker = f"{TOKEN_VARIABLE}={token}".encode()
    killed = 0
    for _round in range(5):  # children of killed ones may be reparented meanwhile
        found = [pid for pid in osx.all_pids() if marker in _environ(pid).split(b"\0")]
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
            with contextlib.suppress(OSError):  # reaped here if the hub is its subreaper
                os.waitpid(pid, os.WNOHANG)
        if not found:
            break
    return killed


def _environ(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f.read()
    except OSError:
        return b""
