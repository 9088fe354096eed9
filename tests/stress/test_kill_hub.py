"""kill -9 the hub at random moments while clients write: 0 acknowledged writes lost, and
no game server outlives the hub.

A real `gamehub host` process serves concurrent clients: new accounts sign up, a developer
publishes version after version, players open rooms (each starts a real game server),
start a match (which is what lets them review) and review the game. Every write the hub
answered is recorded. The hub is killed with SIGKILL at a random moment, then: within a
few seconds no process with this run's GAME_NAME may be alive, and a hub restarted on the
same data folder must still hold every recorded write (accounts log in, versions and
reviews are listed, match counts kept). Rooms themselves live in memory by design
(DESIGN: a room ends with its hub), so their durable trace is the match count.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from tests.stress.conftest import (
    FULL,
    PASSWORD,
    HubProcess,
    kill_all,
    make_room_game,
    survivors,
    unique_game_name,
)

ROUNDS = 200 if FULL else 10
PLAYERS = 3  # players per round, each cycling room -> match -> review
SIGNUPS = 4  # extra accounts per round, registered one after another
SURVIVOR_WAIT = 2.0  # seconds a game server may take to die after its hub
MAX_CYCLES = 1000  # bound for every worker loop (the kill comes much sooner)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(4 * 3600 if FULL else 600),
    pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL and /proc are Linux's"),
]


@dataclass
class Acks:
    """Every write the hub answered, by kind."""

    accounts: dict[str, str] = field(default_factory=dict)  # user -> role
    versions: set[str] = field(default_factory=set)
    reviews: dict[str, int] = field(default_factory=dict)  # player -> last review number
    played: dict[str, int] = field(default_factory=dict)  # player -> matches started
    rooms: int = 0  # rooms created (each started a game server)

    def count(self) -> int:
        return (
            len(self.accounts) + len(self.versions) + len(self.reviews) + sum(self.played.values())
        )


@dataclass
class Run:
    game: str
    folder: Path
    developer: str
    acks: Acks = field(default_factory=Acks)
    errors: list[str] = field(default_factory=list)  # worker failures while the hub lived


async def connect(hub: HubProcess) -> HubClient:
    return await HubClient.connect(hub.endpoint, timeout=5.0, retries=0)


async def signups(hub: HubProcess, run: Run, round_no: int) -> None:
    async with await connect(hub) as client:
        for n in range(SIGNUPS):
            user = f"s{round_no}x{n}"
            await client.register("player", user, PASSWORD)
            run.acks.accounts[user] = "player"


async def developer(hub: HubProcess, run: Run) -> None:
    async with await connect(hub) as client:
        await client.login("developer", run.developer, PASSWORD, watch=False)
        for _ in range(MAX_CYCLES):
            result = await publish(client, run.folder)
            run.acks.versions.add(result.version)


async def player(hub: HubProcess, run: Run, user: str) -> None:
    async with await connect(hub) as client:
        await client.register("player", user, PASSWORD)
        run.acks.accounts[user] = "player"
        await client.login("player", user, PASSWORD, watch=False)
        for n in range(1, MAX_CYCLES):
            room = (await client.create_room(run.game)).room
            run.acks.rooms += 1
            await client.set_ready(room.id, True, room.version)
            await client.propose_start(room.id)
            run.acks.played[user] = run.acks.played.get(user, 0) + 1
            await client.review(run.game, 1 + n % 5, f"review {n}")
            run.acks.reviews[user] = n
            await client.leave_room(room.id)


async def write_then_kill(hub: HubProcess, run: Run, round_no: int, delay: float) -> None:
    """All writers at once; SIGKILL after ``delay`` seconds, whatever they are doing."""
    workers = [
        asyncio.ensure_future(signups(hub, run, round_no)),
        asyncio.ensure_future(developer(hub, run)),
        *(asyncio.ensure_future(player(hub, run, f"p{round_no}x{i}")) for i in range(PLAYERS)),
    ]
    done, _ = await asyncio.wait(workers, timeout=delay, return_when=asyncio.FIRST_EXCEPTION)
    hub.kill()
    for task in workers:
        task.cancel()
    for task in done:  # failed while the hub was alive: a real error
        if not task.cancelled() and task.exception() is not None:
            run.errors.append(f"round {round_no}: {task.exception()!r}")
    for task in workers:
        with contextlib.suppress(BaseException):
            await task


async def verify(hub: HubProcess, run: Run, users: list[str]) -> list[str]:
    """What of the acknowledged writes the hub lost (empty when nothing)."""
    lost: list[str] = []
    async with await connect(hub) as client:
        await client.login("developer", run.developer, PASSWORD, watch=False)
        details = await client.game_details(run.game)
        listed = {v.version for v in details.versions}
        lost += [f"version {v}" for v in sorted(run.acks.versions - listed)]
        reviews = {r.player: int(r.text.split()[1]) for r in details.reviews}
        for user in users:
            if reviews.get(user, 0) < run.acks.reviews.get(user, 0):
                lost.append(f"{user}'s review {run.acks.reviews[user]}")
            role = run.acks.accounts[user]
            try:
                await client.login(role, user, PASSWORD, watch=False)  # type: ignore[arg-type]
            except Exception as exc:
                lost.append(f"account {user}: {exc}")
                continue
            if role == "player":
                played = (await client.played()).get(run.game, 0)
                if played < run.acks.played.get(user, 0):
                    lost.append(f"{user}'s match {run.acks.played[user]}")
    return lost


async def setup(hub: HubProcess, run: Run) -> None:
    async with await connect(hub) as client:
        await client.register("developer", run.developer, PASSWORD)
        run.acks.accounts[run.developer] = "developer"
        await client.login("developer", run.developer, PASSWORD, watch=False)
        run.acks.versions.add((await publish(client, run.folder, version="1.0.0")).version)


def test_kill_9_loses_no_acknowledged_write_and_leaves_no_server(
    hub_process: HubProcess, tmp_path: Path
) -> None:
    seed = int(os.environ.get("STRESS_KILL_SEED", time.time_ns()))
    print(f"STRESS_KILL_SEED={seed}")
    rng = random.Random(seed)
    game = unique_game_name("killed")
    run = Run(game, make_room_game(tmp_path / "game", game, 1), developer=f"dev-{game[-6:]}")
    marker = f"GAME_NAME={game}"
    lost: list[str] = []
    survived: list[int] = []  # survivors seen after each kill
    started = time.monotonic()
    hub_process.start()
    try:
        asyncio.run(setup(hub_process, run))
        for round_no in range(ROUNDS):
            before = set(run.acks.accounts)
            asyncio.run(write_then_kill(hub_process, run, round_no, rng.uniform(0.5, 3.0)))
            left = survivors(marker, SURVIVOR_WAIT)
            survived.append(len(left))
            kill_all(left)
            hub_process.start()
            users = sorted(set(run.acks.accounts) - before)
            lost += asyncio.run(verify(hub_process, run, users))
        lost += asyncio.run(verify(hub_process, run, sorted(run.acks.accounts)))
    finally:
        hub_process.stop()
        kill_all(survivors(marker, 0))
    a = run.acks
    print(
        f"{ROUNDS} kills in {time.monotonic() - started:.0f} s: {len(a.accounts)} accounts, "
        f"{len(a.versions)} versions, {len(a.reviews)} reviews ({sum(a.played.values())} "
        f"matches), {a.rooms} rooms with a server acknowledged; lost: {len(lost)}; "
        f"rounds with surviving servers: {sum(1 for n in survived if n)} of {ROUNDS}, "
        f"{sum(survived)} servers in all"
    )
    assert not run.errors, run.errors
    assert a.count() > ROUNDS * 3  # the writers really wrote between the kills
    assert not lost, f"acknowledged writes lost after kill -9: {sorted(set(lost))}"
    assert not any(survived), f"game servers outlived the killed hub, per kill: {survived}"
