"""Rooms through a real hub: game servers as real child processes, events, heartbeats, reviews."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub_core import lobby as lobby_module
from hub_core.client import HubClient
from hub_core.errors import RequestRefused
from hub_core.hosting import HubThread
from hub_core.installs import install, read_installed
from hub_core.keys import KnownHubs
from hub_core.playing import RoomWatch, start_game_client
from hub_core.publishing import publish
from tests.hub_core.conftest import hub_config
from tests.hub_core.gamefactory import make_server_game

MakeClient = Callable[..., Awaitable[HubClient]]


@pytest.fixture
def hub(data_dir: Path) -> Iterator[HubThread]:  # shorter start timeout than the default
    thread = HubThread(hub_config(data_dir, ready_timeout=3.0))
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
async def dev(make_client: MakeClient) -> HubClient:
    c = await make_client()
    await c.register("developer", "dana", "secret")
    await c.login("developer", "dana", "secret")
    return c


async def player(make_client: MakeClient, name: str) -> HubClient:
    c = await make_client()
    await c.register("player", name, "secret")
    await c.login("player", name, "secret")
    return c


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
        self.seen: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.watch = RoomWatch(client, room_id, self.seen.put_nowait)

    async def until(self, state: str, timeout: float = 10) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                room = await self.seen.get()
                if room["state"] == state:
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
        await c.request("set_ready", {"room": room_id, "ready": True, "installed": "1.0.0"})
    await ann.request("propose_start", {"room": room_id})
    await bob.request("respond_start", {"room": room_id, "accept": True})


def tell_server(room: dict[str, Any], line: str) -> str:
    with socket.create_connection(("127.0.0.1", room["server_port"]), timeout=5) as s:
        s.sendall(line.encode() + b"\n")
        return s.makefile().readline()


async def test_create_join_list_and_leave(ann: HubClient, bob: HubClient, pong: str) -> None:
    room = (await ann.request("create_room", {"name": pong}))["room"]
    assert (room["owner"], room["players"], room["state"]) == ("ann", ["ann"], "waiting")
    assert room["server_port"] > 0
    listed = await bob.request("list_rooms")
    assert [r["id"] for r in listed["rooms"]] == [room["id"]]
    joined = (await bob.request("join_room", {"room": room["id"]}))["room"]
    assert joined["players"] == ["ann", "bob"]
    await ann.request("leave_room", {"room": room["id"]})
    after = (await bob.request("room_get", {"room": room["id"]}))["room"]
    assert after["owner"] == "bob"
    await bob.request("leave_room", {"room": room["id"]})
    assert (await bob.request("list_rooms"))["rooms"] == []  # empty room closed


async def test_full_match_round_trip(
    ann: HubClient, bob: HubClient, pong: str, watchers: list[Watcher]
) -> None:
    room = (await ann.request("create_room", {"name": pong}))["room"]
    await bob.request("join_room", {"room": room["id"]})
    w = await watch(watchers, bob, room["id"])
    await start_match(ann, bob, room["id"])
    started = await w.until("in_game")
    assert started["matches"] == 1
    assert await bob.request("played") == {"pong": 1}
    reply = await asyncio.to_thread(tell_server, started, "finish")
    assert json.loads(reply)["ok"] is True
    back = await w.until("waiting")
    assert back["last_results"] == {"winner": "ann"}
    assert back["ready"] == []
    await start_match(ann, bob, room["id"])
    again = await w.until("in_game")
    await asyncio.to_thread(tell_server, again, "close")
    closed = await w.until("closed")
    assert "closed the room" in closed["closed_reason"]


async def test_server_death_closes_the_room_and_tells_members(
    ann: HubClient, pong: str, watchers: list[Watcher]
) -> None:
    room = (await ann.request("create_room", {"name": pong}))["room"]
    w = await watch(watchers, ann, room["id"])
    await asyncio.to_thread(
        lambda: socket.create_connection(("127.0.0.1", room["server_port"])).sendall(b"die\n")
    )
    closed = await w.until("closed")
    assert "exit code 7" in closed["closed_reason"]
    assert "dying on request" in closed["closed_reason"]
    with pytest.raises(RequestRefused, match="no open room"):
        await ann.request("room_get", {"room": room["id"]})


async def test_refusals(ann: HubClient, bob: HubClient, make_client: MakeClient, pong: str) -> None:
    async def refused(coro: Awaitable[Any]) -> RequestRefused:
        with pytest.raises(RequestRefused) as info:
            await coro
        return info.value

    assert (await refused(ann.request("join_room", {"room": "nope"}))).code == "no_such_room"
    assert (await refused(ann.request("create_room", {"name": "chess"}))).code == "no_such_game"
    room = (await ann.request("create_room", {"name": pong}))["room"]["id"]
    assert (await refused(ann.request("create_room", {"name": pong}))).code == "room_busy"
    err = await refused(ann.request("propose_start", {"room": room}))
    assert "must be full to start (1 of 2" in str(err)
    await bob.request("join_room", {"room": room})
    assert (await refused(bob.request("propose_start", {"room": room}))).code == "not_owner"
    assert (
        await refused(bob.request("respond_start", {"room": room, "accept": True}))
    ).code == "no_proposal"
    assert "Not everyone is ready" in str(
        await refused(ann.request("propose_start", {"room": room}))
    )
    cy = await player(make_client, "cy")
    assert (await refused(cy.request("join_room", {"room": room}))).code == "room_full"


async def test_decline_returns_to_waiting(ann: HubClient, bob: HubClient, pong: str) -> None:
    room = (await ann.request("create_room", {"name": pong}))["room"]["id"]
    await bob.request("join_room", {"room": room})
    for c in (ann, bob):
        await c.request("set_ready", {"room": room, "ready": True, "installed": "1.0.0"})
    await ann.request("propose_start", {"room": room})
    after = await bob.request("respond_start", {"room": room, "accept": False})
    assert after["room"]["state"] == "waiting"
    assert await bob.request("played") == {}


async def test_game_that_never_listens(dev: HubClient, ann: HubClient, tmp_path: Path) -> None:
    await publish(
        dev, make_server_game(tmp_path / "mute", "mute", server="import time\ntime.sleep(60)\n")
    )
    with pytest.raises(RequestRefused, match="could not start") as info:
        await ann.request("create_room", {"name": "mute"}, timeout=10)
    assert info.value.code == "game_start_failed"
    assert (await ann.request("list_rooms"))["rooms"] == []


async def test_game_that_crashes_at_once(dev: HubClient, ann: HubClient, tmp_path: Path) -> None:
    server = "import sys\nprint('no luck today', flush=True)\nsys.exit(3)\n"
    await publish(dev, make_server_game(tmp_path / "crash", "crash", server=server))
    with pytest.raises(RequestRefused, match="could not start") as info:
        await ann.request("create_room", {"name": "crash"}, timeout=10)
    assert "no luck today" in str(info.value)


async def test_quiet_player_leaves(
    ann: HubClient,
    bob: HubClient,
    pong: str,
    watchers: list[Watcher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lobby_module, "HEARTBEAT_TIMEOUT", 1.0)
    room = (await ann.request("create_room", {"name": pong}))["room"]["id"]
    await bob.request("join_room", {"room": room})
    w = await watch(watchers, ann, room)

    async def keep_alive() -> None:
        while True:
            await ann.request("heartbeat")
            await asyncio.sleep(0.3)

    beating = asyncio.ensure_future(keep_alive())
    try:
        async with asyncio.timeout(10):
            while True:
                snapshot = await w.seen.get()
                if snapshot["players"] == ["ann"]:
                    break
    finally:
        beating.cancel()


async def test_reviews_need_a_played_game(
    ann: HubClient, bob: HubClient, dev: HubClient, pong: str, watchers: list[Watcher]
) -> None:
    with pytest.raises(RequestRefused, match="after you have played it") as info:
        await ann.request("review", {"name": pong, "rating": 5, "text": "great"})
    assert info.value.code == "not_played"
    room = (await ann.request("create_room", {"name": pong}))["room"]["id"]
    await bob.request("join_room", {"room": room})
    await start_match(ann, bob, room)
    await ann.request("review", {"name": pong, "rating": 2, "text": "meh"})
    await ann.request("review", {"name": pong, "rating": 4, "text": "grew on me"})  # replaces
    await bob.request("review", {"name": pong, "rating": 5})
    with pytest.raises(RequestRefused, match="1 to 5 stars"):
        await bob.request("review", {"name": pong, "rating": 9})
    details = await ann.request("game_details", {"name": pong})
    assert (details["avg_rating"], details["review_count"]) == (4.5, 2)
    assert [r["player"] for r in details["reviews"]] == ["bob", "ann"]  # newest first
    assert details["reviews"][1]["text"] == "grew on me"
    assert details["reviews"][1]["version"] == "1.0.0"
    [mine] = await dev.request("my_games")
    assert mine["review_count"] == 2
    assert [r["rating"] for r in await ann.request("my_reviews")] == [4]


async def test_game_client_runs_with_the_contract_environment(
    ann: HubClient, bob: HubClient, pong: str, tmp_path: Path, watchers: list[Watcher]
) -> None:
    room = (await ann.request("create_room", {"name": pong}))["room"]
    await bob.request("join_room", {"room": room["id"]})
    root = tmp_path / "games"
    await install(ann, pong, root, version=room["version"])
    installed = read_installed(root, pong)
    assert installed is not None
    w = await watch(watchers, ann, room["id"])
    await start_match(ann, bob, room["id"])
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
        room = (await c.request("create_room", {"name": "pong"}))["room"]
    thread.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", room["server_port"]), timeout=2).close()
    assert not list((data_dir / "hub" / "servers").glob("*.json"))


async def test_ready_needs_the_rooms_version_installed(ann: HubClient, pong: str) -> None:
    room = (await ann.request("create_room", {"name": pong}))["room"]["id"]
    for installed, words in ((None, "it is not installed"), ("0.9.0", "you have 0.9.0")):
        args = {"room": room, "ready": True} | ({"installed": installed} if installed else {})
        with pytest.raises(
            RequestRefused, match=f"Install PONG 1.0.0 before getting ready \\({words}"
        ) as info:
            await ann.request("set_ready", args)
        assert info.value.code == "not_ready"
    assert (await ann.request("room_get", {"room": room}))["room"]["ready"] == []
    await ann.request("set_ready", {"room": room, "ready": False})  # un-ready needs nothing


async def test_app_restart_within_the_grace_time_keeps_the_seat(
    ann: HubClient, bob: HubClient, make_client: MakeClient, pong: str
) -> None:
    room = (await ann.request("create_room", {"name": pong}))["room"]["id"]
    await bob.request("join_room", {"room": room})
    await bob.close()  # bob's app dies...
    again = await make_client()  # ...and comes back, logging in anew
    await again.login("player", "bob", "secret")
    mine = await again.request("my_room")
    assert mine is not None and mine["room"]["id"] == room
    assert mine["room"]["players"] == ["ann", "bob"]
    await again.request("heartbeat")


async def test_room_chat_reaches_members(
    ann: HubClient, bob: HubClient, make_client: MakeClient, pong: str
) -> None:
    room = (await ann.request("create_room", {"name": pong}))["room"]["id"]
    await bob.request("join_room", {"room": room})
    lines: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    watch = RoomWatch(bob, room, lambda _: None, lines.put_nowait)
    await watch.start()
    try:
        await ann.request("room_chat", {"room": room, "text": "  ready   when you are  "})
        line = await asyncio.wait_for(lines.get(), 5)
        assert (line["from"], line["text"]) == ("ann", "ready when you are")
        with pytest.raises(RequestRefused, match="cannot be empty"):
            await ann.request("room_chat", {"room": room, "text": "   "})
        cy = await player(make_client, "cy")
        with pytest.raises(RequestRefused, match="not in this room"):
            await cy.request("room_chat", {"room": room, "text": "hi"})
    finally:
        watch.stop()


async def test_hello_counts_players_online(ann: HubClient, endpoint: str) -> None:
    from hub_core.client import fetch_hello
    from hub_core.endpoints import parse_endpoint

    assert (await fetch_hello(parse_endpoint(endpoint))).online == 1
