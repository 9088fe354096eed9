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
                received = sock.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                if self._readable():  # a message arrived since: the edge is not lost
                    continue
                return
            if self._peer_addresses:
                self._last = received[-1]
            frames: list[Frame] = [f.bytes if len(f) < _COPY_BELOW else f.buffer for f in received]
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


def peer_address(frame: zmq.Frame) -> str:
    """The sender's IP address, or "" where the transport has none (ipc, inproc)."""
    try:
        return str(frame.get("Peer-Address"))
    except zmq.ZMQError:
        return ""
