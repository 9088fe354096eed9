"""Rooms through a real hub: game servers as real child processes, events, heartbeats, reviews."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed
from hub_core.client.playing import RoomWatch, start_game_client
from hub_core.client.publishing import publish
from hub_core.errors import RequestRefused
from hub_core.server.lobby import lobby as lobby_module
from hub_core.server.thread import HubThread
from hub_core.wire.keys import KnownHubs
from hub_core.wire.schema import ChatLine, RoomView
from tests.hub_core.conftest import MakeClient, hub_config, running_hub, signed_in
from tests.hub_core.gamefactory import make_server_game


@pytest.fixture
def hub(data_dir: Path) -> Iterator[HubThread]:  # shorter start timeout than the default
    yield from running_hub(data_dir, ready_timeout=3.0)


async def player(make_client: MakeClient, name: str) -> HubClient:
    return await signed_in(make_client, "player", name)


@pytest.fixture
async def ann(make_client: MakeClient) -> HubClient:
    return await player(make_client, "ann")


@pytest.fixture
async def bob(make_client: MakeClient) -> HubClient:
    return await player(make_client, "bob")


@pytest.fixture
async def pong(dev: HubClient, tmp_path: Path) -> str:
    await publish(dev, make_server_game(tmp_path / "pong"))
    return "pong"


class Watcher:
    """A RoomWatch whose snapshots can be awaited."""

    def __init__(self, client: HubClient, room_id: str) -> None:
        self.seen: asyncio.Queue[RoomView] = asyncio.Queue()
        self.watch = RoomWatch(client, room_id, self.seen.put_nowait)

    async def until(self, state: str, timeout: float = 10) -> RoomView:
        async with asyncio.timeout(timeout):
            while True:
                room = await self.seen.get()
                if room.state == state:
                    return room


@pytest.fixture
async def watchers() -> AsyncIterator[list[Watcher]]:
    made: list[Watcher] = []
    yield made
    for w in made:
        w.watch.stop()


async def watch(watchers: list[Watcher], client: HubClient, room_id: str) -> Watcher:
    w = Watcher(client, room_id)
    watchers.append(w)
    await w.watch.start()
    return w


async def start_match(ann: HubClient, bob: HubClient, room_id: str) -> None:
    for c in (ann, bob):
        await c.set_ready(room_id, True, "1.0.0")
    await ann.propose_start(room_id)
    await bob.respond_start(room_id, True)


def tell_server(room: RoomView, line: str) -> str:
    with socket.create_connection(("127.0.0.1", room.server_port), timeout=5) as s:
        s.sendall(line.encode() + b"\n")
        return s.makefile().readline()


async def test_create_join_list_and_leave(ann: HubClient, bob: HubClient, pong: str) -> None:
    room = (await ann.create_room(pong)).room
    assert (room.owner, room.players, room.state) == ("ann", ["ann"], "waiting")
    assert room.server_port > 0
    listed = await bob.list_rooms()
    assert [r.id for r in listed.rooms] == [room.id]
    joined = (await bob.join_room(room.id)).room
    assert joined.players == ["ann", "bob"]
    await ann.leave_room(room.id)
    after = (await bob.room_get(room.id)).room
    assert after.owner == "bob"
    await bob.leave_room(room.id)
    assert (await bob.list_rooms()).rooms == []  # empty room closed


async def test_full_match_round_trip(
    ann: HubClient, bob: HubClient, pong: str, watchers: list[Watcher]
) -> None:
    room = (await ann.create_room(pong)).room
    await bob.join_room(room.id)
    w = await watch(watchers, bob, room.id)
    await start_match(ann, bob, room.id)
    started = await w.until("in_game")
    assert started.matches == 1
    assert await bob.played() == {"pong": 1}
    reply = await asyncio.to_thread(tell_server, started, "finish")
    assert json.loads(reply)["ok"] is True
    back = await w.until("waiting")
    assert back.last_results == {"winner": "ann"}
    assert back.ready == []
    await start_match(ann, bob, room.id)
    again = await w.until("in_game")
    await asyncio.to_thread(tell_server, again, "close")
    closed = await w.until("closed")
    assert "closed the room" in closed.closed_reason


async def test_server_death_closes_the_room_and_tells_members(
    ann: HubClient, pong: str, watchers: list[Watcher]
) -> None:
    room = (await ann.create_room(pong)).room
    w = await watch(watchers, ann, room.id)
    await asyncio.to_thread(
        lambda: socket.create_connection(("127.0.0.1", room.server_port)).sendall(b"die\n")
    )
    closed = await w.until("closed")
    assert "exit code 7" in closed.closed_reason
    assert "dying on request" in closed.closed_reason
    with pytest.raises(RequestRefused, match="no open room"):
        await ann.room_get(room.id)


async def test_refusals(ann: HubClient, bob: HubClient, make_client: MakeClient, pong: str) -> None:
    async def refused(coro: Awaitable[Any]) -> RequestRefused:
        with pytest.raises(RequestRefused) as info:
            await coro
        return info.value

    assert (await refused(ann.join_room("nope"))).code == "no_such_room"
    assert (await refused(ann.create_room("chess"))).code == "no_such_game"
    room = (await ann.create_room(pong)).room.id
    assert (await refused(ann.create_room(pong))).code == "room_busy"
    err = await refused(ann.propose_start(room))
    assert "must be full to start (1 of 2" in str(err)
    await bob.join_room(room)
    assert (await refused(bob.propose_start(room))).code == "not_owner"
    assert (await refused(bob.respond_start(room, True))).code == "no_proposal"
    assert "Not everyone is ready" in str(await refused(ann.propose_start(room)))
    cy = await player(make_client, "cy")
    assert (await refused(cy.join_room(room))).code == "room_full"


async def test_decline_returns_to_waiting(ann: HubClient, bob: HubClient, pong: str) -> None:
    room = (await ann.create_room(pong)).room.id
    await bob.join_room(room)
    for c in (ann, bob):
        await c.set_ready(room, True, "1.0.0")
    await ann.propose_start(room)
    after = await bob.respond_start(room, False)
    assert after.room.state == "waiting"
    assert await bob.played() == {}


async def test_game_that_never_listens(dev: HubClient, ann: HubClient, tmp_path: Path) -> None:
    await publish(
        dev, make_server_game(tmp_path / "mute", "mute", server="import time\ntime.sleep(60)\n")
    )
    with pytest.raises(RequestRefused, match="could not start") as info:
        await ann.create_room("mute", timeout=10)
    assert info.value.code == "game_start_failed"
    assert (await ann.list_rooms()).rooms == []


async def test_game_that_crashes_at_once(dev: HubClient, ann: HubClient, tmp_path: Path) -> None:
    server = "import sys\nprint('no luck today', flush=True)\nsys.exit(3)\n"
    await publish(dev, make_server_game(tmp_path / "crash", "crash", server=server))
    with pytest.raises(RequestRefused, match="could not start") as info:
        await ann.create_room("crash", timeout=10)
    assert "no luck today" in str(info.value)


async def test_quiet_player_leaves(
    ann: HubClient,
    bob: HubClient,
    pong: str,
    watchers: list[Watcher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lobby_module, "HEARTBEAT_TIMEOUT", 1.0)
    room = (await ann.create_room(pong)).room.id
    await bob.join_room(room)
    w = await watch(watchers, ann, room)

    async def keep_alive() -> None:
        while True:
            await ann.heartbeat()
            await asyncio.sleep(0.3)

    beating = asyncio.ensure_future(keep_alive())
    try:
        async with asyncio.timeout(10):
            while True:
                snapshot = await w.seen.get()
                if snapshot.players == ["ann"]:
                    break
    finally:
        beating.cancel()
    assert snapshot.dropped == ["bob"]  # the event says why bob left
    assert (await ann.room_get(room)).room.dropped == []  # a later snapshot does not


async def test_reviews_need_a_played_game(
    ann: HubClient, bob: HubClient, dev: HubClient, pong: str, watchers: list[Watcher]
) -> None:
    with pytest.raises(RequestRefused, match="after you have played it") as info:
        await ann.review(pong, 5, "great")
    assert info.value.code == "not_played"
    room = (await ann.create_room(pong)).room.id
    await bob.join_room(room)
    await start_match(ann, bob, room)
    await ann.review(pong, 2, "meh")
    await ann.review(pong, 4, "grew on me")  # replaces
    await bob.review(pong, 5)
    with pytest.raises(RequestRefused, match="1 to 5 stars"):
        await bob.review(pong, 9)
    details = await ann.game_details(pong)
    assert (details.avg_rating, details.review_count) == (4.5, 2)
    assert [r.player for r in details.reviews] == ["bob", "ann"]  # newest first
    assert details.reviews[1].text == "grew on me"
    assert details.reviews[1].version == "1.0.0"
    [mine] = await dev.my_games()
    assert mine.review_count == 2
    assert [r.rating for r in await ann.my_reviews()] == [4]


async def test_game_client_runs_with_the_contract_environment(
    ann: HubClient, bob: HubClient, pong: str, tmp_path: Path, watchers: list[Watcher]
) -> None:
    room = (await ann.create_room(pong)).room
    await bob.join_room(room.id)
    root = tmp_path / "games"
    await install(ann, pong, root, version=room.version)
    installed = read_installed(root, pong)
    assert installed is not None
    w = await watch(watchers, ann, room.id)
    await start_match(ann, bob, room.id)
    started = await w.until("in_game")
    proc = await start_game_client(ann, started, installed, pipe=True)
    out, _ = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0
    assert b"client got" in out and b"ann" in out
    await w.until("waiting")


async def test_hub_stop_closes_rooms_and_stops_servers(
    data_dir: Path, known_hubs: KnownHubs, tmp_path: Path
) -> None:
    thread = HubThread(hub_config(data_dir))
    endpoint = thread.start().endpoint("127.0.0.1")
    async with await HubClient.connect(endpoint, known_hubs=known_hubs) as c:
        await c.register("developer", "dana", "secret")
        await c.login("developer", "dana", "secret")
        await publish(c, make_server_game(tmp_path / "pong"))
        await c.register("player", "ann", "secret")
        await c.login("player", "ann", "secret")
        room = (await c.create_room("pong")).room
    thread.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", room.server_port), timeout=2).close()
    assert not list((data_dir / "hub" / "servers").glob("*.json"))


async def test_ready_needs_the_rooms_version_installed(ann: HubClient, pong: str) -> None:
    room = (await ann.create_room(pong)).room.id
    for installed, words in ((None, "it is not installed"), ("0.9.0", "you have 0.9.0")):
        with pytest.raises(
            RequestRefused, match=f"Install PONG 1.0.0 before getting ready \\({words}"
        ) as info:
            await ann.set_ready(room, True, installed)
        assert info.value.code == "not_ready"
    assert (await ann.room_get(room)).room.ready == []
    await ann.set_ready(room, False)  # un-ready needs nothing


async def test_app_restart_within_the_grace_time_keeps_the_seat(
    ann: HubClient, bob: HubClient, make_client: MakeClient, pong: str
) -> None:
    room = (await ann.create_room(pong)).room.id
    await bob.join_room(room)
    await bob.close()  # bob's app dies...
    again = await make_client()  # ...and comes back, logging in anew
    await again.login("player", "bob", "secret")
    mine = await again.my_room()
    assert mine is not None and mine.room.id == room
    assert mine.room.players == ["ann", "bob"]
    await again.heartbeat()


async def test_room_chat_reaches_members(
    ann: HubClient, bob: HubClient, make_client: MakeClient, pong: str
) -> None:
    room = (await ann.create_room(pong)).room.id
    await bob.join_room(room)
    lines: asyncio.Queue[ChatLine] = asyncio.Queue()
    watch = RoomWatch(bob, room, lambda _: None, lines.put_nowait)
    await watch.start()
    try:
        await ann.room_chat(room, "  ready   when you are  ")
        line = await asyncio.wait_for(lines.get(), 5)
        assert (line.sender, line.text) == ("ann", "ready when you are")
        with pytest.raises(RequestRefused, match="cannot be empty"):
            await ann.room_chat(room, "   ")
        cy = await player(make_client, "cy")
        with pytest.raises(RequestRefused, match="not in this room"):
            await cy.room_chat(room, "hi")
    finally:
        watch.stop()


async def test_hello_counts_players_online(ann: HubClient, endpoint: str) -> None:
    from hub_core.client.hub_client import fetch_hello
    from hub_core.wire.endpoints import parse_endpoint

    assert (await fetch_hello(parse_endpoint(endpoint))).online == 1
