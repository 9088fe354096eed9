"""A session replaced by a login elsewhere is told where: which program, which computer."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from hub_core.client.elsewhere import describe, elsewhere
from hub_core.client.hub_client import HubClient
from hub_core.wire.schema import EndReason, SessionEnded

MakeClient = Callable[..., Awaitable[HubClient]]


@pytest.mark.parametrize(
    ("client", "address", "said"),
    [
        ("cli", "127.0.0.1", "with the gamehub command on this computer"),
        ("app", "127.0.0.1", "in the GameHub app on this computer"),
        ("app", "192.0.2.7", "in the GameHub app at 192.0.2.7"),
        ("", "192.0.2.7", "from 192.0.2.7"),
        ("", "", ""),  # an older hub says nothing
    ],
)
def test_where_a_login_came_from(client: str, address: str, said: str) -> None:
    ended = SessionEnded("s", EndReason.REPLACED, by_client=client, by_address=address)
    assert describe(elsewhere(ended)) == said


async def test_a_cli_login_tells_the_old_session_where(
    make_client: MakeClient, endpoint: str, tmp_path: Path
) -> None:
    first = await make_client()
    await first.register("player", "gina", "secret")
    await first.login("player", "gina", "secret")
    told: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    first.on_session_ended = told.set_result
    await asyncio.sleep(0.3)  # the subscription reaches the hub
    args = ["login", "--hub", endpoint, "--role", "player", "--user", "gina"]
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "hub_core", *args, "--data", str(tmp_path / "cli")],
        env=os.environ | {"GAMEHUB_PASSWORD": "secret"}, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert await asyncio.wait_for(told, 5) == (
        "This account logged in elsewhere (with the gamehub command on this computer), "
        "so you were logged out here."
    )
    assert first.ended is not None and first.ended.by_client == "cli"
