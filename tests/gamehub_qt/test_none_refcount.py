"""Regression: PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to None per timer slot.

Every call of a QTimer-driven Python slot loses one (the app's 250 ms signal wake-up is
one), so None's count falls until Python aborts with "Fatal Python error: none_dealloc".
pyproject.toml pins PySide6 below 6.12 for Python < 3.12; this test fails if a broken
build comes back. It runs in a child process, because the failure mode is an abort that
would take the test run with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

ITERATIONS = 20_000

CHILD = f"""
import json, sys
from PySide6.QtCore import QCoreApplication, QTimer

app = QCoreApplication([])
ticks = [0]

def on_timeout():  # a plain Python slot driven by a QTimer, as the app's wake-up timer is
    ticks[0] += 1
    if ticks[0] >= {ITERATIONS}:
        app.quit()

timer = QTimer()
timer.setInterval(0)
timer.timeout.connect(on_timeout)
before = sys.getrefcount(None)
timer.start()
app.exec()
timer.stop()
after = sys.getrefcount(None)
print(json.dumps({{"before": before, "after": after, "ticks": ticks[0]}}))
"""


def test_timer_slots_keep_none_refcount() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 0, f"the Qt loop crashed:\n{proc.stderr[-2000:]}"
    counts = json.loads(proc.stdout.strip().splitlines()[-1])
    # A healthy build holds steady; the broken one loses about one reference per iteration.
    assert counts["ticks"] == ITERATIONS, counts
    assert counts["after"] >= counts["before"] - 100, counts
