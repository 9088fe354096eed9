"""A progress bar with speed and a Cancel button that follows the tab's Installer.

Several screens show one (the store's details pane, the room page), all bound to the
same Installer, so an install started in a room is visible and cancellable in the store
too. The last result stays as a line of text until the next job starts. A bar that
``follow``s one game (the store's details pane) shows only that game's jobs and results:
an install of another game is not shown as if it were the selected game's.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.widgets import RateMeter, show_outcome
from gamehub_qt.player.installer import Installer
from hub_core.util.units import format_bytes


class InstallBar(Retranslated, QWidget):
    """'Installing Rock Paper Scissors… [=====   ] 2.1 MB/s [Cancel]', then the result."""

    def __init__(self, installer: Installer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.installer = installer
        self.game: str | None = None  # follow(): only this game's jobs; None: every job
        self._what = ""  # the running job's sentence
        self._results: dict[str, tuple[str, bool]] = {}  # game -> its last result
        self.what = QLabel()
        self.bar = QProgressBar()
        self.rate = QLabel()
        self.cancel = QPushButton()
        self.result = QLabel()
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.rate)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.what)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self._meter = RateMeter()
        self._show_running(False)
        self.result.hide()
        self.cancel.clicked.connect(installer.cancel)
        installer.started.connect(self._started)
        installer.progress.connect(self._progress)
        installer.ended.connect(self._ended)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets the fixed text; runs again on a language switch. What is being installed and
        how it went are sentences about one moment, and stay as they were said."""
        self.cancel.setText(self.tr("Cancel"))

    def follow(self, game: str) -> None:
        """Shows only ``game``'s jobs from now on: its running job, or its last result."""
        self.game = game
        running = self.installer.busy and self.installer.name == game
        self._show_running(running)
        if running:
            self.what.setText(self._what)
        result = None if running else self._results.get(game)
        if result is not None:
            show_outcome(self.result, result[0], ok=result[1])
        self.result.setVisible(result is not None)

    def _mine(self) -> bool:
        return self.game is None or self.installer.name == self.game

    def _show_running(self, running: bool) -> None:
        for widget in (self.what, self.bar, self.rate, self.cancel):
            widget.setVisible(running)

    def _started(self, what: str) -> None:
        self._what = what
        if not self._mine():
            return
        self._meter = RateMeter()
        self.what.setText(what)
        self.bar.setRange(0, 0)  # busy until the first report says how much
        self.rate.setText("")
        self.result.hide()
        self._show_running(True)

    def _progress(self, done_b: int, total_b: int) -> None:
        if total_b <= 0 or not self._mine():
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * done_b / total_b))
        rate = self._meter.mb_per_s(done_b)
        self.rate.setText(
            self.tr("{0} of {1}, {2:.1f} MB/s").format(
                format_bytes(done_b), format_bytes(total_b), rate
            )
        )

    def _ended(self, text: str, ok: bool) -> None:
        self._results[self.installer.name] = (text, ok)
        if not self._mine():
            return
        self._show_running(False)
        show_outcome(self.result, text, ok=ok)
        self.result.setProperty("ok", ok)
        self.result.show()
