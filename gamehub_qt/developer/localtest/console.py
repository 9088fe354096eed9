"""A console-like view of one process's output, with an input line for CLI clients."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

MAX_LINES = 20_000  # a chatty game must not grow the window's memory without end


class Console(QWidget):
    """Output appended as it arrives; ``submitted`` carries each typed line."""

    submitted = Signal(str)

    def __init__(self, *, with_input: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.view.setMaximumBlockCount(MAX_LINES)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        self.input: QLineEdit | None = None
        if with_input:
            self.input = QLineEdit()
            self.input.setPlaceholderText(self.tr("Type here and press Enter to send it"))
            self.input.returnPressed.connect(self._send)
            layout.addWidget(self.input)

    def append(self, text: str) -> None:
        """Adds output at the end; keeps the view at the bottom unless the user scrolled up."""
        bar = self.view.verticalScrollBar()
        following = bar.value() >= bar.maximum() - 2
        cursor = self.view.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text.replace("\r\n", "\n"))
        if following:
            bar.setValue(bar.maximum())

    def note(self, text: str) -> None:
        """A line of the app's own (started, exited…), set apart from the process's output."""
        at_line_start = self.view.toPlainText().endswith("\n") or not self.view.toPlainText()
        self.append(("" if at_line_start else "\n") + f"— {text}\n")

    def text(self) -> str:
        return self.view.toPlainText()

    def end_input(self) -> None:
        if self.input is not None:
            self.input.setEnabled(False)

    def _send(self) -> None:
        assert self.input is not None
        line = self.input.text()
        self.input.clear()
        self.append(f"> {line}\n")
        self.submitted.emit(line)
