"""The hub grants each uploader its share of the upload budget: alone the full window,
in a crowd one batch each; idle and committed uploads give their share back."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.packages import Limits, index_to_wire, load_package
from hub_core.server.store.upload_window import ACTIVE_SECONDS, MAX_WINDOW, UploadWindow
from hub_core.wire.protocol import BATCH_BYTES
from tests.hub_core.gamefactory import make_game, random_bytes

MakeClient = Callable[..., Awaitable[HubClient]]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_shares_follow_the_number_of_active_uploads() -> None:
    clock = Clock()
    window = UploadWindow(budget=8 * BATCH_BYTES, clock=clock)
    assert window.grant("a") == MAX_WINDOW  # alone: 8 batches' budget, capped
    assert window.grant("b") == 4
    assert [window.grant(t) for t in "cdefghijk"][-1] == 1  # never below one batch
    clock.now += ACTIVE_SECONDS + 0.1  # everyone else went quiet
    assert window.grant("a") == MAX_WINDOW
    window.grant("b")
    window.forget("b")
    assert window.grant("a") == MAX_WINDOW


async def test_the_hub_grants_narrower_windows_to_a_crowd(
    make_client: MakeClient, tmp_path: Path
) -> None:
    """Five uploads begun at once (two developers): the fifth is told 24 MiB / 5 batches."""
    offers = []
    for developer in ("dana", "dora"):
        client = await make_client()
        await client.register("developer", developer, "secret")
        await client.login("developer", developer, "secret")
        for n in range(3 if developer == "dana" else 2):
            game = make_game(tmp_path / f"{developer}{n}", f"{developer}{n}")
            _, index = load_package(game, Limits())
            manifest = json.loads((game / "manifest.json").read_text())
            offers.append(await client.publish_begin("1.0.0", manifest, index_to_wire(index)))
    assert offers[0].window == MAX_WINDOW
    assert offers[-1].window == 24 * 1024 * 1024 // (BATCH_BYTES * 5)


async def test_a_publish_follows_the_grant_and_completes(dev: HubClient, tmp_path: Path) -> None:
    game = make_game(tmp_path / "g", files={"big.bin": random_bytes(5_000_000)})
    result = await publish(dev, game)
    assert result.sent_bytes >= 5_000_000
