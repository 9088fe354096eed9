"""The publish dialog against a real hub: problems next to their fields, versions, progress."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from gamehub_qt.developer.publish.checking import CheckResult
from gamehub_qt.developer.publish.dialog import PublishDialog
from gamehub_qt.developer.tab import DeveloperTab
from hub_core.client.publishing import publish
from hub_core.errors import RequestRefused
from hub_core.packages import Problem
from tests.gamehub_qt.developer.conftest import WAIT_MS, write_manifest
from tests.hub_core.gamefactory import IDLE_CLIENT, make_game, make_playable_game


def checked(qtbot: QtBot, dialog: PublishDialog, *, hinted: bool) -> None:
    """Waits until the dialog's check (and, if the package is fine, the hub's hint and the
    run check's result) is in."""
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=WAIT_MS)
    if hinted:
        qtbot.waitUntil(lambda: dialog.hint is not None, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: dialog.run_check.report is not None, timeout=WAIT_MS)


def publish_and_wait(qtbot: QtBot, dialog: PublishDialog) -> None:
    with qtbot.waitSignal(dialog.published, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = make_playable_game(tmp_path / "mygame", "mygame")
    write_manifest(folder, type="VR", max_players=0, entry_client="missing.py")
    os.symlink("/etc/hostname", folder / "link")
    return folder


def test_every_problem_is_shown_next_to_its_field(
    qtbot: QtBot, dev_tab: DeveloperTab, broken: Path
) -> None:
    dialog = dev_tab.open_publish("")
    dialog.use_path(str(broken))
    checked(qtbot, dialog, hinted=False)
    errors = dialog.form.errors
    assert errors["type"].text() == "manifest.json: 'type' must be CLI or GUI (got 'VR')."
    assert errors["players"].text() == (
        "manifest.json: 'max_players' must be a whole number of at least 1 (got 0)."
    )
    assert errors["entry_client"].text() == (
        "manifest.json: 'entry_client' names missing.py, which is not in the package."
    )
    assert errors["name"].isHidden() and errors["entry_server"].isHidden()
    assert dialog.form.values["type"].text() == "VR"
    assert "'link' is a link" in dialog.form.other.text()
    assert not dialog.publish_button.isEnabled()
    assert dialog.hint is None  # nothing about a broken package was asked of the hub


def test_a_problem_lands_by_its_field_not_by_its_wording(
    dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    """The sentence quotes another key (and no key at all): only Problem.field places it."""
    result = CheckResult(tmp_path)
    result.add([Problem("min_players", "Says 'type' but is about seats."), Problem(None, "Other.")])
    dialog = dev_tab.open_publish("")
    dialog.form.show_result(result)
    assert dialog.form.errors["players"].text() == "Says 'type' but is about seats."
    assert dialog.form.errors["type"].isHidden()
    assert "Other." in dialog.form.other.text()


def test_fixed_package_publishes_and_appears_in_my_games(
    qtbot: QtBot, dev_tab: DeveloperTab, broken: Path
) -> None:
    dialog = dev_tab.open_publish("")
    dialog.use_path(str(broken))
    checked(qtbot, dialog, hinted=False)
    write_manifest(broken)
    (broken / "link").unlink()
    qtbot.mouseClick(dialog.recheck_button, Qt.MouseButton.LeftButton)
    checked(qtbot, dialog, hinted=True)
    assert dialog.version.text() == "1.0.0"
    assert dialog.version_note.text() == "A new game on this hub."
    assert all(label.isHidden() for label in dialog.form.errors.values())
    reports: list[tuple[int, int]] = []
    dialog.progress.progressed.connect(lambda done, total: reports.append((done, total)))
    publish_and_wait(qtbot, dialog)
    assert reports[-1][0] == reports[-1][1] > 0
    assert dialog.progress.percent == 100
    assert dialog.result_text.text().startswith("Published mygame 1.0.0; sent ")
    assert not dialog.publish_button.isEnabled() and dialog.cancel_button.text() == "Close"
    games = dev_tab.my_games
    qtbot.waitUntil(lambda: games.game("mygame") is not None, timeout=WAIT_MS)
    assert games.selected() == "mygame"
    assert [games.games.text(0, c) for c in range(7)] == [
        "mygame", "My Game", "Active", "1.0.0", "1", "—", "0"
    ]  # fmt: skip
    assert games.versions.text(0, 0) == "1.0.0"
    assert games.versions.text(0, 6) == "My Game — A game made in a test."


@pytest.fixture
def published(qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path) -> Path:
    """mygame 1.0.0 published through the dialog (so its folder is remembered)."""
    folder = make_playable_game(
        tmp_path / "mygame", "mygame", files={"data.bin": os.urandom(300_000)}
    )
    dialog = dev_tab.open_publish("")
    dialog.use_path(str(folder))
    checked(qtbot, dialog, hinted=True)
    publish_and_wait(qtbot, dialog)
    dialog.close()
    qtbot.waitUntil(lambda: dev_tab.my_games.game("mygame") is not None, timeout=WAIT_MS)
    return folder


def test_update_prefills_the_next_version_and_sends_only_changes(
    qtbot: QtBot, dev_tab: DeveloperTab, published: Path
) -> None:
    (published / "client.py").write_text(IDLE_CLIENT + "# 2\n", encoding="utf-8")
    qtbot.mouseClick(dev_tab.my_games.update_button, Qt.MouseButton.LeftButton)
    dialog = dev_tab.publish_dialog
    assert dialog is not None and dialog.windowTitle() == "Publish an update of mygame"
    checked(qtbot, dialog, hinted=True)
    assert dialog.source.text() == str(published)  # remembered from the first publish
    assert dialog.version.text() == "1.0.1"
    assert dialog.version_note.text() == "Latest on the hub: 1.0.0"
    publish_and_wait(qtbot, dialog)
    assert dialog.result_text.text().startswith("Published mygame 1.0.1; sent ")
    assert dialog.result_text.text().endswith(", the rest was already on the hub.")
    qtbot.waitUntil(lambda: dev_tab.my_games.games.text(0, 3) == "1.0.1", timeout=WAIT_MS)
    assert dev_tab.my_games.games.text(0, 4) == "2"
    assert [r.version for r in dev_tab.my_games.versions.rows] == ["1.0.1", "1.0.0"]


def test_a_lower_version_is_refused_with_the_hubs_sentence(
    qtbot: QtBot, dev_tab: DeveloperTab, published: Path
) -> None:
    dialog = dev_tab.open_publish("mygame")
    checked(qtbot, dialog, hinted=True)
    dialog.version.clear()
    qtbot.keyClicks(dialog.version, "0.9.0")
    assert not dialog.publish_button.isEnabled()
    context = dev_tab.context
    assert context.developer.client is not None
    with pytest.raises(RequestRefused) as refused:
        context.net.call(publish(context.developer.client, published, version="0.9.0"))
    assert dialog.version_error.text() == str(refused.value)
    assert str(refused.value) == "Version 0.9.0 is not greater than the latest, 1.0.0. Try 1.0.1."
    dialog.version.setText("not a version")
    assert "must look like major.minor.patch" in dialog.version_error.text()


def test_a_version_taken_meanwhile_is_shown_at_the_version(
    qtbot: QtBot, dev_tab: DeveloperTab, published: Path
) -> None:
    dialog = dev_tab.open_publish("mygame")
    checked(qtbot, dialog, hinted=True)
    context = dev_tab.context
    assert context.developer.client is not None
    context.net.call(publish(context.developer.client, published, version="1.0.1"))
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)  # still offers 1.0.1
    qtbot.waitUntil(lambda: dialog.version_error.text() != "", timeout=WAIT_MS)
    assert dialog.version_error.text() == (
        "Version 1.0.1 is not greater than the latest, 1.0.1. Try 1.0.2."
    )
    assert not dialog.publish_button.isEnabled()


def test_an_update_from_another_games_folder_is_refused(
    qtbot: QtBot, dev_tab: DeveloperTab, published: Path, tmp_path: Path
) -> None:
    dialog = dev_tab.open_publish("mygame")
    dialog.use_path(str(make_game(tmp_path / "other", "other")))
    checked(qtbot, dialog, hinted=False)
    assert "not 'mygame'" in dialog.form.errors["name"].text()
    assert not dialog.publish_button.isEnabled()


def test_a_zip_is_checked_too(qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path) -> None:
    import shutil

    folder = make_playable_game(tmp_path / "zipped", "zipped")
    archive = shutil.make_archive(str(tmp_path / "zipped"), "zip", folder)
    dialog = dev_tab.open_publish("")
    dialog.use_path(archive)
    checked(qtbot, dialog, hinted=True)
    assert dialog.form.values["name"].text() == "zipped"
    publish_and_wait(qtbot, dialog)
    assert dialog.result_text.text().startswith("Published zipped 1.0.0")


def test_remove_asks_first_then_marks_the_game_removed(
    qtbot: QtBot, dev_tab: DeveloperTab, published: Path
) -> None:
    games = dev_tab.my_games
    qtbot.mouseClick(games.remove_button, Qt.MouseButton.LeftButton)
    box = games.confirm
    assert box is not None and box.isVisible()
    assert box.informativeText() == (
        "Players who installed it keep it; it disappears from the store and from new rooms; "
        "publishing again brings it back."
    )
    remove = next(b for b in box.buttons() if b.text() == "Remove")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: games.games.text(0, 2) == "Removed", timeout=WAIT_MS)
    assert not games.remove_button.isEnabled()
    assert games.update_button.isEnabled()  # publishing again brings it back


def test_a_dropped_folder_is_checked(qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path) -> None:
    folder = make_playable_game(tmp_path / "dropped", "dropped")
    dialog = dev_tab.open_publish("")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dialog.dropEvent(drop)
    checked(qtbot, dialog, hinted=True)
    assert dialog.source.text() == str(folder)
    assert dialog.publish_button.isEnabled()


def test_cancel_stops_a_publish_before_the_hub_has_the_game(
    qtbot: QtBot, dev_tab: DeveloperTab, tmp_path: Path
) -> None:
    folder = make_playable_game(tmp_path / "big", "big", files={"big.bin": os.urandom(30_000_000)})
    dialog = dev_tab.open_publish("")
    dialog.use_path(str(folder))
    checked(qtbot, dialog, hinted=True)
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.text() == "Cancel"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.publish_button.isEnabled, timeout=WAIT_MS)
    assert dialog.failure_text.text().startswith("Publishing was cancelled.")
    assert dialog.result_text.isHidden()
    context = dev_tab.context
    assert context.developer.client is not None
    assert context.net.call(context.developer.hub().my_games()) == []
