"""Match history through a real hub: matches played on real game servers, however they end."""

# The lobby tests' fixtures are imported by name, and test arguments name them again.
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.errors import RequestRefused
from hub_core.server.thread import HubThread
from hub_core.wire.keys import KnownHubs
from hub_core.wire.schema import MatchEnding, MatchView
from tests.hub_core.conftest import hub_config, running_hub
from tests.hub_core.server.lobby.test_lobby import (  # noqa: F401  (fixtures)
    Watcher,
    ann,
    bob,
    pong,
    start_match,
    tell_server,
    watch,
    watchers,
)


@pytest.fixture
def hub(data_dir: Path) -> Iterator[HubThread]:  # keeps two matches per game
    yield from running_hub(data_dir, ready_timeout=3.0, matches_kept=2)


async def play_one(ann: HubClient, bob: HubClient, w: Watcher, room_id: str, line: str) -> None:
    """Starts a match in the room and has the game server end it as ``line`` says."""
    await start_match(ann, bob, room_id)
    started = await w.until("in_game")
    await asyncio.to_thread(tell_server, started, line)


async def mine(client: HubClient) -> list[MatchView]:
    return (await client.match_history(mine=True)).matches


async def test_a_finished_match_is_recorded_with_its_results_and_leaderboard(
    ann: HubClient, bob: HubClient, pong: str, watchers: list[Watcher]
) -> None:
    room = (await ann.create_room(pong)).room
    await bob.join_room(room.id)
    w = await watch(watchers, bob, room.id)
    await play_one(ann, bob, w, room.id, "finish")
    await w.until("waiting")
    [match] = await mine(bob)
    assert (match.game, match.version, match.room) == ("pong", "1.0.0", room.id)
    assert (match.players, match.results, match.winner) == (
        ["ann", "bob"],
        {"winner": "ann"},
        "ann",
    )
    assert match.ending is MatchEnding.FINISHED and not match.closed_room
    assert 0 < match.started <= match.ended
    game = await ann.match_history("pong")
    assert [m.id for m in game.matches] == [match.id]
    assert [(r.player, r.wins, r.matches) for r in game.leaderboard] == [
        ("ann", 1, 1),
        ("bob", 0, 1),
    ]
    assert (game.per_version, game.kept) == ({"1.0.0": 1}, 2)


async def test_kick_all_and_a_dying_server_are_recorded_too(
    ann: HubClient, bob: HubClient, pong: str, watchers: list[Watcher]
) -> None:
    room = (await ann.create_room(pong)).room
    await bob.join_room(room.id)
    w = await watch(watchers, bob, room.id)
    await play_one(ann, bob, w, room.id, "close")
    await w.until("closed")
    [closed] = await mine(ann)
    assert (closed.ending, closed.closed_room, closed.winner) == (MatchEnding.FINISHED, True, "ann")

    room = (await ann.create_room(pong)).room
    await bob.join_room(room.id)
    w = await watch(watchers, bob, room.id)
    await start_match(ann, bob, room.id)
    started = await w.until("in_game")
    await asyncio.to_thread(
        lambda: socket.create_connection(("127.0.0.1", started.server_port)).sendall(b"die\n")
    )
    await w.until("closed")
    died, _ = await mine(bob)
    assert (died.ending, died.results, died.winner) == (MatchEnding.SERVER_DIED, None, None)


async def test_players_leaving_mid_match_is_recorded(
    ann: HubClient, bob: HubClient, pong: str, watchers: list[Watcher]
) -> None:
    room = (await ann.create_room(pong)).room
    await bob.join_room(room.id)
    w = await watch(watchers, ann, room.id)
    await start_match(ann, bob, room.id)
    await w.until("in_game")
    await bob.leave_room(room.id)
    assert await mine(ann) == []  # one player left: the match goes on
    await ann.leave_room(room.id)
    [left] = await mine(ann)
    assert (left.ending, left.players) == (MatchEnding.PLAYERS_LEFT, ["ann", "bob"])
    assert await mine(bob) == [left]


async def test_history_is_bounded_per_game_and_survives_a_restart(
    hub: HubThread,
    ann: HubClient,
    bob: HubClient,
    pong: str,
    watchers: list[Watcher],
    data_dir: Path,
    known_hubs: KnownHubs,
) -> None:
    room = (await ann.create_room(pong)).room
    await bob.join_room(room.id)
    w = await watch(watchers, bob, room.id)
    for _ in range(3):
        await play_one(ann, bob, w, room.id, "finish")
        await w.until("waiting")
    kept = await mine(ann)
    assert len(kept) == 2  # the hub keeps two per game here; the oldest went
    assert kept[0].ended >= kept[1].ended
    for c in (ann, bob):
        await c.leave_room(room.id)
    await ann.close()
    await bob.close()
    hub.stop()

    again = HubThread(hub_config(data_dir, matches_kept=1))  # a smaller count prunes at start
    endpoint = again.start().endpoint("127.0.0.1")
    try:
        async with await HubClient.connect(endpoint, known_hubs=known_hubs) as c:
            await c.login("player", "ann", "secret")
            assert [m.id for m in await mine(c)] == [kept[0].id]
    finally:
        again.stop()


async def test_developers_read_a_games_history_but_have_none_of_their_own(
    dev: HubClient, pong: str
) -> None:
    assert (await dev.match_history("pong")).matches == []
    with pytest.raises(RequestRefused, match="Only players have matches of their own"):
        await dev.match_history(mine=True)
