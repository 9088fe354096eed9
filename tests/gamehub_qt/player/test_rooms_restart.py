"""The room list after the hub restarts on the same port and data folder.

The restarted hub numbers its events from 1 again; the list must neither keep the old
hub's rooms nor drop the new hub's first events as "already applied".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.player import PlayerTab
from gamehub_qt.player.rooms_mirror import create_room
from hub_core.client.hub_client import HubClient
from hub_core.server.hub import HubConfig
from hub_core.server.thread import HubThread
from hub_core.wire.keys import KnownHubs
from tests.gamehub_qt.conftest import FAST_HASH
from tests.gamehub_qt.player.conftest import PASSWORD, leave, log_in, make_tab, register


def start_hub(data: Path, port: int = 0) -> HubThread:
    thread = HubThread(
        HubConfig(
            name="Test hub",
            data_dir=data,
            bind="127.0.0.1",
            port=port,
            discovery=False,
            hash_cost=FAST_HASH,
            samples=True,
        )
    )
    thread.start()
    return thread


class Bob:
    """Another player, straight through hub_core on the app's network thread."""

    def __init__(self, context: AppContext, endpoint: str, pins: Path) -> None:
        self.context = context
        self.endpoint = endpoint
        self.pins = KnownHubs(pins)
        self.client: HubClient | None = None

    def create_room(self, *, register_first: bool) -> str:
        async def work() -> str:
            if self.client is not None:
                await self.client.close()
            self.client = await HubClient.connect(self.endpoint, known_hubs=self.pins)
            if register_first:
                await self.client.register("player", "bob", PASSWORD)
            await self.client.login("player", "bob", PASSWORD, watch=False)
            return (await create_room(self.client, "gamehub-rps")).id

        return str(self.context.net.call(work(), timeout=30))

    def close(self) -> None:
        if self.client is not None:
            self.context.net.call(self.client.close())


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[list[HubThread]]:
    hubs = [start_hub(tmp_path / "hub")]
    yield hubs
    hubs[-1].stop()


def test_room_list_is_right_after_the_hub_restarts(
    qtbot: QtBot, context: AppContext, restartable: list[HubThread], tmp_path: Path
) -> None:
    first = restartable[0]
    assert first.hub.endpoints is not None
    port = first.hub.endpoints.ports.req
    endpoint = f"127.0.0.1:{port}"
    context.net.call(context.player.join_hub(endpoint))
    context.endpoint = endpoint
    tab: PlayerTab = make_tab(qtbot, context)
    register(context, "ann")
    log_in(qtbot, tab, "ann")
    bob = Bob(context, endpoint, tmp_path / "bob" / "known_hubs.json")
    try:
        old_room = bob.create_room(register_first=True)
        qtbot.waitUntil(lambda: old_room in tab.mirror.rooms, timeout=10000)
        first.stop()  # closes bob's room: the old hub's last events
        restartable.append(start_hub(tmp_path / "hub", port))
        new_room = bob.create_room(register_first=False)
        # The player's session died with the old hub: the app asks her to log in again
        # (it learns this from the fresh list it fetches on seeing the new hub start).
        qtbot.waitUntil(lambda: not tab.logged_in, timeout=10000)
        assert old_room not in tab.mirror.rooms
        log_in(qtbot, tab, "ann")
        qtbot.waitUntil(lambda: new_room in tab.mirror.rooms, timeout=10000)
        assert old_room not in tab.mirror.rooms
    finally:
        bob.close()
        leave(context)
