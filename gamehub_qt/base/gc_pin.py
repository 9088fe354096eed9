"""Python's cyclic garbage collector runs on the Qt thread only.

Why: CPython collects in whichever thread crosses its allocation threshold. In GameHub
that is often the network thread or a hosted hub's thread, and a collection there can
destroy Qt objects caught in reference cycles (a dialog's lambda holding its dialog)
off the thread that owns them, which crashes in Qt's destructors. The suite saw it as
segfaults while a hub thread started. So automatic collection is off while the app
runs, and a timer on the Qt thread collects each generation once its count passes the
interpreter's own threshold, as automatic collection would (calibre, pyqtgraph and
novelWriter do the same).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 250


class GuiThreadCollector(QObject):
    """While started, collections happen here, on the thread that created this object."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._was_enabled = gc.isenabled()

    def start(self) -> GuiThreadCollector:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start(CHECK_MS)
        return self

    def stop(self) -> None:
        """Collects once more here, then gives collection back to the interpreter."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def check(self) -> None:
        """The interpreter's own rule, run from the Qt thread's timer."""
        young, middle, old = gc.get_count()
        if young > self._threshold[0]:
            gc.collect(0)
            if middle > self._threshold[1]:
                gc.collect(1)
                if old > self._threshold[2]:
                    gc.collect(2)
