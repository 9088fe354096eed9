"""Rooms from two windows: create, join, chat, ready (installing), start, play rps, review.

Two Player tabs in two app contexts, on a real hub with its real rps server, and real
rps clients run by each tab and fed through each console's input line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from gamehub_qt.base.style import apply_look
from gamehub_qt.player import PlayerTab
from gamehub_qt.player.prompts import RatingDialog
from gamehub_qt.player.room_page import RoomPage
from hub_core.server.thread import HubThread
from tests.gamehub_qt.player.conftest import Developer
from tests.hub_core.gamefactory import make_server_game

START = 20000  # a room starts its game server before it exists
# scripts/screenshots sets this to take the README's in-room and in-game pictures here.
SHOTS = os.environ.get("GAMEHUB_SCREENSHOTS")


@pytest.fixture(autouse=True)
def app_look(qapp: QApplication) -> None:
    """Pictures for the README show the app's own look (its style sheet and icons)."""
    if SHOTS:
        apply_look(qapp)


def shoot(qtbot: QtBot, widget: QWidget, name: str) -> None:
    if SHOTS:
        qtbot.wait(300)  # let the last updates paint
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def page_of(tab: PlayerTab) -> RoomPage:
    assert tab.play.page is not None
    return tab.play.page


def create_room(qtbot: QtBot, tab: PlayerTab, game: str) -> str:
    tab.tabs.setCurrentWidget(tab.rooms)
    tab.rooms.game.setCurrentIndex(tab.rooms.game.findData(game))
    tab.rooms.create_button.click()
    qtbot.waitUntil(lambda: tab.play.session is not None, timeout=START)
    assert tab.tabs.currentWidget() is tab.play.page
    assert tab.play.session is not None
    return tab.play.session.room_id


def join_room(qtbot: QtBot, tab: PlayerTab, room_id: str) -> None:
    qtbot.waitUntil(lambda: room_id in tab.mirror.rooms, timeout=5000)
    table = tab.rooms.table
    for row in range(table.topLevelItemCount()):
        table.topLevelItem(row).setSelected(table.topLevelItem(row).text(4) == room_id)
    assert tab.rooms.join.isEnabled()
    tab.rooms.join.click()
    qtbot.waitUntil(lambda: tab.play.page is not None, timeout=5000)


def type_into(tab: PlayerTab, *lines: str) -> None:
    console = tab.play.console
    assert console is not None
    for line in lines:
        console.input.setText(line)
        console.input.returnPressed.emit()


def ready_and_start(
    qtbot: QtBot, owner: PlayerTab, guest: PlayerTab, game: str = "gamehub-rps"
) -> None:
    """Both get ready (installing the room's version), the owner starts, the guest accepts."""
    page_of(owner).ready.click()
    page_of(guest).ready.click()
    qtbot.waitUntil(page_of(owner).start.isEnabled, timeout=START)
    # each window hears the room event on its own network thread: the guest's may be later
    qtbot.waitUntil(lambda: "✓ ready" in page_of(guest).players.item(1).text(), timeout=5000)
    assert game in owner.state.installed and game in guest.state.installed
    page_of(owner).start.click()
    qtbot.waitUntil(lambda: guest.play.start_prompt is not None, timeout=5000)
    prompt = guest.play.start_prompt
    assert prompt is not None and not prompt.isModal()
    title = owner.state.display_name(game)
    assert prompt.question.text() == f"ann wants to start {title}. Play now?"
    prompt.accept_button.click()


def play_to_the_end(qtbot: QtBot, ann: PlayerTab, bob: PlayerTab) -> None:
    """Moves typed into both consoles; ann wins 2-0; both are back in the room."""
    qtbot.waitUntil(lambda: bob.play.console is not None and ann.play.console is not None)
    assert ann.tabs.currentWidget() is ann.play.console  # a CLI game plays in its console
    type_into(ann, "r", "rock")
    type_into(bob, "s", "scissors")
    qtbot.waitUntil(
        lambda: ann.play.rating is not None and bob.play.rating is not None, timeout=60000
    )
    assert ann.play.console is not None and bob.play.console is not None
    qtbot.waitUntil(lambda: "The game ended." in ann.play.console.status.text(), timeout=10000)
    assert "You win the match 2 to 0!" in ann.play.console.text()
    assert "You lost the match 0 to 2." in bob.play.console.text()
    assert page_of(ann).status.text().startswith("Waiting")


