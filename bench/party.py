"""A LAN party: 20 players install the same game from one hub at once, then a mixed rush.

Every player is its own process (multiprocessing spawn), so the GIL of one client
process never becomes the bottleneck; the hub is a real `gamehub host` child.

    alone   : one player installs the 50 MB game (the baseline, median of three)
    rush    : 20 players install it at the same moment
    mixed   : 20 developers publish 20 different games (updates of 10 MB each) while
              20 other players install the 50 MB game
    lobby   : all the while a 21st player browses the store (list, details), one request
              after another, and every request's time is recorded; `browse_p99_ms`
              counts the requests made while players transfer (from the first player's
              start to the last one's end in each phase), `browse_p99_ms_whole_run`
              also those while the players' processes start and log in

On a LAN every player has a computer of their own; here 41 players share two cores with
the hub, so the 40 transferring players run at a lower CPU priority (nice 10, see
``--players-nice``): they still take every cycle the hub leaves, but cannot keep the hub
or the browsing player waiting for a core, which no LAN player could. The alone install
runs at the same priority, so the ratio compares like with like.

Figures: the rush's aggregate MB/s against one install alone (`aggregate_ratio`), the
slowest player's time against the fastest's among the installers of both phases
(`slowest_fastest_ratio`), the hub's peak resident memory above its level before the
rush (`hub_rss_growth_mib`) and the browsing player's 99th-percentile request time
(`browse_p99_ms`), with the raw figures they come from; and the share of the VM's CPU
its host took during the lone installs and during the rush (from its processes' start
to its last install), `steal_alone_pct` and `steal_rush_pct`: a ratio between phases
that lost different shares says more about the host than about the hub.

    python bench/party.py --json [--players 20] [--mb 50] [--publish-mb 10]
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _util import (  # type: ignore[import-not-found]
    HubProcess,
    arguments,
    cpu_ticks,
    percentile,
    report,
    steal_share,
)
from transfer import MB, PASSWORD, make_game, peak, reset_peak  # type: ignore[import-not-found]

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install
from hub_core.client.publishing import publish
from hub_core.errors import GameHubError, RequestRefused
from hub_core.wire.codes import Code

GAME = "partygame"
TARGETS = {"aggregate_ratio": 0.9, "slowest_fastest_ratio": 2.0, "rss_mib": 128, "p99_ms": 50}
START_TIMEOUT = 120.0
PHASE_TIMEOUT = 300.0
LOGIN_TRIES = 200


# -- the players (each in its own process) -------------------------------------------


async def logged_in(endpoint: str, role: str, user: str) -> HubClient:
    """A client logged in as ``user`` (registered first unless it already was).

    The hub checks only a few logins per computer at once, and here every player shares
    one address: a refused try waits a moment and tries again.
    """
    client = await HubClient.connect(endpoint, timeout=60)
    with contextlib.suppress(GameHubError):  # registered in an earlier phase
        await client.register(role, user, PASSWORD)  # type: ignore[arg-type]
    for _ in range(LOGIN_TRIES):
        try:
            await client.login(role, user, PASSWORD, watch=False)  # type: ignore[arg-type]
            return client
        except RequestRefused as exc:
            if exc.code != Code.THROTTLED:
                raise
            await asyncio.sleep(random.uniform(0.05, 0.3))
    raise SystemExit(f"{user} could not log in after {LOGIN_TRIES} tries")


def _player(
    endpoint: str, user: str, work: str, start: Any, results: Any, rounds: int = 1, nice: int = 0
) -> None:
    """Logs in, waits for everyone, installs the party game; reports (user, start, end)."""

    os.nice(nice)

    async def run() -> None:
        client = await logged_in(endpoint, "player", user)
        try:
            for n in range(rounds):
                await asyncio.to_thread(start.wait, START_TIMEOUT)
                root = Path(work) / f"{user}-{n}"
                began = time.perf_counter()
                await install(client, GAME, root)
                results.put(("install", user, began, time.perf_counter()))
                shutil.rmtree(root, ignore_errors=True)
        finally:
            await client.close()

    asyncio.run(run())


def _developer(
    endpoint: str, user: str, folder: str, start: Any, results: Any, nice: int = 0
) -> None:
    """Logs in, waits for everyone, publishes the update in ``folder``; reports the times."""

    os.nice(nice)

    async def run() -> None:
        client = await logged_in(endpoint, "developer", user)
        try:
            await asyncio.to_thread(start.wait, START_TIMEOUT)
            began = time.perf_counter()
            await publish(client, Path(folder))
            results.put(("publish", user, began, time.perf_counter()))
        finally:
            await client.close()

    asyncio.run(run())


def _browser(endpoint: str, ready: Any, stop: Any, results: Any) -> None:
    """Browses the store (list, then one game's details) until told to stop; reports times."""

    async def run() -> None:
        client = await logged_in(endpoint, "player", "browser")
        times: list[tuple[float, float]] = []  # (when, seconds), on the players' clock
        try:
            ready.set()
            deadline = time.monotonic() + 2 * PHASE_TIMEOUT
            while not stop.is_set() and time.monotonic() < deadline:
                began = time.perf_counter()
                games = await client.list_games()
                times.append((began, time.perf_counter() - began))
                began = time.perf_counter()
                await client.game_details(games[0].name)
                times.append((began, time.perf_counter() - began))
                await asyncio.sleep(0.005)  # a person clicking, not a load generator
        finally:
            results.put(("browse", times))
            await client.close()

    asyncio.run(run())


# -- the party (in the parent process) -----------------------------------------------


class Party:
    """Starts player processes, lets them go at once, and collects what they report."""

    def __init__(self, hub: HubProcess, work: Path, nice: int) -> None:
        self.hub = hub
        self.work = work
        self.nice = nice
        self.mp = multiprocessing.get_context("spawn")
        self.results = self.mp.Queue()

    def run(self, installers: int, developers: dict[str, Path], prefix: str) -> list[Any]:
        """Runs one phase; returns the (what, user, start, end) tuples of every participant."""
        count = installers + len(developers)
        start = self.mp.Barrier(count + 1)
        procs = [
            self.mp.Process(
                target=_player,
                args=(
                    self.hub.endpoint,
                    f"{prefix}{n}",
                    str(self.work / "players"),
                    start,
                    self.results,
                    1,
                    self.nice,
                ),
            )
            for n in range(installers)
        ]
        procs += [
            self.mp.Process(
                target=_developer,
                args=(self.hub.endpoint, user, str(folder), start, self.results, self.nice),
            )
            for user, folder in developers.items()
        ]
        for proc in procs:
            proc.start()
        start.wait(START_TIMEOUT)  # everyone is logged in: go
        got = [self.results.get(timeout=PHASE_TIMEOUT) for _ in range(count)]
        for proc in procs:
            proc.join(30)
        return got

    def alone(self, rounds: int) -> list[float]:
        """Seconds of ``rounds`` installs by one player with the hub otherwise idle."""
        start = self.mp.Barrier(2)
        proc = self.mp.Process(
            target=_player,
            args=(
                self.hub.endpoint,
                "alone",
                str(self.work / "players"),
                start,
                self.results,
                rounds,
                self.nice,
            ),
        )
        proc.start()
        seconds = []
        for _ in range(rounds):
            os.sync()
            start.wait(START_TIMEOUT)
            _, _, began, ended = self.results.get(timeout=PHASE_TIMEOUT)
            seconds.append(ended - began)
        proc.join(30)
        return seconds


async def _set_up(endpoint: str, games: dict[str, Path], party_game: Path) -> None:
    """Publishes the party game and version 1 of every developer's game."""
    for user, folder in games.items():
        dev = await logged_in(endpoint, "developer", user)
        await publish(dev, folder)
        await dev.close()
    dev = await logged_in(endpoint, "developer", "host")
    await publish(dev, party_game)
    await dev.close()


def _developer_games(work: Path, players: int, size: int) -> dict[str, Path]:
    """One game per developer, 1 MB in version 1; the update adds ``size`` of new bytes."""
    games = {}
    for n in range(players):
        folder = make_game(work / "dev" / f"devgame{n:02d}", f"devgame{n:02d}", MB, 1)
        games[f"dev{n:02d}"] = folder
    return games


def _grow(games: dict[str, Path], size: int) -> None:
    for folder in games.values():
        (folder / "data" / "update.bin").write_bytes(os.urandom(size))


def _spread(rows: list[Any], size: int) -> dict[str, float]:
    """Wall time, aggregate MB/s and per-player seconds of one phase's installs."""
    installs = [r for r in rows if r[0] == "install"]
    first = min(r[2] for r in rows)
    last = max(r[3] for r in rows)
    seconds = [r[3] - r[2] for r in installs]
    return {
        "wall_s": last - first,
        "install_mb_s": len(installs) * size / MB / (max(r[3] for r in installs) - first),
        "fastest_s": min(seconds),
        "slowest_s": max(seconds),
    }


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--players", type=int, default=20, help="players per phase")
    parser.add_argument("--mb", type=int, default=50, help="the party game's size in MB")
    parser.add_argument("--publish-mb", type=int, default=10, help="each update's new MB")
    parser.add_argument(
        "--players-nice",
        type=int,
        default=10,
        help="CPU priority of the 40 transferring players (0: share the CPU equally)",
    )
    args = parser.parse_args()
    size = args.mb * MB
    print(f"LAN party benchmark: {args.players} players, {args.mb} MB game")
    with tempfile.TemporaryDirectory(prefix="gamehub-party-") as tmp:
        work = Path(tmp)
        party_game = make_game(work / "games" / GAME, GAME, size, 10)
        dev_games = _developer_games(work, args.players, args.publish_mb * MB)
        hub = HubProcess()
        try:
            figures = _party(hub, work, party_game, dev_games, args, size)
        finally:
            hub.stop()
    report(figures)


def _say(text: str) -> None:
    """Progress on stderr, so the last line of stdout stays the JSON."""
    print(text, file=sys.stderr, flush=True)


def _party(
    hub: HubProcess,
    work: Path,
    party_game: Path,
    dev_games: dict[str, Path],
    args: Any,
    size: int,
) -> dict[str, Any]:
    _say("publishing the games")
    asyncio.run(_set_up(hub.endpoint, dev_games, party_game))
    _say("one player alone")
    _grow(dev_games, args.publish_mb * MB)
    party = Party(hub, work, args.players_nice)
    ticks = cpu_ticks()
    alone = statistics.median(party.alone(3))
    steal_alone = steal_share(ticks, cpu_ticks())
    ready, stop = party.mp.Event(), party.mp.Event()
    browser = party.mp.Process(target=_browser, args=(hub.endpoint, ready, stop, party.results))
    browser.start()
    ready.wait(START_TIMEOUT)
    os.sync()
    rss_before = reset_peak(hub.proc.pid)
    _say("the rush")
    ticks = cpu_ticks()
    rush_rows = party.run(args.players, {}, "rush")
    steal_rush = steal_share(ticks, cpu_ticks())
    rush = _spread(rush_rows, size)
    rush_peak = peak(hub.proc.pid)
    os.sync()
    _say("the mixed rush")
    mixed_rows = party.run(args.players, dev_games, "mixed")
    hub_peak = peak(hub.proc.pid)
    stop.set()
    _, browse = party.results.get(timeout=PHASE_TIMEOUT)
    browser.join(30)
    mixed = _spread(mixed_rows, size)
    # perf_counter is CLOCK_MONOTONIC on Linux: one clock for every process.
    phases = [
        (min(r[2] for r in rows), max(r[3] for r in rows)) for rows in (rush_rows, mixed_rows)
    ]
    during = [dt for t, dt in browse if any(a <= t <= b for a, b in phases)]
    whole = [dt for _, dt in browse]
    publishes = [r[3] - r[2] for r in mixed_rows if r[0] == "publish"]
    alone_rate = size / MB / alone
    return {
        "steal_alone_pct": steal_alone,  # the VM's CPU taken by its host in each phase
        "steal_rush_pct": steal_rush,
        "alone_install_mb_s": round(alone_rate, 1),
        "rush_aggregate_mb_s": round(rush["install_mb_s"], 1),
        "rush_fastest_s": round(rush["fastest_s"], 2),
        "rush_slowest_s": round(rush["slowest_s"], 2),
        "mixed_install_mb_s": round(mixed["install_mb_s"], 1),
        "mixed_wall_s": round(mixed["wall_s"], 2),
        "mixed_install_fastest_s": round(mixed["fastest_s"], 2),
        "mixed_install_slowest_s": round(mixed["slowest_s"], 2),
        "mixed_publish_slowest_s": round(max(publishes), 2),
        "aggregate_ratio": round(rush["install_mb_s"] / alone_rate, 3),
        "slowest_fastest_ratio": round(
            max(rush["slowest_s"] / rush["fastest_s"], mixed["slowest_s"] / mixed["fastest_s"]), 2
        ),
        "hub_rss_before_mib": round(rss_before / 2**20, 1),
        "hub_rss_growth_mib": round((max(hub_peak, rush_peak) - rss_before) / 2**20, 1),
        "rush_rss_growth_mib": round((rush_peak - rss_before) / 2**20, 1),
        "browse_requests": len(during),
        "browse_p50_ms": round(percentile(during, 50) * 1000, 2),
        "browse_p99_ms": round(percentile(during, 99) * 1000, 2),
        "browse_max_ms": round(max(during, default=0.0) * 1000, 2),
        "browse_requests_whole_run": len(whole),
        "browse_p99_ms_whole_run": round(percentile(whole, 99) * 1000, 2),
        "players": args.players,
        "players_nice": args.players_nice,
        "game_mb": args.mb,
        "targets": TARGETS,
    }


if __name__ == "__main__":
    main()
