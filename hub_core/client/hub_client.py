"""The client library: how the CLI and the app talk to a hub.

Requests use the Lazy Pirate pattern: wait a bounded time for the reply; if none comes,
close the socket, open a fresh one and, for requests that are safe to repeat, try again;
after the last try, raise ``HubUnreachable`` with a sentence saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

import msgspec
import zmq
import zmq.asyncio
from zmq.utils.monitor import parse_monitor_message

from hub_core.client import _moves
from hub_core.client._requests import HubRequests
from hub_core.client.elsewhere import describe, elsewhere
from hub_core.client.events import EventStream, OnEvent, OnGap, Subscription
from hub_core.errors import GameHubError, HubKeyUnproven, HubUnreachable, RequestRefused
from hub_core.util.ratelog import RateLimitedLog
from hub_core.wire import protocol, schema
from hub_core.wire.codes import Code
from hub_core.wire.endpoints import HubAddress, parse_endpoint
from hub_core.wire.keys import KnownHubs, fingerprint
from hub_core.wire.protocol import Role, session_topic
from hub_core.wire.schema import SessionInfo
from hub_core.wire.upload_frame import Prebuilt, outgoing

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 3.0
DEFAULT_RETRIES = 2
HELLO_TIMEOUT = 2.0

R = TypeVar("R")

__all__ = ["HubClient", "SessionInfo", "fetch_hello"]


async def fetch_hello(address: HubAddress, *, timeout: float = HELLO_TIMEOUT) -> protocol.Hello:
    """Asks a hub, unencrypted, for its name, key and ports; raises HubUnreachable."""
    ctx = zmq.asyncio.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.MAXMSGSIZE, 64 * 1024)
    try:
        sock.connect(address.tcp(address.port + 1))
        await sock.send(b"hello")
        frame = await asyncio.wait_for(sock.recv(), timeout)
        return msgspec.msgpack.decode(frame, type=protocol.Hello)
    except TimeoutError:
        raise HubUnreachable(f"No hub answered at {address} within {timeout:g} s.") from None
    except protocol.DECODE_ERRORS:
        raise HubUnreachable(
            f"Something at {address} answered, but it is not a GameHub hub."
        ) from None
    finally:
        sock.close(linger=0)


_HANDSHAKE_EVENTS = (
    zmq.EVENT_HANDSHAKE_SUCCEEDED
    | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
    | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
    | zmq.EVENT_HANDSHAKE_FAILED_AUTH
)


async def prove_key(
    address: HubAddress, hello: protocol.Hello, *, timeout: float = HELLO_TIMEOUT
) -> None:
    """Completes one CURVE handshake with the key the hello announced.

    The hello is unencrypted, so anything can announce any key; only the handshake shows
    that the request socket holds it. ZeroMQ retries a failed handshake quietly forever,
    so without this check a wrong key looked like a hub that never answers. Raises
    HubKeyUnproven on a refused handshake, HubUnreachable if the request port is silent.
    """
    sock = zmq.asyncio.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    public, secret = zmq.curve_keypair()
    sock.curve_serverkey = hello.key.encode()
    sock.curve_publickey = public
    sock.curve_secretkey = secret
    monitor = sock.get_monitor_socket(_HANDSHAKE_EVENTS)
    try:
        sock.connect(address.tcp(hello.req_port))
        event = parse_monitor_message(await asyncio.wait_for(monitor.recv_multipart(), timeout))[
            "event"
        ]
    except TimeoutError:
        raise HubUnreachable(
            f"The hub at {address} answered its hello but not on its request port "
            f"{hello.req_port} within {timeout:g} s."
        ) from None
    finally:
        sock.disable_monitor()
        monitor.close(linger=0)
        sock.close(linger=0)
    if event != zmq.EVENT_HANDSHAKE_SUCCEEDED:
        raise HubKeyUnproven(hello.name, str(address), fingerprint(hello.key))


class HubClient(HubRequests):
    """One connection to one hub; use it from a single asyncio loop."""

    def __init__(
        self,
        address: HubAddress,
        hello: protocol.Hello,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        self.address = address
        self.hello = hello
        self.timeout = timeout
        self.retries = retries
        self.session: SessionInfo | None = None
        self.on_session_ended: Callable[[str], None] | None = None
        self.ended: schema.SessionEnded | None = None  # why the last session ended, if told
        self._ctx = zmq.asyncio.Context.instance()
        self._keys = zmq.curve_keypair()
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[protocol.RawReply]] = {}
        self._generation = 0
        self._events: EventStream | None = None
        self._bad_replies = RateLimitedLog(log, "malformed replies")
        self.known_hubs: KnownHubs | None = None  # where pins and generations are kept
        # Told when the hub moved to another host and this client followed (or could not).
        self.on_moved: Callable[[schema.HubMoved, str], None] | None = None
        self.moving: asyncio.Task[None] | None = None  # following a move now
        self._hub_topic = _moves.HubTopic(self)
        self._open_socket()

    # -- connecting -------------------------------------------------------------------

    @classmethod
    async def connect(
        cls,
        endpoint: str | HubAddress,
        *,
        known_hubs: KnownHubs | None = None,
        retrust: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
    ) -> HubClient:
        """Connects to a hub entered by hand: hello, a handshake that proves the key it
        announced, the key checked against the pins for its name and address, then requests.
        """
        address = parse_endpoint(endpoint) if isinstance(endpoint, str) else endpoint
        hello = await fetch_hello(address, timeout=min(timeout, HELLO_TIMEOUT))
        if hello.protocol != protocol.PROTOCOL_VERSION:
            raise GameHubError(
                f"The hub {hello.name!r} speaks protocol version {hello.protocol}, this app "
                f"version {protocol.PROTOCOL_VERSION}; update the older one."
            )
        await prove_key(address, hello, timeout=min(timeout, HELLO_TIMEOUT))
        if known_hubs is not None:
            known_hubs.check(hello.name, hello.key, address=str(address), retrust=retrust)
            known_hubs.check_generation(hello.name, hello.key, hello.generation, str(address))
        client = cls(address, hello, timeout=timeout, retries=retries)
        client.known_hubs = known_hubs
        return client

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.hello.key)

    def _curve_options(self) -> dict[int, bytes]:
        return {
            zmq.CURVE_SERVERKEY: self.hello.key.encode(),
            zmq.CURVE_PUBLICKEY: self._keys[0],
            zmq.CURVE_SECRETKEY: self._keys[1],
        }

    def _open_socket(self) -> None:
        sock = self._ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, protocol.HARD_MESSAGE_BYTES)
        for option, value in self._curve_options().items():
            sock.setsockopt(option, value)
        sock.connect(self.address.tcp(self.hello.req_port))
        self._sock = sock
        self._receiver = asyncio.ensure_future(self._receive(sock))

    async def _reset(self, generation: int) -> None:
        """Lazy Pirate: drop the socket that went quiet and open a fresh one (once per stall)."""
        if generation != self._generation:
            return
        self._generation += 1
        await self._close_socket()
        self._open_socket()

    async def _close_socket(self) -> None:
        self._receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._receiver
        self._sock.close(linger=0)

    async def move_to(self, address: HubAddress, hello: protocol.Hello) -> None:
        """Carries on at the hub's new host: same session, same subscriptions (see _moves)."""
        old, self._events = self._events, None
        subs = old.detach() if old is not None else []
        if old is not None:
            await old.close()
        self.address, self.hello = address, hello
        self._generation += 1  # requests waiting on the old socket resend on the new one
        await self._close_socket()
        self._open_socket()
        if subs:
            pub = address.tcp(hello.pub_port)
            self._events = EventStream(self._ctx, pub, self._curve_options())
            self._events.adopt(subs)

    async def close(self) -> None:
        if self.moving is not None:
            self.moving.cancel()
        if self._events is not None:
            await self._events.close()
            self._events = None
        await self._close_socket()
        for future in self._pending.values():
            future.cancel()
        self._pending.clear()

    async def __aenter__(self) -> HubClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- requests ---------------------------------------------------------------------

    async def call(
        self, req: schema.Request[R] | Prebuilt[R], *, timeout: float | None = None
    ) -> R:
        """Sends one request and returns its reply as the request's reply type.

        Raises RequestRefused or HubUnreachable, or GameHubError for a reply of the wrong
        shape (a hub of another version).
        """
        result = await self._request(req.kind, req, idempotent=req.idempotent, timeout=timeout)
        try:
            return cast(R, protocol.decode_result(result, req.reply))
        except protocol.DECODE_ERRORS as exc:
            raise GameHubError(
                f"The hub {self.hello.name!r} answered {req.kind} in a shape this app does not "
                f"understand ({exc}); update the older one."
            ) from None

    async def _request(
        self, kind: str, args: Any = None, *, idempotent: bool = True, timeout: float | None = None
    ) -> Any:
        """Sends one request and returns its raw result; raises RequestRefused or HubUnreachable.

        Only ``call`` and tests that send what a typed method cannot (a stranger's frames)
        use it."""
        if self._sock.closed:  # closed by this app: a sentence, not ZeroMQ's ENOTSOCK
            raise HubUnreachable(f"The connection to the hub {self.hello.name!r} is closed.")
        wait = timeout or self.timeout
        attempts = 1 + (self.retries if idempotent else 0)
        token = self.session.token if self.session else ""
        for attempt in range(attempts):
            req_id = next(self._ids)
            frame = outgoing(req_id, kind, args, token, retry=attempt > 0)
            _check_size(kind, frame)
            generation = self._generation
            future: asyncio.Future[protocol.RawReply] = asyncio.get_running_loop().create_future()
            self._pending[req_id] = future
            try:
                await self._sock.send(frame, copy=len(frame) < 65536)
                async with asyncio.timeout(wait):  # 3.11's wait_for can lose a cancel (soak hang)
                    reply = await future
            except TimeoutError:
                log.info(
                    "No reply to %s from %s (try %d/%d)", kind, self.address, attempt + 1, attempts
                )
                await self._reset(generation)
                continue
            finally:
                self._pending.pop(req_id, None)
            return self._unwrap(reply)
        raise HubUnreachable(self._unreachable_message(kind, idempotent, wait * attempts))

    def _unreachable_message(self, kind: str, idempotent: bool, waited: float) -> str:
        text = f"The hub {self.hello.name!r} at {self.address} did not answer within {waited:g} s"
        if idempotent:
            return text + "; it may be stopped or out of reach."
        return text + f"; it may be stopped or out of reach, and the {kind} may not have happened."

    def _unwrap(self, reply: protocol.RawReply) -> Any:
        if reply.ok:
            return reply.result
        assert reply.error is not None
        if reply.error.code in (Code.NOT_LOGGED_IN, Code.SESSION_REPLACED):
            self.session = None
        raise RequestRefused(reply.error.code, reply.error.message)

    async def _receive(self, sock: zmq.asyncio.Socket) -> None:
        while True:
            frame = await sock.recv(copy=False)  # block batches: decoded as views, not copied
            try:
                reply = protocol.decode_raw_reply(frame.buffer)
            except protocol.DECODE_ERRORS as exc:  # a hostile hub must not crash or spam us
                self._bad_replies.note(str(self.address), f"ignored ({exc})")
                continue
            future = self._pending.get(reply.id)
            if future is not None and not future.done():
                future.set_result(reply)
            elif reply.error is not None:
                log.warning("Hub refused an unmatched request: %s", reply.error.message)

    # -- accounts ---------------------------------------------------------------------

    async def login(
        self, role: Role, user: str, password: str, *, watch: bool = True, client: str = ""
    ) -> SessionInfo:
        """Logs in; with ``watch``, a later login elsewhere ends this session and says so.

        ``client`` (a ClientKind) is what a session this login replaces is told.
        """
        login = schema.Login(role=role, user=user, password=password, client=client)
        try:
            self.session = await self.call(login)
        except RequestRefused as exc:
            if not client or exc.code != Code.BAD_REQUEST:
                raise
            # A hub older than the ``client`` field refuses it as unknown: log in without.
            self.session = await self.call(schema.Login(role=role, user=user, password=password))
        if watch:
            self.subscribe(session_topic(role, self.session.key), self._on_session_event)
            self._hub_topic.follow = True
            if not self._hub_topic.subscribed:
                self.subscribe(protocol.HUB_TOPIC, None)
        return self.session

    async def logout(self, *, timeout: float | None = None) -> None:
        """Ends the session; if the hub does not answer, it is forgotten here anyway (the
        hub drops it when it expires), so the user is never stuck logged in."""
        if self.session is None:
            return
        try:
            await self.call(schema.Logout(), timeout=timeout)
        finally:
            self.session = None

    def _on_session_event(self, event: protocol.Event) -> None:
        data = schema.event_data(event)
        if not isinstance(data, schema.SessionEnded):
            return
        if self.session is None or data.session_id != self.session.session_id:
            return
        self.session = None
        self.ended = data
        why = "You were logged out."
        if data.reason is schema.EndReason.REPLACED:
            where = describe(elsewhere(data))
            why = f"This account logged in elsewhere ({where}), so you were logged out here."
            if not where:  # an older hub does not say where
                why = "This account logged in elsewhere, so you were logged out here."
        if self.on_session_ended is not None:
            self.on_session_ended(why)

    # -- events -----------------------------------------------------------------------

    def subscribe(
        self, topic: str, on_event: OnEvent | None, on_gap: OnGap | None = None
    ) -> Subscription:
        """Delivers ``topic``'s events to ``on_event`` here, in order (None: the hub topic)."""
        if self._events is None:
            address = self.address.tcp(self.hello.pub_port)
            self._events = EventStream(self._ctx, address, self._curve_options())
        if topic == protocol.HUB_TOPIC:
            on_event = self._hub_topic.wrap(on_event)
        assert on_event is not None, "only the hub topic may be watched without a handler"
        return self._events.subscribe(topic, on_event, on_gap)

    @property
    def event_stream(self) -> EventStream | None:
        return self._events

    def unsubscribe(self, topic: str) -> None:
        if self._events is not None:
            self._events.unsubscribe(topic)


def _check_size(kind: str, frame: bytes | memoryview) -> None:
    if len(frame) > protocol.MAX_MESSAGE_BYTES:
        raise GameHubError(
            f"The {kind} request is too large to send ({len(frame):,} bytes; "
            f"the limit is {protocol.MAX_MESSAGE_BYTES:,})."
        )
