"""`gamehub info`: a game's ratings per version and each review's version, as printed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from hub_core.client.hub_client import HubClient
from hub_core.server.thread import HubThread
from tests.hub_core.cli.test_cli import gamehub
from tests.hub_core.reviewing import EXPECTED, review_two_versions


async def test_info_shows_ratings_per_version(
    hub: HubThread, client: HubClient, endpoint: str, tmp_path: Path
) -> None:
    await client.register("developer", "dana", "secret")
    await client.login("developer", "dana", "secret")
    await review_two_versions(hub, client, tmp_path / "pong")
    base = ["info", "pong", "--hub", endpoint]

    shown = await asyncio.to_thread(gamehub, *base, "--user", "ann", data=tmp_path / "ann")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    by_version = lines[lines.index("By version:") + 1 : lines.index("Reviews:")]
    assert by_version == [
        "  1.1.0      3.5★ (2 reviews)",
        "  1.0.0      5.0★ (1 review)",
        "  earlier    1.0★ (1 review)",
    ]
    assert "Rating: 3.2★ (4 reviews)" in lines  # 3.25, rounded half to even
    assert "  bob              ★★★★★  for 1.0.0       Still fun." in lines
    assert "  olga             ★☆☆☆☆  for earlier     Old." in lines

    mine = await asyncio.to_thread(
        gamehub, *base, "--user", "dana", "--role", "developer", "--json", data=tmp_path / "dana"
    )
    data = json.loads(mine.stdout)
    ratings = [(r["version"], r["avg_rating"], r["review_count"]) for r in data["ratings"]]
    assert ratings == EXPECTED
    missing = await asyncio.to_thread(
        gamehub, "info", "nope", "--hub", endpoint, "--user", "ann", data=tmp_path / "ann"
    )
    assert missing.returncode == 1 and "no game called 'nope'" in missing.stderr
