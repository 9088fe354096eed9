"""Orphan records: which game servers a hub left running when it died, and killing them.

A server runs in its own session. The kernel kills the server itself when the hub dies
(PR_SET_PDEATHSIG), but not what it started; so each room has a record
``<state_dir>/<room_id>.json``, written before the fork, and a hub that starts reads
the records left behind and kills every member of their cgroups (or every process
carrying their room token, or the groups that are provably still the same processes).
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import signal
import time
from pathlib import Path
from typing import Any

from hub_core.gameprocs import _cgroup as cgroups
from hub_core.gameprocs._os import HAS_PROC, boot_id, kill_group, proc_cmdline, proc_stat
from hub_core.gameprocs._room import SCRATCH, kill_by_token
from hub_core.util.fsync import write_atomic

log = logging.getLogger("hub_core.gameprocs")


def write_record(
    state_dir: Path,
    room_id: str,
    started: tuple[int, int, list[str]] | None,
    room: dict[str, Any],
) -> Path:
    """Writes the record atomically (util.fsync.write_atomic): a crash never leaves half of one.

    It is written twice: before the fork with only ``room`` (the cgroup whose members
    to kill, the room's token), and again once the server runs, with ``started`` (pid,
    port, command line), so no game code ever runs without a record.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {"started": time.time(), **room}
    if started is not None:
        pid, port, cmdline = started
        # the server leads its own session and process group
        record.update(pid=pid, pgid=pid, port=port, cmdline=cmdline)
        stat = proc_stat(pid) if HAS_PROC else None
        if stat is not None:  # makes a match exact even if pid and cmdline repeat
            record["start_ticks"] = stat[3]
            record["boot_id"] = boot_id()
    path = state_dir / f"{room_id}.json"
    # No fsync: the record must outlive the hub's process, not a power cut, which ends
    # the game servers too; an fsync per room would slow every room's start.
    write_atomic(path, json.dumps(record).encode(), durable=False)
    return path


def remove_record(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def kill_orphans(state_dir: Path) -> int:
    """Kills what every record left behind; deletes the records and the rooms' scratch folders.

    A record that names cgroups has every member of them killed (nothing escapes a
    cgroup); one with a room token has every process carrying it killed; one with only
    a pid has its process group killed if the pid provably still runs the same program.
    """
    killed = 0
    for path in sorted(state_dir.iterdir()) if state_dir.is_dir() else []:
        if path.suffix == ".json" and _kill_if_ours(path):
            killed += 1
        if path.suffix in (".json", ".tmp"):
            remove_record(path)
    shutil.rmtree(state_dir / SCRATCH, ignore_errors=True)
    if HAS_PROC and cgroups.sweep():
        log.warning("Killed game processes left in the cgroups of hubs that are gone")
    return killed


def _kill_if_ours(path: Path) -> bool:
    record = _read(path)
    if record is None:
        log.warning("Ignoring the unreadable server record %s", path.name)
        return False
    if not HAS_PROC:
        # Without /proc nothing proves the pid is still the game's: killing could hit
        # an unrelated program that reused it, so leftovers are reported, not killed.
        log.warning("Cannot check whether game server %s still runs; not killing it", path.stem)
        return False
    killed = _kill_room(record)
    if "pid" in record and _still_ours(record) and kill_group(record["pgid"], signal.SIGKILL):
        killed = True
    if killed:
        log.warning("Killed game server %s left over from an earlier run", path.stem)
    return killed


def _kill_room(record: dict[str, Any]) -> bool:
    """Every member of the room's cgroups, or every process with its token."""
    paths = [Path(p) for p in record.get("cgroups", [])]
    allowed = [cgroups.ROOT / c / cgroups.PARENT for c in cgroups.CONTROLLERS]
    if len(paths) == 2 and all(
        p.is_relative_to(a) and ".." not in p.parts for p, a in zip(paths, allowed, strict=True)
    ):
        return cgroups.kill_all(paths) > 0
    token = record.get("token")
    return isinstance(token, str) and bool(token) and kill_by_token(token) > 0


def _read(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    if "pid" not in record and "token" in record:  # written before the fork
        return record
    ints = all(isinstance(record.get(k), int) and record[k] > 1 for k in ("pid", "pgid"))
    cmdline = record.get("cmdline")
    if not ints or not isinstance(cmdline, list) or not all(isinstance(a, str) for a in cmdline):
        return None
    return record


def _still_ours(record: dict[str, Any]) -> bool:
    """The pid still runs the recorded command, leads the recorded group, since the same boot.

    The leader must be alive: if it died, its group's id could in principle belong to
    an unrelated daemon by now, and killing by a guess is worse than a leftover.
    """
    pid = record["pid"]
    stat = proc_stat(pid)
    if stat is None or stat[0] in ("Z", "X") or stat[1] != record["pgid"]:
        return False
    if proc_cmdline(pid) != record["cmdline"]:
        return False
    if "start_ticks" in record and record["start_ticks"] != stat[3]:
        return False
    return record.get("boot_id") in (None, boot_id())
