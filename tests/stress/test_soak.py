"""A soak: many simulated players in many rooms, plus publishes and installs, against a
real hub process; its memory must level off and its request latency must stay stable.

Each room's four players cycle through create, join, ready, chat, start (propose and
accept: a real game server runs), finish (the driver plays the game client and sends the
server "finish", which reports game_finished to the hub) and leave; every player sends
the app's heartbeats. A developer publishes a new version of another game every few
seconds, and some players install it. Every request is timed by the driver.

Figures: hub RSS at the end of the first window (the warm-up) and at the end, and the
request p99 per window, of all requests and of the light ones (LIGHT: no disk write, no
process start or stop; those others wait on fsync and on the kernel, which on a shared
machine swing with the neighbours' load, not with the hub's health). Checks: RSS growth
within GROWTH; the light requests' p99 in the last window within 2x the first window's, or
within P99_FLOOR (50 ms in the full run, 250 ms in the short one: see below); no
request refused or unanswered. The driver's own CPU use is printed
beside the hub's, so the latency figures can be read as the hub's.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install
from hub_core.client.playing import Heartbeat
from hub_core.client.publishing import publish
from tests.hub_core.gamefactory import make_game
from tests.stress.conftest import (
    FULL,
    PASSWORD,
    HubProcess,
    cpu_percent,
    kill_all,
    make_room_game,
    survivors,
    unique_game_name,
)

PLAYERS = 200 if FULL else 24
SEATS = 4  # players per room, so PLAYERS // SEATS rooms
DURATION = 600.0 if FULL else 30.0  # seconds of load after every player logged in
WINDOW = 60.0 if FULL else 10.0  # p99 per window; the first window is the warm-up
# Both variants level off within their first window (measured: the short run's RSS moves
# by 0.1% after its first 10 s), so the short run needs no looser bound.
GROWTH = 0.10
# Seconds: below this, p99 differences are scheduling noise. A short run's 10 s window
# holds ~300 requests, so its p99 is its third-slowest one: measured on the shared 2-core
# machine, that swings between 20 and 200 ms from window to window with no change in the hub.
P99_FLOOR = 0.050 if FULL else 0.250
INSTALLERS = 5
PAUSE = (0.5, 1.5)  # seconds between a room's steps, as people click
# Requests that neither write to disk nor start or stop a process: the loop's own latency.
LIGHT = frozenset(
    {
        "heartbeat",
        "room_chat",
        "room_get",
        "join_room",
        "set_ready",
        "install_begin",
        "version_hint",
        "list_rooms",
    }
)
MAX_CYCLES = 10_000  # bound for every loop; the deadline ends them much sooner

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(3600 if FULL else 600),
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc"),
]


@dataclass
class Soak:
    game: str  # the rooms' game
    store_game: Path  # the folder published again and again
    deadline: float
    samples: list[tuple[float, float, str]] = field(default_factory=list)  # start, took, kind
    errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def running(self) -> bool:
        return time.monotonic() < self.deadline


class TimedClient(HubClient):
    """A HubClient that records how long each of its requests took."""

    soak: Soak

    async def _request(
        self, kind: str, args: Any = None, *, idempotent: bool = True, timeout: float | None = None
    ) -> Any:
        started = time.monotonic()
        try:
            return await super()._request(kind, args, idempotent=idempotent, timeout=timeout)
        finally:
            self.soak.samples.append((started, time.monotonic() - started, kind))


async def guarded(soak: Soak, what: str, job: Callable[[], Awaitable[None]]) -> None:
    """Runs a loop; a failure is recorded (the test fails) instead of passing silently."""
    try:
        await job()
    except Exception as exc:
        soak.errors.append(f"{what}: {exc!r}")


async def room_cycle(soak: Soak, rng: random.Random, clients: list[HubClient]) -> None:
    owner, guests = clients[0], clients[1:]

    async def pause() -> None:  # past the deadline, the room winds up at once
        await asyncio.sleep(rng.uniform(*PAUSE) if soak.running() else 0)

    room = (await owner.create_room(soak.game)).room
    room_id, version = room.id, room.version
    soak.count("rooms")
    for guest in guests:
        await pause()
        await guest.join_room(room_id)
    for client in clients:
        await client.set_ready(room_id, True, version)
        await client.room_chat(room_id, "ready when you are")
    await pause()
    await owner.propose_start(room_id)
    for guest in guests:
        await guest.respond_start(room_id, True)
    snapshot = (await owner.room_get(room_id)).room
    assert snapshot.state == "in_game", snapshot
    await pause()
    await finish_match(snapshot.server_port)
    soak.count("matches")
    for client in clients:
        await client.room_chat(room_id, "good game")
    await pause()
    for client in clients:
        await client.leave_room(room_id)


async def finish_match(port: int) -> None:
    """What a game client does at the end: the server reports game_finished to the hub."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"finish\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.readline(), 20)
        assert b"waiting" in answer, answer
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def room_loop(soak: Soak, seed: int, clients: list[HubClient]) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, 3))  # rooms out of step, as in life
    for _ in range(MAX_CYCLES):
        if not soak.running():
            return
        await room_cycle(soak, rng, clients)
        await asyncio.sleep(rng.uniform(*PAUSE))


