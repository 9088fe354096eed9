"""The publish dialog's run check against a real hub: findings, Publish anyway, no leftovers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gamehub_qt.developer.publish.dialog import PublishDialog
from gamehub_qt.developer.publish.runcheck import RunCheckState, RunCheckStep
from gamehub_qt.developer.tab import DeveloperTab
from hub_core.gameprocs import _os as osx
from hub_core.gameprocs.precheck import CheckStep
from tests.gamehub_qt.developer.conftest import WAIT_MS
from tests.hub_core.gamefactory import make_game, make_playable_game
from tests.stress.conftest import processes_with_env

TRACEBACK = "def load():\n    raise RuntimeError('no board configured')\nload()\n"
CLIENT_QUITS = "import sys\nprint('assets/tiles.png is missing', flush=True)\nsys.exit(2)\n"
SHOTS = Path(os.environ.get("GAMEHUB_SHOTS", "/tmp/gamehub-shots"))


@pytest.fixture
def marker(monkeypatch: pytest.MonkeyPatch) -> str:
    """An environment entry the game processes this test starts carry (they inherit it)."""
    value = secrets.token_hex(6)
    monkeypatch.setenv("PRECHECK_TEST", value)
    return f"PRECHECK_TEST={value}"


def open_on(qtbot: QtBot, tab: DeveloperTab, folder: Path) -> PublishDialog:
    dialog = tab.open_publish("")
    dialog.use_path(str(folder))
    qtbot.waitUntil(lambda: dialog.hint is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.run_check.report is not None, timeout=WAIT_MS)
    return dialog


def test_a_server_that_exits_blocks_publish_until_the_developer_insists(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    folder = make_playable_game(tmp_path / "crashy", "crashy")
    (folder / "server.py").write_text(TRACEBACK, encoding="utf-8")
    dialog = open_on(qtbot, dev_tab, folder)
    step = dialog.run_check
    assert step.state is RunCheckState.FAILED
    assert step.result_text.text() == (
        "The server exited with code 1 before it listened on GAME_PORT:"
    )
    assert step.output.toPlainText().endswith("RuntimeError: no board configured")
    assert dialog.state_text.text() == "The game did not start here; see the run check below."
    assert not dialog.publish_button.isEnabled()
    assert step.insist.isVisible() and not step.insist.isChecked()
    dialog.resize(dialog.sizeHint())
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "publish-runcheck-failed.png"))

    step.insist.setChecked(True)
    assert dialog.publish_button.isEnabled()
    with qtbot.waitSignal(dialog.published, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)


def test_a_client_that_exits_at_once_is_named(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    folder = make_playable_game(tmp_path / "quits", "quits")
    (folder / "client.py").write_text(CLIENT_QUITS, encoding="utf-8")
    dialog = open_on(qtbot, dev_tab, folder)
    assert dialog.run_check.result_text.text() == "The client exited with code 2 at once:"
    assert dialog.run_check.output.toPlainText() == "assets/tiles.png is missing"
    assert not dialog.publish_button.isEnabled()


def test_a_game_that_starts_may_be_published(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    dialog = open_on(qtbot, dev_tab, make_playable_game(tmp_path / "fine", "fine"))
    step = dialog.run_check
    assert step.state is RunCheckState.PASSED
    assert step.result_text.text().startswith("The server listened on GAME_PORT after ")
    assert step.insist.isHidden() and step.output.isHidden()
    assert dialog.publish_button.isEnabled()
    assert dialog.state_text.text() == "Ready to publish."
    dialog.resize(dialog.sizeHint())
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "publish-runcheck-passed.png"))


def test_a_broken_manifest_runs_nothing(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    folder = make_game(tmp_path / "broken", "broken", type="VR")
    dialog = dev_tab.open_publish("")
    dialog.use_path(str(folder))
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=WAIT_MS)
    assert dialog.run_check.state is RunCheckState.IDLE and dialog.run_check.isHidden()


@pytest.mark.skipif(not osx.HAS_PROC, reason="finds the game's processes in /proc")
def test_closing_the_dialog_during_the_check_stops_the_game(
    qtbot: QtBot,
    dev_tab: DeveloperTab,
    tmp_path: Path,
    marker: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The client would be watched for a minute; closing the dialog ends both at once."""
    monkeypatch.setattr(RunCheckStep, "settle", 60.0)
    dialog = dev_tab.open_publish("")
    dialog.use_path(str(make_playable_game(tmp_path / "slow", "slow")))
    qtbot.waitUntil(lambda: dialog.run_check.step is CheckStep.RUNNING_CLIENT, timeout=WAIT_MS)
    assert dialog.run_check.step_text.text() == (
        "Run check: starting one client, as a player's app does…"
    )
    qtbot.waitUntil(lambda: len(processes_with_env(marker)) == 2, timeout=WAIT_MS)
    assert dialog.run_check.bar.isVisible()  # busy while the game runs
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "publish-runcheck-running.png"))
    dialog.reject()
    qtbot.waitUntil(lambda: processes_with_env(marker) == [], timeout=WAIT_MS)
    work = dev_tab.context.paths.cache / "precheck"
    qtbot.waitUntil(lambda: not any(work.iterdir()), timeout=WAIT_MS)
