"""The PyInstaller build against running from source, in the same run (after packaging/build).

    python bench/bundle.py --json

- folder_mb, archive_mb: dist/GameHub/ and dist/GameHub-*.tar.gz (goal: folder ≤150).
- frozen_start_s_median vs source_start_s_median: process start → the main window's first
  paint (bench/startup.py's child, run by `GameHub run-script` and by this Python), 5
  each after a warm-up (goal: frozen ≤1.5 s).
- frozen_run_script_ms vs python_run_script_ms: `GameHub run-script empty.py` against
  `python -u empty.py`, median of 15 (goal: ≤1.5×).
- frozen_create_room_ms_p50 vs source_create_room_ms_p50: create_room with the rps
  sample on a hub run by the build and on one run from source (the hub starts the game
  server, through `GameHub run-script` in the build), p50 of 20 (goal: ≤60 ms); their
  floor in the same run: frozen_raw_spawn_ms_p50 / python_raw_spawn_ms_p50, the rps
  server started by hand and connected to (bench/rooms.py's raw_spawn).
Without a build the benchmark says so and ends. The app browses for hubs over mDNS, so
unless GAMEHUB_NETNS=1 it re-runs itself in a private network namespace.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _util import ROOT, arguments, fail, reexec_in_netns, report  # type: ignore[import-not-found]
from rooms import create_latency, player, raw_spawn  # type: ignore[import-not-found]
from startup import APP_CHILD  # type: ignore[import-not-found]

FOLDER = ROOT / "dist" / "GameHub"
FROZEN = FOLDER / "GameHub"
TRIALS = 5
RUNS = 15


def mb(size: int) -> float:
    return round(size / 2**20, 1)


def sizes() -> dict[str, float]:
    folder = sum(p.lstat().st_size for p in FOLDER.rglob("*") if not p.is_dir())
    archives = sorted(FOLDER.parent.glob("GameHub-*.tar.*"), key=lambda p: p.stat().st_mtime)
    return {
        "folder_mb": mb(folder),
        "archive_mb": mb(archives[-1].stat().st_size) if archives else 0.0,
    }


def first_paint_s(command: list[str], child: Path) -> float:
    """Seconds from just before the start to the app window's first paint."""
    with tempfile.TemporaryDirectory(prefix="gamehub-bundle-") as data:
        started = time.monotonic()
        done = subprocess.run(
            [*command, str(child), data], capture_output=True, text=True, timeout=120,
            env=dict(os.environ, PYTHONPATH=str(ROOT)) if command[0] == sys.executable
            else {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
            cwd=data,
        )  # fmt: skip
    painted = [line for line in done.stdout.splitlines() if line.startswith("PAINTED ")]
    if done.returncode != 0 or not painted:
        raise RuntimeError(f"{command} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return float(painted[0].split()[1]) - started


def start_times(tmp: Path) -> dict[str, Any]:
    child = tmp / "first_paint.py"
    child.write_text(APP_CHILD)
    frozen, source = [str(FROZEN), "run-script"], [sys.executable]
    first_paint_s(frozen, child), first_paint_s(source, child)  # warm-up
    times: dict[str, list[float]] = {"frozen": [], "source": []}
    for _ in range(TRIALS):
        times["frozen"].append(first_paint_s(frozen, child))
        times["source"].append(first_paint_s(source, child))
    return {f"{k}_start_s_median": round(statistics.median(v), 3) for k, v in times.items()}


def run_script_ms(command: list[str], script: Path) -> float:
    subprocess.run([*command, str(script)], check=True)  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([*command, str(script)], check=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


class Hub:
    """`host` on 127.0.0.1 with the samples, run by ``command`` (the build or this Python)."""

    def __init__(self, command: list[str]) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="gamehub-bundle-hub-")
        self.proc = subprocess.Popen(
            [*command, "host", "--data", self._tmp.name, "--bind", "127.0.0.1", "--port", "0",
             "--no-discovery", "--json"],
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.endpoint = f"127.0.0.1:{json.loads(self.proc.stdout.readline())['req_port']}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=30)
        self._tmp.cleanup()


async def _create_room(endpoint: str) -> float:
    client = await player(endpoint, "bencher")
    try:
        return float(await create_latency(client))
    finally:
        await client.close()


def create_room_ms(command: list[str]) -> float:
    hub = Hub(command)
    try:
        return asyncio.run(_create_room(hub.endpoint))
    finally:
        hub.stop()


def measure() -> dict[str, Any]:
    figures: dict[str, Any] = sizes()
    with tempfile.TemporaryDirectory(prefix="gamehub-bundle-") as name:
        tmp = Path(name)
        empty = tmp / "empty.py"
        empty.write_text("")
        figures["frozen_run_script_ms"] = run_script_ms([str(FROZEN), "run-script"], empty)
        figures["python_run_script_ms"] = run_script_ms([sys.executable, "-u"], empty)
        figures |= start_times(tmp)
    figures["frozen_create_room_ms_p50"] = create_room_ms([str(FROZEN)])
    figures["source_create_room_ms_p50"] = create_room_ms([sys.executable, "-m", "hub_core"])
    # the floor of both: starting the rps server by hand and connecting to it
    figures["frozen_raw_spawn_ms_p50"] = raw_spawn(command=(str(FROZEN), "run-script"))
    figures["python_raw_spawn_ms_p50"] = raw_spawn()
    figures["start_ratio"] = round(
        figures["frozen_start_s_median"] / figures["source_start_s_median"], 2
    )
    figures["run_script_ratio"] = round(
        figures["frozen_run_script_ms"] / figures["python_run_script_ms"], 2
    )
    figures["create_room_ratio"] = round(
        figures["frozen_create_room_ms_p50"] / figures["source_create_room_ms_p50"], 2
    )
    figures["load_average_1min"] = round(os.getloadavg()[0], 2)
    return figures


def main() -> None:
    arguments(__doc__).parse_args()
    if not FROZEN.is_file():
        fail(f"no build at {FOLDER}: run packaging/build first")
    if os.environ.get("GAMEHUB_NETNS") != "1":
        reexec_in_netns(__file__)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print("bundle benchmark: the build in dist/GameHub against this Python")
    report(measure())


if __name__ == "__main__":
    main()
