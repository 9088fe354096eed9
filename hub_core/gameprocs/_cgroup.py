"""A cgroup (v1) per room: a process limit that holds for root, and a kill nothing escapes.

Each room gets ``pids/gamehub/<hub instance>/<room>`` (pids.max = the room's process
limit, threads included: the kernel refuses the fork beyond it) and the same path in the
freezer hierarchy (freeze, SIGKILL every member, thaw: nothing can fork while being
killed). The hub opens both ``cgroup.procs`` files before the fork and passes them to the
child, which writes "0" (itself) into them before any game code runs
(hub_core.run_script.confine), so no game code ever runs outside its cgroup, and a
setsid or double fork does not leave it. Needs root (or a delegated hierarchy); without
it ``available`` says why and gameprocs falls back to process groups and a subreaper.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from hub_core.gameprocs._os import is_alive

ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("pids", "freezer")
PARENT = "gamehub"
_FREEZE_WAIT = 1.0  # how long to wait for the freezer before killing anyway
_EMPTY_WAIT = 2.0  # how long to wait for killed members to leave before removing the folder


def available() -> tuple[bool, str]:
    """(True, '') when this hub can create per-room cgroups; (False, why not) otherwise."""
    if not (ROOT / "pids").is_dir() or not (ROOT / "freezer").is_dir():
        if (ROOT / "cgroup.controllers").exists():
            return False, "the system uses cgroup v2, which the hub does not manage yet"
        return False, "no cgroup v1 pids and freezer hierarchies are mounted"
    try:
        for controller in CONTROLLERS:
            (ROOT / controller / PARENT).mkdir(exist_ok=True)
    except OSError as exc:
        return False, f"the hub may not create cgroups ({exc.strerror}; it needs root)"
    return True, ""


@dataclass
class RoomCgroup:
    """One room's cgroups and the open ``cgroup.procs`` fds its child joins through."""

    paths: list[Path]
    join_fds: list[int] = field(default_factory=list)

    @classmethod
    def create(cls, instance: str, room_id: str, max_pids: int | None) -> RoomCgroup:
        """Makes the folders, sets pids.max (None: not yet, ``adopt`` will), and opens the
        files the child writes itself into."""
        group = cls([ROOT / c / PARENT / instance / room_id for c in CONTROLLERS])
        try:
            for path in group.paths:
                path.mkdir(parents=True, exist_ok=True)
            if max_pids is not None:
                (group.paths[0] / "pids.max").write_text(str(max_pids))
            group.join_fds = [os.open(p / "cgroup.procs", os.O_WRONLY) for p in group.paths]
        except OSError:
            group.remove()
            raise
        return group

    def adopt(self, room_id: str, max_pids: int) -> None:
        """A warm spare's cgroup, which the spare joined while it waited, becomes a room's.

        The kernel's join (a write to ``cgroup.procs``) waits for an RCU grace period,
        10-25 ms, so the spare pays it before its room exists. Here the folders take the
        room's name (v1 renames a cgroup within its parent; on a refusal they keep the
        spare's: the record names them either way), the room's pids.max, and fresh join
        fds for a server that starts directly after all (the spare failed).
        """
        for i, path in enumerate(self.paths):
            with contextlib.suppress(OSError):
                path.rename(path.with_name(room_id))
                self.paths[i] = path.with_name(room_id)
        (self.paths[0] / "pids.max").write_text(str(max_pids))
        self.join_fds = [os.open(p / "cgroup.procs", os.O_WRONLY) for p in self.paths]

    def close_fds(self) -> None:
        for fd in self.join_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.join_fds = []

    def members(self) -> int:
        """How many tasks (processes and threads) the room has now."""
        try:
            return int((self.paths[0] / "pids.current").read_text())
        except (OSError, ValueError):
            return 0

    def refused_forks(self) -> int:
        """How many times the kernel refused a fork because the room was at pids.max."""
        try:
            return int((self.paths[0] / "pids.events").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            return 0

    def kill_members(self) -> None:
        """Freeze, SIGKILL every member, thaw: nothing forks away meanwhile."""
        pids_dir, freezer = self.paths
        _freeze(freezer, "FROZEN")
        for pid in _procs(pids_dir) | _procs(freezer):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _freeze(freezer, "THAWED")

    def remove(self) -> None:
        """Kills every member and removes the folders; safe to call twice."""
        self.close_fds()
        kill_all(self.paths)


def kill_all(paths: list[Path]) -> int:
    """Freeze, SIGKILL every member, thaw, wait for them to go, remove the folders."""
    pids_dir, freezer = paths
    _freeze(freezer, "FROZEN")
    killed: set[int] = set()
    deadline = time.monotonic() + _EMPTY_WAIT
    while (members := _procs(pids_dir) | _procs(freezer)) and time.monotonic() < deadline:
        for pid in members:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        _freeze(freezer, "THAWED")  # frozen tasks die of SIGKILL only once thawed
        time.sleep(0.005)
    for path in paths:
        with contextlib.suppress(OSError):
            path.rmdir()
        with contextlib.suppress(OSError):  # the hub instance's folder, once its last room goes
            path.parent.rmdir()
    return len(killed)


def sweep() -> int:
    """Kills the rooms of hub processes that are gone, record or not; removes their folders.

    A hub that died between creating a room's cgroup and writing its record, or whose
    records were lost, still leaves nothing running. Instance folders are named
    ``<hub pid>-<random>``; those of hubs that still run are left alone.
    """
    killed = 0
    instances = {p.name for c in CONTROLLERS for p in _subfolders(ROOT / c / PARENT)}
    for name in sorted(instances):
        pid = name.split("-")[0]
        if (
            not pid.isdigit() or int(pid) == os.getpid() or is_alive(int(pid))
        ):  # a zombie hub is gone too
            continue
        rooms = {p.name for c in CONTROLLERS for p in _subfolders(ROOT / c / PARENT / name)}
        for room in sorted(rooms):
            killed += kill_all([ROOT / c / PARENT / name / room for c in CONTROLLERS])
        for controller in CONTROLLERS:
            with contextlib.suppress(OSError):
                (ROOT / controller / PARENT / name).rmdir()
    return killed


def _subfolders(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_dir()]
    except OSError:
        return []


def _freeze(freezer: Path, state: str) -> None:
    state_file = freezer / "freezer.state"
    try:
        state_file.write_text(state)
    except OSError:
        return
    deadline = time.monotonic() + _FREEZE_WAIT
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if state_file.read_text().strip() == state:
                return
        time.sleep(0.001)


def _procs(path: Path) -> set[int]:
    try:
        return {int(line) for line in (path / "cgroup.procs").read_text().split()}
    except (OSError, ValueError):
        return set()
