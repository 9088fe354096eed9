"""Reviews on two versions of one game, through a real hub: shared by hub, CLI and app tests.

The story (``review_two_versions``): ann and bob play pong 1.0.0 and rate it 2 and 4; an
old-format review (olga, 1 star, no version) is already stored; dana publishes 1.1.0; bob
changes his review to 5 without playing 1.1.0 (it stays on 1.0.0, the version he played);
ann and carl play 1.1.0 and rate it 4 and 3 (ann's review moves to 1.1.0).
Expected per version: 1.1.0 3.5 (2), 1.0.0 5.0 (1), no version 1.0 (1); overall 3.25 (4).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.server.store.catalog import GAMES
from hub_core.server.thread import HubThread
from tests.hub_core.gamefactory import make_server_game

EXPECTED = [("1.1.0", 3.5, 2), ("1.0.0", 5.0, 1), ("", 1.0, 1)]


async def player(endpoint: str, name: str) -> HubClient:
    client = await HubClient.connect(endpoint)
    await client.register("player", name, "secret")
    await client.login("player", name, "secret")
    return client


async def play_match(a: HubClient, b: HubClient, game: str) -> None:
    """Both start a match of the game's latest version (which lets them review it), then leave."""
    room = (await a.create_room(game)).room
    await b.join_room(room.id)
    for client in (a, b):
        await client.set_ready(room.id, True, room.version)
    await a.propose_start(room.id)
    await b.respond_start(room.id, True)
    for client in (a, b):
        await client.leave_room(room.id)


async def store_old_review(hub: HubThread, game: str) -> None:
    """Writes a review as hubs before per-version ratings could have stored it: no version."""

    async def write() -> None:
        record = hub.hub.repo.get(GAMES, game)
        assert record is not None
        old = {"player": "olga", "key": "olga", "rating": 1, "text": "Old.", "time": time.time()}
        record["reviews"] = [old, *record.get("reviews", [])]
        await hub.hub.repo.put(GAMES, game, record)

    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(write(), hub.loop))


async def publish_pong(dev: HubClient, folder: Path, version: str) -> None:
    make_server_game(folder)
    (folder / "notes.txt").write_text(f"pong {version}\n", encoding="utf-8")
    await publish(dev, folder, version=version)


async def review_two_versions(hub: HubThread, dev: HubClient, folder: Path) -> None:
    """Plays out the module's story on ``hub``; ``dev`` is a logged-in developer client."""
    assert hub.endpoints is not None
    endpoint = hub.endpoints.endpoint("127.0.0.1")
    await publish_pong(dev, folder, "1.0.0")
    ann, bob, carl = [await player(endpoint, n) for n in ("ann", "bob", "carl")]
    try:
        await store_old_review(hub, "pong")
        await play_match(ann, bob, "pong")
        await ann.review("pong", 2, "Too short.")
        await bob.review("pong", 4, "Fun.")
        await publish_pong(dev, folder, "1.1.0")
        await bob.review("pong", 5, "Still fun.")  # bob has not played 1.1.0
        await play_match(ann, carl, "pong")
        await ann.review("pong", 4, "Better now.")
        await carl.review("pong", 3, "")
    finally:
        for client in (ann, bob, carl):
            await client.close()
