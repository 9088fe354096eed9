"""Before anything is sent, the hub says whose name a game is and which version comes next."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.errors import RequestRefused
from hub_core.wire.codes import Code
from tests.hub_core.cli.test_cli import HostProcess, gamehub, host  # noqa: F401  (fixture)
from tests.hub_core.gamefactory import make_game, make_playable_game

MakeClient = Callable[..., Awaitable[HubClient]]


async def _developer(make_client: MakeClient, name: str) -> HubClient:
    c = await make_client()
    await c.register("developer", name, "secret")
    await c.login("developer", name, "secret")
    return c


async def test_preflight_names_the_owner(make_client: MakeClient, tmp_path: Path) -> None:
    dana = await _developer(make_client, "dana")
    eve = await _developer(make_client, "eve")
    fresh = await eve.version_hint("rps")
    assert (fresh.owner, fresh.yours, fresh.latest, fresh.suggested) == (None, True, None, "1.0.0")
    await publish(dana, make_game(tmp_path / "rps"))
    mine = await dana.version_hint("rps")
    assert (mine.owner, mine.yours, mine.latest, mine.suggested) == ("dana", True, "1.0.0", "1.0.1")
    theirs = await eve.version_hint("rps")
    assert (theirs.owner, theirs.yours, theirs.latest) == ("dana", False, "1.0.0")
    await dana.unpublish("rps")
    assert (await dana.version_hint("rps")).removed


async def test_publish_refuses_before_sending(make_client: MakeClient, tmp_path: Path) -> None:
    """Another's name, or a version not above the latest: refused with nothing uploaded."""
    dana = await _developer(make_client, "dana")
    eve = await _developer(make_client, "eve")
    await publish(dana, make_game(tmp_path / "rps"))
    sent: list[int] = []
    with pytest.raises(RequestRefused, match=r'another "name" in manifest\.json') as refused:
        await publish(eve, make_game(tmp_path / "eve"), progress=lambda d, t: sent.append(d))
    assert refused.value.code == Code.NOT_AUTHOR
    with pytest.raises(RequestRefused, match=r"not greater than the latest, 1\.0\.0"):
        await publish(
            dana, make_game(tmp_path / "rps"), version="1.0.0", progress=lambda d, t: sent.append(d)
        )
    assert sent == []


def test_cli_publish_says_whose_name_it_is(host: HostProcess, tmp_path: Path) -> None:  # noqa: F811
    hub = ["--hub", host.endpoint]
    for name in ("dana", "eve"):
        reg = gamehub("register", *hub, "--role", "developer", "--user", name, data=tmp_path / name)
        assert reg.returncode == 0, reg.stderr
    first = gamehub(
        "publish",
        str(make_playable_game(tmp_path / "a")),
        *hub,
        "--user",
        "dana",
        data=tmp_path / "dana",
    )
    assert first.returncode == 0, first.stderr
    second = gamehub(
        "publish",
        str(make_playable_game(tmp_path / "b")),
        *hub,
        "--user",
        "eve",
        data=tmp_path / "eve",
    )
    assert second.returncode == 1
    assert "belongs to dana" in second.stderr and "manifest.json" in second.stderr
    assert "Uploading" not in second.stderr  # refused before any upload began