def rate(qtbot: QtBot, dialog: RatingDialog | None, stars: int, text: str) -> None:
    assert dialog is not None and not dialog.isModal()
    dialog.stars.buttons[stars - 1].click()
    dialog.text.setPlainText(text)
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def shown_reviews(qtbot: QtBot, tab: PlayerTab, count: int) -> list[tuple[str, str, str]]:
    tab.tabs.setCurrentWidget(tab.store)
    tab.store.list.select("gamehub-rps")
    reviews = tab.store.details.reviews
    qtbot.waitUntil(lambda: reviews.topLevelItemCount() == count, timeout=5000)
    items = [reviews.topLevelItem(i) for i in range(count)]
    return [(r.text(0), r.text(1), r.text(4)) for r in items]


def test_two_windows_play_rps_and_review_it(qtbot: QtBot, ann: PlayerTab, bob: PlayerTab) -> None:
    for tab in (ann, bob):
        tab.resize(1000, 640)
    room_id = create_room(qtbot, ann, "gamehub-rps")
    join_room(qtbot, bob, room_id)
    qtbot.waitUntil(lambda: page_of(ann).players.count() == 2, timeout=5000)
    shoot(qtbot, ann, "room")
    assert page_of(ann).players.item(0).text().startswith("1. ann  (owner, you")
    assert not page_of(bob).start.isVisible()  # only the owner starts
    ready_and_start(qtbot, ann, bob)
    play_to_the_end(qtbot, ann, bob)
    shoot(qtbot, ann, "console")
    if ann.play.rating is not None:
        shoot(qtbot, ann.play.rating, "rating")

    rate(qtbot, ann.play.rating, 4, "Quick and fun.")
    assert shown_reviews(qtbot, ann, 1) == [("ann", "★★★★☆", "Quick and fun.")]
    shoot(qtbot, ann, "reviews")
    mine = ann.my_games.mine  # My games lists it, and editing replaces it
    qtbot.waitUntil(lambda: mine.topLevelItemCount() == 1, timeout=5000)
    mine.topLevelItem(0).setSelected(True)
    ann.my_games.edit.click()
    edit = ann.my_games.findChild(RatingDialog)
    assert edit is not None and edit.stars.rating == 4
    rate(qtbot, edit, 2, "Changed my mind.")
    qtbot.waitUntil(lambda: mine.topLevelItem(0).text(1) == "★★☆☆☆", timeout=5000)
    assert shown_reviews(qtbot, ann, 1) == [("ann", "★★☆☆☆", "Changed my mind.")]

    page_of(bob).leave.click()
    qtbot.waitUntil(lambda: bob.play.page is None and bob.rooms.create_button.isEnabled())
    qtbot.waitUntil(lambda: page_of(ann).players.count() == 1, timeout=5000)


def test_chat_reaches_the_other_window(qtbot: QtBot, ann: PlayerTab, bob: PlayerTab) -> None:
    room_id = create_room(qtbot, ann, "gamehub-rps")
    join_room(qtbot, bob, room_id)
    page_of(bob).say.setText("hello ann")
    page_of(bob).send.click()
    qtbot.waitUntil(lambda: "bob: hello ann" in page_of(ann).chat.toPlainText(), timeout=5000)
    qtbot.waitUntil(lambda: "bob: hello ann" in page_of(bob).chat.toPlainText(), timeout=5000)


def test_quick_play_joins_a_waiting_room(qtbot: QtBot, ann: PlayerTab, bob: PlayerTab) -> None:
    room_id = create_room(qtbot, ann, "gamehub-rps")
    qtbot.waitUntil(lambda: room_id in bob.mirror.rooms, timeout=5000)
    bob.store.list.select("gamehub-rps")
    bob.store.details.play.click()  # Quick play from the store
    qtbot.waitUntil(lambda: bob.play.session is not None, timeout=START)
    assert bob.play.session is not None and bob.play.session.room_id == room_id


CRASHING_CLIENT = r"""
print("loading the level", flush=True)
print("the level file is broken", flush=True)
raise SystemExit(3)
"""


def test_a_crashing_client_is_explained_and_the_player_stays(
    qtbot: QtBot, ann: PlayerTab, developer: Developer, tmp_path: Path
) -> None:
    folder = make_server_game(tmp_path / "solo", "solo", max_players=1, min_players=1)
    (folder / "client.py").write_text(CRASHING_CLIENT, encoding="utf-8")
    developer.publish(folder, "1.0.0")
    qtbot.waitUntil(lambda: ann.rooms.game.findData("solo") >= 0, timeout=5000)
    create_room(qtbot, ann, "solo")
    page_of(ann).ready.click()
    qtbot.waitUntil(page_of(ann).start.isEnabled, timeout=START)
    page_of(ann).start.click()  # a room of one starts at once
    qtbot.waitUntil(lambda: ann.play.console is not None, timeout=5000)
    console = ann.play.console
    assert console is not None
    qtbot.waitUntil(lambda: "exit code 3" in console.status.text(), timeout=10000)
    assert "the level file is broken" in console.status.text()
    assert "You are still in the room." in page_of(ann).notice.text()
    assert ann.play.session is not None


