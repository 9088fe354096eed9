"""The whole flow with the real rps sample: publish, install, room, play, review.

Two scripted players go through a real hub with real child processes: the hub's rps
server and each player's rps client, fed moves on standard input.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed
from hub_core.client.playing import RoomWatch, start_game_client
from hub_core.client.publishing import publish
from hub_core.errors import RequestRefused
from hub_core.server.store.samples import samples_folder
from hub_core.server.thread import HubThread
from hub_core.wire.schema import RoomState, RoomView
from tests.hub_core.conftest import hub_config

SAMPLES = samples_folder()
pytestmark = pytest.mark.skipif(SAMPLES is None, reason="sample_games/ is missing")


@pytest.fixture
async def hub_endpoint(tmp_path: Path) -> AsyncIterator[str]:
    thread = HubThread(hub_config(tmp_path / "hub"))
    endpoint = thread.start().endpoint("127.0.0.1")
    yield endpoint
    thread.stop()


async def logged_in(endpoint: str, role: str, name: str) -> HubClient:
    client = await HubClient.connect(endpoint, timeout=5)
    await client.register(role, name, "secret")  # type: ignore[arg-type]
    await client.login(role, name, "secret")  # type: ignore[arg-type]
    return client


async def next_state(changes: asyncio.Queue[RoomView], state: RoomState) -> RoomView:
    async with asyncio.timeout(30):
        while (room := await changes.get()).state is not state:
            pass
        return room


async def test_two_players_play_rps_and_review_it(hub_endpoint: str, tmp_path: Path) -> None:
    dev = await logged_in(hub_endpoint, "developer", "dana")
    assert SAMPLES is not None
    await publish(dev, SAMPLES / "rps")
    ann = await logged_in(hub_endpoint, "player", "ann")
    bob = await logged_in(hub_endpoint, "player", "bob")
    try:
        assert [g.name for g in await ann.list_games()] == ["rps"]
        room = (await ann.create_room("rps")).room
        await bob.join_room(room.id)
        changes: asyncio.Queue[RoomView] = asyncio.Queue()
        watch = RoomWatch(ann, room.id, changes.put_nowait)
        await watch.start()
        installed = {}
        for name, client in (("ann", ann), ("bob", bob)):
            root = tmp_path / name / "games"
            await install(client, "rps", root, version=room.version)
            have = read_installed(root, "rps")
            assert have is not None
            installed[name] = have
            await client.set_ready(room.id, True, have.version)
        await ann.propose_start(room.id)
        await bob.respond_start(room.id, True)
        started = await next_state(changes, RoomState.IN_GAME)

        moves = {"ann": b"rock\nr\nrock\nr\n", "bob": b"s\nscissors\ns\ns\n"}  # ann wins 2-0
        procs = {
            name: await start_game_client(client, started, installed[name], pipe=True)
            for name, client in (("ann", ann), ("bob", bob))
        }
        outputs = await asyncio.gather(
            *(asyncio.wait_for(procs[n].communicate(moves[n]), 60) for n in ("ann", "bob"))
        )
        assert [p.returncode for p in procs.values()] == [0, 0], outputs
        back = await next_state(changes, RoomState.WAITING)
        assert back.last_results["winner"] == "ann"
        watch.stop()

        history = await bob.match_history("rps")  # the hub recorded the match as rps told it
        [match] = history.matches
        assert (match.players, match.winner, match.ending) == (["ann", "bob"], "ann", "finished")
        assert match.results == back.last_results
        assert [(r.player, r.wins) for r in history.leaderboard] == [("ann", 1), ("bob", 0)]

        await ann.review("rps", 5, "Quick and fun.")
        await bob.review("rps", 3, "I lost.")
        details = await bob.game_details("rps")
        assert (details.avg_rating, details.review_count) == (4.0, 2)
        [mine] = await dev.my_games()  # the developer sees both reviews
        assert [(r.player, r.rating) for r in mine.reviews] == [("bob", 3), ("ann", 5)]
        await ann.leave_room(room.id)
        await bob.leave_room(room.id)
    finally:
        for client in (ann, bob, dev):
            await client.close()


def test_gamehub_play_from_two_terminals(tmp_path: Path) -> None:
    """`gamehub play` for two players against `gamehub host` (which publishes the samples)."""
    gamehub = [sys.executable, "-m", "hub_core"]
    env = dict(os.environ, GAMEHUB_PASSWORD="secret")
    host = subprocess.Popen(
        [
            *gamehub,
            "host",
            "--data",
            str(tmp_path / "hub"),
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--no-discovery",
            "--json",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert host.stdout is not None
        hub = f"127.0.0.1:{json.loads(host.stdout.readline())['req_port']}"
        for name in ("ann", "bob"):
            subprocess.run(
                [
                    *gamehub,
                    "register",
                    "--hub",
                    hub,
                    "--role",
                    "player",
                    "--user",
                    name,
                    "--data",
                    str(tmp_path / name),
                ],
                env=env,
                check=True,
                capture_output=True,
                stdin=subprocess.DEVNULL,
            )

        def play(name: str, *extra: str) -> subprocess.Popen[str]:
            return subprocess.Popen(
                [
                    *gamehub,
                    "play",
                    "gamehub-rps",
                    "--hub",
                    hub,
                    "--user",
                    name,
                    "--data",
                    str(tmp_path / name),
                    "--json",
                    *extra,
                ],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )

        ann = play("ann")
        assert ann.stdout is not None
        joined = json.loads(ann.stdout.readline())
        assert joined["event"] == "joined"
        bob = play("bob", "--room", joined["room"]["id"])
        with ThreadPoolExecutor(2) as pool:  # both talk at once, or each waits for the other
            ann_done = pool.submit(ann.communicate, "r\nr\nr\n", 90)
            bob_done = pool.submit(bob.communicate, "p\np\np\n", 90)
            out_ann, err_ann = ann_done.result()
            out_bob, err_bob = bob_done.result()
        assert bob.returncode == 0, err_bob
        assert ann.returncode == 0, err_ann
        for out in (out_ann, out_bob):
            events = [
                json.loads(line)["event"] for line in out.splitlines() if line.startswith("{")
            ]
            assert events.index("start") < events.index("client_exit") < events.index("back")
        assert "You lost" in out_ann or "lost" in out_ann.lower()
    finally:
        host.send_signal(signal.SIGTERM)
        host.communicate(timeout=30)


async def test_new_hub_offers_the_sample_games(tmp_path: Path) -> None:
    thread = HubThread(hub_config(tmp_path / "hub", samples=True))
    endpoint = thread.start().endpoint("127.0.0.1")
    try:
        ann = await logged_in(endpoint, "player", "ann")
        games = {g.name: g for g in await ann.list_games()}
        assert set(games) == {"gamehub-rps", "gamehub-tetris", "gamehub-dots"}
        assert {g.author for g in games.values()} == {"GameHub"}
        with pytest.raises(RequestRefused, match="Wrong developer name or password"):
            await ann.login("developer", "GameHub", "")
        await ann.close()
    finally:
        thread.stop()
