"""A stranger with a developer account starts publishes and drops them, again and again.

Each round begins a publish of a new game and sends all its blocks (~0.6 MB), never
committing; from the fifth on, each begin pushes the developer's oldest upload out. The
hub runs its own sweeps (every 0.2 s here instead of every 10 minutes), so what it keeps
on disk must stay near what the four live uploads and the one real game need, however
much was sent; the real game still installs intact at the end. Short: 40 rounds; full
(GAMEHUB_STRESS=full): 400.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, verify
from hub_core.client.publishing import publish
from hub_core.server.store.uploads import MAX_UPLOADS_PER_DEVELOPER
from hub_core.server.thread import HubThread
from tests.hub_core.conftest import running_hub
from tests.hub_core.gamefactory import make_game, random_bytes
from tests.hub_core.server.store.handcut import Game

FULL = os.environ.get("GAMEHUB_STRESS") == "full"
ROUNDS = 400 if FULL else 40
MB = 1_000_000

pytestmark = pytest.mark.timeout(1800 if FULL else 300)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubThread]:
    yield from running_hub(tmp_path / "data", sweep_every=0.2)


def _on_disk(hub: HubThread) -> int:
    packs = hub.hub.paths.hub / "blocks" / "packs"
    return sum(p.stat().st_size for p in packs.glob("*.pack") if p.exists())


async def test_dropped_publishes_do_not_fill_the_disk(hub: HubThread, tmp_path: Path) -> None:
    assert hub.endpoints is not None
    dev = await HubClient.connect(hub.endpoints.endpoint("127.0.0.1"), timeout=10)
    await dev.register("developer", "stranger", "secret")
    await dev.login("developer", "stranger", "secret")
    real = make_game(tmp_path / "real", "real", files={"big.bin": random_bytes(2 * MB)})
    await publish(dev, real)
    kept = _on_disk(hub)
    sent = peak = 0
    started = time.monotonic()
    for n in range(ROUNDS):
        game = Game(tmp_path / "junk" / str(n), f"junk{n}")
        offer = await dev.publish_begin("1.0.0", game.manifest, game.index())
        await dev.upload_blocks(offer.transfer, game.all_blocks())
        sent += sum(len(data) for _, data in game.all_blocks())
        peak = max(peak, _on_disk(hub))
    live = MAX_UPLOADS_PER_DEVELOPER * 700_000  # the uploads still open may still commit
    for _ in range(100):  # the next sweeps, for at most 10 s
        if _on_disk(hub) <= kept + live:
            break
        await asyncio.sleep(0.1)
    left = _on_disk(hub)
    print(
        f"\n{ROUNDS} dropped publishes, {sent / MB:.1f} MB sent in "
        f"{time.monotonic() - started:.1f} s; on disk: {kept / MB:.1f} MB before, "
        f"peak {peak / MB:.1f} MB, {left / MB:.1f} MB after"
    )
    assert left <= kept + live  # the peak depends on how fast the rounds came: printed only
    player = await HubClient.connect(hub.endpoints.endpoint("127.0.0.1"), timeout=10)
    await player.register("player", "pat", "secret")
    await player.login("player", "pat", "secret")
    await install(player, "real", tmp_path / "games")
    assert verify(tmp_path / "games", "real") == []
    await player.close()
    await dev.close()
