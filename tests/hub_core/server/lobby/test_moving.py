"""Rooms handed over from another hub, re-opened on a real hub with real game servers.

The new hub serves first: a moved room is open at once and its game server starts in the
background. A room whose server cannot start there closes saying why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.server.lobby import moving
from hub_core.server.thread import HubThread
from hub_core.wire.keys import KnownHubs
from hub_core.wire.protocol import Event, room_topic
from hub_core.wire.schema import MovedRoom, RoomView, event_data
from tests.hub_core.conftest import running_hub
from tests.hub_core.gamefactory import TEST_SERVER, make_server_game

# Exits at once on the new host: its room cannot keep a server there.
BROKEN_SERVER = "import sys\nsys.exit(3)\n"
# Listens a second late, so the room is surely seen before its server is up.
SLOW_SERVER = "import time\ntime.sleep(1)\n" + TEST_SERVER


@pytest.fixture
def hub(data_dir: Path) -> Iterator[HubThread]:
    yield from running_hub(data_dir, ready_timeout=5.0)


async def ann_with_games(endpoint: str, known_hubs: KnownHubs, tmp_path: Path) -> HubClient:
    """ann, logged in, on a hub with "pong" (a working server) and "broken"."""
    ann = await HubClient.connect(endpoint, known_hubs=known_hubs)
    await ann.register("developer", "dana", "secret")
    await ann.login("developer", "dana", "secret")
    await publish(ann, make_server_game(tmp_path / "pong", server=SLOW_SERVER, min_players=1))
    await publish(ann, make_server_game(tmp_path / "broken", "broken", server=BROKEN_SERVER))
    await ann.register("player", "ann", "secret")
    await ann.login("player", "ann", "secret")
    return ann


def moved_room(room_id: str, game: str) -> MovedRoom:
    return MovedRoom(
        id=room_id, game=game, version="1.0.0", owner="ann", players=["ann"],
        names={"ann": "ann"}, ready=["ann"], matches=2, last_results=None, created=1.0,
    )  # fmt: skip


async def restore(hub: HubThread, rooms: list[MovedRoom]) -> int:
    async def on_hub() -> int:
        return moving.restore_rooms(hub.hub.lobby, rooms)

    future = asyncio.run_coroutine_threadsafe(on_hub(), hub.loop)
    return await asyncio.wait_for(asyncio.wrap_future(future), 5.0)


async def test_a_moved_room_opens_at_once_and_its_start_waits_for_the_server(
    hub: HubThread, endpoint: str, known_hubs: KnownHubs, tmp_path: Path
) -> None:
    ann = await ann_with_games(endpoint, known_hubs, tmp_path)
    try:
        assert await restore(hub, [moved_room("aa11", "pong")]) == 1
        # Open before its server listens: the hub did not wait for the game to start.
        first = await ann.my_room()
        assert first is not None and first.room.id == "aa11" and first.room.server_port == 0
        assert first.room.ready == ["ann"] and first.room.matches == 2
        # Start waits for the server instead of starting a match with nowhere to connect.
        started = await ann.propose_start("aa11")
        assert started.room.state == "in_game" and started.room.server_port > 0
    finally:
        await ann.close()


async def test_a_moved_room_whose_server_cannot_start_closes_saying_why(
    hub: HubThread, endpoint: str, known_hubs: KnownHubs, tmp_path: Path
) -> None:
    ann = await ann_with_games(endpoint, known_hubs, tmp_path)
    try:
        seen: asyncio.Queue[RoomView] = asyncio.Queue()

        def on_event(event: Event) -> None:
            data = event_data(event)
            if isinstance(data, RoomView):
                seen.put_nowait(data)

        ann.subscribe(room_topic("bb22"), on_event)
        await asyncio.sleep(0.2)  # the subscription reaches the hub before the room opens
        rooms = [moved_room("bb22", "broken"), moved_room("cc33", "nosuchgame")]
        assert await restore(hub, rooms) == 1  # a room of a game not on this hub is dropped
        async with asyncio.timeout(20):
            while (room := await seen.get()).state != "closed":
                pass
        assert "BROKEN could not start" in room.closed_reason, room.closed_reason
        assert await ann.my_room() is None
        assert (await ann.list_rooms()).rooms == []
    finally:
        await ann.close()