async def publish_loop(soak: Soak, developer: HubClient) -> None:
    changing = soak.store_game / "data" / "changing.bin"
    for _ in range(MAX_CYCLES):
        if not soak.running():
            return
        changing.write_bytes(os.urandom(64 * 1024))  # one new block per version
        await publish(developer, soak.store_game)
        soak.count("publishes")
        await asyncio.sleep(3.0)


async def install_loop(soak: Soak, client: HubClient, root: Path, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(MAX_CYCLES):
        await asyncio.sleep(rng.uniform(3.0, 6.0))
        if not soak.running():
            return
        await install(client, soak.store_game.name, root)
        soak.count("installs")


async def connect(hub: HubProcess, soak: Soak) -> TimedClient:
    TimedClient.soak = soak
    client = await TimedClient.connect(hub.endpoint, timeout=10.0)
    assert isinstance(client, TimedClient)
    return client


async def sign_in(hub: HubProcess, soak: Soak, role: str, user: str) -> TimedClient:
    client = await connect(hub, soak)
    await client.register(role, user, PASSWORD)  # type: ignore[arg-type]
    await client.login(role, user, PASSWORD)  # type: ignore[arg-type]
    return client


async def gather_bounded(jobs: list[Awaitable[TimedClient]], width: int) -> list[TimedClient]:
    """Signs in a few at a time: the hub hashes passwords on a small pool."""
    gate = asyncio.Semaphore(width)

    async def one(job: Awaitable[TimedClient]) -> TimedClient:
        async with gate:
            return await job

    return list(await asyncio.gather(*(one(j) for j in jobs)))


@dataclass
class Figures:
    rss_kib: list[int] = field(default_factory=list)  # at the end of each window
    p99: list[float] = field(default_factory=list)  # per window, all requests, seconds
    light_p99: list[float] = field(default_factory=list)  # per window, LIGHT requests
    kinds_p99: dict[str, float] = field(default_factory=dict)  # over the whole load
    requests: list[int] = field(default_factory=list)  # per window
    hub_cpu: float = 0.0  # percent of one core over the load
    driver_cpu: float = 0.0


async def run_soak(hub: HubProcess, tmp: Path, game: str, figures: Figures) -> Soak:
    make_room_game(tmp / "room-game", game, SEATS)
    store_game = make_game(
        tmp / "store-game" / f"{game}-store",
        f"{game}-store",
        files={f"data/{n}.bin": os.urandom(256 * 1024) for n in range(3)},
    )
    soak = Soak(game, store_game, deadline=float("inf"))
    developer = await sign_in(hub, soak, "developer", "soak-dev")
    await publish(developer, tmp / "room-game")
    await publish(developer, store_game)
    players = await gather_bounded(
        [sign_in(hub, soak, "player", f"player{n:03d}") for n in range(PLAYERS)], width=4
    )
    beats = [Heartbeat(p) for p in players]
    for beat in beats:
        beat.start()
    soak.samples.clear()  # sign-in is set-up, not load
    started, driver_started, hub_started = time.monotonic(), time.process_time(), hub.cpu_seconds()
    soak.deadline = started + DURATION
    rooms = [players[n : n + SEATS] for n in range(0, PLAYERS - SEATS + 1, SEATS)]
    tasks = [
        guarded(soak, f"room {n}", functools.partial(room_loop, soak, n, r))
        for n, r in enumerate(rooms)
    ]
    tasks.append(guarded(soak, "publisher", functools.partial(publish_loop, soak, developer)))
    tasks += [
        guarded(
            soak,
            f"installer {n}",
            functools.partial(install_loop, soak, players[n], tmp / "installs" / str(n), n),
        )
        for n in range(INSTALLERS)
    ]
    tasks.append(sample_memory(hub, soak, started, figures))
    await asyncio.gather(*tasks)
    wall = time.monotonic() - started
    figures.driver_cpu = cpu_percent(time.process_time() - driver_started, wall)
    figures.hub_cpu = cpu_percent(hub.cpu_seconds() - hub_started, wall)
    for beat in beats:
        await beat.stop()
    for client in [developer, *players]:
        await client.close()
    windows = int(DURATION // WINDOW)
    for n in range(windows):
        low, high = started + n * WINDOW, started + (n + 1) * WINDOW
        took = [(s, k) for t, s, k in soak.samples if low <= t < high]
        figures.requests.append(len(took))
        figures.p99.append(p99([s for s, _ in took]))
        figures.light_p99.append(p99([s for s, k in took if k in LIGHT]))
    for kind in sorted({k for _, _, k in soak.samples}):
        figures.kinds_p99[kind] = p99([s for _, s, k in soak.samples if k == kind])
    return soak


def p99(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=100)[98] if len(seconds) > 1 else 0.0


def in_ms(values: list[float]) -> list[float]:
    return [round(v * 1000, 1) for v in values]


async def sample_memory(hub: HubProcess, soak: Soak, started: float, figures: Figures) -> None:
    """The hub's RSS at the end of every window (the first one is the warm-up's end)."""
    for n in range(1, int(DURATION // WINDOW) + 1):
        await asyncio.sleep(max(0.0, started + n * WINDOW - time.monotonic()))
        figures.rss_kib.append(hub.rss_kib())


def test_soak_memory_levels_off_and_p99_stays_stable(
    hub_process: HubProcess, tmp_path: Path
) -> None:
    figures = Figures()
    game = unique_game_name("soak")
    hub_process.start()
    try:
        soak = asyncio.run(run_soak(hub_process, tmp_path, game, figures))
    finally:
        hub_process.stop()
        kill_all(survivors(f"GAME_NAME={game}", 0))
    warm, end = figures.rss_kib[0], figures.rss_kib[-1]
    growth = (end - warm) / warm
    print(
        f"{PLAYERS} players in {PLAYERS // SEATS} rooms for {DURATION:.0f} s: {soak.counts}; "
        f"requests per window {figures.requests}; p99 ms per window: all "
        f"{in_ms(figures.p99)}, light {in_ms(figures.light_p99)}; p99 ms by kind "
        f"{dict(zip(figures.kinds_p99, in_ms(list(figures.kinds_p99.values())), strict=True))}; "
        f"hub RSS KiB per window {figures.rss_kib} (growth after warm-up {growth:+.1%}); "
        f"CPU: hub {figures.hub_cpu}% driver {figures.driver_cpu}% of one core"
    )
    # A player whose heartbeats went unanswered for 8 s loses their seat: say so if it happened.
    dropped = hub_process.log_lines("stopped answering")
    assert not soak.errors, f"{soak.errors[:10]}; players dropped for silence: {dropped[:10]}"
    assert soak.counts.get("matches", 0) >= PLAYERS // SEATS  # every room really played
    assert soak.counts.get("publishes", 0) and soak.counts.get("installs", 0)
    assert growth <= GROWTH, f"hub memory grew {growth:.1%} after warm-up: {figures.rss_kib}"
    first, last = figures.light_p99[0], figures.light_p99[-1]
    drift = f"light requests' p99 per window drifted: {in_ms(figures.light_p99)} ms"
    assert last <= max(2 * first, P99_FLOOR), drift
