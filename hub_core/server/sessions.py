"""Login sessions: random tokens held in memory, scoped by role, one live session per user.

Nothing here is stored: restarting the hub ends every session, as in the original system.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from hub_core.errors import RequestRefused
from hub_core.wire.codes import Code
from hub_core.wire.protocol import ROLES, Role, session_topic

__all__ = ["ROLES", "Role", "Session", "Sessions", "session_topic"]

# How many ended tokens we remember, to tell their owners why (not just "unknown token").
_ENDED_MEMORY = 4096


# Why a token stopped working: (code, sentence). Fresh exceptions are made from these.
_Why = tuple[Code, str]
_REPLACED: _Why = (
    Code.SESSION_REPLACED,
    "You were logged out because this account logged in elsewhere.",
)
_LOGGED_OUT: _Why = (Code.NOT_LOGGED_IN, "You have logged out; please log in again.")
_IDLE: _Why = (Code.NOT_LOGGED_IN, "Your session expired while idle; please log in again.")
_HUB_STOPPED: _Why = (Code.NOT_LOGGED_IN, "The hub restarted; please log in again.")
_UNKNOWN: _Why = (
    Code.NOT_LOGGED_IN,
    "Your session is not valid (the hub may have restarted); please log in again.",
)


@dataclass
class Session:
    """One logged-in client; ``session_id`` is public (events name it), ``token`` is secret."""

    token: str
    session_id: str
    role: Role
    user: str  # display name as registered
    key: str  # the account's key (case-folded name)
    created: float
    last_seen: float = field(default=0.0)
    address: str = ""  # where the client logged in from, as the hub saw it
    client: str = ""  # which program (a ClientKind), as it said at login


class Sessions:
    """Issues, checks and ends sessions; not thread-safe: used on the hub's loop only."""

    def __init__(
        self, *, idle_timeout: float = 12 * 3600, clock: Callable[[], float] = time.monotonic
    ):
        self._idle_timeout = idle_timeout
        self._clock = clock
        self._by_token: dict[str, Session] = {}
        self._by_user: dict[tuple[Role, str], str] = {}
        self._ended: OrderedDict[str, _Why] = OrderedDict()  # token -> why it ended

    def open(
        self, role: Role, key: str, user: str, *, address: str = "", client: str = ""
    ) -> tuple[Session, Session | None]:
        """Starts a session; returns it and the session it replaced, if any."""
        old_token = self._by_user.get((role, key))
        old = self._end(old_token, _REPLACED)
        now = self._clock()
        session = Session(
            token=secrets.token_urlsafe(32),
            session_id=secrets.token_hex(8),
            role=role,
            user=user,
            key=key,
            created=now,
            last_seen=now,
            address=address,
            client=client,
        )
        self._by_token[session.token] = session
        self._by_user[(role, key)] = session.token
        return session, old

    def check(self, token: str, role: Role | None) -> Session:
        """The live session for ``token``; refuses unknown, ended, idle or wrong-role tokens."""
        session = self._by_token.get(token) if token else None
        if session is None:
            raise self._refusal_for(token)
        now = self._clock()
        if now - session.last_seen > self._idle_timeout:
            self._end(token, _IDLE)
            raise self._refusal_for(token)
        if role is not None and session.role != role:
            raise RequestRefused(
                Code.WRONG_ROLE,
                f"This needs a {role} login; you are logged in as a {session.role}.",
            )
        session.last_seen = now
        return session

    def close(self, token: str) -> Session | None:
        return self._end(token, _LOGGED_OUT)

    def close_all(self) -> None:
        for token in list(self._by_token):
            self._end(token, _HUB_STOPPED)

    def adopt(self, session: Session) -> None:
        """Takes over a live session from the hub this one was handed from (same token)."""
        session.created = session.last_seen = self._clock()
        self._end(self._by_user.get((session.role, session.key)), _REPLACED)
        self._by_token[session.token] = session
        self._by_user[(session.role, session.key)] = session.token

    def online(self, role: Role | None = None) -> list[Session]:
        return [s for s in self._by_token.values() if role is None or s.role == role]

    def _end(self, token: str | None, why: _Why) -> Session | None:
        if token is None:
            return None
        session = self._by_token.pop(token, None)
        if session is None:
            return None
        self._by_user.pop((session.role, session.key), None)
        self._ended[token] = why
        while len(self._ended) > _ENDED_MEMORY:
            self._ended.popitem(last=False)
        return session

    def _refusal_for(self, token: str) -> RequestRefused:
        if not token:
            return RequestRefused(Code.NOT_LOGGED_IN, "Please log in first.")
        return RequestRefused(*self._ended.get(token, _UNKNOWN))