@pytest.mark.slow
def test_hub_gone_while_in_a_room_is_a_clear_message(
    qtbot: QtBot, ann: PlayerTab, hub: HubThread
) -> None:
    """Whichever way the app learns it (the hub's last words, its silence, or a refused
    session), the player is told in a sentence and can go on using the tab."""
    create_room(qtbot, ann, "gamehub-rps")
    hub.stop()  # while ann waits in a room

    def told() -> bool:
        page = ann.play.page
        return page is None or "not answering" in page.notice.text()

    qtbot.waitUntil(told, timeout=20000)
    if ann.play.page is not None:
        ann.play.page.leave.click()  # leaving works without the hub
        qtbot.waitUntil(lambda: ann.play.page is None, timeout=5000)
    if not ann.logged_in:  # the hub refused the session as it went down
        assert ann.login.error.text() == "The hub restarted; please log in again."
        return
    assert ann.rooms.create_button.isEnabled()  # the tab stays usable
    ann.tabs.setCurrentWidget(ann.rooms)
    ann.rooms.create_button.click()
    qtbot.waitUntil(lambda: "answer" in ann.rooms.notice.text(), timeout=20000)
    assert ann.rooms.create_button.isEnabled()
    ann.store.list.search.setText("scissors")
    assert ann.store.list.visible_names() == ["gamehub-rps"]


def test_a_declined_start_returns_the_room_to_waiting(
    qtbot: QtBot, ann: PlayerTab, bob: PlayerTab
) -> None:
    room_id = create_room(qtbot, ann, "gamehub-rps")
    join_room(qtbot, bob, room_id)
    page_of(ann).ready.click()
    page_of(bob).ready.click()
    qtbot.waitUntil(page_of(ann).start.isEnabled, timeout=START)
    page_of(ann).start.click()
    qtbot.waitUntil(lambda: bob.play.start_prompt is not None, timeout=5000)
    assert bob.play.start_prompt is not None
    qtbot.waitUntil(lambda: "proposed to start" in page_of(ann).status.text(), timeout=5000)
    bob.play.start_prompt.decline_button.click()
    qtbot.waitUntil(lambda: page_of(ann).status.text().startswith("Waiting"), timeout=5000)
    assert bob.play.start_prompt is None
    assert ann.play.console is None and bob.play.console is None


def shoot_game(qtbot: QtBot, player: str, others: list[str], width: int, height: int) -> None:
    """The game's window (top left) beside the room: other processes' windows on Xvfb.

    Both clients' windows open at (0, 0) with no window manager to arrange them, so the
    other players' windows are moved off screen (xdotool) to keep the picture one player's.
    """
    if not SHOTS or QGuiApplication.platformName() != "xcb" or not shutil.which("xdotool"):
        return
    for name in [player, *others]:  # wait until every client has its window
        subprocess.run(["xdotool", "search", "--sync", "--name", f"Tetris — {name}"], timeout=10)
    for name in others:
        command = ["xdotool", "search", "--name", f"Tetris — {name}", "windowmove", "3000", "0"]
        subprocess.run(command, timeout=10)
    qtbot.wait(2000)  # a few pieces down
    shot = QGuiApplication.primaryScreen().grabWindow(0, 0, 0, width, height)
    shot.save(str(Path(SHOTS) / "tetris.png"))


