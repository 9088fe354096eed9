"""Request routing: each request Struct (its kind and reply) gets the role it needs and a handler.

A handler returns its result directly (fast, in-memory work) or returns an awaitable (work
that waits on storage or a thread pool); the wire layer treats the two alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import msgspec
import zmq

from hub_core.server._zmqloop import peer_address
from hub_core.server.sessions import Session
from hub_core.wire.protocol import Role
from hub_core.wire.schema import Request

# None: anyone; "any": any logged-in user; a role: only that role.
Access = Role | Literal["any"] | None


@dataclass(frozen=True)
class Context:
    """What a handler knows about the request besides its arguments."""

    session: Session | None
    peer: bytes  # the ZeroMQ identity of the client connection
    # A frame of the request, which carries its sender's address; read only when asked.
    origin: zmq.Frame | None = None

    @property
    def address(self) -> str:
        """The client's IP address as the hub saw it ("" if unknown)."""
        return "" if self.origin is None else peer_address(self.origin)

    @property
    def user(self) -> Session:
        assert self.session is not None, "route declared no access rule"
        return self.session


Handler = Callable[[Context, Any], Any | Awaitable[Any]]
Q = TypeVar("Q", bound=Request[Any])


@dataclass(frozen=True)
class Route:
    kind: str
    access: Access
    handler: Handler
    decoder: msgspec.msgpack.Decoder[Any]
    large: bool = False  # may exceed protocol.SMALL_MESSAGE_BYTES (a game's index or blocks)


class Routes:
    """The table of request kinds the hub answers."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}

    def add(
        self,
        request: type[Q],
        access: Access,
        handler: Callable[[Context, Q], object],
        *,
        large: bool = False,
    ) -> None:
        """The handler returns ``request.reply`` (or an awaitable of it).

        ``large`` lets the request exceed the small-frame limit, and only behind a login.
        """
        kind = request.kind
        if kind in self._routes:
            raise ValueError(f"request kind {kind!r} registered twice")
        if large and access is None:
            raise ValueError(f"request kind {kind!r} may be large only behind a login")
        decoder = msgspec.msgpack.Decoder(request)
        self._routes[kind] = Route(kind, access, handler, decoder, large)

    def get(self, kind: str) -> Route | None:
        return self._routes.get(kind)

    def kinds(self) -> list[str]:
        return sorted(self._routes)
