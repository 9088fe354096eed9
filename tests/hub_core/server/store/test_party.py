"""A LAN party in small: players install and developers publish at the same moment.

Against a real hub on 127.0.0.1: 5 players install one game while 3 developers publish
3 others and a 9th player browses; every install is then verified file by file, and
every published game installs intact. Then the block scheduler alone: jobs run in turns
per client, and wait while the replies already queued exceed the send budget.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import InstallResult, install, read_installed, verify
from hub_core.client.publishing import publish
from hub_core.server.store.blockio import BlockIO
from hub_core.wire import blocks_frame
from hub_core.wire.protocol import Role
from tests.hub_core.gamefactory import make_game, random_bytes

MakeClient = Callable[..., Awaitable[HubClient]]
KIB = 1024


async def _logged_in(make_client: MakeClient, role: Role, user: str) -> HubClient:
    client = await make_client(timeout=30.0)
    await client.register(role, user, "secret")
    await client.login(role, user, "secret", watch=False)
    return client


def _files(count: int, size: int) -> dict[str, bytes]:
    return {f"data/part{n}.bin": random_bytes(size) for n in range(count)}


async def test_five_installs_and_three_publishes_at_once(
    make_client: MakeClient, tmp_path: Path
) -> None:
    blocks_frame._spare.clear()
    host = await _logged_in(make_client, "developer", "host")
    # 5 files of 700 KiB: blocks of 512 KiB and their tails, several batches per install.
    await publish(host, make_game(tmp_path / "party", "party", files=_files(5, 700 * KIB)))
    players = [await _logged_in(make_client, "player", f"p{n}") for n in range(5)]
    devs = [await _logged_in(make_client, "developer", f"d{n}") for n in range(3)]
    browser = await _logged_in(make_client, "player", "browser")
    games = [
        make_game(tmp_path / f"g{n}", f"game{n}", files=_files(3, 600 * KIB)) for n in range(3)
    ]
    roots = [tmp_path / f"player{n}" for n in range(5)]
    done = asyncio.Event()

    async def browse() -> int:
        count = 0
        while not done.is_set() and count < 10_000:
            assert "party" in {g.name for g in await browser.list_games()}
            count += 1
        return count

    browsing = asyncio.ensure_future(browse())
    # All started before any is awaited: they run at the same moment.
    installs = [
        asyncio.ensure_future(install(p, "party", root))
        for p, root in zip(players, roots, strict=True)
    ]
    publishes = [asyncio.ensure_future(publish(d, g)) for d, g in zip(devs, games, strict=True)]
    results: list[InstallResult] = await asyncio.gather(*installs)
    await asyncio.gather(*publishes)
    done.set()
    assert await browsing >= 1
    for root, result in zip(roots, results, strict=True):
        assert (result.name, result.version) == ("party", "1.0.0")
        assert verify(root, "party") == []
        installed = read_installed(root, "party")
        assert installed is not None
        source = tmp_path / "party" / "data" / "part0.bin"
        assert (installed.folder / "data" / "part0.bin").read_bytes() == source.read_bytes()
    check = tmp_path / "check"
    for n in range(3):
        await install(players[0], f"game{n}", check)
        assert verify(check, f"game{n}") == []
    # The replies' buffers came back once sent, and served later replies intact.
    assert blocks_frame._spare


async def _until(condition: Callable[[], bool], tries: int = 500) -> None:
    for _ in range(tries):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("gave up waiting")


async def test_block_jobs_take_turns_per_client() -> None:
    io = BlockIO(workers=1)
    gate = threading.Event()
    order: list[str] = []

    def job(name: str) -> Callable[[], str]:
        def run() -> str:
            gate.wait(10)
            order.append(name)
            return name

        return run

    try:
        first = asyncio.ensure_future(io.run("a", job("a0")))  # holds the only thread
        await _until(lambda: io.waiting == 0)
        rest = [asyncio.ensure_future(io.run("a", job(f"a{n}"))) for n in (1, 2, 3)]
        rest.append(asyncio.ensure_future(io.run("b", job("b0"))))
        await _until(lambda: io.waiting == 4)
        gate.set()
        assert await asyncio.gather(first, *rest) == ["a0", "a1", "a2", "a3", "b0"]
        # a's second job waited for b's only one, though a asked first
        assert order == ["a0", "a1", "b0", "a2", "a3"]
    finally:
        io.close()


async def test_block_jobs_wait_while_replies_are_queued() -> None:
    queued = [100]
    io = BlockIO(lambda: queued[0], workers=2, budget=50)
    try:
        job = asyncio.ensure_future(io.run("a", lambda: "ran"))
        await asyncio.sleep(0.05)
        assert not job.done() and io.waiting == 1  # over budget: not started
        queued[0] = 10  # ZeroMQ sent the replies
        assert await asyncio.wait_for(job, 5) == "ran"
    finally:
        io.close()
