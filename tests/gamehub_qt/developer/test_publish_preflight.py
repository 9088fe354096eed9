"""The publish dialog asks the hub during the check: whose name it is, and the latest version."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gamehub_qt.developer.tab import DeveloperTab
from tests.gamehub_qt.developer.conftest import WAIT_MS
from tests.gamehub_qt.developer.test_publish import checked, publish_and_wait
from tests.hub_core.gamefactory import make_game, make_playable_game


def test_a_name_another_developer_owns_is_refused_at_the_name(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    """The test hub's samples belong to the built-in developer GameHub, not to dana."""
    dialog = dev_tab.open_publish("")
    dialog.use_path(str(make_game(tmp_path / "rps", "gamehub-rps")))
    checked(qtbot, dialog, hinted=True)
    assert dialog.form.errors["name"].text() == (
        "'gamehub-rps' belongs to GameHub; only they can publish it. Give your game "
        'another "name" in manifest.json, then check again.'
    )
    assert dialog.state_text.text() == "Fix the problems shown; nothing is sent until then."
    assert dialog.version_note.text() == "Latest on the hub: 1.0.0"
    assert not dialog.publish_button.isEnabled()


def test_latest_on_the_hub_follows_a_publish(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    dialog = dev_tab.open_publish("")
    dialog.use_path(str(make_playable_game(tmp_path / "mygame", "mygame")))
    checked(qtbot, dialog, hinted=True)
    assert dialog.version_note.text() == "A new game on this hub."
    publish_and_wait(qtbot, dialog)
    qtbot.waitUntil(
        lambda: dialog.version_note.text() == "Latest on the hub: 1.0.0", timeout=WAIT_MS
    )


def test_enter_in_the_path_field_checks_it_and_opens_no_chooser(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    """Enter on a typed path checks it, and only that; on an empty field, it opens the chooser."""
    game = make_playable_game(tmp_path / "games" / "mygame", "mygame")
    dialog = dev_tab.open_publish("")
    asked: list[str] = []

    def chooser(start: str) -> str:
        asked.append(start)
        return str(game)

    dialog.ask_folder = chooser  # type: ignore[method-assign]
    dialog.source.setFocus()
    qtbot.keyClick(dialog.source, Qt.Key.Key_Return)
    assert asked == [""]  # empty field: the chooser, once
    checked(qtbot, dialog, hinted=True)
    assert dialog.source.text() == str(game)
    assert dialog.publish_button.isEnabled()

    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        dialog.source.setText(str(tmp_path / "games" / "other"))
        qtbot.keyClick(dialog.source, key)
        checked(qtbot, dialog, hinted=False)
        assert "does not exist" in dialog.form.other.text()
    dialog.source.setText(str(game))
    qtbot.keyClick(dialog.source, Qt.Key.Key_Return)
    checked(qtbot, dialog, hinted=True)
    assert asked == [""]  # a typed path never opened the chooser
    assert dialog.result_text.isHidden()  # nor did Enter publish
