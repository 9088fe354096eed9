"""Reading ZeroMQ sockets from an asyncio selector loop without zmq.asyncio's per-message futures.

ZeroMQ's file descriptor is edge-triggered: it signals "something changed", not "a
message is waiting". So every wake-up drains the socket until EVENTS shows no input,
and after sending (which can swallow the edge) the owner calls ``kick()`` to drain again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import zmq

log = logging.getLogger(__name__)

# Messages handled per wake-up before yielding, so one busy socket cannot starve the loop.
_BATCH = 512
# Bytes handled per wake-up before yielding: a run of 16 MB frames waits its turn too.
_BATCH_BYTES = 4 * 1024 * 1024

# Frames up to this size arrive as bytes; larger ones as a memoryview of ZeroMQ's own
# buffer, so a 16 MB frame is never copied just to be looked at and refused.
_COPY_BELOW = 64 * 1024

# Plain ints: pyzmq's flags are enum members, and ``SNDMORE | NOBLOCK`` or asking a socket
# for RCVMORE goes through Python's enum machinery on every call. On the hub's request
# path that cost more than the rest of ZeroMQ's work per message (measured with callgrind:
# recv_multipart + send_multipart 58k instructions a request, this module's way 25k).
_NOBLOCK = int(zmq.NOBLOCK)
_MORE_NOBLOCK = int(zmq.SNDMORE | zmq.NOBLOCK)

Frame = bytes | memoryview
OnMessage = Callable[[list[Frame]], None]


class SocketReader:
    """Calls ``on_message(frames)`` for every message arriving on ``sock``."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: zmq.Socket[bytes],
        on_message: OnMessage,
        *,
        peer_addresses: bool = False,
    ):
        self._loop = loop
        self._sock = sock
        self._on_message = on_message
        self._peer_addresses = peer_addresses
        # With peer_addresses: the last frame of the message being handled, whose
        # "Peer-Address" ZeroMQ gives per message; read only when asked (logins).
        self._last: zmq.Frame | None = None
        self._fd: int = sock.getsockopt(zmq.FD)  # type: ignore[assignment]
        self._scheduled = False
        self._closed = False

    @property
    def last_frame(self) -> zmq.Frame | None:
        """With peer_addresses, a frame of the message being handled (during on_message):
        kept, not read, because only a login asks for the sender's address."""
        return self._last

    def start(self) -> None:
        self._loop.add_reader(self._fd, self._drain)
        self.kick()

    def kick(self) -> None:
        """Schedules a drain; call after sending on the socket."""
        if not self._scheduled and not self._closed:
            self._scheduled = True
            self._loop.call_soon(self._drain)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._loop.remove_reader(self._fd)

    def _drain(self) -> None:
        self._scheduled = False
        if self._closed:
            return
        sock = self._sock
        handled = 0
        for _ in range(_BATCH):
            if handled >= _BATCH_BYTES:
                break
            try:
                frames, last = _receive(sock)
            except zmq.Again:
                if self._readable():  # a message arrived since: the edge is not lost
                    continue
                return
            if self._peer_addresses:
                self._last = last
            handled += sum(len(frame) for frame in frames)
            try:
                self._on_message(frames)
            except Exception:  # one bad message must never stop the socket being read
                log.exception("Handling a message failed")
        self.kick()  # more may be waiting; continue after other callbacks had a turn

    def _readable(self) -> bool:
        """Asks ZeroMQ for the socket's state, which also re-arms its edge-triggered fd.

        Asked once per drain, when a receive finds nothing, not before every message:
        pyzmq wraps the answer in an enum, which cost the hub 5 % of its time per request.
        """
        return bool(self._sock.getsockopt(zmq.EVENTS) & zmq.POLLIN)  # type: ignore[operator,arg-type]


def _receive(sock: zmq.Socket[bytes]) -> tuple[list[Frame], zmq.Frame]:
    """One whole message, its parts as bytes (or views, when large), and its last Frame.

    Each part's Frame says whether more follow, so RCVMORE is never asked (see above).
    Raises zmq.Again when no message is waiting.
    """
    frames: list[Frame] = []
    while True:
        part = sock.recv(_NOBLOCK, copy=False)
        frames.append(part.bytes if len(part) < _COPY_BELOW else part.buffer)
        if not part.more:
            return frames, part


def send_pair(sock: zmq.Socket[bytes], first: bytes, second: bytes | memoryview) -> None:
    """Sends a two-part message (peer and frame, topic and event) without blocking.

    Raises zmq.ZMQError (zmq.Again when the queue is full) as send_multipart would.
    """
    sock.send(first, _MORE_NOBLOCK)
    sock.send(second, _NOBLOCK)


def peer_address(frame: zmq.Frame) -> str:
    """The sender's IP address, or "" where the transport has none (ipc, inproc)."""
    try:
        return str(frame.get("Peer-Address"))
    except zmq.ZMQError:
        return ""
