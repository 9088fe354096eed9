"""The hostile package corpus against a real hub: refused with a message, nothing left behind.

Each hostile package is refused by the publishing client before anything is sent; each
hostile file index (what a client that skips its own checks could send) is refused by
the hub itself. Either way the store stays as it was.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.errors import RequestRefused
from hub_core.packages import PackageError, block_count
from hub_core.server.thread import HubThread
from tests.hub_core.conftest import hub_config
from tests.hub_core.packages.hostile import (
    EXPECTED,
    EXPECTED_INDEX,
    HOSTILE,
    HOSTILE_INDEXES,
    HOSTILE_LIMITS,
    MANIFEST,
)


@pytest.fixture(scope="module")
def strict_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubThread]:
    thread = HubThread(hub_config(tmp_path_factory.mktemp("hub"), limits=HOSTILE_LIMITS))
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
async def dev(strict_hub: HubThread, tmp_path: Path) -> AsyncIterator[HubClient]:
    assert strict_hub.hub.endpoints is not None
    async with await HubClient.connect(strict_hub.hub.endpoints.endpoint("127.0.0.1")) as client:
        name = f"dev{tmp_path.name[-12:]}".replace("_", "")
        await client.register("developer", name[:32], "secret")
        await client.login("developer", name[:32], "secret")
        yield client


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_hostile_package_is_refused_before_sending(
    dev: HubClient, tmp_path: Path, name: str
) -> None:
    (tmp_path / "built").mkdir()
    built = HOSTILE[name](tmp_path / "built")
    with pytest.raises(PackageError) as info:
        await publish(dev, built, limits=HOSTILE_LIMITS)
    assert EXPECTED[name] in str(info.value)
    assert await dev.my_games() == []


def with_blocks(index: Any) -> Any:
    """Gives well-formed [path, size, hash] entries a plausible block list."""
    if not isinstance(index, list):
        return index
    out = []
    for item in index:
        if isinstance(item, list) and len(item) == 3 and type(item[1]) is int and item[1] >= 0:
            out.append([*item, ["a" * 64] * block_count(item[1])])
        else:
            out.append(item)
    return out


@pytest.mark.parametrize("name", sorted(HOSTILE_INDEXES))
async def test_hostile_index_is_refused_by_the_hub(dev: HubClient, name: str) -> None:
    args = {"version": "1.0.0", "manifest": MANIFEST, "index": with_blocks(HOSTILE_INDEXES[name])}
    with pytest.raises(RequestRefused) as info:
        await dev._request("publish_begin", args)
    if info.value.code == "bad_request":  # refused by the request's schema, naming the field
        assert "at `index" in str(info.value)
    else:
        assert info.value.code == "package_invalid"
        assert EXPECTED_INDEX[name] in str(info.value)
    assert await dev.my_games() == []
