"""One bridge for what the user is told: every error and notice goes through here.

Widgets call ``messages.error(text)``; the main window shows it (near where it
happened when a widget asks for that, else in the status bar) and it is logged. Tests
read what the user was shown from ``Messages.history``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class Messages(QObject):
    """Emits ``shown(level, text)`` for every message; keeps a short history."""

    shown = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self.history: list[tuple[str, str]] = []

    def error(self, text: str) -> None:
        self._show("error", text)

    def info(self, text: str) -> None:
        self._show("info", text)

    def _show(self, level: str, text: str) -> None:
        (log.warning if level == "error" else log.info)("%s", text)
        self.history = [*self.history[-99:], (level, text)]
        self.shown.emit(level, text)
