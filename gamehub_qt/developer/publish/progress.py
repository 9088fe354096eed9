"""The upload's progress bar with the amount sent and the speed (MB/s).

``publish`` reports progress on the network thread; ``report`` may be called from there,
because it only emits a signal, which Qt delivers on the window's thread.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from hub_core.util.units import format_bytes

STEPS = 1000


class PublishProgress(QWidget):
    """Hidden until an upload starts; ``report(done, total)`` is safe from any thread."""

    progressed = Signal(object, object)  # bytes done, bytes total (may pass 2**31)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, STEPS)
        self.text = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.text)
        self._started = 0.0
        self.progressed.connect(self._show)
        self.hide()

    def report(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    def start(self) -> None:
        self._started = time.monotonic()
        self.bar.setValue(0)
        self.text.setText(self.tr("Checking the package and asking the hub what it lacks…"))
        self.show()

    def finish(self) -> None:
        self.bar.setValue(STEPS)

    @property
    def percent(self) -> int:
        return round(100 * self.bar.value() / STEPS)

    def _show(self, done: int, total: int) -> None:
        self.bar.setValue(STEPS if total <= 0 else min(STEPS, done * STEPS // total))
        if total <= 0:
            self.text.setText(self.tr("The hub already has every file; nothing to send."))
            return
        elapsed = max(time.monotonic() - self._started, 1e-3)
        speed = done / elapsed / 1e6
        self.text.setText(
            self.tr("%1 of %2 done · %3 MB/s")
            .replace("%1", format_bytes(done))
            .replace("%2", format_bytes(total))
            .replace("%3", f"{speed:.1f}")
        )
