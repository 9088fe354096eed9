"""Fuzzed frames at every socket of a hub in its own process: every frame that carries a
readable id is answered with that id, the hub keeps serving, and its log holds no traceback.

Default run: a few thousand frames per socket; GAMEHUB_STRESS=full sends 100,000 each.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import signal
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub_core.wire import protocol
from tests.stress._hubproc import HubProcess, curve_dealer, curve_socket, ping

FULL = os.environ.get("GAMEHUB_STRESS") == "full"
FRAMES = 100_000 if FULL else 3_000  # per socket
WINDOW = 100  # requests in flight per round trip
ZMTP_SIGNATURE = b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f"
KINDS = [
    "ping", "whoami", "upload_blocks", "publish_begin", "publish_ahead", "publish_index",
    "list_games", "fetch_blocks", "nope",
]  # fmt: skip

enc = protocol.encode

pytestmark = [
    pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc"),
    pytest.mark.timeout(3600 if FULL else 300),  # the long variant takes minutes per test
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    proc = HubProcess(tmp_path_factory.mktemp("fuzzhub"))
    yield proc
    proc.stop()


def head(req_id: int, kind: str, token: str = "") -> bytes:
    """An envelope's front as the client encodes it, up to and including the "args" key."""
    return b"\x85" + b"".join(
        enc(x) for x in ("v", 1, "id", req_id, "kind", kind, "token", token, "args")
    )


def random_value(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.randrange(9 if depth < 4 else 6)
    if pick == 0:
        return rng.randrange(-(2**63), 2**64)
    if pick == 1:
        return "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(12)))
    if pick == 2:
        return rng.randbytes(rng.randrange(40))
    if pick == 3:
        return rng.choice([None, True, False, 1.5, float("nan")])
    if pick == 4:
        return rng.choice(KINDS)
    if pick == 5:
        return -rng.randrange(40)
    if pick == 6:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    keys = ["v", "id", "kind", "token", "args", "transfer", "blocks", "pieces", "index"]
    keys += ["name", "x"]
    return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randrange(5))}


def mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randrange(1, 4)):
        op = rng.randrange(4)
        at = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(at, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:
            buf[at:at] = rng.randbytes(rng.randrange(1, 6))
        elif op == 2:
            del buf[at : at + rng.randrange(1, 6)]
        else:
            del buf[at:]
    return bytes(buf)


def fuzz_request(rng: random.Random, req_id: int) -> tuple[list[bytes], int | None]:
    """One message for the request socket and the id its answer must carry, if it has one."""
    kind = rng.choice(KINDS)
    pick = rng.randrange(10)
    if pick == 0:  # valid-looking envelope, bytes mutated after the id
        args = enc(random_value(rng))
        return [head(req_id, kind) + mutate(rng, args)], req_id
    if pick == 1:  # random bytes
        return [rng.randbytes(rng.randrange(300))], None
    if pick == 2:  # random msgpack
        return [enc(random_value(rng))], None
    if pick == 3:  # deep nesting inside args, or at the top
        deep = rng.choice([b"\x91", b"\x81\xa1x", b"\xdc\x00\x01"]) * rng.randrange(100, 20_000)
        if rng.random() < 0.5:
            return [head(req_id, kind) + deep + b"\xc0"], req_id
        return [deep + b"\xc0"], None
    if pick == 4:  # wrong types after a readable id
        wrong = {"v": 1, "id": req_id, "kind": random_value(rng), "token": random_value(rng)}
        return [enc(wrong)], req_id
    if pick == 5:  # huge declared lengths
        lead = rng.choice([b"\xdb", b"\xc6", b"\xdd", b"\xdf", b"\xc5", b"\xda"])
        size = rng.choice([b"\xff\xff\xff\xf0", b"\x7f\xff\xff\xff", b"\xff\xff"])
        return [head(req_id, kind) + lead + size + rng.randbytes(rng.randrange(20))], req_id
    if pick == 6:  # mutated anywhere: the id may or may not survive
        return [mutate(rng, protocol.request_frame(req_id, kind, random_value(rng)))], None
    if pick == 7:  # text that is not UTF-8 after the id
        return [head(req_id, "ping")[:-5] + b"\xa5token\xa2\xff\xfe"], req_id
    if pick == 8:  # several frames
        return [head(req_id, kind) + b"\x80", rng.randbytes(rng.randrange(20))], req_id
    if rng.random() < 0.02:  # now and then, something large from a stranger
        return [
            head(req_id, kind) + enc({"blob": rng.randbytes(rng.randrange(70_000, 300_000))})
        ], (req_id)
    return [protocol.request_frame(req_id, kind, random_value(rng), token="made-up")], req_id


def test_request_socket_with_curve(hub: HubProcess) -> None:
    rng = random.Random(9)
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        dealer = curve_dealer(ctx, hub)
        expected: Counter[int] = Counter()
        answered: Counter[int] = Counter()
        sent = replies = 0
        for start in range(0, FRAMES, WINDOW):
            for n in range(start, min(start + WINDOW, FRAMES)):
                frames, req_id = fuzz_request(rng, 10_000 + n)
                dealer.send_multipart(frames)
                sent += 1
                if req_id is not None:
                    expected[req_id] += 1
            while replies < sent:  # every message is answered, one reply each
                answered[protocol.decode_reply(dealer.recv()).id] += 1
                replies += 1
        missing = expected - answered
        assert not missing, f"{len(missing)} frames with a readable id got no answer with it"
        assert ping(dealer, 7).ok
    finally:
        ctx.destroy(linger=0)
    assert hub.alive() and hub.tracebacks() == 0


@settings(
    max_examples=300 if not FULL else 3000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    req_id=st.integers(1, 2**63 - 1),
    kind=st.sampled_from(KINDS) | st.text(max_size=10),
    token=st.text(max_size=20),
    args=st.binary(max_size=200),
)
def test_request_id_survives_any_args(
    hub: HubProcess, req_id: int, kind: str, token: str, args: bytes
) -> None:
    """Whatever follows the head, the answer carries the request's id (hypothesis)."""
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        dealer = curve_dealer(ctx, hub)
        dealer.send(head(req_id, kind, token) + args)
        assert protocol.decode_reply(dealer.recv()).id == req_id
    finally:
        ctx.destroy(linger=0)


def junk(rng: random.Random) -> bytes:
    """Handshake junk: random bytes, or a ZMTP greeting that goes wrong somewhere."""
    pick = rng.randrange(4)
    if pick == 0:
        return rng.randbytes(rng.randrange(1, 200))
    greeting = ZMTP_SIGNATURE + bytes([3, rng.randrange(2)])
    mechanism = rng.choice([b"NULL", b"PLAIN", b"CURVE", rng.randbytes(4)]).ljust(20, b"\x00")
    greeting += mechanism + bytes([rng.randrange(2)]) + bytes(31)
    if pick == 1:
        return greeting[: rng.randrange(1, len(greeting))]  # half a greeting
    if pick == 2:
        return greeting + rng.randbytes(rng.randrange(1, 300))
    command = bytes([0x04, rng.randrange(256)]) + b"\x05HELLO" + rng.randbytes(rng.randrange(200))
    return greeting + command


def spray_tcp(port: int, chunks: int, rng: random.Random, per_connection: int = 20) -> int:
    """Sends ``chunks`` pieces of junk over fresh TCP connections; returns how many went out."""
    sent = 0
    while sent < chunks:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                for _ in range(min(per_connection, chunks - sent)):
                    conn.sendall(junk(rng))
                    sent += 1
        except OSError:  # the hub hung up on the junk: that is its right
            sent += 1
    return sent


@pytest.mark.parametrize("which", ["req", "hello", "pub"])
def test_raw_tcp_junk_without_curve(hub: HubProcess, which: str) -> None:
    port = {"req": hub.req, "hello": hub.hello, "pub": hub.pub}[which]
    assert spray_tcp(port, FRAMES, random.Random(port)) >= FRAMES
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        assert ping(curve_dealer(ctx, hub), 3).ok
    finally:
        ctx.destroy(linger=0)
    assert hub.alive() and hub.tracebacks() == 0


def test_hello_socket_random_frames(hub: HubProcess) -> None:
    in_own_process(_spray_hello, hub.hello, FRAMES)
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        fresh = ctx.socket(zmq.DEALER)
        fresh.setsockopt(zmq.LINGER, 0)
        fresh.setsockopt(zmq.RCVTIMEO, 10_000)
        fresh.connect(f"tcp://127.0.0.1:{hub.hello}")
        fresh.send(b"hello")
        assert protocol.encode(hub.key) in fresh.recv()
    finally:
        ctx.destroy(linger=0)
    assert hub.alive() and hub.tracebacks() == 0


def _spray_hello(port: int, frames: int) -> None:
    """Random frames at the hello socket, which answers anything small and drops the rest."""
    rng = random.Random(5)
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        sock = ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(f"tcp://127.0.0.1:{port}")
        for _ in range(frames):
            size = rng.choice([0, 5, 200, protocol.HELLO_MAX_BYTES, 4000])
            sock.send_multipart([rng.randbytes(size) for _ in range(rng.randrange(1, 3))])
        sock.close(linger=0)
    finally:
        ctx.destroy(linger=0)


def in_own_process(target: Callable[..., None], *args: Any) -> None:
    """Runs a stranger's junk-sending in a process of its own, as a stranger's would be.

    A peer's ZeroMQ may abort its own process when the hub hangs up on it just as it
    sends or closes (libzmq asserts in a few such races: zeromq/libzmq#3442); once, in
    this process, that ended the whole test run. The hub's health is what the tests
    check; the sender's own mistakes (any other exit) still fail them.
    """
    proc = multiprocessing.get_context("spawn").Process(target=target, args=args)
    proc.start()
    proc.join(240)
    assert proc.exitcode in (0, -signal.SIGABRT), f"the sender exited with {proc.exitcode}"


def test_events_socket_garbage(hub: HubProcess) -> None:
    """Subscription junk from a CURVE XSUB, and a DEALER that is the wrong socket type.

    Fresh sockets every BATCH frames: a peer the hub drops keeps its queue on its side,
    and 100,000 frames queued in one process would measure the sender, not the hub.
    """
    in_own_process(_spray_events, hub.key, hub.pub, FRAMES)
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        assert ping(curve_dealer(ctx, hub), 4).ok
    finally:
        ctx.destroy(linger=0)
    assert hub.alive() and hub.tracebacks() == 0


def _spray_events(key: str, port: int, frames: int) -> None:
    rng = random.Random(6)
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        for start in range(0, frames, BATCH):
            xsub, wrong = events_peers(ctx, key, port)
            for _ in range(min(BATCH, frames - start)):
                size = rng.choice([0, 1, 30, 2000, 10_000])
                with contextlib.suppress(zmq.Again):  # the hub drops oversized senders
                    xsub.send(bytes([rng.randrange(3)]) + rng.randbytes(size), zmq.NOBLOCK)
                with contextlib.suppress(zmq.Again):
                    wrong.send(rng.randbytes(size), zmq.NOBLOCK)
            xsub.close(linger=0)
            wrong.close(linger=0)
    finally:
        ctx.destroy(linger=0)


BATCH = 1_000  # frames per pair of fresh sockets in test_events_socket_garbage


def events_peers(
    ctx: zmq.Context[Any], key: str, port: int
) -> tuple[zmq.Socket[Any], zmq.Socket[Any]]:
    """A CURVE XSUB at the event socket, and a CURVE DEALER there (the wrong socket type)."""
    return curve_socket(ctx, zmq.XSUB, key, port), curve_socket(ctx, zmq.DEALER, key, port)


def lobby_message(rng: random.Random) -> bytes:
    pick = rng.randrange(6)
    if pick == 0:
        return rng.randbytes(rng.randrange(1, 500)) + b"\n"
    if pick == 1:
        depth = rng.randrange(100, 30_000)
        return (b"[" * depth + b"]" * depth)[: 64 * 1024 - 1] + b"\n"
    if pick == 2:
        report = {"kind": "game_finished", "room_id": rng.randbytes(4).hex(), "kick_all": False}
        return json.dumps(report).encode() + b"\n"
    if pick == 3:
        return json.dumps(random_value(rng), default=repr).encode()  # ended by closing
    if pick == 4:
        return b'{"kind": "game_finished", "room_id": "' + b"\xff\xfe" * 10 + b'"}\n'
    return b"x" * (64 * 1024 + rng.randrange(1, 1000)) + b"\n"  # too long


async def _ask_lobby(port: int, message: bytes) -> dict[str, Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(message)
        if not message.endswith(b"\n"):
            writer.write_eof()
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 15)
        answer: dict[str, Any] = json.loads(line)
        return answer
    finally:
        writer.close()


async def test_game_finished_listener(hub: HubProcess) -> None:
    rng = random.Random(7)
    started = time.monotonic()
    port = hub.lobby_port()
    limit = asyncio.Semaphore(32)
    connections = FRAMES if FULL else FRAMES // 6  # one message per connection

    async def one() -> dict[str, Any]:
        async with limit:
            return await _ask_lobby(port, lobby_message(rng))

    answers = await asyncio.gather(*(one() for _ in range(connections)))
    assert all(a["ok"] is False and a["error"].endswith(".") for a in answers)
    ok = await _ask_lobby(port, b'{"kind": "game_finished", "room_id": "none"}\n')
    assert ok["ok"] is False and "no open room" in ok["error"]
    assert hub.alive() and hub.tracebacks() == 0
    lines = [
        line for line in hub.log_text().splitlines() if "hub_core.server.lobby.callback" in line
    ]
    intervals = 1 + (time.monotonic() - started) / 10  # the log's interval is 10 s
    # "Listening", then per source (this host, the unknown rooms) a line and a summary
    assert len(lines) <= 1 + 2 * 2 * intervals, lines[:10]