def test_two_windows_play_tetris_in_its_own_windows(
    qtbot: QtBot, ann: PlayerTab, bob: PlayerTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAMEHUB_AUTOPLAY", "1")  # the clients' bots drop the pieces
    if SHOTS:  # slower, so the picture catches the match under way
        monkeypatch.setenv("GAMEHUB_AUTOPLAY_MS", "250")
    for tab in (ann, bob):  # for the picture: the room beside the game's window at (0, 0)
        tab.setGeometry(560, 0, 840, 640)
    ann.raise_()
    room_id = create_room(qtbot, ann, "gamehub-tetris")
    join_room(qtbot, bob, room_id)
    qtbot.waitUntil(lambda: page_of(ann).players.count() == 2, timeout=5000)
    page_of(bob).say.setText("Best of luck, ann!")
    page_of(bob).send.click()
    qtbot.waitUntil(lambda: "bob: Best of luck" in page_of(ann).chat.toPlainText(), timeout=5000)
    ready_and_start(qtbot, ann, bob, "gamehub-tetris")
    qtbot.waitUntil(lambda: ann.play.console is not None, timeout=5000)
    console = ann.play.console
    assert console is not None and console.input.isHidden()  # the game has its own window
    assert ann.tabs.currentWidget() is page_of(ann)
    qtbot.waitUntil(lambda: page_of(ann).status.text().startswith("Playing"), timeout=5000)
    shoot_game(qtbot, "ann", ["bob"], 1400, 640)
    qtbot.waitUntil(
        lambda: ann.play.rating is not None and bob.play.rating is not None, timeout=60000
    )
    qtbot.waitUntil(lambda: page_of(ann).status.text().startswith("Waiting"), timeout=10000)
    rate(qtbot, ann.play.rating, 5, "The garbage lines make it.")
    tab = ann
    tab.tabs.setCurrentWidget(tab.store)
    tab.store.list.select("gamehub-tetris")
    reviews = tab.store.details.reviews
    qtbot.waitUntil(lambda: reviews.topLevelItemCount() == 1, timeout=5000)
    assert reviews.topLevelItem(0).text(4) == "The garbage lines make it."


def start_solo_gui_game(
    qtbot: QtBot, tab: PlayerTab, developer: Developer, folder: Path, client: str
) -> None:
    """Publishes a one-player GUI game with this client, and starts it alone in a room."""
    name = folder.name
    make_server_game(folder, name, type="GUI", max_players=1, min_players=1)
    (folder / "client.py").write_text(client, encoding="utf-8")
    developer.publish(folder, "1.0.0")
    qtbot.waitUntil(lambda: tab.rooms.game.findData(name) >= 0, timeout=5000)
    create_room(qtbot, tab, name)
    page_of(tab).ready.click()
    qtbot.waitUntil(page_of(tab).start.isEnabled, timeout=START)
    page_of(tab).start.click()


GUI_CLIENT = r"""
print("window opened", flush=True)
"""


def test_a_gui_game_keeps_its_output_as_a_log(
    qtbot: QtBot, ann: PlayerTab, developer: Developer, tmp_path: Path
) -> None:
    start_solo_gui_game(qtbot, ann, developer, tmp_path / "win", GUI_CLIENT)
    qtbot.waitUntil(lambda: ann.play.console is not None, timeout=5000)
    console = ann.play.console
    assert console is not None and console.input.isHidden()
    assert ann.tabs.tabText(ann.tabs.indexOf(console)) == "WIN log"
    assert ann.tabs.currentWidget() is page_of(ann)  # the game has its own window
    qtbot.waitUntil(lambda: "The game ended." in console.status.text(), timeout=10000)
    assert "window opened" in console.text()


def test_a_game_server_that_fails_to_start_is_explained_at_the_room_list(
    qtbot: QtBot, ann: PlayerTab, developer: Developer, tmp_path: Path
) -> None:
    broken = "import sys\nsys.exit('This server needs a missing module.')\n"
    folder = make_server_game(tmp_path / "broken", "broken", server=broken)
    developer.publish(folder, "1.0.0")
    qtbot.waitUntil(lambda: ann.rooms.game.findData("broken") >= 0, timeout=5000)
    ann.tabs.setCurrentWidget(ann.rooms)
    ann.rooms.game.setCurrentIndex(ann.rooms.game.findData("broken"))
    ann.rooms.create_button.click()
    notice = ann.rooms.notice
    qtbot.waitUntil(lambda: "could not start" in notice.text(), timeout=START)
    assert "This server needs a missing module." in notice.text()  # what the server said
    assert ann.play.session is None and ann.tabs.currentWidget() is ann.rooms
    assert ann.rooms.create_button.isEnabled()  # try again, or pick another game


LINGERING_CLIENT = r"""
import os, pathlib, time
pathlib.Path(os.environ["GAMEHUB_TEST_PIDFILE"]).write_text(str(os.getpid()))
time.sleep(600)
"""


def test_quitting_the_app_stops_a_running_game_client(
    qtbot: QtBot,
    bob: PlayerTab,
    developer: Developer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pidfile = tmp_path / "client.pid"
    monkeypatch.setenv("GAMEHUB_TEST_PIDFILE", str(pidfile))
    start_solo_gui_game(qtbot, bob, developer, tmp_path / "stay", LINGERING_CLIENT)
    qtbot.waitUntil(lambda: pidfile.is_file() and pidfile.read_text() != "", timeout=10000)
    pid = int(pidfile.read_text())
    bob.context.shutdown()  # what quitting the app does
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
