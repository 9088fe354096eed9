"""The hub's sockets: a CURVE ROUTER for requests, a CURVE PUB for events, a plain hello.

Everything runs on one asyncio loop. A request is decoded, checked and handed to its
handler; a handler that must wait runs as its own task, so a slow request never holds up
the others. Replies go out with NOBLOCK: a client that never reads only fills its own
queue, which ZeroMQ then drops, and the hub carries on.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec
import zmq

from hub_core import protocol
from hub_core._routes import Context, Route, Routes
from hub_core._zmqloop import SocketReader
from hub_core.codes import Code
from hub_core.errors import GameHubError, RequestRefused
from hub_core.keys import KeyPair
from hub_core.sessions import Sessions

log = logging.getLogger(__name__)

# Above this many requests in progress the hub answers "busy" instead of queueing more.
MAX_IN_FLIGHT = 2000
# Send queue per client, in messages; beyond it replies to that client are dropped.
SEND_HWM = 1000
_BIND_TRIES = 50


@dataclass(frozen=True)
class Ports:
    """Where the hub listens: requests on ``req``, hello on ``req + 1``, events on ``pub``."""

    req: int
    hello: int
    pub: int


class WireServer:
    """Owns the sockets; ``routes`` and ``sessions`` decide what each request does."""

    def __init__(
        self,
        *,
        keys: KeyPair,
        routes: Routes,
        sessions: Sessions,
        hello: Callable[[Ports], protocol.Hello],
        bind: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._keys = keys
        self._routes = routes
        self._sessions = sessions
        self._hello = hello
        self._bind = bind
        self._port = port
        self._ctx = zmq.Context()
        self._seq: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._readers: list[SocketReader] = []
        self.ports = Ports(0, 0, 0)

    # -- life cycle -------------------------------------------------------------------

    def start(self) -> Ports:
        """Binds and starts serving on the running loop; raises GameHubError if ports are taken."""
        loop = asyncio.get_running_loop()
        self._router = self._socket(zmq.ROUTER, curve=True)
        self._hello_sock = self._socket(zmq.ROUTER, curve=False)
        self._pub = self._socket(zmq.PUB, curve=True)
        self.ports = self._bind_all()
        self._req_reader = SocketReader(loop, self._router, self._on_request)
        self._hello_reader = SocketReader(loop, self._hello_sock, self._on_hello)
        self._readers = [self._req_reader, self._hello_reader]
        for reader in self._readers:
            reader.start()
        return self.ports

    async def stop(self) -> None:
        """Stops reading, lets running handlers finish briefly, then closes every socket."""
        for reader in self._readers:
            reader.close()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=2.0)
            for task in self._tasks:
                task.cancel()
        for sock in (self._router, self._hello_sock, self._pub):
            sock.close(linger=200)
        self._ctx.term()

    def _socket(self, kind: int, *, curve: bool) -> zmq.Socket[bytes]:
        sock: zmq.Socket[bytes] = self._ctx.socket(kind)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, protocol.HARD_MESSAGE_BYTES)
        sock.setsockopt(zmq.SNDHWM, SEND_HWM)
        sock.setsockopt(zmq.RCVHWM, SEND_HWM)
        if curve:
            sock.curve_server = True
            sock.curve_secretkey = self._keys.secret
            sock.curve_publickey = self._keys.public
        return sock

    def _bind_all(self) -> Ports:
        """Binds req, hello (req + 1) and pub (req + 2); with port 0, tries random ports."""
        tries = 1 if self._port else _BIND_TRIES
        last: zmq.ZMQError | None = None
        for _ in range(tries):
            req = self._port or random.randrange(20000, 60000)
            bound: list[tuple[zmq.Socket[bytes], str]] = []
            try:
                for offset, sock in enumerate((self._router, self._hello_sock, self._pub)):
                    address = f"tcp://{self._bind}:{req + offset}"
                    sock.bind(address)
                    bound.append((sock, address))
            except zmq.ZMQError as exc:
                last = exc
                for sock, address in bound:
                    sock.unbind(address)
                continue
            return Ports(req=req, hello=req + 1, pub=req + 2)
        where = f"port {self._port}" if self._port else "any free port"
        raise GameHubError(
            f"Could not listen on {self._bind} {where} and the two ports after it ({last})."
        )

    # -- events -----------------------------------------------------------------------

    def publish(self, topic: str, kind: str, data: Any = None) -> int:
        """Sends an event to subscribers of ``topic``; returns its sequence number."""
        seq = self._seq.get(topic, 0) + 1
        self._seq[topic] = seq
        event = protocol.Event(topic=topic, seq=seq, kind=kind, data=data)
        try:
            self._pub.send_multipart(
                [protocol.topic_frame(topic), protocol.encode(event)], zmq.NOBLOCK
            )
        except zmq.Again:  # PUB drops rather than blocks; this is only a safety net
            log.warning("Dropped event %s on %s", kind, topic)
        return seq

    def topic_seq(self, topic: str) -> int:
        """The last sequence number sent on ``topic`` (for snapshots)."""
        return self._seq.get(topic, 0)

    # -- requests ---------------------------------------------------------------------

    def _on_hello(self, frames: list[bytes]) -> None:
        if len(frames) >= 2:
            self._send(self._hello_sock, frames[0], protocol.encode(self._hello(self.ports)))
            self._hello_reader.kick()

    def _on_request(self, frames: list[bytes]) -> None:
        peer = frames[0]
        if len(frames) != 2:
            self._reply(
                peer, protocol.error_reply(0, Code.BAD_REQUEST, _frame_count_message(len(frames)))
            )
            return
        frame = frames[1]
        try:
            env = protocol.decode_envelope(frame)
        except protocol.DECODE_ERRORS as exc:
            message = protocol.describe_decode_error(exc)
            self._reply(peer, protocol.error_reply(_guess_id(frame), Code.BAD_REQUEST, message))
            return
        if len(frame) > protocol.MAX_MESSAGE_BYTES:
            text = (
                f"The request is too large ({len(frame):,} bytes; the limit is "
                f"{protocol.MAX_MESSAGE_BYTES:,})."
            )
            self._reply(peer, protocol.error_reply(env.id, Code.TOO_LARGE, text))
            return
        self._dispatch(peer, env)

    def _dispatch(self, peer: bytes, env: protocol.Envelope) -> None:
        try:
            route, args, ctx = self._admit(peer, env)
            result = route.handler(ctx, args)
        except RequestRefused as exc:
            self._reply(peer, protocol.error_reply(env.id, exc.code, str(exc)))
            return
        except Exception:
            log.exception("Request %r failed", env.kind)
            self._reply(peer, protocol.error_reply(env.id, Code.INTERNAL, _INTERNAL))
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(self._finish(peer, env, result))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self._reply(peer, _ok(env.id, result))

    def _admit(self, peer: bytes, env: protocol.Envelope) -> tuple[Route, Any, Context]:
        """Checks version, kind, load, arguments and access; raises RequestRefused."""
        if env.v != protocol.PROTOCOL_VERSION:
            raise RequestRefused(
                Code.PROTOCOL_VERSION,
                f"This hub speaks protocol version {protocol.PROTOCOL_VERSION}, the app "
                f"version {env.v}; update the older one.",
            )
        route = self._routes.get(env.kind)
        if route is None:
            raise RequestRefused(
                Code.UNKNOWN_KIND, f"The hub does not know the request {env.kind!r}."
            )
        if len(self._tasks) >= MAX_IN_FLIGHT:
            raise RequestRefused(Code.BUSY, "The hub is too busy right now; try again in a moment.")
        try:
            args = route.decoder.decode(env.args)
        except protocol.DECODE_ERRORS as exc:
            raise RequestRefused(Code.BAD_REQUEST, protocol.describe_decode_error(exc)) from None
        session = None
        if route.access is not None:
            role = None if route.access == "any" else route.access
            session = self._sessions.check(env.token, role)
        return route, args, Context(session=session, peer=peer)

    async def _finish(self, peer: bytes, env: protocol.Envelope, pending: Any) -> None:
        try:
            frame = _ok(env.id, await pending)
        except RequestRefused as exc:
            frame = protocol.error_reply(env.id, exc.code, str(exc))
        except asyncio.CancelledError:
            frame = protocol.error_reply(env.id, Code.BUSY, "The hub is stopping; try again later.")
        except Exception:
            log.exception("Request %r failed", env.kind)
            frame = protocol.error_reply(env.id, Code.INTERNAL, _INTERNAL)
        self._reply(peer, frame)
        self._req_reader.kick()

    def _reply(self, peer: bytes, frame: bytes) -> None:
        self._send(self._router, peer, frame)

    @staticmethod
    def _send(sock: zmq.Socket[bytes], peer: bytes, frame: bytes) -> None:
        try:
            sock.send_multipart([peer, frame], zmq.NOBLOCK)
        except zmq.ZMQError as exc:  # peer gone or its queue full: its loss, not the hub's
            log.debug("Reply dropped: %s", exc)


_INTERNAL = "The hub hit an internal error; it has been logged on the hub."


def _ok(req_id: int, result: Any) -> bytes:
    try:
        return protocol.ok_reply(req_id, result)
    except (TypeError, msgspec.EncodeError):
        log.exception("Reply to request %d could not be encoded", req_id)
        return protocol.error_reply(req_id, Code.INTERNAL, _INTERNAL)


def _frame_count_message(count: int) -> str:
    return f"A request must be exactly one frame; this one had {count - 1}."


def _guess_id(frame: bytes) -> int:
    """The request id of a frame that failed validation, if one can be read, else 0."""
    try:
        data = msgspec.msgpack.decode(frame)
    except (*protocol.DECODE_ERRORS, ValueError):
        return 0
    req_id = data.get("id") if isinstance(data, dict) else None
    return req_id if isinstance(req_id, int) and not isinstance(req_id, bool) else 0
