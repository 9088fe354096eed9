"""The hub's own topic has one subscription per client, shared: the owner's handler keeps
its events after a login also starts watching for moves (the app learns of a stopping or
restarted hub there)."""

from __future__ import annotations

import asyncio

from hub_core.client.hub_client import HubClient
from hub_core.server.thread import HubThread
from hub_core.wire import protocol
from hub_core.wire.schema import EventKind


async def test_a_watched_login_keeps_the_owners_hub_events(
    hub: HubThread, client: HubClient
) -> None:
    seen: list[str] = []
    arrived = asyncio.Event()

    def on_hub(event: protocol.Event) -> None:
        seen.append(event.kind)
        arrived.set()

    client.subscribe(protocol.HUB_TOPIC, on_hub)
    await client.register("player", "ann", "secret")
    await client.login("player", "ann", "secret")  # watch=True: it follows moves too
    await asyncio.sleep(0.3)  # the subscription reaches the hub
    await asyncio.to_thread(hub.stop)
    async with asyncio.timeout(10):
        await arrived.wait()
    assert seen == [EventKind.HUB_STOPPING]
