"""Shared pieces of the stress suite: a real `gamehub host` process, its memory and CPU,
and the game servers it left behind.

Every stress test has a short variant that runs in the default suite and a long one that
`scripts/test --full` runs (it exports GAMEHUB_STRESS=full).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub_core.gameprocs import _os as osx
from tests.conftest import free_port
from tests.hub_core.gamefactory import make_server_game

FULL = os.environ.get("GAMEHUB_STRESS") == "full"
GAMEHUB = [sys.executable, "-m", "hub_core"]
START_TIMEOUT = 30.0
PASSWORD = "stress-password"


class HubProcess:
    """`gamehub host --json` on 127.0.0.1 with the given data folder, in its own process.

    Its log goes to a file (a pipe nobody reads would fill up and stall the hub)."""

    def __init__(self, data: Path, log: Path) -> None:
        self.data = data
        self.log = log
        self.proc: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    def start(self) -> HubProcess:
        port = free_port()
        args = [*GAMEHUB, "host", "--data", str(self.data), "--bind", "127.0.0.1"]
        args += ["--port", str(port), "--no-discovery", "--no-samples", "--json"]
        with self.log.open("a") as err:
            self.proc = subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, text=True
            )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # the hub prints it once it listens
        if not line:
            self.proc.wait(timeout=START_TIMEOUT)
            raise AssertionError(f"the hub did not start: {self.log.read_text()[-2000:]}")
        self.info = json.loads(line)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.info['req_port']}"

    def log_lines(self, text: str) -> list[str]:
        """Lines of the hub's own log (every start on this data folder) that hold ``text``."""
        log = self.data / "logs" / "hub.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return [line for line in lines if text in line]

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind runs in the hub."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=20)
        assert self.proc.returncode == -signal.SIGKILL

    def stop(self) -> None:
        """SIGTERM and wait; SIGKILL if it does not stop in time. Safe to call twice."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)

    def rss_kib(self) -> int:
        """Resident memory now (VmRSS from /proc/<pid>/status), in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS line")

    def cpu_seconds(self) -> float:
        """User plus system CPU time the hub used so far (its game servers not included)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def hub_process(tmp_path: Path) -> Iterator[HubProcess]:
    """A hub on a fresh data folder (not started yet: call ``start``), stopped at the end."""
    data = tmp_path / "hub-data"
    data.mkdir()
    hub = HubProcess(data, tmp_path / "hub-stderr.log")
    yield hub
    hub.stop()


def unique_game_name(prefix: str) -> str:
    """A game name no other test run uses: its servers carry it in GAME_NAME."""
    return f"{prefix}-{secrets.token_hex(6)}"


def make_room_game(folder: Path, name: str, players: int) -> Path:
    """The lobby tests' tiny server game: it listens, and reports a finished match when a
    client sends "finish"; ``players`` seats, a match may start with one player."""
    return make_server_game(folder, name, max_players=players, min_players=1)


def processes_with_env(marker: str) -> list[int]:
    """Pids of live processes whose environment holds ``marker`` (e.g. GAME_NAME=x).

    Zombies are not counted: they run nothing (and their environment is mostly unreadable)."""
    needle = marker.encode()
    found = []
    for pid in osx.all_pids():
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if needle in f.read().split(b"\0") and osx.is_alive(pid):
                    found.append(pid)
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def survivors(marker: str, wait: float) -> list[int]:
    """Processes still carrying ``marker`` after waiting up to ``wait`` seconds for them
    to go away by themselves."""
    deadline = time.monotonic() + wait
    while True:
        alive = processes_with_env(marker)
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.05)


def kill_all(pids: list[int]) -> None:
    """Clears what a test left behind: only pids this test's hub started."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def cpu_percent(seconds: float, wall: float) -> float:
    return round(100.0 * seconds / wall, 1) if wall > 0 else 0.0
