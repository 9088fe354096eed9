"""Test locally with real child processes: the server, clients in consoles, game_finished."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.developer.localtest.dialog import LocalTestDialog
from gamehub_qt.developer.publish.dialog import SOURCES_KEY
from gamehub_qt.developer.tab import DeveloperTab
from hub_core.client.publishing import publish
from tests.gamehub_qt.developer.conftest import WAIT_MS, write_manifest
from tests.hub_core.gamefactory import make_game, make_server_game

OpenDialog = Callable[[Path], LocalTestDialog]
RPS = Path(__file__).resolve().parents[3] / "sample_games" / "rps"
LISTEN_FOREVER = """
import os, socket, time
srv = socket.create_server((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
print("listening for", os.environ["GAME_PLAYERS"], flush=True)
while True:
    time.sleep(1)
"""


@pytest.fixture
def open_dialog(qtbot: QtBot, context: AppContext) -> OpenDialog:
    """Opens the window on a folder and waits until its manifest is read."""

    def finish(dialog: LocalTestDialog) -> None:  # nothing may outlive a test
        dialog.stop()
        qtbot.waitUntil(lambda: dialog.state == "idle", timeout=WAIT_MS)

    def make(folder: Path) -> LocalTestDialog:
        dialog = LocalTestDialog(context, folder=folder)
        qtbot.addWidget(dialog, before_close_func=finish)
        qtbot.waitUntil(dialog.start_button.isEnabled, timeout=WAIT_MS)
        return dialog

    return make


def start(qtbot: QtBot, dialog: LocalTestDialog) -> None:
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state != "starting", timeout=WAIT_MS)


def type_line(qtbot: QtBot, dialog: LocalTestDialog, who: str, text: str) -> None:
    line = dialog.consoles[who].input
    assert line is not None
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def test_rps_plays_a_match_between_two_consoles(qtbot: QtBot, open_dialog: OpenDialog) -> None:
    dialog = open_dialog(RPS)
    assert dialog.players.value() == dialog.players.maximum() == 2
    start(qtbot, dialog)
    assert dialog.state == "running", dialog.status.text()
    assert dialog.tabs.count() == 3 and dialog.tabs.tabText(2) == "tester2"
    for _ in range(2):  # tester1 wins two rounds: rock beats scissors
        type_line(qtbot, dialog, "tester1", "r")
        type_line(qtbot, dialog, "tester2", "s")
    qtbot.waitUntil(lambda: not dialog.results.isHidden(), timeout=30_000)
    assert "winner: tester1" in dialog.results.text()
    assert "> r" in dialog.consoles["tester1"].text()
    qtbot.waitUntil(lambda: "listening" in dialog.consoles["server"].text(), timeout=WAIT_MS)
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == "idle", timeout=WAIT_MS)
    assert dialog.status.text().startswith("Stopped")


def test_a_client_runs_and_its_report_is_shown(
    qtbot: QtBot,
    open_dialog: OpenDialog,
    tmp_path: Path,
) -> None:
    dialog = open_dialog(make_server_game(tmp_path / "pong", max_players=3))
    assert dialog.players.value() == 3
    dialog.players.setValue(1)
    start(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.results.isHidden(), timeout=WAIT_MS)
    assert dialog.results.text() == "The game reported its end. Results: winner: ann"
    qtbot.waitUntil(lambda: "exit code 0" in dialog.consoles["tester1"].text(), timeout=WAIT_MS)
    assert "client got" in dialog.consoles["tester1"].text()
    assert "tester1" in dialog.consoles["tester1"].text()  # PLAYER_NAME


def test_a_server_that_crashes_at_once_says_why(
    qtbot: QtBot,
    open_dialog: OpenDialog,
    tmp_path: Path,
) -> None:
    folder = make_game(tmp_path / "crash", "crash")
    (folder / "server.py").write_text(
        "import sys\nprint('no map file found', flush=True)\nsys.exit(3)\n", encoding="utf-8"
    )
    dialog = open_dialog(folder)
    start(qtbot, dialog)
    assert dialog.state == "idle"
    assert dialog.status.text() == (
        "The game server exited during start (exit code 3). Last output: no map file found"
    )
    assert dialog.start_button.isEnabled()


def test_a_client_that_crashes_is_reported(
    qtbot: QtBot,
    open_dialog: OpenDialog,
    tmp_path: Path,
) -> None:
    folder = make_game(tmp_path / "wobbly", "wobbly", max_players=1)
    (folder / "server.py").write_text(LISTEN_FOREVER, encoding="utf-8")
    (folder / "client.py").write_text("raise SystemExit('no window today')\n", encoding="utf-8")
    dialog = open_dialog(folder)
    start(qtbot, dialog)
    qtbot.waitUntil(lambda: "crashed" in dialog.status.text(), timeout=WAIT_MS)
    assert (
        dialog.status.text() == "tester1's client crashed (exit code 1); its output is in its tab."
    )
    assert "no window today" in dialog.consoles["tester1"].text()
    qtbot.waitUntil(
        lambda: "listening for tester1" in dialog.consoles["server"].text(), timeout=WAIT_MS
    )


def test_a_broken_manifest_cannot_start(qtbot: QtBot, context: AppContext, tmp_path: Path) -> None:
    folder = make_game(tmp_path / "bad", "bad")
    write_manifest(folder, type="VR")
    dialog = LocalTestDialog(context, folder=folder)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.manifest_error.text() != "", timeout=WAIT_MS)
    assert "'type' must be CLI or GUI" in dialog.manifest_error.text()
    assert not dialog.start_button.isEnabled()
    assert os.path.isdir(folder)


def test_closing_the_window_stops_everything(
    qtbot: QtBot, open_dialog: OpenDialog, tmp_path: Path
) -> None:
    dialog = open_dialog(make_server_game(tmp_path / "pong", max_players=1))
    dialog.show()
    start(qtbot, dialog)
    run = dialog.run
    assert run is not None and run.server is not None
    pids = [run.server.pid, *(c.proc.pid for c in run.clients.values())]
    dialog.close()
    qtbot.waitUntil(lambda: dialog.state == "idle", timeout=WAIT_MS)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_test_locally_opens_on_the_selected_games_folder(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    folder = make_server_game(tmp_path / "pong")
    dev_tab.context.settings.setValue(SOURCES_KEY + "pong", str(folder))
    client = dev_tab.context.developer.client
    assert client is not None
    dev_tab.context.net.call(publish(client, folder))
    qtbot.waitUntil(lambda: dev_tab.my_games.selected() == "pong", timeout=WAIT_MS)
    qtbot.mouseClick(dev_tab.my_games.test_button, Qt.MouseButton.LeftButton)
    dialog = dev_tab.local_test
    assert dialog is not None
    qtbot.waitUntil(dialog.start_button.isEnabled, timeout=WAIT_MS)
    assert dialog.folder.text() == str(folder)
    assert dialog.game_text.text() == "PONG (pong) · CLI · up to 2 players"
    dialog.close()
