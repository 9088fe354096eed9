"""Malformed input at the request socket: each gets a clear error and the hub keeps serving."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from pathlib import Path

import msgspec
import pytest

from hub_core import protocol
from hub_core.client import HubClient
from hub_core.hosting import HubThread
from hub_core.keys import KnownHubs
from hub_core.passwords import DEFAULT_COST
from tests.hub_core.conftest import hub_config
from tests.hub_core.rawwire import RawDealer

enc = protocol.encode


def envelope(**fields: object) -> bytes:
    base: dict[str, object] = {"v": protocol.PROTOCOL_VERSION, "id": 7, "kind": "ping", "args": {}}
    base.update(fields)
    return enc({k: v for k, v in base.items() if v is not ...})


@pytest.fixture
def raw(hub: HubThread) -> Iterator[RawDealer]:
    dealer = RawDealer(hub)
    yield dealer
    dealer.close()


MALFORMED = [
    # (frames, code, words the message must contain)
    ([b"\xc1not msgpack"], "bad_request", "Malformed request"),
    ([b'{"kind": "ping"}'], "bad_request", "Malformed request"),
    ([enc(5)], "bad_request", "Expected `object`"),
    ([b"\x81\xa4kind\xa1\xb3"], "bad_request", "Malformed request"),  # not UTF-8
    ([enc([1, 2, 3])], "bad_request", "Expected `object`"),
    ([envelope(kind=...)], "bad_request", "missing required field `kind`"),
    ([envelope(id="seven")], "bad_request", "Expected `int`, got `str` - at `id`"),
    ([envelope(kind=3)], "bad_request", "at `kind`"),
    ([envelope(surprise=1)], "bad_request", "unknown field `surprise`"),
    ([envelope(kind="fly_to_moon")], "unknown_kind", "does not know the request 'fly_to_moon'"),
    ([envelope(v=99)], "protocol_version", "protocol version"),
    ([envelope(args=[1])], "bad_request", "Expected `object`"),
    ([envelope(args={"extra": 1})], "bad_request", "unknown field `extra`"),
    (
        [envelope(kind="login", args={"role": "player", "user": 5, "password": "x"})],
        "bad_request",
        "Expected `str`, got `int` - at `user`",
    ),
    (
        [envelope(kind="login", args={"role": "admin", "user": "a", "password": "x"})],
        "bad_request",
        "at `role`",
    ),
    (
        [envelope(kind="login", args={"role": "player", "user": "a"})],
        "bad_request",
        "missing required field `password`",
    ),
    ([envelope(), b"second frame"], "bad_request", "exactly one frame"),
    ([b"", envelope()], "bad_request", "exactly one frame"),
    ([envelope(kind="whoami")], "not_logged_in", "log in"),
    ([envelope(kind="whoami", token="made-up")], "not_logged_in", "not valid"),
]


@pytest.mark.parametrize(("frames", "code", "words"), MALFORMED)
async def test_malformed_request_gets_clear_error(
    raw: RawDealer, client: HubClient, frames: list[bytes], code: str, words: str
) -> None:
    reply = await asyncio.to_thread(raw.ask, *frames)
    assert not reply.ok and reply.error is not None
    assert reply.error.code == code
    assert words in reply.error.message
    assert reply.error.message.endswith(".")
    assert "time" in await client.request("ping")  # the hub still serves others


async def test_error_reply_keeps_request_id_when_readable(raw: RawDealer) -> None:
    reply = await asyncio.to_thread(raw.ask, envelope(id=42, kind="nope"))
    assert reply.id == 42
    reply = await asyncio.to_thread(raw.ask, envelope(id=43, surprise=True))
    assert reply.id == 43


async def test_oversize_request_is_refused_with_its_size(raw: RawDealer, client: HubClient) -> None:
    big = envelope(id=9, args={"blob": b"x" * (protocol.MAX_MESSAGE_BYTES + 10)})
    reply = await asyncio.to_thread(raw.ask, big)
    assert reply.error is not None and reply.error.code == "too_large"
    assert f"{protocol.MAX_MESSAGE_BYTES:,}" in reply.error.message
    assert reply.id == 9
    await client.request("ping")


async def test_over_hard_limit_drops_only_that_connection(
    hub: HubThread, client: HubClient
) -> None:
    raw = RawDealer(hub)
    try:
        raw.send(b"x" * (protocol.HARD_MESSAGE_BYTES + 1))
        await client.request("ping")  # others unaffected
    finally:
        raw.close()


async def test_client_that_never_reads_does_not_stall_others(
    hub: HubThread, client: HubClient
) -> None:
    lazy = RawDealer(hub, rcvhwm=1)
    try:
        frame = envelope(kind="ping")
        await asyncio.to_thread(lambda: [lazy.send(frame) for _ in range(5000)])
        for _ in range(20):
            await client.request("ping")
    finally:
        lazy.close()


async def test_slow_request_does_not_hold_up_fast_ones(
    data_dir: Path, known_hubs: KnownHubs
) -> None:
    # Real password hashing (tens of ms, in the thread pool) while pings arrive.
    slow_hub = HubThread(hub_config(data_dir, hash_cost=DEFAULT_COST))
    endpoints = slow_hub.start()
    try:
        async with await HubClient.connect(
            endpoints.endpoint("127.0.0.1"), known_hubs=known_hubs
        ) as c:
            order: list[str] = []

            async def run(name: str, coro: Awaitable[object]) -> None:
                await coro
                order.append(name)

            await asyncio.gather(
                *(
                    run("register", c.register("player", f"slowpoke{i}", "secret"))
                    for i in range(4)
                ),
                *(run("ping", c.request("ping")) for _ in range(4)),
            )
            assert order[:4] == ["ping"] * 4
    finally:
        slow_hub.stop()


def test_reply_is_valid_msgpack_reply(raw: RawDealer) -> None:
    raw.send(envelope(kind="ping"))
    frame = raw.sock.recv()
    reply = msgspec.msgpack.decode(frame, type=protocol.Reply)
    assert reply.ok and reply.id == 7
