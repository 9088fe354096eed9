"""A player's review of one of my games shows up in My games without pressing Refresh."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gamehub_qt.developer.tab import DeveloperTab
from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from tests.gamehub_qt.developer.conftest import WAIT_MS
from tests.hub_core.gamefactory import make_server_game


async def play_and_review(ann: HubClient, bob: HubClient, game: str) -> None:
    """Two players start a room of ``game`` (which lets them review it); ann reviews it."""
    for client, name in ((ann, "ann"), (bob, "bob")):
        await client.register("player", name, "secret")
        await client.login("player", name, "secret")
    room = (await ann.create_room(game)).room
    await bob.join_room(room.id)
    for client in (ann, bob):
        await client.set_ready(room.id, True, room.version)
    await ann.propose_start(room.id)
    await bob.respond_start(room.id, True)
    await ann.review(game, 4, "Quick and fun.")


def test_a_new_review_appears_live(
    qtbot: QtBot, dev_tab: DeveloperTab, endpoint: str, tmp_path: Path
) -> None:
    context = dev_tab.context
    developer = context.developer.client
    assert developer is not None
    context.net.call(publish(developer, make_server_game(tmp_path / "pong")))
    games = dev_tab.my_games
    qtbot.waitUntil(lambda: games.game("pong") is not None, timeout=WAIT_MS)  # a store event
    assert games.reviews.rows == []
    assert dev_tab.my_games.details.tabText(1) == "Reviews (0)"
    assert context.player.client is not None

    async def players() -> None:
        async with await HubClient.connect(endpoint) as bob:
            assert context.player.client is not None
            await play_and_review(context.player.client, bob, "pong")

    context.net.call(players())
    qtbot.waitUntil(lambda: len(games.reviews.rows) == 1, timeout=WAIT_MS)
    assert [games.reviews.text(0, c) for c in range(4)] == [
        "ann", "★★★★☆", "Quick and fun.", "1.0.0"
    ]  # fmt: skip
    assert games.games.text(0, 5) == "4.0 ★"
    assert games.games.text(0, 6) == "1"
    assert dev_tab.my_games.details.tabText(1) == "Reviews (1)"
