"""Developer and player accounts: register, log in, log out.

The two roles are separate account books, as in the original system: the same name may
be a developer and a player, with different passwords.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub_core.codes import Code
from hub_core.errors import RequestRefused
from hub_core.names import name_key, name_problem, normalize_name
from hub_core.passwords import (
    DEFAULT_COST,
    HashCost,
    hash_password,
    password_problem,
    verify_password,
)
from hub_core.protocol import Role, session_topic
from hub_core.schema import EndReason, EventKind, Registered, SessionEnded
from hub_core.sessions import Session, Sessions
from hub_core.storage import KeyExists, Repository

log = logging.getLogger(__name__)

TABLES: dict[Role, str] = {"developer": "developers", "player": "players"}

Publish = Callable[[str, str, Any], object]


class LoginThrottle:
    """Slows password guessing: after a few failures each try waits longer, up to a cap."""

    def __init__(
        self, free_tries: int = 5, cap: float = 300.0, clock: Callable[[], float] = time.monotonic
    ):
        self._free = free_tries
        self._cap = cap
        self._clock = clock
        self._fails: dict[tuple[Role, str], tuple[int, float]] = {}  # -> (count, locked until)

    def check(self, role: Role, key: str) -> None:
        _, until = self._fails.get((role, key), (0, 0.0))
        wait = until - self._clock()
        if wait > 0:
            raise RequestRefused(
                Code.THROTTLED,
                f"Too many failed logins for this account; try again in {wait:.0f} s.",
            )

    def failed(self, role: Role, key: str) -> None:
        count = self._fails.get((role, key), (0, 0.0))[0] + 1
        delay = 0.0 if count < self._free else min(self._cap, 2.0 ** (count - self._free))
        self._fails[(role, key)] = (count, self._clock() + delay)

    def succeeded(self, role: Role, key: str) -> None:
        self._fails.pop((role, key), None)


@dataclass
class Accounts:
    """Account book and sessions; every method runs on the hub's loop."""

    repo: Repository
    sessions: Sessions
    publish: Publish
    cost: HashCost = DEFAULT_COST
    throttle: LoginThrottle | None = None
    on_logout: Callable[[Session], object] | None = None

    def __post_init__(self) -> None:
        self.throttle = self.throttle or LoginThrottle()
        # Verifying against this when the user does not exist keeps timing the same.
        self._dummy_hash = hash_password("not a real password", self.cost)

    async def register(self, role: Role, user: str, password: str) -> Registered:
        user = normalize_name(user)
        problem = name_problem(user)
        if problem:
            raise RequestRefused(Code.NAME_INVALID, problem)
        problem = password_problem(password)
        if problem:
            raise RequestRefused(Code.PASSWORD_INVALID, problem)
        key = name_key(user)
        self._refuse_taken(role, key, user)
        hashed = await asyncio.get_running_loop().run_in_executor(
            None, hash_password, password, self.cost
        )
        doc: dict[str, Any] = {"name": user, "password": hashed, "created": time.time()}
        if role == "player":
            doc["played"] = {}
        try:
            await self.repo.insert(TABLES[role], key, doc)
        except KeyExists:  # a concurrent registration of the same name won
            self._refuse_taken(role, key, user)
            raise
        log.info("Registered %s %r", role, user)
        return Registered(user=user, role=role)

    def _refuse_taken(self, role: Role, key: str, user: str) -> None:
        if self.repo.contains(TABLES[role], key):
            raise RequestRefused(Code.NAME_TAKEN, f"The {role} name {user!r} is already taken.")

    async def login(self, role: Role, user: str, password: str) -> Session:
        key = name_key(user)
        assert self.throttle is not None
        self.throttle.check(role, key)
        record = self.repo.get(TABLES[role], key)
        stored = record["password"] if record else self._dummy_hash
        ok = await asyncio.get_running_loop().run_in_executor(
            None, verify_password, password, stored
        )
        if not (ok and record):
            self.throttle.failed(role, key)
            raise RequestRefused(Code.BAD_CREDENTIALS, f"Wrong {role} name or password.")
        self.throttle.succeeded(role, key)
        session, replaced = self.sessions.open(role, key, record["name"])
        if replaced is not None:
            self._tell_ended(replaced, EndReason.REPLACED)
        log.info("%s %r logged in", role.capitalize(), session.user)
        return session

    def logout(self, session: Session) -> None:
        self.sessions.close(session.token)
        self._tell_ended(session, EndReason.LOGOUT)
        if self.on_logout is not None:
            self.on_logout(session)

    def _tell_ended(self, session: Session, reason: EndReason) -> None:
        data = SessionEnded(session_id=session.session_id, reason=reason)
        self.publish(session_topic(session.role, session.key), EventKind.SESSION_ENDED, data)
