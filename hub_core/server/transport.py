"""The hub's sockets: a CURVE ROUTER for requests, a CURVE PUB for events, a plain hello.

Everything runs on one asyncio loop. A request is decoded, checked and handed to its
handler; a handler that must wait runs as its own task, so a slow request never holds up
the others. Replies go out with NOBLOCK: a client that never reads only fills its own
queue, which ZeroMQ then drops, and the hub carries on.

Every frame gets an answer (with its id whenever the id can be read) or is dropped on
purpose, and nothing a stranger sends costs more than a glance before it is refused:
frames over SMALL_MESSAGE_BYTES are judged from their first bytes (kind and token, read
without decoding) and refused unless a logged-in developer sends a game's index or
blocks; nesting deeper than the decoder's recursion limit is refused as malformed; bad
frames are logged once per peer per interval, never one line or traceback each.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec
import zmq

from hub_core.errors import GameHubError, RequestRefused
from hub_core.server._zmqloop import Frame, SocketReader, send_pair
from hub_core.server.routes import Context, Route, Routes
from hub_core.server.sessions import Role, Sessions
from hub_core.util.ratelog import RateLimitedLog
from hub_core.wire import protocol
from hub_core.wire._msgpack_head import Head, read_head
from hub_core.wire.blocks_frame import BlocksFrame
from hub_core.wire.codes import Code
from hub_core.wire.keys import KeyPair

log = logging.getLogger(__name__)

# Above this many requests in progress the hub answers "busy" instead of queueing more.
MAX_IN_FLIGHT = 2000
# Send queue per client, in messages; beyond it replies to that client are dropped.
SEND_HWM = 1000
# Received messages queued per peer before ZeroMQ stops reading from it (back-pressure, not
# loss): bounds what one peer can make the hub hold while the loop is busy.
RECV_HWM = 32
HELLO_HWM = 16
# Subscriptions are topic names; nothing larger ever needs to reach the PUB socket.
SUBSCRIPTION_MAX_BYTES = 4096
_BIND_TRIES = 50
# Big CURVE frames are en- and decrypted on one I/O thread; others' keep flowing. Each
# thread serves its share of the connections in turn, so a lobby reply waits behind the
# 2 MB transfer frames of those sharing its thread: with 40 players transferring, six
# threads kept the browsing p99 at 39-57 ms where four gave 44-73 (bench/party.py).
IO_THREADS = 6


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
        self._ctx = zmq.Context(io_threads=IO_THREADS)
        self._seq: dict[str, int] = {}
        # Random per start: sequence numbers restart at 1, so clients need to tell hubs apart.
        self.incarnation = secrets.token_hex(8)
        self._tasks: dict[asyncio.Task[None], str] = {}  # handlers in progress -> their kind
        # Raises RequestRefused for a kind the hub refuses for now (during a handoff).
        self.gate: Callable[[str], None] | None = None
        self._readers: list[SocketReader] = []
        self._bad_frames = RateLimitedLog(log, "malformed requests")
        # Large replies not yet sent: their tracker, size, and what to call once they have gone.
        self._outbox: list[tuple[zmq.MessageTracker, int, Callable[[], None] | None]] = []
        self.ports = Ports(0, 0, 0)

    # -- life cycle -------------------------------------------------------------------

    def start(self) -> Ports:
        """Binds and starts serving on the running loop; raises GameHubError if ports are taken."""
        loop = asyncio.get_running_loop()
        self._router = self._socket(zmq.ROUTER, curve=True)
        self._hello_sock = self._socket(
            zmq.ROUTER, curve=False, max_bytes=protocol.HELLO_MAX_BYTES, rcvhwm=HELLO_HWM
        )
        self._pub = self._socket(zmq.PUB, curve=True, max_bytes=SUBSCRIPTION_MAX_BYTES)
        self.ports = self._bind_all()
        self._req_reader = SocketReader(loop, self._router, self._on_request, peer_addresses=True)
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

    def _socket(
        self,
        kind: int,
        *,
        curve: bool,
        max_bytes: int = protocol.HARD_MESSAGE_BYTES,
        rcvhwm: int = RECV_HWM,
    ) -> zmq.Socket[bytes]:
        sock: zmq.Socket[bytes] = self._ctx.socket(kind)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, max_bytes)  # ZeroMQ drops a peer that sends more
        sock.setsockopt(zmq.SNDHWM, SEND_HWM)
        sock.setsockopt(zmq.RCVHWM, rcvhwm)
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
        event = protocol.Event(
            topic=topic, seq=seq, kind=kind, data=data, incarnation=self.incarnation
        )
        try:
            send_pair(self._pub, protocol.topic_frame(topic), protocol.encode(event))
        except zmq.Again:  # PUB drops rather than blocks; this is only a safety net
            log.warning("Dropped event %s on %s", kind, topic)
        return seq

    def topic_seq(self, topic: str) -> int:
        """The last sequence number sent on ``topic`` (for snapshots)."""
        return self._seq.get(topic, 0)

    # -- requests ---------------------------------------------------------------------

    def _on_hello(self, frames: list[Frame]) -> None:
        if len(frames) >= 2:
            self._send(self._hello_sock, bytes(frames[0]), protocol.encode(self._hello(self.ports)))
            self._hello_reader.kick()

    def _on_request(self, frames: list[Frame]) -> None:
        peer = bytes(frames[0])
        if len(frames) != 2:
            req_id = (read_head(frames[1]).id or 0) if len(frames) > 1 else 0
            self._refuse(peer, req_id, Code.BAD_REQUEST, _frame_count_message(len(frames)))
            return
        frame = frames[1]
        try:
            if len(frame) > protocol.SMALL_MESSAGE_BYTES:
                env = self._large_envelope(frame, read_head(frame))
            else:  # decoding a small frame whole is cheaper than reading its head first
                env = self._small_envelope(frame)
        except RequestRefused as exc:
            self._refuse(peer, _request_id(frame), exc.code, str(exc))
            return
        self._dispatch(peer, env)

    @staticmethod
    def _small_envelope(frame: Frame) -> protocol.Envelope:
        """Decodes a frame small enough to decode whole; raises RequestRefused if malformed."""
        try:
            return protocol.decode_envelope(frame)
        except protocol.DECODE_ERRORS as exc:
            raise RequestRefused(Code.BAD_REQUEST, protocol.describe_decode_error(exc)) from None

    def _large_envelope(self, frame: Frame, head: Head) -> protocol.Envelope:
        """Judges a large frame from its head alone; only a developer's index or blocks pass.

        Nothing of ``args`` is decoded here: the route's typed decoder does that later and
        stops at the first wrong value, so a frame of 16 MB of junk costs microseconds.
        """
        size = len(frame)
        if size > protocol.MAX_MESSAGE_BYTES:
            raise RequestRefused(
                Code.TOO_LARGE,
                f"The request is too large ({size:,} bytes; the limit is "
                f"{protocol.MAX_MESSAGE_BYTES:,}).",
            )
        kind, v, req_id = head.text("kind"), head.number("v"), head.id
        route = self._routes.get(kind) if kind is not None else None
        if route is None or not route.large or v is None or req_id is None or head.args_at is None:
            raise RequestRefused(
                Code.TOO_LARGE,
                f"The request is too large ({size:,} bytes): only a game's files, sent while "
                f"publishing, may take more than {protocol.SMALL_MESSAGE_BYTES:,} bytes.",
            )
        token = head.text("token") or ""
        self._sessions.check(token, _role(route))  # strangers are refused before any decoding
        args = msgspec.Raw(memoryview(frame)[head.args_at :])
        return protocol.Envelope(v=v, id=req_id, kind=route.kind, token=token, args=args)

    def _refuse(self, peer: bytes, req_id: int, code: str, message: str) -> None:
        """Answers a refused request; malformed and oversized ones are also logged, sparingly."""
        self._reply(peer, protocol.error_reply(req_id, code, message))
        if code in (Code.BAD_REQUEST, Code.TOO_LARGE):
            self._bad_frames.note(f"peer {peer.hex()}", message)

    def _dispatch(self, peer: bytes, env: protocol.Envelope) -> None:
        try:
            route, args, ctx = self._admit(peer, env)
            result = route.handler(ctx, args)
        except RequestRefused as exc:
            self._refuse(peer, env.id, exc.code, str(exc))
            return
        except Exception:
            log.exception("Request %r failed", env.kind)
            self._reply(peer, protocol.error_reply(env.id, Code.INTERNAL, _INTERNAL))
            return
        if inspect.isawaitable(result):
            # Only the id and kind: the request's frame may be megabytes of blocks.
            task = asyncio.ensure_future(self._finish(peer, env.id, env.kind, result))
            self._tasks[task] = env.kind
            task.add_done_callback(self._forget)
        else:
            self._reply(peer, _ok(env.id, result))

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._tasks.pop(task, None)

    async def drain(self, keep: frozenset[str], timeout: float) -> None:
        """Waits for the handlers in progress, except those of kinds in ``keep``."""
        waiting = [t for t, kind in self._tasks.items() if kind not in keep]
        if waiting:
            await asyncio.wait(waiting, timeout=timeout)

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
        if self.gate is not None:
            self.gate(route.kind)
        if len(self._tasks) >= MAX_IN_FLIGHT:
            raise RequestRefused(Code.BUSY, "The hub is too busy right now; try again in a moment.")
        try:
            args = route.decoder.decode(env.args)
        except protocol.DECODE_ERRORS as exc:
            raise RequestRefused(Code.BAD_REQUEST, protocol.describe_decode_error(exc)) from None
        session = None
        if route.access is not None:
            session = self._sessions.check(env.token, _role(route))
        # The message being handled now, for its sender's address; never kept for routes
        # that carry blocks, whose frame would then stay in memory until the blocks are stored.
        origin = None if route.large else self._req_reader.last_frame
        return route, args, Context(session=session, peer=peer, origin=origin)

    async def _finish(self, peer: bytes, req_id: int, kind: str, pending: Any) -> None:
        frame: bytes | memoryview
        sent: Callable[[], None] | None = None
        try:
            result = await pending
            if isinstance(result, BlocksFrame):  # laid out around its blocks: sent as it is
                frame, sent = result.frame(req_id), result.release
            else:
                frame = _ok(req_id, result)
        except RequestRefused as exc:
            frame = protocol.error_reply(req_id, exc.code, str(exc))
        except asyncio.CancelledError:
            frame = protocol.error_reply(req_id, Code.BUSY, "The hub is stopping; try again later.")
        except Exception:
            log.exception("Request %r failed", kind)
            frame = protocol.error_reply(req_id, Code.INTERNAL, _INTERNAL)
        self._reply(peer, frame, sent)
        self._req_reader.kick()

    def _reply(
        self, peer: bytes, frame: bytes | memoryview, sent: Callable[[], None] | None = None
    ) -> None:
        """Sends a reply; ``sent`` is called once ZeroMQ no longer reads ``frame``."""
        if len(frame) > protocol.SMALL_MESSAGE_BYTES:
            self._send_tracked(peer, frame, sent)
            return
        self._send(self._router, peer, frame)  # copied
        if sent is not None:
            sent()

    def _send_tracked(
        self, peer: bytes, frame: bytes | memoryview, sent: Callable[[], None] | None
    ) -> None:
        """Hands a large reply to ZeroMQ without a copy and notes it until it has gone."""
        try:
            tracker = self._router.send_multipart(
                [peer, frame], zmq.NOBLOCK, copy=False, track=True
            )
        except zmq.ZMQError as exc:
            log.debug("Reply dropped: %s", exc)
            tracker = None  # never queued: ZeroMQ holds nothing of it
        if tracker is not None:
            self._outbox.append((tracker, len(frame), sent))
        elif sent is not None:
            sent()

    def queued_bytes(self) -> int:
        """Bytes of large replies handed to ZeroMQ and not yet sent (the send budget's
        measure); the replies it has let go of are told so."""
        waiting = []
        for tracker, size, sent in self._outbox:
            if not tracker.done:
                waiting.append((tracker, size, sent))
            elif sent is not None:
                sent()
        self._outbox = waiting
        return sum(size for _, size, _ in waiting)

    @staticmethod
    def _send(sock: zmq.Socket[bytes], peer: bytes, frame: bytes | memoryview) -> None:
        try:
            send_pair(sock, peer, frame)
        except zmq.ZMQError as exc:  # peer gone or its queue full: its loss, not the hub's
            log.debug("Reply dropped: %s", exc)


_INTERNAL = "The hub hit an internal error; it has been logged on the hub."


def _role(route: Route) -> Role | None:
    """The role ``Sessions.check`` wants for a route that needs a login (None: any role)."""
    return None if route.access == "any" else route.access


def _ok(req_id: int, result: Any) -> bytes:
    try:
        return protocol.ok_reply(req_id, result)
    except (TypeError, msgspec.EncodeError):
        log.exception("Reply to request %d could not be encoded", req_id)
        return protocol.error_reply(req_id, Code.INTERNAL, _INTERNAL)


def _frame_count_message(count: int) -> str:
    return f"A request must be exactly one frame; this one had {count - 1}."


def _request_id(frame: Frame) -> int:
    """The id to answer a refused frame with: from its head, else from a small frame, else 0.

    Read only on refusal: for the requests that pass, the id comes from the decoded envelope.
    """
    head = read_head(frame)
    if head.id is not None:
        return head.id
    return _guess_id(frame) if len(frame) <= protocol.SMALL_MESSAGE_BYTES else 0


def _guess_id(frame: Frame) -> int:
    """The request id of a frame that failed validation, if one can be read, else 0."""
    try:
        data = msgspec.msgpack.decode(frame)
    except (*protocol.DECODE_ERRORS, ValueError):
        return 0
    req_id = data.get("id") if isinstance(data, dict) else None
    return req_id if isinstance(req_id, int) and not isinstance(req_id, bool) else 0
