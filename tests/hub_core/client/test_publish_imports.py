"""A publish pays only for what the game needs: no pip and no ``packaging`` without
requirements (their import alone took 40-50 ms of every publish)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.hub_core.cli.test_cli import HostProcess, host  # noqa: F401  (fixture)
from tests.hub_core.gamefactory import make_game

SCRIPT = """
import asyncio, sys
from pathlib import Path
from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish

async def main(endpoint, folder):
    client = await HubClient.connect(endpoint)
    await client.register("developer", "dana", "secret")
    await client.login("developer", "dana", "secret")
    await publish(client, Path(folder))
    await client.close()

asyncio.run(main(*sys.argv[1:]))
print(sorted(m for m in ("packaging", "hub_core.packages.resolve") if m in sys.modules))
"""


def test_a_game_without_requirements_is_published_without_the_resolver(
    host: HostProcess,  # noqa: F811
    tmp_path: Path,
) -> None:
    game = make_game(tmp_path / "rps")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, host.endpoint, str(game)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "[]"
