"""Unexpected exceptions: logged with their traceback, shown as a calm, non-modal report.

Without this, an exception in a slot prints a traceback on a terminal nobody watches
(or, in some set-ups, ends the app). Here the user sees a sentence, can keep working,
and can copy the details for a bug report; the traceback itself stays behind a button.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


class ErrorReport(QDialog):
    """Says that something went wrong; the details (tracebacks) are one click away."""

    def __init__(self, log_hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.count = 0
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.log_hint = log_hint
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.toggle = QPushButton(self.tr("Show &details"))
        self.toggle.setToolTip(self.tr("Show what the program was doing, for a bug report"))
        self.copy = QPushButton(self.tr("&Copy details"))
        self.copy.setToolTip(self.tr("Copy the details to the clipboard"))
        buttons.addButton(self.toggle, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.hide)
        self.toggle.clicked.connect(self._toggle)
        self.copy.clicked.connect(self._copy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.setWindowTitle(self.tr("Something went wrong"))
        self.setMinimumWidth(460)

    def add(self, details: str) -> None:
        self.count += 1
        text = self.tr(
            "GameHub ran into an unexpected problem. You can keep working; if something "
            "looks wrong, restart GameHub. The details were written to {0}."
        ).format(self.log_hint)
        if self.count > 1:
            text += "\n\n" + self.tr("This happened {0} times.").format(self.count)
        self.summary.setText(text)
        self.details.appendPlainText(details)

    def _toggle(self) -> None:
        self.details.setVisible(not self.details.isVisible())
        self.toggle.setText(
            self.tr("Hide &details") if self.details.isVisible() else self.tr("Show &details")
        )
        self.adjustSize()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class ExceptionHook(QObject):
    """Replaces sys.excepthook and threading.excepthook while installed."""

    caught = Signal(str)  # the formatted traceback; queued to the Qt thread

    def __init__(self, log_hint: str) -> None:
        super().__init__()
        self.log_hint = log_hint
        self.report: ErrorReport | None = None
        self._previous = sys.excepthook
        self._previous_thread = threading.excepthook
        self.caught.connect(self._show)

    def install(self) -> ExceptionHook:
        self._previous, sys.excepthook = sys.excepthook, self.handle
        self._previous_thread, threading.excepthook = threading.excepthook, self._thread_hook
        return self

    def uninstall(self) -> None:
        sys.excepthook = self._previous
        threading.excepthook = self._previous_thread

    def handle(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, error, tb)
            return
        log.error("Unexpected error", exc_info=(kind, error, tb))
        self.caught.emit("".join(traceback.format_exception(kind, error, tb)))

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, details: str) -> None:
        if QApplication.instance() is None:
            return
        if self.report is None:
            self.report = ErrorReport(self.log_hint, QApplication.activeWindow())
        self.report.add(details)
        self.report.show()
        self.report.raise_()
