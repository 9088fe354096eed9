"""The publish dialog's run check: the game's server and one client, run here before any upload.

hub_core.gameprocs.precheck does the work on the network thread (the server as a hub
runs it, one headless client as a player's app runs it); this step shows which part is
running and then what was found, in the app's language, with the culprit's last lines.

Publish waits for a passed check. After a failed one it stays possible only when the
developer ticks "Publish anyway": the check runs on this machine, which may lack what
the hub's host has (a display, a library), so the developer may know better, but
nobody should upload a game that would not start without having been told so. The
hub's own refusals remain the last word.
"""

from __future__ import annotations

import contextlib
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.ops import HubOp
from gamehub_qt.base.widgets import ERROR_STYLE
from hub_core.client.publishing import Libraries
from hub_core.gameprocs.precheck import (
    CLIENT_SETTLE,
    CheckStep,
    Finding,
    PrecheckReport,
    run_precheck,
)
from hub_core.packages.imports import MissingImport

OUTPUT_ROWS = 6  # lines of output shown at once (10 kept; the rest scroll)


class RunCheckState(StrEnum):
    """Where the dialog's run check is; only PASSED, or FAILED with the box ticked, publish."""

    # no package to run yet (none chosen, or its manifest has problems)
    IDLE = "idle"
    # run_precheck is on the network thread; the bar is busy and names the part running
    RUNNING = "running"
    # the server listened and a client stayed up: Publish may go
    PASSED = "passed"
    # what went wrong is shown with its last lines; "Publish anyway" is offered
    FAILED = "failed"


def _output_view() -> QPlainTextEdit:
    """The culprit's last lines as written (a traceback keeps its shape; long lines scroll
    sideways instead of widening the dialog)."""
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    lines = view.fontMetrics().lineSpacing() * OUTPUT_ROWS
    bar = view.horizontalScrollBar().sizeHint().height()
    view.setFixedHeight(lines + bar + 2 * view.frameWidth() + 12)
    return view


