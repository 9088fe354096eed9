"""Test locally: run a game folder's server and N clients here, each in its own console tab.

For a game that is not published yet: the developer sees the server's log, plays every
seat (typing into CLI clients' stdin), and sees what the game reports at its end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QWidget

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.widgets import set_error
from gamehub_qt.developer.localtest.console import Console
from gamehub_qt.developer.localtest.dialog_ui import LocalTestUi
from gamehub_qt.developer.localtest.runner import SERVER, LocalPlan, LocalRun
from hub_core.packages import Manifest, load_manifest


def exit_text(code: int) -> str:
    if code >= 0:
        return f"exit code {code}"
    with contextlib.suppress(ValueError):
        return signal.Signals(-code).name
    return f"signal {-code}"


def results_text(results: Any) -> str:
    if isinstance(results, dict) and results:
        return "; ".join(
            f"{key}: {value if isinstance(value, str) else json.dumps(value)}"
            for key, value in results.items()
        )
    return json.dumps(results)


class LocalTestDialog(LocalTestUi):
    """Choose a folder, pick the number of clients, Start; Stop ends everything."""

    def __init__(
        self, context: AppContext, *, folder: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.manifest: Manifest | None = None
        self.run: LocalRun | None = None
        self.consoles: dict[str, Console] = {}
        self.package = Path()
        self.state = "idle"  # idle, starting, running, stopping
        self._closed = False
        self.chose_folder.connect(self.use_folder)
        self.folder.returnPressed.connect(lambda: self.use_folder(self.folder.text()))
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._stop_now)
        self._set_state("idle")
        if folder is not None:
            self.use_folder(str(folder))

    # -- the game -----------------------------------------------------------------------

    def use_folder(self, path: str) -> None:
        """Reads the folder's manifest in a worker; Start uses this folder and manifest."""
        self.folder.setText(path)
        self.manifest = None
        self.package = folder = Path(path).expanduser().resolve()
        set_error(self.manifest_error, "")
        self.game_text.setText(self.tr("Reading manifest.json…"))
        self._set_state(self.state)
        self.context.op(self, lambda: asyncio.to_thread(load_manifest, folder)).success(
            lambda manifest: self._loaded(folder, manifest)
        ).failure(lambda error: self._not_loaded(folder, error)).run()

    def _loaded(self, folder: Path, manifest: Manifest) -> None:
        if folder != self.package:
            return  # another folder was chosen meanwhile
        self.manifest = manifest
        self.game_text.setText(
            self.tr("%1 (%2) · %3 · up to %4 players")
            .replace("%1", manifest.display_name)
            .replace("%2", manifest.name)
            .replace("%3", manifest.type)
            .replace("%4", str(manifest.max_players))
        )
        self.players.setRange(1, manifest.max_players)
        self.players.setValue(manifest.max_players)
        self._set_state(self.state)

    def _not_loaded(self, folder: Path, error: Exception) -> None:
        if folder != self.package:
            return
        self.game_text.setText("")
        set_error(self.manifest_error, str(error))
        self._set_state(self.state)

    # -- running ------------------------------------------------------------------------

    def start(self) -> None:
        if self.manifest is None or self.state != "idle":
            return
        paths = self.context.paths
        plan = LocalPlan(
            folder=self.package,
            manifest=self.manifest,
            players=self.players.value(),
            log_path=paths.logs / f"local-test-{self.manifest.name}.log",
            state_dir=paths.cache / "local-test",
        )
        run = LocalRun(plan)
        run.output.connect(self._output)
        run.client_ended.connect(self._client_ended)
        run.server_ended.connect(self._server_ended)
        run.game_finished.connect(self._game_finished)
        self.run = run
        self._make_consoles(plan.names, with_input=self.manifest.type == "CLI")
        self.results.hide()
        self._set_state("starting", self.tr("Starting the game server…"))
        self.context.op(self, run.start).success(self._started).failure(self._start_failed).run()

    def _make_consoles(self, names: list[str], *, with_input: bool) -> None:
        for old in self.consoles.values():
            old.deleteLater()
        self.tabs.clear()
        self.consoles = {SERVER: Console(with_input=False)}
        self.tabs.addTab(self.consoles[SERVER], self.tr("Server log"))
        for who in names:
            console = Console(with_input=with_input)
            console.submitted.connect(lambda text, who=who: self._send(who, text))
            self.consoles[who] = console
            self.tabs.addTab(console, who)

    def _started(self, port: int) -> None:
        if self._closed:  # closed while starting: nothing may run unseen
            self._set_state("running")
            self.stop()
            return
        count = len(self.consoles) - 1
        self._set_state(
            "running",
            self.tr("Running: the server listens on 127.0.0.1:%1, with %n client(s).", "", count)
            .replace("%1", str(port)),
        )  # fmt: skip
        if count:
            self.tabs.setCurrentIndex(1)

    def _start_failed(self, error: Exception) -> None:
        self.run = None
        self._set_state("idle", str(error), error=True)

    def _send(self, who: str, text: str) -> None:
        run = self.run
        if run is not None and self.state == "running":
            self.context.op(self, lambda: run.send(who, text + "\n")).run()

    def stop(self) -> None:
        run = self.run
        if run is None or self.state != "running":
            return
        self._set_state("stopping", self.tr("Stopping the server and the clients…"))
        self.context.op(self, run.stop).success(lambda _: self._stopped()).run()

    def _stopped(self) -> None:
        self.run = None
        for console in self.consoles.values():
            console.end_input()
        self._set_state("idle", self.tr("Stopped: the server and every client have ended."))

    def _stop_now(self) -> None:
        """The app is quitting: no game process may outlive it."""
        run, self.run = self.run, None
        if run is not None:
            with contextlib.suppress(Exception):
                self.context.net.call(run.stop(), timeout=10)

    def has_game(self) -> bool:
        return self.manifest is not None

    def done(self, result: int) -> None:
        """Closing the window ends the test: nothing keeps running unseen."""
        self._closed = True
        self.stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.stop()
        super().closeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        self._closed = False
        super().showEvent(event)

    # -- what the processes say ---------------------------------------------------------

    def _output(self, who: str, text: str) -> None:
        if who in self.consoles:
            self.consoles[who].append(text)

    def _client_ended(self, who: str, code: int) -> None:
        console = self.consoles.get(who)
        if console is not None:
            console.note(self.tr("The client exited (%1).").replace("%1", exit_text(code)))
            console.end_input()
        if code != 0:
            text = self.tr("%1's client crashed (%2); its output is in its tab.")
            self._say(text.replace("%1", who).replace("%2", exit_text(code)), error=True)

    def _server_ended(self, sentence: str) -> None:
        self.consoles[SERVER].note(sentence)
        self._say(sentence, error=True)

    def _game_finished(self, results: Any) -> None:
        text = self.tr("The game reported its end. Results: %1").replace(
            "%1", results_text(results)
        )
        self.results.setText(text)
        self.results.show()
