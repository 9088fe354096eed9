"""Hub list latency in the window: from showing the window to the first hub listed.

A real hub runs in a child process (no mDNS of its own); this process announces it with
hub_core's Announcer on a separate asyncio thread, as another copy of the app would, and
waits well over a second (so the announcement is old news, as when a player opens the app
after the hub has been up a while). Then a fresh app context and main window are shown
(offscreen) and timed from ``show()`` (which starts discovery) until the hub list's first
row: mDNS start, query, answer, resolve, the liveness probe (the hub's hello) and the Qt
signal to the window. In the same run, the baseline does the same with python-zeroconf
alone: a fresh AsyncZeroconf and AsyncServiceBrowser (multicast questions) until Added.
A second figure times a window already open until a hub that starts announcing is listed.

mDNS never touches a real network here: unless GAMEHUB_NETNS=1, the script re-runs itself
in a private network namespace whose loopback carries multicast, and binds to 127.0.0.1.

    python bench/discovery_ui.py --json
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["GAMEHUB_MDNS_INTERFACES"] = "127.0.0.1"

from _util import (  # type: ignore[import-not-found]
    HubProcess,
    arguments,
    fail,
    reexec_in_netns,
    report,
)

LO = ["127.0.0.1"]
TRIALS = 5
WAIT_S = 5.0
SETTLED_S = 1.5  # announcement age before a window opens: past mDNS's 1 s repeat limit
TARGET_S = 0.5


class LoopThread:
    """An asyncio loop on its own thread: the announcing "other copy"."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


def announcement(hub: HubProcess) -> Any:
    from hub_core.discovery import HubAnnouncement

    return HubAnnouncement(
        name=f"Bench hub {uuid.uuid4().hex[:6]}",
        host="bench@netns",
        address="127.0.0.1",
        req_port=int(hub.info["req_port"]),
        pub_port=int(hub.info["pub_port"]),
        key=str(hub.info["key"]),
        protocol=int(hub.info.get("protocol", 1)),
    )


def window_trial(work: Path, announce: Any = None) -> float:
    """Seconds from show() (or, with ``announce``, from the announcement) to the first row."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from gamehub_qt.base.context import AppContext
    from gamehub_qt.shell.main_window import MainWindow

    app = QApplication.instance()
    assert app is not None
    context = AppContext.create(Path(tempfile.mkdtemp(dir=work)))
    window = MainWindow(context)
    listed: list[float] = []
    window.hubbar.model.rowsInserted.connect(lambda *_: listed.append(time.perf_counter()))
    try:
        began = time.perf_counter()
        window.show()
        if announce is not None:
            deadline = began + 1.0  # the window's browser is up and its first queries are out
            while time.perf_counter() < deadline:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            began = time.perf_counter()
            announce()
        deadline = began + WAIT_S
        while not listed and time.perf_counter() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if not listed:
            raise TimeoutError("the window did not list the hub")
        settle(window)
        return listed[0] - began
    finally:
        window.close()
        context.shutdown()


def settle(window: Any) -> None:
    """Lets the window's join of the lone hub (it joins by itself) end before it closes."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from gamehub_qt.shell.connection import LinkState

    deadline = time.perf_counter() + WAIT_S
    while time.perf_counter() < deadline and (
        window.hubbar._joining is not None or window.context.player.state == LinkState.CONNECTING
    ):
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


async def library_trial() -> float:
    """python-zeroconf alone: a fresh instance and browser until the hub is Added."""
    from zeroconf import DNSQuestionType, ServiceStateChange, Zeroconf
    from zeroconf.asyncio import AsyncServiceBrowser, AsyncZeroconf

    from hub_core.discovery import SERVICE_TYPE

    seen = asyncio.Event()

    def changed(
        zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        if state_change is ServiceStateChange.Added:
            seen.set()

    began = time.perf_counter()
    aiozc = AsyncZeroconf(interfaces=LO)
    await aiozc.zeroconf.async_wait_for_start()  # as hub_core's Browser does
    browser = AsyncServiceBrowser(
        aiozc.zeroconf, SERVICE_TYPE, handlers=[changed], question_type=DNSQuestionType.QM
    )
    try:
        await asyncio.wait_for(seen.wait(), WAIT_S)
        return time.perf_counter() - began
    finally:
        await browser.async_cancel()
        await aiozc.async_close()


def run(trials: int, work: Path) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from hub_core.discovery import Announcer

    QApplication([])
    hub = HubProcess()
    other = LoopThread()
    shown: list[float] = []
    fresh: list[float] = []
    library: list[float] = []
    try:
        for i in range(trials + 1):  # the first round warms up
            times = []
            for trial in (lambda: window_trial(work), lambda: asyncio.run(library_trial())):
                # A fresh hub each time: a responder repeats an answer at most once a second.
                announcer = Announcer(announcement(hub), interfaces=LO)
                other.call(announcer.start())
                time.sleep(SETTLED_S)
                times.append(trial())
                other.call(announcer.stop())
            late = Announcer(announcement(hub), interfaces=LO)
            after = window_trial(work, announce=lambda a=late: other.call(a.start()))
            other.call(late.stop())
            if i:
                shown.append(times[0])
                library.append(times[1])
                fresh.append(after)
    finally:
        other.stop()
        hub.stop()
    listed_s, library_s = statistics.median(shown), statistics.median(library)
    return {
        "trials": trials,
        "first_hub_listed_s": round(listed_s, 4),
        "first_hub_listed_s_max": round(max(shown), 4),
        "library_first_hub_s": round(library_s, 4),
        "library_first_hub_s_max": round(max(library), 4),
        "ratio": round(listed_s / library_s, 2) if library_s > 0 else None,
        "announce_to_listed_s": round(statistics.median(fresh), 4),
        "target_s": TARGET_S,
    }


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--trials", type=int, default=TRIALS)
    args = parser.parse_args()
    if os.environ.get("GAMEHUB_NETNS") != "1":
        reexec_in_netns(str(Path(__file__).resolve()))
    print(f"hub list benchmark: {args.trials} windows on 127.0.0.1 in a private netns")
    from hub_core.errors import DiscoveryError

    with tempfile.TemporaryDirectory(prefix="gamehub-discovery-ui-") as tmp:
        try:
            figures = run(max(1, args.trials), Path(tmp))
        except (OSError, TimeoutError, DiscoveryError) as exc:
            fail(f"hub list benchmark failed: {exc!r}")
    report(figures)


if __name__ == "__main__":
    main()
