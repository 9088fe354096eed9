"""The client library against a real hub: Lazy Pirate retries, key pinning, events."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hub_core.client.events import Subscription
from hub_core.client.hub_client import HubClient, fetch_hello
from hub_core.errors import BadEndpoint, GameHubError, HubKeyChanged, HubUnreachable
from hub_core.server.thread import HubThread
from hub_core.wire import protocol
from hub_core.wire.endpoints import parse_endpoint
from hub_core.wire.keys import KnownHubs
from tests.conftest import free_port
from tests.hub_core.conftest import hub_config


async def test_hello_tells_name_key_and_ports(hub: HubThread, endpoint: str) -> None:
    hello = await fetch_hello(parse_endpoint(endpoint))
    endpoints = hub.hub.endpoints
    assert endpoints is not None
    assert hello.name == "Test hub"
    assert hello.key == endpoints.public_key
    assert (hello.req_port, hello.pub_port) == (endpoints.ports.req, endpoints.ports.pub)


async def test_nothing_listening_is_unreachable() -> None:
    with pytest.raises(HubUnreachable, match=r"No hub answered at 127\.0\.0\.1"):
        await HubClient.connect(f"127.0.0.1:{free_port()}", timeout=0.3)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("localhost", "host:port"),
        (":80", "host:port"),
        ("host:http", "not a valid port"),
        ("host:0", "not a valid port"),
        ("host:70000", "not a valid port"),
    ],
)
def test_bad_endpoint_text(text: str, words: str) -> None:
    with pytest.raises(BadEndpoint, match=words):
        parse_endpoint(text)


def test_endpoint_forms() -> None:
    assert str(parse_endpoint(" 10.0.0.5:47800 ")) == "10.0.0.5:47800"
    assert parse_endpoint("[::1]:47800").tcp() == "tcp://[::1]:47800"


async def test_request_to_stopped_hub_says_unreachable(
    data_dir: Path, known_hubs: KnownHubs
) -> None:
    thread = HubThread(hub_config(data_dir))
    endpoints = thread.start()
    client = await HubClient.connect(
        endpoints.endpoint("127.0.0.1"), known_hubs=known_hubs, timeout=0.3, retries=1
    )
    try:
        thread.stop()
        with pytest.raises(HubUnreachable, match=r"within 0\.6 s; it may be stopped"):
            await client.ping()
        with pytest.raises(HubUnreachable, match="may not have happened"):
            await client.register("player", "bob", "secret")
    finally:
        await client.close()


async def test_a_closed_client_says_so(endpoint: str, known_hubs: KnownHubs) -> None:
    """A request after close (a heartbeat still running, say) is HubUnreachable, a sentence."""
    client = await HubClient.connect(endpoint, known_hubs=known_hubs)
    await client.close()
    with pytest.raises(HubUnreachable, match=r"connection to the hub .* is closed"):
        await client.ping()


async def test_lazy_pirate_reconnects_when_hub_comes_back(
    data_dir: Path, known_hubs: KnownHubs
) -> None:
    first = HubThread(hub_config(data_dir))
    port = first.start().ports.req
    client = await HubClient.connect(
        f"127.0.0.1:{port}", known_hubs=known_hubs, timeout=0.3, retries=0
    )
    try:
        await client.ping()
        first.stop()
        with pytest.raises(HubUnreachable):
            await client.ping()
        second = HubThread(hub_config(data_dir, port=port))
        second.start()
        try:
            client.timeout, client.retries = 2.0, 2
            assert (await client.ping()).time > 0
        finally:
            second.stop()
    finally:
        await client.close()


async def test_key_is_pinned_and_a_changed_key_refused(
    tmp_path: Path, known_hubs: KnownHubs
) -> None:
    first = HubThread(hub_config(tmp_path / "a"))
    port = first.start().ports.req
    endpoint = f"127.0.0.1:{port}"
    try:
        await (await HubClient.connect(endpoint, known_hubs=known_hubs)).close()
        assert known_hubs.pinned("Test hub") is not None
    finally:
        first.stop()
    impostor = HubThread(hub_config(tmp_path / "b", port=port))  # same name, new key
    impostor.start()
    try:
        with pytest.raises(HubKeyChanged, match="key of hub 'Test hub' has changed"):
            await HubClient.connect(endpoint, known_hubs=known_hubs)
        client = await HubClient.connect(endpoint, known_hubs=known_hubs, retrust=True)
        assert (await client.ping()).time > 0
        await client.close()
        await (await HubClient.connect(endpoint, known_hubs=known_hubs)).close()  # now pinned
    finally:
        impostor.stop()


async def test_hub_keeps_its_key_across_restarts(data_dir: Path, known_hubs: KnownHubs) -> None:
    keys = []
    for _ in range(2):
        thread = HubThread(hub_config(data_dir))
        keys.append(thread.start().public_key)
        thread.stop()
    assert keys[0] == keys[1]


async def test_too_large_request_is_refused_before_sending(client: HubClient) -> None:
    with pytest.raises(GameHubError, match="too large to send"):
        await client._request("ping", {"blob": b"x" * protocol.MAX_MESSAGE_BYTES})


async def test_event_reaches_subscriber_with_sequence(hub: HubThread, client: HubClient) -> None:
    got: asyncio.Queue[protocol.Event] = asyncio.Queue()
    client.subscribe("test/topic", got.put_nowait)
    await asyncio.sleep(0.3)  # let the subscription reach the hub (ZeroMQ slow joiner)
    for n in range(3):
        hub.loop.call_soon_threadsafe(hub.hub.wire.publish, "test/topic", "tick", {"n": n})
    events = [await asyncio.wait_for(got.get(), 5) for _ in range(3)]
    assert [e.seq for e in events] == [1, 2, 3]
    assert [e.data["n"] for e in events] == [0, 1, 2]


def make_event(seq: int) -> protocol.Event:
    return protocol.Event(topic="t", seq=seq, kind="k")


def test_subscription_reports_gaps_and_skips_old_events() -> None:
    seen: list[int] = []
    gaps: list[tuple[int, int]] = []
    sub = Subscription(
        "t", lambda e: seen.append(e.seq), lambda _t, last, got: gaps.append((last, got))
    )
    sub.expect(5)  # a snapshot already holds events 1..5
    for seq in (4, 5, 6, 7, 9, 9, 10):
        sub.deliver(make_event(seq))
    assert seen == [6, 7, 9, 10]
    assert gaps == [(7, 9)]


def test_first_event_without_snapshot_is_the_baseline() -> None:
    seen: list[int] = []
    gaps: list[tuple[int, int]] = []
    sub = Subscription("t", lambda e: seen.append(e.seq), lambda _t, a, b: gaps.append((a, b)))
    for seq in (12, 13, 15):
        sub.deliver(make_event(seq))
    assert seen == [12, 13, 15]
    assert gaps == [(13, 15)]
