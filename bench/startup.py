"""Startup time: from process start to the main window's first paint.

Each trial starts a fresh Python process and times it from just before the start (in
this process) to the first paint event of its main window (printed by the child, on the
same monotonic clock). The app's child runs the real ``run_app`` (logging, network
thread, context, style, translations, the window with its Player, Developer and hub
bar) on an empty data folder, then quits; the baseline child shows a bare PySide6
QMainWindow. Both run under QT_QPA_PLATFORM=offscreen unless a platform is set. One
warm-up run of each fills the disk cache and compiles bytecode; then the two kinds
alternate, five trials each.

The app looks for hubs by mDNS at start, so unless GAMEHUB_NETNS=1 the script re-runs
itself in a private network namespace and nothing reaches a real network.

    QT_QPA_PLATFORM=offscreen python bench/startup.py --json
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _util import arguments, reexec_in_netns  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TRIALS = 5
TARGET_S = 1.0

# Prints the monotonic time of the first paint of any QMainWindow, then closes it.
_FIRST_PAINT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    done = False
    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
            self.done = True
            print(f"PAINTED {time.monotonic()!r}", flush=True)
            QTimer.singleShot(0, obj.close)
        return False

app = QApplication(sys.argv[:1])
watch = FirstPaint()
app.installEventFilter(watch)
"""

APP_CHILD = (
    _FIRST_PAINT
    + """
from gamehub_qt.app import run_app
sys.exit(run_app(["--data", sys.argv[1]]))
"""
)

BARE_CHILD = (
    _FIRST_PAINT
    + """
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1100, 720)
window.show()
sys.exit(app.exec())
"""
)


def one_trial(code: str) -> float:
    """Seconds from just before the child starts to its window's first paint."""
    with tempfile.TemporaryDirectory(prefix="gamehub-startup-") as data:
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-c", code, data],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
    painted = [line for line in proc.stdout.splitlines() if line.startswith("PAINTED ")]
    if proc.returncode != 0 or not painted:
        raise RuntimeError(f"the child failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return float(painted[0].split()[1]) - started


def measure(trials: int) -> dict[str, object]:
    one_trial(APP_CHILD)  # warm-up: disk cache, bytecode
    one_trial(BARE_CHILD)
    app: list[float] = []
    bare: list[float] = []
    for _ in range(trials):
        app.append(one_trial(APP_CHILD))
        bare.append(one_trial(BARE_CHILD))
    app_median, bare_median = statistics.median(app), statistics.median(bare)
    return {
        "app_start_s_median": round(app_median, 3),
        "bare_start_s_median": round(bare_median, 3),
        "ratio": round(app_median / bare_median, 2),
        "app_start_s": [round(t, 3) for t in app],
        "bare_start_s": [round(t, 3) for t in bare],
        "target_s": TARGET_S,
        "platform": os.environ.get("QT_QPA_PLATFORM", ""),
        "python": platform.python_version(),
    }


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--trials", type=int, default=TRIALS)
    args = parser.parse_args()
    if os.environ.get("GAMEHUB_NETNS") != "1":
        reexec_in_netns(str(Path(__file__).resolve()))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    figures = measure(args.trials)
    if not args.json:
        print(
            f"app {figures['app_start_s_median']} s, bare {figures['bare_start_s_median']} s "
            f"(median of {args.trials}), ratio {figures['ratio']}"
        )
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