class RunCheckStep(Retranslated, QWidget):
    """Busy bar and step while running; then the finding, its last lines, and the box."""

    changed = Signal()  # the state or the box changed: the dialog updates its buttons
    add_libraries = Signal(list)  # "Add to libraries": the distributions the game lacks
    _stepped = Signal(str)  # a CheckStep, emitted on the network thread

    settle = CLIENT_SETTLE  # seconds a client must stay up (tests make it shorter)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.state = RunCheckState.IDLE
        self.report: PrecheckReport | None = None
        self.step: CheckStep | None = None
        self._op: HubOp | None = None
        self._runs = 0  # numbers the runs: an answer from an older one is dropped
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: the check's length is not known in advance
        self.bar.setTextVisible(False)
        self.step_text, self.result_text = QLabel(), QLabel()
        self.result_text.setWordWrap(True)
        self.output = _output_view()
        self.insist = QCheckBox()
        self.insist.toggled.connect(lambda _: self.changed.emit())
        self.add_button = QPushButton()  # a missing import's distribution, into the field
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        widgets: tuple[QWidget, ...] = (self.step_text, self.bar, self.result_text)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.output)
        layout.addWidget(self.insist)
        self._stepped.connect(self._show_step)
        self.retranslate()
        self._enter(RunCheckState.IDLE)

    def allows_publish(self) -> bool:
        if self.state is RunCheckState.FAILED:
            return self.insist.isChecked()
        return self.state is RunCheckState.PASSED

    def start(self, source: Path, libraries: Libraries | None = None) -> None:
        """Runs the check on ``source`` with the libraries the publish would add to it; a
        check still running is cancelled first."""
        self.cancel()
        self._runs += 1
        run = self._runs
        self.report, self.step = None, None
        self.insist.setChecked(False)
        self._enter(RunCheckState.RUNNING)
        work_dir, settle = self.context.paths.cache / "precheck", self.settle
        extra = libraries or Libraries()

        async def work() -> PrecheckReport:
            return await run_precheck(
                source,
                work_dir=work_dir,
                settle=settle,
                on_step=self._tell,
                requires=extra.requires,
                wheels_dir=extra.wheels_dir,
            )

        def done(report: PrecheckReport) -> None:
            if run == self._runs:
                self._done(report)

        def failed(error: Exception) -> None:
            if run == self._runs:
                self._failed(error)

        self._op = self.context.op(self, work).success(done).failure(failed).run()

    def cancel(self) -> None:
        """Back to IDLE; a running check stops its processes (the op is cancelled)."""
        if self._op is not None:
            self._op.cancel()
            self._op = None
        self._runs += 1
        self.report = None
        self._enter(RunCheckState.IDLE)

    # -- what happened ---------------------------------------------------------------------

    def _tell(self, step: CheckStep) -> None:
        """On the network thread: a closed dialog's check goes on stopping, unheard."""
        with contextlib.suppress(RuntimeError):  # the widget was deleted meanwhile
            self._stepped.emit(str(step))

    def _show_step(self, step: str) -> None:
        if self.state is RunCheckState.RUNNING:
            self.step = CheckStep(step)
            self.retranslate()

    def _done(self, report: PrecheckReport) -> None:
        self._op = None
        self.report = report
        self._enter(RunCheckState.PASSED if report.ok else RunCheckState.FAILED)

    def _failed(self, error: Exception) -> None:
        """The check itself could not run (no scratch folder...): said as a finding."""
        self._op = None
        self.report = PrecheckReport(Finding.SERVER_START, detail=str(error))
        self._enter(RunCheckState.FAILED)

    def _enter(self, state: RunCheckState) -> None:
        self.state = state
        self.setVisible(state is not RunCheckState.IDLE)
        self.bar.setVisible(state is RunCheckState.RUNNING)
        self.insist.setVisible(state is RunCheckState.FAILED)
        self.add_button.setVisible(bool(self.report is not None and self.report.missing))
        self.result_text.setStyleSheet(ERROR_STYLE if state is RunCheckState.FAILED else "")
        lines = self.report.last_lines if self.report is not None else ()
        self.output.setPlainText("\n".join(lines))
        bar = self.output.verticalScrollBar()
        bar.setValue(bar.maximum())  # the last line (the exception) first
        self.output.setVisible(bool(lines))
        self.retranslate()
        self.changed.emit()

    # -- texts -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.insist.setText(self.tr("Publish anyway (players may meet this problem)"))
        self.add_button.setText(self.tr("Add to libraries"))
        self.step_text.setText(self._step_text())
        self.result_text.setText(self.finding_text(self.report) if self.report else "")
        self.result_text.setVisible(self.report is not None)

    def _step_text(self) -> str:
        if self.state is not RunCheckState.RUNNING:
            return self.tr("Run check: the game's server and one client, started here.")
        if self.step is CheckStep.RUNNING_CLIENT:
            return self.tr("Run check: starting one client, as a player's app does…")
        if self.step is CheckStep.STOPPING:
            return self.tr("Run check: stopping the game…")
        if self.step is CheckStep.STARTING_SERVER:
            return self.tr("Run check: starting the game's server, as the hub does…")
        return self.tr("Run check: preparing the files publishing would send…")

    def finding_text(self, report: PrecheckReport) -> str:
        """The finding as a sentence in the app's language (hub_core's is English)."""
        end = ":" if report.last_lines else "."
        match report.finding:
            case Finding.PASSED:
                return (
                    self.tr(
                        "The server listened on GAME_PORT after %1 s and a client stayed connected "
                        "for %2 s: the game starts as it will on the hub."
                    )
                    .replace("%1", f"{report.ready_after:.1f}")
                    .replace("%2", f"{report.settle:g}")
                )
            case Finding.PACKAGE | Finding.SERVER_START | Finding.CLIENT_START:
                return self._could_not(report)
            case Finding.SERVER_NOT_LISTENING:
                text = self.tr("The server did not listen on GAME_PORT within %1 s")
                return text.replace("%1", f"{report.timeout:g}") + end
            case Finding.SERVER_EXITED:
                text = self.tr("The server %1 before it listened on GAME_PORT")
                return text.replace("%1", self._ended(report)) + end
            case Finding.CLIENT_EXITED:
                return self.tr("The client %1 at once").replace("%1", self._ended(report)) + end
            case Finding.SERVER_DIED:
                text = self.tr("The server %1 while a client was connected")
                return text.replace("%1", self._ended(report)) + end
            case Finding.MISSING_IMPORTS:
                return " ".join(self._missing_text(m) for m in report.missing) or report.detail

    def _missing_text(self, missing: MissingImport) -> str:
        text = self.tr(
            "%1 imports %2, which players will not have: add %3 to the game's libraries."
        )
        text = text.replace("%1", missing.file).replace("%2", missing.module)
        return text.replace("%3", missing.dist)

    def _add_clicked(self) -> None:
        if self.report is not None:
            self.add_libraries.emit(sorted({m.dist for m in self.report.missing}))

    def _could_not(self, report: PrecheckReport) -> str:
        if report.finding is Finding.PACKAGE:
            text = self.tr("The package cannot be run: %1")
        elif report.finding is Finding.CLIENT_START:
            text = self.tr("The client could not start: %1")
        else:
            text = self.tr("The server could not start: %1")
        return text.replace("%1", report.detail)

    def _ended(self, report: PrecheckReport) -> str:
        if report.reason:
            return report.reason  # the hub's watchdog's own phrase (limits), as the hub says it
        if report.signal_name:
            return self.tr("was killed by %1").replace("%1", report.signal_name)
        return self.tr("exited with code %1").replace("%1", str(report.exit_code))
