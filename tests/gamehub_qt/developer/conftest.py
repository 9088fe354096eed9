"""Fixtures for the Developer tab: the tab on a connected context, a logged-in developer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.login_form import DEVELOPER
from gamehub_qt.developer.publish.runcheck import RunCheckStep
from gamehub_qt.developer.tab import DeveloperTab

WAIT_MS = 10_000


@pytest.fixture(autouse=True)
def quick_run_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The publish dialog's run check keeps a good client up 0.5 s, not 3 s."""
    monkeypatch.setattr(RunCheckStep, "settle", 0.5)


@pytest.fixture
def tab(qtbot: QtBot, connected: AppContext) -> Iterator[DeveloperTab]:
    widget = DeveloperTab(connected)
    qtbot.addWidget(widget)
    yield widget
    # Leave while the hub still runs: the context's own shutdown comes after the hub's,
    # and would wait for a logout answer that cannot come.
    for conn in (connected.player, connected.developer):
        connected.net.call(conn.leave_hub(), timeout=10)


@pytest.fixture
def dev_tab(qtbot: QtBot, tab: DeveloperTab) -> DeveloperTab:
    """The tab with developer "dana" logged in and My games loaded."""
    conn = tab.context.developer
    tab.context.net.call(DEVELOPER.log_in(conn, "dana", "secret", create=True))
    qtbot.waitUntil(lambda: tab.logged_in and not tab.my_games._loading, timeout=WAIT_MS)
    return tab


def write_manifest(folder: Path, **changes: Any) -> None:
    data = {
        "name": "mygame",
        "display_name": "My Game",
        "type": "CLI",
        "max_players": 2,
        "entry_server": "server.py",
        "entry_client": "client.py",
        "description": "A game made in a test.",
    } | changes
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
