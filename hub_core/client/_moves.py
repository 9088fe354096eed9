"""Following a hub that was handed over to another host (the HubMoved event).

The event comes over the encrypted connection of the hub this client already trusts, and
names the same key, so the new address is trusted without a key warning; the hub at the
new address must then prove that key (CURVE handshake) and be at least the announced
generation. Requests and subscriptions carry on there with the same session token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from hub_core.errors import GameHubError, HubKeyUnproven, HubUnreachable
from hub_core.wire import protocol
from hub_core.wire.endpoints import HubAddress
from hub_core.wire.schema import HubMoved, event_data

if TYPE_CHECKING:
    from hub_core.client.events import EventStream
    from hub_core.client.hub_client import HubClient

log = logging.getLogger(__name__)

FOLLOW_TRIES = 40
FOLLOW_PAUSE = 0.25


async def find_moved_hub(moved: HubMoved, current_key: str) -> tuple[HubAddress, protocol.Hello]:
    """The new host's address and hello once it answers with the same key; raises
    GameHubError if it does not within FOLLOW_TRIES, or answers with another key."""
    from hub_core.client.hub_client import fetch_hello, prove_key

    if moved.key != current_key:
        raise GameHubError(
            f"The hub {moved.name!r} said it moved, but with another key; not following it."
        )
    address = HubAddress(moved.address, moved.req_port)
    last: Exception | None = None
    for _ in range(FOLLOW_TRIES):
        try:
            hello = await fetch_hello(address, timeout=1.0)
            if hello.key != moved.key or hello.generation < moved.generation:
                raise GameHubError(
                    f"The hub at {address} is not the one {moved.name!r} moved to "
                    "(another key or an older copy); not following it."
                )
            await prove_key(address, hello, timeout=1.0)
            return address, hello
        except (HubUnreachable, HubKeyUnproven) as exc:
            last = exc
            await asyncio.sleep(FOLLOW_PAUSE)
    raise GameHubError(
        f"The hub {moved.name!r} moved to {address}, which does not answer ({last})."
    )


async def follow(client: HubClient, moved: HubMoved) -> None:
    """Moves ``client`` (requests and subscriptions) to the hub's new host."""
    address, hello = await find_moved_hub(moved, client.hello.key)
    if client.known_hubs is not None:
        client.known_hubs.check(hello.name, hello.key, address=str(address))
        client.known_hubs.check_generation(hello.name, hello.key, hello.generation, str(address))
    await client.move_to(address, hello)
    log.info("Followed the hub %r to %s", hello.name, address)


class HubTopic:
    """The one subscription a client has to the hub's own topic, shared by its owner's
    handler (the app's) and, once logged in, following a move: a stream keeps one
    subscription per topic, so a second subscriber would silence the first."""

    def __init__(self, client: HubClient) -> None:
        self.client = client
        self.listener: Callable[[protocol.Event], None] | None = None
        self.follow = False  # set by a watched login
        self.subscribed = False

    def wrap(self, listener: Callable[[protocol.Event], None] | None) -> HubTopic:
        """What to subscribe instead of ``listener`` (None: keep the owner's)."""
        self.listener = listener or self.listener
        self.subscribed = True
        return self

    def __call__(self, event: protocol.Event) -> None:
        if self.follow:
            on_hub_event(self.client, event, self.client.event_stream)
        if self.listener is not None:
            self.listener(event)


def on_hub_event(client: HubClient, event: protocol.Event, events: EventStream | None) -> None:
    """The hub topic's handler: on HubMoved, stop applying the old host's events and follow."""
    data = event_data(event)
    if not isinstance(data, HubMoved) or client.moving is not None:
        return
    if events is not None:  # the old host's last events are no longer the truth
        events.mute()
    client.moving = asyncio.ensure_future(_follow(client, data))


async def _follow(client: HubClient, moved: HubMoved) -> None:
    problem = ""
    try:
        await follow(client, moved)
    except GameHubError as exc:
        problem = str(exc)
        log.warning("%s", problem)
    finally:
        client.moving = None
    if client.on_moved is not None:
        client.on_moved(moved, problem)
