"""The app's link to a hub as a state machine: every transition recorded, against real hubs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.shell import connection
from gamehub_qt.shell.connection import Connection, LinkState
from hub_core.errors import GameHubError
from hub_core.server.hub import HubConfig
from hub_core.server.thread import HubThread
from tests.conftest import free_port
from tests.gamehub_qt.conftest import FAST_HASH

WAIT_MS = 20_000


class Recorder:
    """Every state the connection announces, in order (appended on the network thread)."""

    def __init__(self, conn: Connection) -> None:
        self.seen: list[str] = []
        self._lock = threading.Lock()
        conn.state_changed.connect(self._record, Qt.ConnectionType.DirectConnection)

    def _record(self, state: str) -> None:
        with self._lock:
            self.seen.append(state)


def test_join_then_leave(context: AppContext, endpoint: str) -> None:
    conn = context.player
    recorder = Recorder(conn)
    assert conn.state is LinkState.DISCONNECTED
    assert context.net.call(conn.join_hub(endpoint)) == "Test hub"
    context.net.call(conn.leave_hub())
    assert recorder.seen == ["connecting", "connected", "disconnected"]


def test_a_hub_that_is_not_there_leaves_it_disconnected(context: AppContext) -> None:
    conn = context.player
    recorder = Recorder(conn)
    with pytest.raises(GameHubError):
        context.net.call(conn.join_hub(f"127.0.0.1:{free_port()}"))
    assert recorder.seen == ["connecting", "disconnected"]
    assert conn.state is LinkState.DISCONNECTED


def test_a_hub_that_stops_is_lost_then_found_again(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hub stops (it says so: lost), then a hub with the same key comes back on the
    same port, and the next ping makes the link connected again without a new join."""
    monkeypatch.setattr(connection, "WATCH_SECONDS", 0.3)
    config = HubConfig(
        name="Test hub", data_dir=tmp_path / "hub", bind="127.0.0.1", port=free_port(),
        discovery=False, hash_cost=FAST_HASH, samples=False,
    )  # fmt: skip
    first = HubThread(config)
    endpoint = first.start().endpoint("127.0.0.1")
    conn = context.player
    recorder = Recorder(conn)
    second: HubThread | None = None
    try:
        context.net.call(conn.join_hub(endpoint))
        first.stop()
        qtbot.waitUntil(lambda: conn.state is LinkState.LOST, timeout=WAIT_MS)
        second = HubThread(config)
        second.start()
        qtbot.waitUntil(lambda: conn.state is LinkState.CONNECTED, timeout=WAIT_MS)
        context.net.call(conn.leave_hub(), timeout=10)
    finally:
        first.stop()
        if second is not None:
            second.stop()
    assert recorder.seen == ["connecting", "connected", "lost", "connected", "disconnected"]
