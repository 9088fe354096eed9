"""Publish a game: choose a folder or zip, see every problem at once, pick the version, send.

The package is checked in a worker as soon as it is chosen (typed, picked or dropped);
Publish stays disabled while anything is wrong, so a broken manifest never reaches the
hub. The version starts as the hub's suggestion and is checked by the hub's own rule.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.ops import HubOp
from gamehub_qt.base.widgets import ERROR_STYLE, set_error
from gamehub_qt.developer import ops
from gamehub_qt.developer.publish.checking import CheckResult, check_source
from gamehub_qt.developer.publish.dialog_ui import PublishDialogUi
from gamehub_qt.developer.publish.runcheck import RunCheckState, RunCheckStep
from hub_core.client.publishing import PublishResult
from hub_core.errors import RequestRefused
from hub_core.packages import PackageError, check_newer
from hub_core.util.units import format_bytes
from hub_core.wire.codes import Code
from hub_core.wire.schema import VersionHintReply

SOURCES_KEY = "developer/sources/"
WHEELS_KEY = "developer/wheels/"  # the wheels folder last used for a game
REQUIRES_KEY = "developer/requires/"  # the requirements last added to a game, as typed
CHECK_DELAY_MS = 400  # typing a path checks it once the typing pauses


def remembered_source(context: AppContext, name: str) -> Path | None:
    """Where the developer last published ``name`` from, if it is still there."""
    value = context.settings.value(SOURCES_KEY + name)
    path = Path(str(value)) if value else None
    return path if path is not None and path.exists() else None


class PublishDialog(PublishDialogUi):
    """One publish; ``update`` names the game being updated ("" for a new game)."""

    published = Signal(str)  # the game's name

    def __init__(self, context: AppContext, *, update: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.update_of = update
        self.check: CheckResult | None = None
        self.hint: VersionHintReply | None = None
        self._generation = 0
        self._op: HubOp | None = None
        self._done = False
        self.run_check = RunCheckStep(context)  # the server and a client, run here first
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.progress), self.run_check)
        self.run_check.changed.connect(self._run_checked)
        self.run_check.add_libraries.connect(self.libraries.add)
        self._libraries_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._libraries_timer.timeout.connect(self._run_again)
        self.libraries.changed.connect(self._libraries_changed)
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.start_check)
        self.source.textEdited.connect(lambda _: self._timer.start())
        self.source.returnPressed.connect(self._enter_pressed)
        self.recheck_button.clicked.connect(self.start_check)
        self.chose_path.connect(self.use_path)
        self.version.textChanged.connect(lambda _: self._check_version())
        self.publish_button.clicked.connect(self.publish)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        self.retranslate()
        if update:
            self._remembered_libraries(update)
        remembered = remembered_source(context, update) if update else None
        if remembered is not None:
            self.use_path(str(remembered))

    def retranslate(self) -> None:
        super().retranslate()
        self._update_buttons()
        if self.update_of:
            self.setWindowTitle(self.tr("Publish an update of %1").replace("%1", self.update_of))
        else:
            self.setWindowTitle(self.tr("Publish a new game"))

    # -- checking ------------------------------------------------------------------------

    def use_path(self, path: str) -> None:
        self.source.setText(path)
        self.start_check()

    def _enter_pressed(self) -> None:
        """Enter checks the typed path, and only that; on an empty field it opens the chooser.

        (The Folder… button no longer takes Enter as its click: dialog_ui.)
        """
        if self.source.text().strip():
            self.start_check()
        else:
            self.pick_folder("")

    def start_check(self) -> None:
        """Checks the chosen source in a worker; results of an older check are dropped."""
        self._timer.stop()
        self._generation += 1
        generation, text = self._generation, self.source.text().strip()
        self.check, self.hint, self._done = None, None, False
        self.run_check.cancel()
        self.result_text.hide()
        set_error(self.failure_text, "")
        self.progress.hide()
        self.form.show_result(None)
        set_error(self.version_error, "")
        self.version_note.setText("")
        self._set_state(self.tr("Checking the package…") if text else "")
        self._update_buttons()
        if not text:
            return
        path = Path(text).expanduser()
        self.context.op(self, lambda: asyncio.to_thread(check_source, path)).success(
            lambda result: self._checked(generation, result)
        ).failure(lambda error: self._set_state(str(error), error=True)).run()

    def _checked(self, generation: int, result: CheckResult) -> None:
        if generation != self._generation:
            return
        self._expect_game(result)
        self.check = result
        self.form.show_result(result)
        if not result.ok or result.manifest is None:
            self._set_state(self.tr("Fix the problems shown; nothing is sent until then."), True)
            self._update_buttons()
            return
        self._set_state(self.tr("The package is fine. Asking the hub for the next version…"))
        self.libraries.set_declared(result.manifest.requires)
        if self.libraries.ok():
            self.run_check.start(result.source, self.libraries.libraries())
        conn, name = self.context.developer, result.manifest.name
        self.context.op(self, lambda: ops.version_hint(conn, name)).success(
            lambda hint: self._hinted(generation, hint)
        ).failure(lambda error: self._set_state(str(error), error=True)).run()

    def _expect_game(self, result: CheckResult) -> None:
        """An update must be of the game it was asked for (a wrong folder is easy to pick)."""
        name = result.raw.get("name")
        if not self.update_of or not result.raw or name == self.update_of:
            return
        text = self.tr("This package is %1, not %2: choose the folder of %2.")
        text = text.replace("%1", repr(name)).replace("%2", repr(self.update_of))
        result.field_problems.setdefault("name", []).append(text)
        result.manifest = None

    def _hinted(self, generation: int, hint: VersionHintReply) -> None:
        if generation != self._generation or self.check is None:
            return
        self.hint = hint
        self._show_latest(hint)
        self.version.setText(hint.suggested)
        if not hint.yours:
            self._name_taken(self.check, hint.owner or "")
            return
        self._show_ready()
        self._check_version()

    def _show_latest(self, hint: VersionHintReply) -> None:
        if hint.latest and hint.removed:
            text = self.tr(
                "Latest on the hub: %1 (removed from the store; publishing brings it back)"
            )
        elif hint.latest:
            text = self.tr("Latest on the hub: %1")
        else:
            text = self.tr("A new game on this hub.")
        self.version_note.setText(text.replace("%1", str(hint.latest)))

    def _name_taken(self, result: CheckResult, owner: str) -> None:
        """Another developer's name: said at the name, before anything is sent."""
        text = self.tr(
            "%1 belongs to %2; only they can publish it. Give your game another "
            '"name" in manifest.json, then check again.'
        )
        name = repr(result.raw.get("name", ""))
        result.field_problems.setdefault("name", []).append(
            text.replace("%1", name).replace("%2", owner)
        )
        result.manifest = None
        self.form.show_result(result)
        self._set_state(self.tr("Fix the problems shown; nothing is sent until then."), True)
        self._update_buttons()

    def _refresh_latest(self, name: str) -> None:
        """After a publish, "Latest on the hub" is the version just sent, asked of the hub."""
        conn, generation = self.context.developer, self._generation

        def show(hint: VersionHintReply) -> None:
            if generation == self._generation:
                self.hint = hint
                self._show_latest(hint)

        self.context.op(self, lambda: ops.version_hint(conn, name)).success(show).run()

    def _run_checked(self) -> None:
        self._update_buttons()
        self._show_ready()

    # -- libraries ---------------------------------------------------------------------------

    def _remembered_libraries(self, name: str) -> None:
        """An update brings the libraries its last publish added (an unchanged game needs them
        again), and the same wheels folder if it is still there."""
        requires = self.context.settings.value(REQUIRES_KEY + name)
        wheels = self.context.settings.value(WHEELS_KEY + name)
        folder = str(wheels) if wheels and Path(str(wheels)).is_dir() else ""
        self.libraries.set_values(str(requires or ""), folder)

    def _libraries_changed(self) -> None:
        """Checked at the field at once; the run check runs again once the typing pauses."""
        self._libraries_timer.start()
        if not self.libraries.ok():
            self.run_check.cancel()
        self._update_buttons()

    def _run_again(self) -> None:
        if self.check is None or not self.check.ok or self._op is not None or self._done:
            return
        if self.libraries.ok():
            self.run_check.start(self.check.source, self.libraries.libraries())
        self._show_ready()

    def _show_ready(self) -> None:
        """Once the hub's hint is in: ready only if the run check passed too."""
        if self.hint is None or self._done or not self.hint.yours:
            return  # a name someone else owns stays refused at the name field
        state = self.run_check.state
        if not self.libraries.ok():
            self._set_state(self.tr("Fix the libraries shown; nothing is sent until then."), True)
        elif state is RunCheckState.PASSED:
            self._set_state(self.tr("Ready to publish."))
        elif state is RunCheckState.FAILED:
            self._set_state(self.tr("The game did not start here; see the run check below."), True)
        elif state is RunCheckState.RUNNING:
            self._set_state(self.tr("The package is fine. Running the game once here…"))

    def _check_version(self) -> bool:
        """The hub's rule, run here first: major.minor.patch, greater than the latest."""
        if self.hint is None:
            return False
        try:
            check_newer(self.version.text().strip(), self.hint.latest)
        except PackageError as exc:
            set_error(self.version_error, str(exc))
            self._update_buttons()
            return False
        set_error(self.version_error, "")
        self._update_buttons()
        return True

    # -- publishing ----------------------------------------------------------------------

    def publish(self) -> None:
        if not self.publish_button.isEnabled() or self.check is None:
            return
        conn, source = self.context.developer, self.check.source
        version, libraries = self.version.text().strip(), self.libraries.libraries()
        report = self.progress.report
        set_error(self.failure_text, "")
        self.progress.start()
        self._op = (
            self.context.op(
                self, lambda: ops.publish_package(conn, source, version, report, libraries)
            )
            .success(self._published)
            .failure(self._failed)
            .busy(self._publishing)
            .run()
        )

    def _publishing(self, busy: bool) -> None:
        if not busy:
            self._op = None
        widgets = (self.source, self.recheck_button, self.version, self.run_check.insist)
        for widget in (*widgets, *self.pick_buttons):
            widget.setEnabled(not busy)
        self.libraries.set_busy(busy)
        self._update_buttons()

    def _published(self, result: PublishResult) -> None:
        self._done = True
        self.progress.finish()
        what = f"{result.name} {result.version}"
        if result.sent_bytes == 0:
            text = self.tr("Published %1; nothing needed sending, it was all on the hub already.")
        elif result.sent_bytes >= result.total_bytes:
            text = self.tr("Published %1; sent %2.")
        else:
            text = self.tr("Published %1; sent %2, the rest was already on the hub.")
        self.result_text.setText(
            text.replace("%1", what).replace("%2", format_bytes(result.sent_bytes))
        )
        self.result_text.show()
        self._set_state("")
        if self.check is not None:
            self._remember(result.name, self.check.source)
        self._update_buttons()
        self._refresh_latest(result.name)
        self.published.emit(result.name)

    def _remember(self, name: str, source: Path) -> None:
        """Where this game came from, and the libraries added to it, for its next update."""
        settings = self.context.settings
        settings.setValue(SOURCES_KEY + name, str(source))
        settings.setValue(REQUIRES_KEY + name, self.libraries.requires.text().strip())
        wheels = self.libraries.wheels_dir()
        settings.setValue(WHEELS_KEY + name, str(wheels) if wheels is not None else "")

    def _failed(self, error: Exception) -> None:
        self.progress.hide()
        # The hub's version sentences (check_newer, Version.parse) all begin "Version ...";
        # they belong next to the version field, where the developer fixes them.
        refused = isinstance(error, RequestRefused) and error.code == Code.PACKAGE_INVALID
        if refused and str(error).startswith("Version"):
            set_error(self.version_error, str(error))
        elif isinstance(error, RequestRefused) and error.code == Code.NOT_AUTHOR and self.check:
            self.check.field_problems.setdefault("name", []).append(str(error))
            self.form.show_result(self.check)  # taken meanwhile: said at the name too
        else:
            set_error(self.failure_text, str(error))
        self._update_buttons()

    def cancel_or_close(self) -> None:
        """Cancel stops a running upload (what arrived stays, so the next try resumes)."""
        if self._op is None:
            self.reject()
            return
        self._op.cancel()
        self.progress.hide()
        cancelled = self.tr(
            "Publishing was cancelled. What was sent stays on the hub; publishing again resumes."
        )
        set_error(self.failure_text, cancelled)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.run_check.cancel()
        if self._op is not None:
            self._op.cancel()
        super().closeEvent(event)

    def reject(self) -> None:
        self.run_check.cancel()
        if self._op is not None:
            self._op.cancel()
        super().reject()

    # -- state ------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        ready = self.check is not None and self.check.ok and self.hint is not None
        ready = ready and self.run_check.allows_publish() and self.libraries.ok()
        version_ok = ready and not self.version_error.text()
        self.publish_button.setEnabled(bool(version_ok) and self._op is None and not self._done)
        self.cancel_button.setText(
            self.tr("Cancel") if self._op is not None or not self._done else self.tr("Close")
        )

    def _set_state(self, text: str, error: bool = False) -> None:
        self.state_text.setText(text)
        self.state_text.setStyleSheet(ERROR_STYLE if error else "")
        self.state_text.setVisible(bool(text))
