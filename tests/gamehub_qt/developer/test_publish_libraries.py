"""The publish dialog's Libraries row against a real hub: requirements checked as typed, the
missing-import finding with Add to libraries, a wheels folder, and a frozen app without pip."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gamehub_qt.developer import ops
from gamehub_qt.developer.publish.dialog import PublishDialog
from gamehub_qt.developer.publish.runcheck import RunCheckState
from gamehub_qt.developer.tab import DeveloperTab
from hub_core.wire.schema import LibraryView
from tests.gamehub_qt.developer.conftest import WAIT_MS
from tests.gamehub_qt.developer.test_publish_runcheck import SHOTS
from tests.hub_core.gamefactory import IDLE_CLIENT, make_playable_game, make_wheel

WHEEL = "tinylib-1.0-py3-none-any.whl"
# The client needs tinylib (only a wheel brings it) and stays up like the idle client.
CLIENT = "import tinylib\nassert tinylib.ANSWER == 42\n" + IDLE_CLIENT


def wheels_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    make_wheel(folder, WHEEL, {"tinylib.py": b"ANSWER = 42\n"})
    return folder


def open_on(qtbot: QtBot, tab: DeveloperTab, folder: Path, update: str = "") -> PublishDialog:
    dialog = tab.open_publish(update)
    if not update:
        dialog.use_path(str(folder))
    qtbot.waitUntil(lambda: dialog.run_check.report is not None, timeout=WAIT_MS)
    return dialog


def test_requirements_are_checked_as_typed_with_the_clis_parser(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    dialog = open_on(qtbot, dev_tab, make_playable_game(tmp_path / "fine", "fine"))
    row = dialog.libraries
    assert dialog.publish_button.isEnabled() and row.error.isHidden()
    row.requires.setText("pygame >= 2.5, numpy; python_version < '3.99'")
    assert row.requirements() == ("pygame>=2.5", "numpy; python_version < '3.99'")
    assert row.error.isHidden()
    row.requires.setText("pygame>=2.5, pyg*me")
    assert row.error.isVisible()
    assert row.error.text().startswith(
        "The requirement 'pyg*me' is not a PEP 508 requirement such as \"pygame>=2.5\""
    )
    assert not dialog.publish_button.isEnabled()  # nothing is sent with a bad requirement
    assert dialog.state_text.text() == "Fix the libraries shown; nothing is sent until then."
    row.requires.setText("")
    assert row.error.isHidden()


def test_a_missing_import_is_worded_added_in_one_click_and_published_with_its_wheel(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    game = make_playable_game(tmp_path / "tiny", "tinygame")
    (game / "client.py").write_text(CLIENT, encoding="utf-8")
    dialog = open_on(qtbot, dev_tab, game)
    step, row = dialog.run_check, dialog.libraries
    assert step.state is RunCheckState.FAILED
    assert step.result_text.text() == (
        "client.py imports tinylib, which players will not have: add tinylib to the "
        "game's libraries."
    )
    assert step.add_button.isVisible() and not dialog.publish_button.isEnabled()

    wheels = wheels_folder(tmp_path)
    row.ask_wheels_folder = lambda _start: str(wheels)  # type: ignore[method-assign,assignment]
    qtbot.mouseClick(row.wheels_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(step.add_button, Qt.MouseButton.LeftButton)
    assert row.requires.text() == "tinylib"
    dialog.resize(dialog.sizeHint())
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "publish-libraries.png"))
    # The run check runs again with the wheel installed as a player's app would install it.
    qtbot.waitUntil(lambda: step.state is RunCheckState.PASSED, timeout=WAIT_MS)
    assert dialog.publish_button.isEnabled()
    with qtbot.waitSignal(dialog.published, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)

    conn = dev_tab.context.developer
    mine = dev_tab.context.net.call(ops.my_games(conn))
    (published,) = [g for g in mine if g.name == "tinygame"]
    assert published.versions[0].libraries == [LibraryView("tinylib", [WHEEL])]
    dialog.close()
    again = open_on(qtbot, dev_tab, game, update="tinygame")  # remembered for the update
    assert again.libraries.requires.text() == "tinylib"
    assert again.libraries.wheels_dir() == wheels
    assert again.run_check.state is RunCheckState.PASSED


def test_a_frozen_app_says_at_the_field_that_it_has_no_pip(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    dialog = dev_tab.open_publish("")
    row = dialog.libraries
    row.requires.setText("pygame")
    assert row.note.isVisible()
    assert row.note.text().startswith("This build of GameHub has no pip to fetch libraries")
    dialog.resize(dialog.sizeHint())
    SHOTS.mkdir(parents=True, exist_ok=True)
    row.grab().save(str(SHOTS / "publish-libraries-frozen.png"))
    row.wheels.setText(str(wheels_folder(tmp_path)))
    assert row.note.isHidden()
