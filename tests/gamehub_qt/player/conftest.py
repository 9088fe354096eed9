"""Fixtures for the Player tab: tabs on a real hub, a second app for a second player,
and a developer who can publish games of their own."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.player import PlayerTab
from hub_core.client.publishing import Libraries, PublishResult, publish

PASSWORD = "secret-pw"
SAMPLES = {"gamehub-rps", "gamehub-tetris", "gamehub-dots"}


def register(context: AppContext, name: str) -> None:
    context.net.call(context.player.register(name, PASSWORD))


def log_in(qtbot: QtBot, tab: PlayerTab, name: str) -> None:
    """Logs in through the form (Enter in the password field), waits for the store."""
    tab.login.user.setText(name)
    tab.login.password.setText(PASSWORD)
    tab.login.password.returnPressed.emit()
    qtbot.waitUntil(lambda: tab.logged_in and set(tab.state.games) >= SAMPLES, timeout=10000)


def make_tab(qtbot: QtBot, context: AppContext) -> PlayerTab:
    tab = PlayerTab(context)
    qtbot.addWidget(tab)
    tab.resize(900, 700)
    tab.show()
    return tab


def leave(context: AppContext) -> None:
    """Leaves the hub while it still runs (a logout to a stopped hub waits for its timeout)."""
    for conn in (context.player, context.developer):
        with contextlib.suppress(Exception):
            context.net.call(conn.leave_hub(), timeout=5)


@pytest.fixture
def tab(qtbot: QtBot, connected: AppContext) -> Iterator[PlayerTab]:
    """A Player tab in an app joined to the test hub (nobody logged in yet)."""
    yield make_tab(qtbot, connected)
    leave(connected)


@pytest.fixture
def ann(qtbot: QtBot, tab: PlayerTab) -> PlayerTab:
    """The tab with player "ann" registered and logged in."""
    register(tab.context, "ann")
    log_in(qtbot, tab, "ann")
    return tab


@pytest.fixture
def second(connected: AppContext, endpoint: str, tmp_path: Path) -> Iterator[AppContext]:
    """A second app (its own folders, settings and network thread) for a second player."""
    other = AppContext.create(tmp_path / "app2")
    other.net.call(other.player.join_hub(endpoint))
    other.endpoint = endpoint
    yield other
    other.shutdown()


@pytest.fixture
def bob(qtbot: QtBot, second: AppContext) -> PlayerTab:
    """A Player tab in the second app with "bob" logged in."""
    tab = make_tab(qtbot, second)
    register(second, "bob")
    log_in(qtbot, tab, "bob")
    return tab


class Developer:
    """Publishes games to the test hub through the first app's developer connection."""

    def __init__(self, context: AppContext) -> None:
        self.context = context
        conn = context.developer
        context.net.call(conn.register("dana", PASSWORD))
        context.net.call(conn.login("dana", PASSWORD))

    def publish(
        self, folder: Path, version: str, libraries: Libraries | None = None
    ) -> PublishResult:
        client = self.context.developer.client
        assert client is not None
        work = publish(client, folder, version=version, libraries=libraries)
        return self.context.net.call(work, timeout=60)


@pytest.fixture
def developer(connected: AppContext) -> Developer:
    return Developer(connected)
