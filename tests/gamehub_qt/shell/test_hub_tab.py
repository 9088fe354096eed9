"""The Hub tab while this app hosts: players online, rooms, a room's game server log."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.shell import hub_watch
from gamehub_qt.shell.hub_watch import read_log
from gamehub_qt.shell.main_window import MainWindow
from tests.gamehub_qt.shell_helpers import WAIT_MS, new_window


@pytest.fixture
def hosting(qtbot: QtBot, context: AppContext) -> MainWindow:
    """A shown window hosting a local hub, joined to it, on the Hub tab."""
    window = new_window(qtbot, context)
    window.show()
    with qtbot.waitSignal(window.hosting.started, timeout=WAIT_MS):
        window.hubbar.host_action.trigger()
    own = window.hosting.local_endpoint()
    qtbot.waitUntil(
        lambda: context.endpoint == own and context.player.state == "connected", timeout=WAIT_MS
    )
    window.show_tab(2)
    assert window.tabs.currentWidget() is window.hub_tab
    return window


def rows(window: MainWindow) -> list[list[str]]:
    table = window.hub_tab.rooms
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_hub_tab_shows_who_is_online_the_rooms_and_a_room_log(
    qtbot: QtBot, hosting: MainWindow
) -> None:
    context, tab = hosting.context, hosting.hub_tab
    ep = hosting.hosting.endpoints
    assert ep is not None
    assert tab.fingerprint.text() == ep.fingerprint
    assert tab.data_dir.text() == str(context.paths.data)
    assert tab.protections.text() == ep.protections
    assert ep.protections.startswith("Game servers:")
    player = context.player
    context.net.call(player.register("ann", "secret"))
    context.net.call(player.login("ann", "secret"))
    room = context.net.call(player.hub().create_room("gamehub-rps"), timeout=30).room
    qtbot.waitUntil(lambda: tab.players.count() == 1, timeout=WAIT_MS)
    assert tab.players.item(0).text() == "ann"
    qtbot.waitUntil(lambda: len(rows(hosting)) == 1, timeout=WAIT_MS)
    assert rows(hosting)[0] == [
        room.id,
        f"Rock Paper Scissors {room.version}",
        "ann (1/2)",
        "Waiting",
    ]
    tab.rooms.selectRow(0)
    qtbot.waitUntil(lambda: "Starting gamehub-rps" in tab.log_view.toPlainText(), timeout=WAIT_MS)
    assert tab.log_title.text() == f"Room {room.id}"
    context.net.call(player.hub().leave_room(room.id), timeout=30)
    qtbot.waitUntil(lambda: rows(hosting) == [], timeout=WAIT_MS)
    assert tab.log_title.text() == f"Room {room.id} (closed)"


def test_stop_button_stops_hosting(qtbot: QtBot, hosting: MainWindow) -> None:
    with qtbot.waitSignal(hosting.hosting.stopped, timeout=WAIT_MS):
        hosting.hub_tab.stop_button.click()
    assert hosting.context.hosting is None
    assert hosting.tabs.indexOf(hosting.hub_tab) < 0
    assert not hosting.hubbar.host_action.isChecked()


def test_log_reads_start_with_the_tail_then_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_watch, "TAIL_BYTES", 10)
    path = tmp_path / "room.log"
    assert read_log(path, -1) == ("", 0, False)
    path.write_text("0123456789abcdef")
    text, offset, reset = read_log(path, -1)
    assert (text, offset, reset) == ("6789abcdef", 16, True)
    with path.open("a") as file:
        file.write("gh\n")
    assert read_log(path, offset) == ("gh\n", 19, False)
    path.write_text("new\n")  # replaced: shorter than where we were
    assert read_log(path, 19) == ("new\n", 4, True)


def test_f5_polls_the_hub_at_once(qtbot: QtBot, hosting: MainWindow) -> None:
    tab, context = hosting.hub_tab, hosting.context
    tab.timer.stop()  # from here on, only F5 polls
    qtbot.waitUntil(lambda: tab._polling is None, timeout=WAIT_MS)
    context.net.call(context.player.register("ann", "secret"))
    context.net.call(context.player.login("ann", "secret"))
    hosting.refresh_action.trigger()  # F5
    qtbot.waitUntil(lambda: tab.players.count() == 1, timeout=WAIT_MS)
