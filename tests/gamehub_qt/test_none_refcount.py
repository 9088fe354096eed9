"""Regression: PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to None per timer slot.

With qasync every loop iteration is a QTimer slot, so None's count falls until Python
aborts with "Fatal Python error: none_dealloc". pyproject.toml pins PySide6 below 6.12
for Python < 3.12; this test fails if a broken build comes back. It runs in a child
process, because the failure mode is an abort that would take the test run with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

ITERATIONS = 20_000

CHILD = f"""
import asyncio, json, sys
from PySide6.QtCore import QCoreApplication, QTimer
import qasync

app = QCoreApplication([])
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
ticks = [0]

def on_timeout():  # a plain Python slot driven by a QTimer
    ticks[0] += 1

timer = QTimer()
timer.setInterval(0)
timer.timeout.connect(on_timeout)

async def spin():
    timer.start()
    for _ in range({ITERATIONS}):
        await asyncio.sleep(0)
    while ticks[0] < {ITERATIONS}:
        await asyncio.sleep(0.001)
    timer.stop()

before = sys.getrefcount(None)
with loop:
    loop.run_until_complete(spin())
after = sys.getrefcount(None)
print(json.dumps({{"before": before, "after": after}}))
"""


def test_qasync_loop_keeps_none_refcount() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 0, f"the qasync loop crashed:\n{proc.stderr[-2000:]}"
    counts = json.loads(proc.stdout.strip().splitlines()[-1])
    # A healthy build holds steady; the broken one loses about one reference per iteration.
    assert counts["after"] >= counts["before"] - 100, counts
