"""F5 reloads the window's current tab from a real hub: what live updates missed appears.

"Missed" is made real: the app's subscriptions are dropped (as a lost event would be),
then a game is published or a room opened, or a game is installed on disk by another
copy of GameHub.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.login_form import DEVELOPER
from gamehub_qt.developer.tab import DeveloperTab
from gamehub_qt.player import PlayerTab
from gamehub_qt.shell.connection import Connection
from gamehub_qt.shell.main_window import MainWindow
from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install
from hub_core.client.publishing import publish
from tests.gamehub_qt.player.conftest import PASSWORD, Developer, log_in, register
from tests.gamehub_qt.shell_helpers import WAIT_MS, new_window
from tests.hub_core.gamefactory import make_game


@pytest.fixture
def window(qtbot: QtBot, connected: AppContext) -> MainWindow:
    """A window (not shown: no discovery, no rejoining) on an app joined to the test hub."""
    return new_window(qtbot, connected)


async def drop_events(conn: Connection, *topics: str) -> None:
    for topic in topics:
        conn.unsubscribe(topic)


@pytest.fixture
def cleo(connected: AppContext) -> Iterator[Callable[[], None]]:
    """Opens a room of rps as player "cleo" of another app, when called; she leaves after."""
    others: list[HubClient] = []

    async def open_room() -> None:
        other = await HubClient.connect(connected.endpoint)
        others.append(other)
        await other.register("player", "cleo", PASSWORD)
        await other.login("player", "cleo", PASSWORD)
        await other.create_room("gamehub-rps", timeout=15)

    yield lambda: connected.net.call(open_room(), timeout=30)
    for other in others:
        connected.net.call(other.close(), timeout=10)


def test_f5_reloads_the_player_tab(
    qtbot: QtBot, window: MainWindow, cleo: Callable[[], None], tmp_path: Path
) -> None:
    context, tab = window.context, window.player_tab
    assert isinstance(tab, PlayerTab)
    window.show_tab(0)
    register(context, "ann")
    log_in(qtbot, tab, "ann")
    tab.store.list.select("gamehub-rps")
    context.net.call(drop_events(context.player, "store", "rooms"))
    with qtbot.assertNotEmitted(tab.state.games_changed, wait=500):
        Developer(context).publish(make_game(tmp_path / "quiz", "quiz"), "1.0.0")
    cleo()
    assert context.player.client is not None
    context.net.call(install(context.player.client, "gamehub-rps", tab.state.games_root()))

    window.refresh_action.trigger()  # F5
    qtbot.waitUntil(lambda: "quiz" in tab.store.list.visible_names(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tab.my_games.games.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert tab.store.details.name == "gamehub-rps"  # still picked
    assert tab.store.details.action.text() == "Installed"
    qtbot.waitUntil(lambda: tab.rooms.table.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert tab.rooms.table.topLevelItem(0).text(1) == "cleo"


def test_f5_reloads_the_developer_tab(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    context, tab = window.context, window.developer_tab
    assert isinstance(tab, DeveloperTab)
    window.show_tab(1)
    conn = context.developer
    context.net.call(DEVELOPER.log_in(conn, "dana", "secret", create=True))
    qtbot.waitUntil(lambda: tab.logged_in and not tab.my_games._loading, timeout=WAIT_MS)
    context.net.call(drop_events(conn, "store"))
    assert conn.client is not None
    package = make_game(tmp_path / "quiz", "quiz")
    with qtbot.assertNotEmitted(conn.hub_event, wait=500):
        context.net.call(publish(conn.client, package, version="1.0.0"), timeout=60)
    assert tab.my_games.game("quiz") is None

    window.refresh_action.trigger()  # F5
    qtbot.waitUntil(lambda: tab.my_games.game("quiz") is not None, timeout=WAIT_MS)


def test_f5_on_a_logged_out_tab_does_nothing(window: MainWindow) -> None:
    for position in (0, 1):
        window.show_tab(position)
        window.refresh_action.trigger()  # no session: nothing to ask the hub
    assert window.context.messages.history == []
