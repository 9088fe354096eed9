"""The end of a match, however it ends: the console stays with its output and the result,
the rating question follows, and the history shows in the store, My games and the
developer's view. Real hub, real game servers and clients, one player per match."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from gamehub_qt.developer.matches import VersionMatches
from gamehub_qt.player import PlayerTab
from gamehub_qt.player.console import ConsoleTab
from gamehub_qt.player.prompts import RatingDialog
from tests.gamehub_qt.player.conftest import Developer
from tests.gamehub_qt.player.test_rooms import (
    START,
    app_look,  # noqa: F401  (autouse: the real look)
    create_room,
    page_of,
    rate,
)
from tests.hub_core.gamefactory import TEST_CLIENT, make_server_game

SHOTS = os.environ.get("GAMEHUB_SCREENSHOTS")

# The test server answers "close" by reporting the end with kick_all (the room closes) and
# "die" by exiting with code 7; either way the client prints what it got, and "bye" last.
CLOSING_CLIENT = TEST_CLIENT.replace('b"finish\\n"', 'b"close\\n"') + 'print("bye", flush=True)\n'
DYING_CLIENT = TEST_CLIENT.replace('b"finish\\n"', 'b"die\\n"')


def shot(qtbot: QtBot, widget: QWidget, name: str) -> None:
    """A picture for review (scripts/screenshots), once the last layout changes painted."""
    if SHOTS:
        qtbot.wait(300)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def play_solo(qtbot: QtBot, tab: PlayerTab, developer: Developer, folder: Path, client: str) -> str:
    """Publishes a one-player CLI game with this client and plays one match of it alone."""
    name = folder.name
    make_server_game(folder, name, max_players=1, min_players=1)
    (folder / "client.py").write_text(client, encoding="utf-8")
    developer.publish(folder, "1.0.0")
    qtbot.waitUntil(lambda: tab.rooms.game.findData(name) >= 0, timeout=5000)
    create_room(qtbot, tab, name)
    page_of(tab).ready.click()
    qtbot.waitUntil(page_of(tab).start.isEnabled, timeout=START)
    page_of(tab).start.click()
    return name


def finished_console(qtbot: QtBot, tab: PlayerTab) -> ConsoleTab:
    """Waits for the room to close and the rating question; the console is still there."""
    qtbot.waitUntil(lambda: tab.play.page is None and tab.play.rating is not None, timeout=START)
    console = tab.play.console
    assert console is not None and tab.tabs.indexOf(console) >= 0
    qtbot.waitUntil(lambda: not console.runner.running, timeout=10000)
    return console


def test_a_game_that_closes_its_room_keeps_the_console_result_and_rating(
    qtbot: QtBot, ann: PlayerTab, developer: Developer, tmp_path: Path
) -> None:
    ann.resize(1000, 700)
    name = play_solo(qtbot, ann, developer, tmp_path / "closer", CLOSING_CLIENT)
    console = finished_console(qtbot, ann)
    assert console.finished and console.close_button.isVisible()
    assert "client got" in console.text() and "bye" in console.text()  # the last output
    assert console.result.text() == "Match over: ann won."
    assert ann.tabs.tabText(ann.tabs.indexOf(console)) == "CLOSER console (finished)"
    shot(qtbot, ann, "match-finished")
    rating = ann.play.rating
    assert isinstance(rating, RatingDialog) and rating.isVisible() and rating.name == name
    rating.later_button.click()

    ann.tabs.setCurrentWidget(ann.store)  # the store page: Rate, recent matches, leaderboard
    ann.store.list.select(name)
    section = ann.store.matches
    qtbot.waitUntil(lambda: section.table.topLevelItemCount() == 1, timeout=5000)
    row = section.table.topLevelItem(0)
    assert (row.text(1), row.text(2), row.text(3)) == ("1.0.0", "ann", "ann won")
    board = section.board.topLevelItem(0)
    assert (board.text(1), board.text(2), board.text(3)) == ("ann", "1", "1")
    qtbot.waitUntil(section.rate.isEnabled, timeout=5000)
    assert section.lists.isTabVisible(1)  # the game reports winners: a leaderboard
    shot(qtbot, ann, "store-matches")
    section.lists.setCurrentIndex(1)
    shot(qtbot, ann, "store-leaderboard")
    section.rate.click()
    dialog = section.findChild(RatingDialog)
    rate(qtbot, dialog, 5, "Closes cleanly.")
    reviews = ann.store.details.reviews
    qtbot.waitUntil(lambda: reviews.topLevelItemCount() == 1, timeout=5000)

    mine = ann.my_games.matches.table  # My games lists the match
    qtbot.waitUntil(lambda: mine.topLevelItemCount() == 1, timeout=5000)
    assert mine.topLevelItem(0).text(1) == "CLOSER"
    ann.tabs.setCurrentWidget(ann.my_games)
    shot(qtbot, ann, "my-matches")

    developer_view = VersionMatches(ann.context)  # the developer's matches per version
    qtbot.addWidget(developer_view)
    developer_view.show_game(name)
    per_version = developer_view.per_version
    qtbot.waitUntil(lambda: per_version.topLevelItemCount() == 1, timeout=5000)
    assert (per_version.topLevelItem(0).text(0), per_version.topLevelItem(0).text(1)) == (
        "1.0.0",
        "1",
    )
    assert developer_view.recent.topLevelItemCount() == 1
    developer_view.resize(900, 300)
    shot(qtbot, developer_view, "developer-matches")

    console.close_button.click()  # the player closes the finished console
    qtbot.waitUntil(lambda: ann.tabs.indexOf(console) < 0, timeout=5000)
    assert ann.play.console is None


def test_a_dying_server_still_ends_the_match_with_a_result_and_a_rating(
    qtbot: QtBot, ann: PlayerTab, developer: Developer, tmp_path: Path
) -> None:
    play_solo(qtbot, ann, developer, tmp_path / "crasher", DYING_CLIENT)
    console = finished_console(qtbot, ann)
    assert console.finished
    assert console.result.text() == "Match over: the game's server stopped."
    assert ann.play.rating is not None and ann.play.rating.isVisible()


def leave_anyway(box: QMessageBox) -> QAbstractButton | None:
    """Answers "leave during the match?" with its Leave button."""
    role = QMessageBox.ButtonRole.DestructiveRole
    return next(b for b in box.buttons() if box.buttonRole(b) == role)


WAITING_CLIENT = 'import time\nprint("thinking", flush=True)\ntime.sleep(60)\n'


def test_leaving_during_a_match_keeps_the_console_and_asks_for_a_rating(
    qtbot: QtBot, ann: PlayerTab, developer: Developer, tmp_path: Path
) -> None:
    play_solo(qtbot, ann, developer, tmp_path / "slow", WAITING_CLIENT)
    qtbot.waitUntil(lambda: ann.play.console is not None, timeout=START)
    console = ann.play.console
    assert console is not None
    qtbot.waitUntil(lambda: "thinking" in console.text(), timeout=10000)
    ann.play.ask_to_leave = leave_anyway  # leaving during a match asks first
    ann.play.leave()
    console = finished_console(qtbot, ann)
    # whichever the app hears first: its own leave, or the hub's record of the empty room
    assert console.result.text() in (
        "Match over: You left before the match ended.",
        "Match over: the players left.",
    )
    assert "thinking" in console.text()
    assert ann.play.rating is not None and ann.play.rating.isVisible()
    mine = ann.my_games.matches.table  # the last player left: the hub recorded it so
    qtbot.waitUntil(lambda: mine.topLevelItemCount() == 1, timeout=5000)
    assert mine.topLevelItem(0).text(4) == "the players left"
