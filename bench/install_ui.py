"""The window stays responsive while a 100 MB game installs from the Player tab.

A real Player tab (offscreen) on a real hub in a child process installs a 100 MB game
by its Install button. Meanwhile a 5 ms QTimer records every gap between its ticks on
the Qt thread: a gap is how long the window could not have answered a click or painted.
The same timer runs for the same time with the app idle first (the baseline, in the same
run), and the same game is installed once by hub_core directly (no window) for the rate.

Figures: the longest and 99th-percentile gap while installing and while idle, the
install rate through the app and directly, and the app/direct rate ratio.

    python bench/install_ui.py --json [--mb 100]
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _util import HubProcess, arguments, percentile, report  # type: ignore[import-not-found]
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from transfer import MB, PASSWORD, logged_in, make_game  # type: ignore[import-not-found]

from gamehub_qt.base.context import AppContext
from gamehub_qt.player import PlayerTab
from hub_core.client.installs import install
from hub_core.client.publishing import publish

TICK_MS = 5
TARGET_GAP_MS = 100  # a click answered within a tenth of a second feels immediate


class GapRecorder:
    """Gaps between the ticks of a short timer on the Qt thread, in milliseconds."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> list[float]:
        self._timer.stop()
        return list(self.gaps)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now


def run_until(condition: Callable[[], bool], timeout: float) -> None:
    """Runs Qt's event loop (no sleeping, so the gaps are Qt's) until ``condition()``."""
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    check = QTimer()
    check.setInterval(20)

    def poll() -> None:
        if condition():
            loop.quit()
        elif time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {condition}")

    check.timeout.connect(poll)
    check.start()
    loop.exec()
    check.stop()


async def publish_and_install_directly(endpoint: str, folder: Path, work: Path) -> float:
    """Publishes the game, then installs it with hub_core alone; returns the install time."""
    dev = await logged_in(endpoint, "developer", "benchdev")
    player = await logged_in(endpoint, "player", "direct")
    try:
        await publish(dev, folder)
        os.sync()  # settle write-back first, as bench/transfer.py does before each timing
        start = time.perf_counter()
        await install(player, folder.name, work / "direct")
        return time.perf_counter() - start
    finally:
        await dev.close()
        await player.close()


def install_from_the_window(endpoint: str, work: Path, name: str) -> dict[str, Any]:
    """Logs a Player tab in, records idle gaps, then clicks Install and records again."""
    QApplication.instance() or QApplication([])
    context = AppContext.create(work / "app")
    try:
        context.net.call(context.player.join_hub(endpoint))
        context.net.call(context.player.register("windowed", PASSWORD))
        tab = PlayerTab(context)
        tab.resize(1000, 700)
        tab.show()
        tab.login.user.setText("windowed")
        tab.login.password.setText(PASSWORD)
        tab.login.password.returnPressed.emit()
        run_until(lambda: name in tab.store.list.visible_names(), 30)
        tab.store.list.select(name)
        details = tab.store.details
        run_until(lambda: details.action.isEnabled() and details.action.text() == "Install", 30)
        recorder = GapRecorder()
        recorder.start()
        idle_until = time.monotonic() + 3.0
        run_until(lambda: time.monotonic() > idle_until, 10)
        idle = recorder.stop()
        recorder.start()
        ended: list[float] = []  # when the app said so: the poll below runs only every 20 ms
        tab.installer.ended.connect(lambda *_: ended.append(time.perf_counter()))
        os.sync()  # the direct install's 100 MB must not be flushed inside this timing
        start = time.perf_counter()
        details.action.click()
        run_until(lambda: details.action.text() == "Installed", 600)
        seconds = (ended[0] if ended else time.perf_counter()) - start
        busy = recorder.stop()
        tab.close()
        return {"seconds": seconds, "busy": busy, "idle": idle}
    finally:
        context.shutdown()


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--mb", type=int, default=100, help="game size in MB")
    args = parser.parse_args()
    size = args.mb * MB
    print(f"install-from-the-window benchmark: {args.mb} MB game")
    with tempfile.TemporaryDirectory(prefix="gamehub-install-ui-") as tmp:
        work = Path(tmp)
        folder = make_game(work / "games" / "bigdemo", "bigdemo", size, 1)
        hub = HubProcess()
        try:
            direct_s = asyncio.run(publish_and_install_directly(hub.endpoint, folder, work))
            window = install_from_the_window(hub.endpoint, work, "bigdemo")
        finally:
            hub.stop()
    app_rate = size / MB / window["seconds"]
    direct_rate = size / MB / direct_s
    figures = {
        "ui_gap_ms_max": round(max(window["busy"]), 1),
        "ui_gap_ms_p99": round(percentile(window["busy"], 99), 1),
        "idle_gap_ms_max": round(max(window["idle"]), 1),
        "idle_gap_ms_p99": round(percentile(window["idle"], 99), 1),
        "target_gap_ms": TARGET_GAP_MS,
        "app_install_mb_s": round(app_rate, 1),
        "direct_install_mb_s": round(direct_rate, 1),
        "app_direct_ratio": round(app_rate / direct_rate, 3),
    }
    report(figures)


if __name__ == "__main__":
    main()
