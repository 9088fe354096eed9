"""Cycles made anywhere are collected on the Qt thread while the collector runs."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

from pytestqt.qtbot import QtBot

from gamehub_qt.base.gc_pin import GuiThreadCollector


class Cycle:
    """Records the thread that collected it."""

    collected_on: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.collected_on.append(threading.current_thread().name)


def churn() -> None:
    """More garbage cycles than the youngest generation's threshold: automatic collection
    would have run in this thread."""
    for _ in range(3 * gc.get_threshold()[0]):
        Cycle()


def test_a_worker_threads_garbage_is_collected_on_the_qt_thread(qtbot: QtBot) -> None:
    Cycle.collected_on.clear()
    gc.collect()
    collector = GuiThreadCollector().start()  # (the suite's own fixture runs one too)
    try:
        assert not gc.isenabled()
        worker = threading.Thread(target=churn, name="worker")
        worker.start()
        worker.join()
        assert "worker" not in Cycle.collected_on
        qtbot.waitUntil(lambda: len(Cycle.collected_on) >= 1000, timeout=5000)
        assert set(Cycle.collected_on) == {threading.current_thread().name}
    finally:
        collector.stop()


def test_stopping_gives_collection_back(qtbot: QtBot) -> None:
    outer = gc.isenabled()
    gc.enable()
    try:
        collector = GuiThreadCollector().start()
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
    finally:
        if not outer:
            gc.disable()
