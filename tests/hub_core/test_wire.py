"""Malformed input at the request socket: each gets a clear error and the hub keeps serving."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from pathlib import Path

import msgspec
import pytest
import zmq

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


# -- frames that must be answered with their id, without a traceback on the hub --------

DEEP = b"\x91" * 5000 + b"\xc0"  # 5,000 nested one-element arrays


def head(req_id: int, kind: str = "ping", token: str = "") -> bytes:
    """The front of an envelope as the client encodes it (v, id, kind, token), before args."""
    return (
        b"\x85"
        + enc("v")
        + enc(1)
        + enc("id")
        + enc(req_id)
        + enc("kind")
        + enc(kind)
        + (enc("token") + enc(token) + enc("args"))
    )


ANSWERED_WITH_ID = [
    # (frame, id, code, words the message must contain)
    (DEEP, 0, "bad_request", "Expected `object`"),  # no map, so no id to read
    (b"\x81" + enc("x") + DEEP, 0, "bad_request", "Malformed request"),
    (head(41) + DEEP, 41, "bad_request", "nested too deeply"),
    (head(42, "login") + b"\x81" + enc("user") + DEEP, 42, "bad_request", "nested too deeply"),
    (head(43)[:-5] + b"\xa2ar" + DEEP, 43, "bad_request", "Malformed request"),
    (b"\x83\xa1v\x01\xa2id\x2c\xa4kind\xa1\xb3", 44, "bad_request", "Malformed request"),
    (b"\x84\xa1v\x01\xa2id\x2d\xa4kind\xa4ping\xa5token\xa2\xff\xfe", 45, "bad_request", "UTF-8"),
    (head(46) + b"\xdd\xff\xff\xff\xff", 46, "bad_request", "Malformed request"),  # huge length
    (head(47) + enc({"blob": b"x" * 100_000}), 47, "too_large", "only a game's files"),
    (
        head(48, "upload_blocks") + enc({"transfer": "t", "blocks": [["h", b"x" * 100_000]]}),
        48,
        "not_logged_in",
        "log in",
    ),
    (
        head(49, "upload_blocks", "made-up") + b"\xdd\x00\x10\x00\x00" + b"\x91" * 2**20,
        49,
        "not_logged_in",
        "not valid",
    ),
]


@pytest.mark.parametrize(("frame", "req_id", "code", "words"), ANSWERED_WITH_ID)
async def test_bad_frame_is_answered_with_its_id_and_no_traceback(
    raw: RawDealer,
    client: HubClient,
    caplog: pytest.LogCaptureFixture,
    frame: bytes,
    req_id: int,
    code: str,
    words: str,
) -> None:
    reply = await asyncio.to_thread(raw.ask, frame)
    assert reply.error is not None, reply
    assert (reply.id, reply.error.code) == (req_id, code), reply.error.message
    assert words in reply.error.message and reply.error.message.endswith(".")
    assert "time" in await client.request("ping")
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


async def test_many_bad_frames_are_logged_once_per_interval(
    raw: RawDealer, client: HubClient, caplog: pytest.LogCaptureFixture
) -> None:
    frames = [head(i) + DEEP for i in range(1, 2001)]

    def send_all() -> list[int]:
        for frame in frames:
            raw.send(frame)
        return [raw.reply().id for _ in frames]

    assert sorted(await asyncio.to_thread(send_all)) == list(range(1, 2001))
    await client.request("ping")
    lines = [r for r in caplog.records if r.name == "hub_core._wire"]
    assert 1 <= len(lines) <= 3, [r.getMessage() for r in lines]
    assert not [r for r in caplog.records if r.exc_info]


def test_hello_socket_drops_big_messages_and_keeps_answering(hub: HubThread) -> None:
    endpoints = hub.hub.endpoints
    assert endpoints is not None
    ctx = zmq.Context()
    try:
        big = ctx.socket(zmq.DEALER)
        big.setsockopt(zmq.LINGER, 0)
        big.setsockopt(zmq.RCVTIMEO, 1000)
        big.connect(f"tcp://127.0.0.1:{endpoints.ports.hello}")
        big.send(b"x" * (protocol.HELLO_MAX_BYTES + 1))
        with pytest.raises(zmq.Again):  # dropped with its connection: no answer
            big.recv()
        small = ctx.socket(zmq.DEALER)
        small.setsockopt(zmq.LINGER, 0)
        small.setsockopt(zmq.RCVTIMEO, 5000)
        small.connect(f"tcp://127.0.0.1:{endpoints.ports.hello}")
        small.send(b"hello")
        hello = msgspec.msgpack.decode(small.recv(), type=protocol.Hello)
        assert hello.req_port == endpoints.ports.req
    finally:
        ctx.destroy(linger=0)
