"""The in-app console of a game client: its output as scrollback, and a line to type into.

A CLI game plays here (Enter sends the line to the game's standard input); for a GUI
game, which opens its own window, the same view only keeps the game's output as a log.
When the client exits, the console says how, in a sentence; a crash quotes the last
lines of output, since that is usually where the reason is. When the match ends, however
it ends, the console stays with its output and the result, marked finished, until the
player closes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.widgets import show_outcome
from gamehub_qt.player.game_runner import GameRunner

SCROLLBACK_LINES = 5000
TAIL_LINES = 8


class ConsoleTab(Retranslated, QWidget):
    """Shows one game client's output; sends typed lines to it (CLI games).

    ``close_requested`` once the match is over and the player closes the tab.
    """

    close_requested = Signal()

    def __init__(self, runner: GameRunner, interactive: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.interactive = interactive
        self._status: Callable[[], str] = lambda: self.tr("Starting the game…")
        self._result: Callable[[], str] = lambda: ""
        self.scrollback = QPlainTextEdit()
        self.scrollback.setReadOnly(True)
        self.scrollback.setMaximumBlockCount(SCROLLBACK_LINES)
        self.scrollback.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.input = QLineEdit()
        self.input.setVisible(interactive)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.finished = False  # the match is over; the output stays until the tab is closed
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        self.close_button = QPushButton()
        self.close_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.scrollback, 1)
        layout.addWidget(self.input)
        layout.addWidget(self.status)
        bottom = QHBoxLayout()
        bottom.addWidget(self.result, 1)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.input.returnPressed.connect(self.send_line)
        self.close_button.clicked.connect(self.close_requested.emit)
        runner.output.connect(self.append)
        runner.exited.connect(self._exited)
        runner.failed.connect(self._failed)
        runner.started.connect(self._started)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets every fixed text, and the status again; runs on a language switch."""
        self.input.setPlaceholderText(self.tr("Type here and press Enter to send it to the game"))
        self.status.setText(self._status())
        self.close_button.setText(self.tr("Close"))
        self.close_button.setToolTip(self.tr("Close this finished match's console"))
        if self.finished:
            self.result.setText(self._result())

    def mark_finished(self, result: Callable[[], str]) -> None:
        """The match is over: shows ``result`` (in the language of the moment) under the
        output and lets the player close the tab; the output itself stays."""
        self.finished = True
        self._result = result
        self.input.setEnabled(False)
        bold = QFont(self.result.font())
        bold.setBold(True)
        self.result.setFont(bold)
        self.result.setText(result())
        self.result.show()
        self.close_button.show()

    def _started(self) -> None:
        self._status = lambda: self.tr("The game is running.")
        self.retranslate()

    def text(self) -> str:
        return self.scrollback.toPlainText()

    def append(self, text: str) -> None:
        """Adds output at the end, keeping the view at the bottom if it was there."""
        bar = self.scrollback.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        cursor = self.scrollback.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        if at_bottom:
            bar.setValue(bar.maximum())

    def send_line(self) -> None:
        line = self.input.text()
        self.input.clear()
        if not self.runner.running:
            return
        self.append(f"> {line}\n")  # echoed like a terminal, marked as the player's own
        self.runner.send(line)

    def tail(self) -> str:
        lines = [line for line in self.text().splitlines() if line.strip()]
        return "\n".join(lines[-TAIL_LINES:])

    def _exited(self, code: int) -> None:
        self.input.setEnabled(False)
        if code == 0:
            self._finish(lambda: self.tr("The game ended."), ok=True)
        elif code < 0:
            self._finish(
                lambda: self.tr("The game was stopped (signal {0}).").format(-code), ok=False
            )
        else:
            self._finish(lambda: self.crash_text(code), ok=False)

    def crash_text(self, code: int) -> str:
        """The sentence shown when the client exits with an error."""
        text = self.tr("The game stopped with an error (exit code {0}).").format(code)
        tail = self.tail()
        if tail:
            text += "\n" + self.tr("Its last output:") + "\n" + tail
        return text

    def _failed(self, why: str) -> None:
        self.input.setEnabled(False)
        self._finish(lambda: self.tr("The game could not start: {0}").format(why), ok=False)

    def _finish(self, status: Callable[[], str], ok: bool) -> None:
        """Shows how the game ended; ``status`` says it in the language of the moment."""
        self._status = status
        show_outcome(self.status, status(), ok=ok)
        bold = QFont(self.status.font())
        bold.setBold(not ok)
        self.status.setFont(bold)
