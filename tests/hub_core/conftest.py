"""Fixtures for hub_core tests: a real hub on 127.0.0.1 (own thread and loop), clients, and
a developer and a player logged in to it (what the store's tests publish and install with)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.server.hub import HubConfig
from hub_core.server.passwords import HashCost
from hub_core.server.thread import HubThread
from hub_core.wire.keys import KnownHubs

# Cheap hashes keep tests fast; the production cost is exercised in test_passwords.py.
FAST_HASH = HashCost(n=2**8, r=8, p=1)


def hub_config(data_dir: Path, **changes: object) -> HubConfig:
    config = HubConfig(
        name="Test hub",
        data_dir=data_dir,
        bind="127.0.0.1",
        port=0,
        discovery=False,
        hash_cost=FAST_HASH,
        samples=False,
    )
    for key, value in changes.items():
        setattr(config, key, value)
    return config


def running_hub(data_dir: Path, **changes: object) -> Iterator[HubThread]:
    """A hub on its own thread for the length of a fixture (``yield from`` it), with
    ``changes`` to the test configuration."""
    thread = HubThread(hub_config(data_dir, **changes))
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
def hub(data_dir: Path) -> Iterator[HubThread]:
    yield from running_hub(data_dir)


@pytest.fixture
def endpoint(hub: HubThread) -> str:
    assert hub.hub.endpoints is not None
    return hub.hub.endpoints.endpoint("127.0.0.1")


@pytest.fixture
def known_hubs(tmp_path: Path) -> KnownHubs:
    return KnownHubs(tmp_path / "client" / "known_hubs.json")


@pytest.fixture
async def client(endpoint: str, known_hubs: KnownHubs) -> AsyncIterator[HubClient]:
    async with await HubClient.connect(endpoint, known_hubs=known_hubs, timeout=2.0) as c:
        yield c


@pytest.fixture
async def make_client(endpoint: str, known_hubs: KnownHubs) -> AsyncIterator[object]:
    """A factory for more clients of the same hub, all closed at the end."""
    made: list[HubClient] = []

    async def make(**kwargs: object) -> HubClient:
        c = await HubClient.connect(endpoint, known_hubs=known_hubs, **kwargs)  # type: ignore[arg-type]
        made.append(c)
        return c

    yield make
    for c in made:
        await c.close()


MakeClient = Callable[..., Awaitable[HubClient]]


async def signed_in(make_client: MakeClient, role: str, name: str) -> HubClient:
    """A new client of the test hub, registered and logged in as ``name``."""
    c = await make_client()
    await c.register(role, name, "secret")  # type: ignore[arg-type]
    await c.login(role, name, "secret")  # type: ignore[arg-type]
    return c


@pytest.fixture
async def dev(make_client: MakeClient) -> HubClient:
    return await signed_in(make_client, "developer", "dana")


@pytest.fixture
async def player(make_client: MakeClient) -> HubClient:
    return await signed_in(make_client, "player", "pat")
