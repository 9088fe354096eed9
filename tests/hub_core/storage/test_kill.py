"""An acknowledged write survives kill -9, and no crash leaves a file that does not parse.

A child process writes with several concurrent writers and reports each acknowledged
write; the parent kills it with SIGKILL at a random moment, then checks the data folder.
The same folder is reused across runs, so data accumulates and older runs stay checked.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from hub_core.storage import open_repository
from tests.hub_core.storage._writer_child import TABLE, record

CHILD = Path(__file__).with_name("_writer_child.py")
RUNS = 60

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]


def run_and_kill(root: Path, run: int, acks: Path, delay: float) -> None:
    with acks.open("w") as out:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(root), str(run)], stdout=out, stderr=subprocess.PIPE
        )
    try:
        deadline = time.monotonic() + 20
        while not acks.read_text().startswith("ready\n"):
            assert child.poll() is None, child.communicate()[1].decode()
            assert time.monotonic() < deadline, "the writer child did not start"
            time.sleep(0.005)
        time.sleep(delay)
    finally:
        child.kill()  # SIGKILL
        stderr = child.communicate(timeout=20)[1].decode()
    assert child.returncode == -9, stderr


def read_acks(acks: Path, run: int, last_step: dict[tuple[int, int], int]) -> dict[str, Any]:
    """Acknowledged docs by key; a torn last line (killed mid-print) was never acknowledged."""
    lines = acks.read_text().split("\n")[1:-1]
    acked: dict[str, Any] = {}
    for line in lines:
        key, text = line.split("\t")
        doc = json.loads(text)
        assert (key, doc) == record(run, doc["writer"], doc["step"])
        acked[key] = doc
        slot = (run, doc["writer"])
        last_step[slot] = max(last_step.get(slot, -1), doc["step"])
    return acked


def check_folder(root: Path, acked: dict[str, Any], last_step: dict[tuple[int, int], int]) -> None:
    for path in root.rglob("*.json"):
        with path.open() as f:
            json.load(f)  # every shard parses, whatever moment the kill hit
    with open_repository(root) as repo:
        stored = repo.all(TABLE)
    for key, doc in acked.items():
        assert key in stored, f"acknowledged record {key} is missing"
        got = stored[key]
        assert (got["run"], got["step"]) >= (doc["run"], doc["step"]), f"{key} went back"
    for key, doc in stored.items():
        assert (key, doc) == record(doc["run"], doc["writer"], doc["step"]), key
        # A writer waits for each put, so at most one write past its last ack can exist.
        assert doc["step"] <= last_step.get((doc["run"], doc["writer"]), -1) + 1, key


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    seed = int(os.environ.get("STORAGE_KILL_SEED", time.time_ns()))
    print(f"STORAGE_KILL_SEED={seed}")
    rng = random.Random(seed)
    root = tmp_path / "db"
    acked: dict[str, Any] = {}
    last_step: dict[tuple[int, int], int] = {}
    started = time.monotonic()
    for run in range(RUNS):
        acks = tmp_path / f"acks-{run}.txt"
        run_and_kill(root, run, acks, rng.uniform(0.02, 0.2))
        acked.update(read_acks(acks, run, last_step))
        check_folder(root, acked, last_step)
    print(f"{RUNS} kills, {len(acked)} acknowledged records, {time.monotonic() - started:.1f} s")
    assert len(acked) > RUNS * 20  # the children really wrote between start and kill
