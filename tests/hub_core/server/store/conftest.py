"""A developer and a player, logged in to the test hub: what the store's tests publish and
install with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from hub_core.client.hub_client import HubClient

MakeClient = Callable[..., Awaitable[HubClient]]


@pytest.fixture
async def dev(make_client: MakeClient) -> HubClient:
    c = await make_client()
    await c.register("developer", "dana", "secret")
    await c.login("developer", "dana", "secret")
    return c


@pytest.fixture
async def player(make_client: MakeClient) -> HubClient:
    c = await make_client()
    await c.register("player", "pat", "secret")
    await c.login("player", "pat", "secret")
    return c
