"""SocketReader over real ZeroMQ sockets on 127.0.0.1: every message, in order, without
starving the loop, past a failing handler, and nothing after close."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
import zmq

from hub_core.server._zmqloop import _BATCH, _COPY_BELOW, SocketReader, send_pair


@pytest.fixture
def pair() -> Iterator[tuple[zmq.Socket[bytes], zmq.Socket[bytes]]]:
    """A PUSH socket connected to a PULL socket over TCP on 127.0.0.1."""
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push.connect(f"tcp://127.0.0.1:{port}")
    yield push, pull
    push.close(linger=0)
    pull.close(linger=0)
    ctx.term()


class Inbox:
    """Collects messages; ``wait(n)`` returns once n have arrived (or fails after 10 s)."""

    def __init__(self) -> None:
        self.messages: list[list[bytes]] = []
        self._arrived = asyncio.Event()

    def __call__(self, frames: list[bytes]) -> None:
        self.messages.append(frames)
        self._arrived.set()

    async def wait(self, count: int) -> None:
        async with asyncio.timeout(10):
            while len(self.messages) < count:
                self._arrived.clear()
                await self._arrived.wait()


async def test_every_message_arrives_in_order_with_all_its_frames(
    pair: tuple[zmq.Socket[bytes], zmq.Socket[bytes]],
) -> None:
    push, pull = pair
    inbox = Inbox()
    reader = SocketReader(asyncio.get_running_loop(), pull, inbox)
    reader.start()
    try:
        for n in range(100):
            push.send_multipart([b"head", str(n).encode()])
        await inbox.wait(100)
    finally:
        reader.close()
    assert inbox.messages == [[b"head", str(n).encode()] for n in range(100)]


async def test_messages_of_any_part_count_keep_their_parts_and_large_ones_are_views(
    pair: tuple[zmq.Socket[bytes], zmq.Socket[bytes]],
) -> None:
    push, pull = pair
    inbox = Inbox()
    reader = SocketReader(asyncio.get_running_loop(), pull, inbox)
    reader.start()
    big = b"b" * (_COPY_BELOW + 1)
    sent = [[b"one"], [b"a", b"b", b"c"], [b"", big], [b"x"] * 7]
    try:
        for message in sent:
            push.send_multipart(message)
        send_pair(push, b"pair", b"sent")
        await inbox.wait(len(sent) + 1)
    finally:
        reader.close()
    assert [[bytes(f) for f in m] for m in inbox.messages] == [*sent, [b"pair", b"sent"]]
    assert isinstance(inbox.messages[2][1], memoryview)
    assert all(isinstance(f, bytes) for m in inbox.messages[:2] for f in m)


async def test_messages_queued_before_start_are_read(
    pair: tuple[zmq.Socket[bytes], zmq.Socket[bytes]],
) -> None:
    """The edge for them fired before anyone listened; start() drains once anyway."""
    push, pull = pair
    for n in range(5):
        push.send(str(n).encode())
    assert pull.poll(10_000), "the messages never reached the PULL socket"
    await asyncio.sleep(0.2)  # let the rest of the five arrive; the edge is long gone
    inbox = Inbox()
    reader = SocketReader(asyncio.get_running_loop(), pull, inbox)
    reader.start()
    try:
        await inbox.wait(5)
    finally:
        reader.close()
    assert [m[0] for m in inbox.messages] == [b"0", b"1", b"2", b"3", b"4"]


async def test_a_busy_socket_lets_other_callbacks_run_between_batches() -> None:
    """inproc here: a message is queued at the receiver when send returns, so all of
    them are waiting before the reader starts."""
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    pull, push = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
    pull.bind("inproc://busy")
    push.connect("inproc://busy")
    total = 3 * _BATCH
    for n in range(total):
        push.send(str(n).encode(), zmq.NOBLOCK)
    inbox = Inbox()
    loop = asyncio.get_running_loop()
    reader = SocketReader(loop, pull, inbox)
    seen_at: list[int] = []
    reader.start()
    loop.call_soon(lambda: seen_at.append(len(inbox.messages)))
    try:
        await inbox.wait(total)
    finally:
        reader.close()
        push.close(linger=0)
        pull.close(linger=0)
        ctx.term()
    assert len(inbox.messages) == total
    assert seen_at == [_BATCH]  # the first batch, then the other callback, then the rest


async def test_a_failing_handler_does_not_stop_the_reader(
    pair: tuple[zmq.Socket[bytes], zmq.Socket[bytes]], caplog: pytest.LogCaptureFixture
) -> None:
    push, pull = pair
    inbox = Inbox()

    def picky(frames: list[bytes]) -> None:
        if frames == [b"bad"]:
            raise ValueError("cannot handle this")
        inbox(frames)

    reader = SocketReader(asyncio.get_running_loop(), pull, picky)
    reader.start()
    try:
        with caplog.at_level(logging.ERROR, logger="hub_core.server._zmqloop"):
            for data in (b"one", b"bad", b"two"):
                push.send(data)
            await inbox.wait(2)
    finally:
        reader.close()
    assert inbox.messages == [[b"one"], [b"two"]]
    assert "Handling a message failed" in caplog.text


async def test_nothing_is_read_after_close(
    pair: tuple[zmq.Socket[bytes], zmq.Socket[bytes]],
) -> None:
    push, pull = pair
    inbox = Inbox()
    reader = SocketReader(asyncio.get_running_loop(), pull, inbox)
    reader.start()
    push.send(b"before")
    await inbox.wait(1)
    reader.close()
    reader.close()  # twice is fine
    reader.kick()  # and a kick after close schedules nothing
    push.send(b"after")
    assert pull.poll(10_000)  # the message is there to be read...
    await asyncio.sleep(0.1)  # ...and the loop has had its turns
    assert inbox.messages == [[b"before"]]
