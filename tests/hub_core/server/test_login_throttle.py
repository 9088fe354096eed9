"""Login throttling on a real hub: atomic per (account, address), never locking the owner out.

The stranger and the owner differ by source address: on loopback the owner connects from
127.0.0.2 (ZeroMQ's "tcp://source:0;host:port" form) to the hub on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from hub_core.client.hub_client import HubClient
from hub_core.errors import RequestRefused
from hub_core.server.thread import HubThread
from hub_core.wire.endpoints import HubAddress
from hub_core.wire.keys import KnownHubs

ATTEMPTS = 1000
FREE_TRIES = 5  # LoginThrottle's default


@dataclass(frozen=True)
class FromAddress(HubAddress):
    """A hub address that connects from a chosen source IP (loopback has all of 127/8)."""

    source: str = "127.0.0.1"

    def tcp(self, port: int | None = None) -> str:
        return f"tcp://{self.source}:0;{self.host}:{port or self.port}"


async def connect_from(source: str, hub: HubThread, known_hubs: KnownHubs) -> HubClient:
    assert hub.hub.endpoints is not None
    address = FromAddress("127.0.0.1", hub.hub.endpoints.ports.req, source)
    return await HubClient.connect(address, known_hubs=known_hubs, timeout=10.0, retries=0)


async def wrong_login(client: HubClient) -> RequestRefused:
    try:
        await client.login("player", "olga", "guess")
    except RequestRefused as exc:
        return exc
    raise AssertionError("a wrong password was accepted")


async def test_parallel_guesses_run_few_hashes_and_never_lock_the_owner_out(
    hub: HubThread, known_hubs: KnownHubs
) -> None:
    stranger = await connect_from("127.0.0.1", hub, known_hubs)
    owner = await connect_from("127.0.0.2", hub, known_hubs)
    try:
        await owner.register("player", "olga", "olga-secret")
        checks_before = hub.hub.accounts.password_checks
        refusals = await asyncio.gather(*(wrong_login(stranger) for _ in range(ATTEMPTS)))
        hashes = hub.hub.accounts.password_checks - checks_before
        codes = [r.code for r in refusals]
        assert 1 <= hashes <= FREE_TRIES + 1
        assert codes.count("bad_credentials") == hashes
        assert codes.count("throttled") == ATTEMPTS - hashes
        for _ in range(FREE_TRIES + 1):  # one at a time now, until the stranger must wait
            last = await wrong_login(stranger)
        assert last.code == "throttled" and "try again in" in str(last)
        assert hub.hub.accounts.password_checks - checks_before <= 2 * FREE_TRIES + 1

        session = await owner.login("player", "olga", "olga-secret", watch=False)
        assert session.user == "olga"
        again = await wrong_login(stranger)  # the owner's success does not free the stranger
        assert again.code == "throttled"
    finally:
        await stranger.close()
        await owner.close()


async def test_the_hub_sees_each_clients_own_address(hub: HubThread, known_hubs: KnownHubs) -> None:
    """Failures from 127.0.0.3 do not slow 127.0.0.4: the address is the peer's, per message."""
    first = await connect_from("127.0.0.3", hub, known_hubs)
    second = await connect_from("127.0.0.4", hub, known_hubs)
    try:
        await first.register("player", "olga", "olga-secret")
        for _ in range(FREE_TRIES + 1):
            last = await wrong_login(first)
        assert last.code == "throttled"
        assert (await wrong_login(second)).code == "bad_credentials"
    finally:
        await first.close()
        await second.close()
