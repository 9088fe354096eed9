"""The handing side on a real in-process hub: who may start a handoff, what waits meanwhile."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.errors import RequestRefused
from hub_core.server.handoff import files
from hub_core.server.thread import HubThread
from hub_core.wire import schema as s
from hub_core.wire.codes import Code
from hub_core.wire.keys import KnownHubs
from hub_core.wire.schema._handoff import CHUNK_BYTES, PIECES_MAX
from tests.hub_core.conftest import running_hub


@pytest.fixture
def hub(data_dir: Path) -> Iterator[HubThread]:  # a receiver silent for 1 s has failed
    yield from running_hub(data_dir, handoff_idle=1.0)


async def player(endpoint: str, known: KnownHubs, name: str) -> HubClient:
    c = await HubClient.connect(endpoint, known_hubs=known)
    await c.register("player", name, "secret-pass")
    await c.login("player", name, "secret-pass")
    return c


def control(hub: HubThread) -> str:
    token = (files.read_control(hub.hub.paths.hub) or {})["token"]
    assert isinstance(token, str)
    return token


async def test_only_the_host_with_the_control_token_starts_a_handoff(
    hub: HubThread, endpoint: str, known_hubs: KnownHubs
) -> None:
    bob = await player(endpoint, known_hubs, "bob")
    try:
        await bob.offer_to_host(True, "bob@laptop")
        assert await bob.list_willing() == ["bob"]
        with pytest.raises(RequestRefused, match="Only the hub's host") as wrong:
            await bob.start_handoff("guessed", "bob", 0)
        assert wrong.value.code == Code.HANDOFF
        with pytest.raises(RequestRefused, match="carol is not online"):
            await bob.start_handoff(control(hub), "carol", 0)
        await bob.offer_to_host(False)
        with pytest.raises(RequestRefused, match="bob is not online with a copy"):
            await bob.start_handoff(control(hub), "bob", 0)
    finally:
        await bob.close()


async def test_a_copy_that_cannot_read_the_hubs_store_is_refused_with_a_sentence(
    hub: HubThread, endpoint: str, known_hubs: KnownHubs
) -> None:
    """A copy from before pack files offers without ``reads``: it would start the hub
    without its games' contents, so the handoff is refused before anything moves."""
    bob = await player(endpoint, known_hubs, "bob")
    try:
        await bob.call(s.OfferToHost(willing=True, host="bob@old-laptop"))
        assert await bob.list_willing() == ["bob"]
        with pytest.raises(RequestRefused, match=r"bob's GameHub is older .* update GameHub"):
            await bob.start_handoff(control(hub), "bob", 0)
        await bob.offer_to_host(True, "bob@laptop")  # updated: today's copy says what it reads
        assert (await bob.start_handoff(control(hub), "bob", 0)).to == "bob"
    finally:
        await bob.close()


async def test_writes_wait_while_sending_and_resume_when_the_receiver_goes_quiet(
    hub: HubThread, endpoint: str, known_hubs: KnownHubs
) -> None:
    bob = await player(endpoint, known_hubs, "bob")
    ann = await player(endpoint, known_hubs, "ann")
    try:
        await bob.offer_to_host(True)
        token = control(hub)
        await bob.start_handoff(token, "bob", 0)
        offer = await bob.await_handoff(5.0)
        assert offer.handoff and offer.files > 0
        with pytest.raises(RequestRefused, match="moving to another host") as held:
            await ann.register("player", "carol", "secret-pass")
        assert held.value.code == Code.HANDING_OVER
        assert (await ann.whoami()).user == "ann"  # reads go on
        # bob pulls nothing more: after the idle limit the hub gives up and serves as before.
        deadline = time.monotonic() + 20
        while (status := await ann.handoff_status(token)).state != "failed":
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        assert "stopped answering" in status.message
        await ann.register("player", "carol", "secret-pass")
        with pytest.raises(RequestRefused, match="cannot go on"):
            await bob.handoff_manifest(offer.handoff)
    finally:
        await bob.close()
        await ann.close()


async def test_pieces_come_as_asked_and_within_the_limits(
    hub: HubThread, endpoint: str, known_hubs: KnownHubs
) -> None:
    """Many files' pieces in one request, in the order asked; more than a request may
    carry is refused with a sentence, and the handoff goes on."""
    bob = await player(endpoint, known_hubs, "bob")
    try:
        await bob.offer_to_host(True)
        await bob.start_handoff(control(hub), "bob", 0)
        offer = await bob.await_handoff(5.0)
        manifest = await bob.handoff_manifest(offer.handoff)
        asked = [(i, 0) for i in reversed(range(len(manifest.files)))]
        data = await bob.handoff_pieces(offer.handoff, asked)
        data_dir = hub.hub.paths.data
        for (index, _), piece in zip(asked, data, strict=True):
            entry = manifest.files[index]
            assert piece == (data_dir / entry.path).read_bytes()[:CHUNK_BYTES]
        with pytest.raises(RequestRefused, match="at most 1000 pieces"):
            await bob.handoff_pieces(offer.handoff, [(0, 0)] * (PIECES_MAX + 1))
        with pytest.raises(RequestRefused, match="not in the handoff"):
            await bob.handoff_pieces(offer.handoff, [(len(manifest.files), 0)])
        assert len(await bob.handoff_pieces(offer.handoff, [(0, 0)])) == 1  # still under way
    finally:
        await bob.close()
