"""Developer and player accounts: register, log in, log out.

The two roles are separate account books, as in the original system: the same name may
be a developer and a player, with different passwords.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from hub_core.errors import RequestRefused
from hub_core.server.passwords import (
    DEFAULT_COST,
    HashCost,
    hash_password,
    password_problem,
    unmatchable_hash,
    verify_password,
)
from hub_core.server.sessions import Session, Sessions
from hub_core.storage import KeyExists, Repository
from hub_core.wire.codes import Code
from hub_core.wire.names import name_key, name_problem, normalize_name
from hub_core.wire.protocol import Role, session_topic
from hub_core.wire.schema import EndReason, EventKind, Registered, SessionEnded

log = logging.getLogger(__name__)
T = TypeVar("T")

# Password hashes running at once, on threads of their own. Each scrypt holds 16 MiB and
# a core for ~50 ms: twenty players logging in together ran six at once on the default
# pool (~96 MiB, most of the hub's growth in bench/party.py's rush), no sooner on two
# cores. Their own threads also keep a flood of logins from delaying the disk work that
# shares the default pool.
HASHING_THREADS = 2
_hashing = ThreadPoolExecutor(HASHING_THREADS, thread_name_prefix="hub-passwords")


async def _slow_hash(work: Callable[..., T], *args: Any) -> T:
    """Runs a password hash on the hashing threads."""
    return await asyncio.get_running_loop().run_in_executor(_hashing, work, *args)


TABLES: dict[Role, str] = {"developer": "developers", "player": "players"}

Publish = Callable[[str, str, Any], object]


Slot = tuple[Role, str, str]  # role, account key, the client's IP address


class LoginThrottle:
    """Slows password guessing without letting a stranger lock the owner out.

    Everything is counted per (account, address): a guesser's failures delay only logins
    to that account from the guesser's machine, never the owner's from their own. A try is
    reserved before its slow hash (check and reserve in one step on the hub's loop), so a
    thousand tries sent at once are one try, not a thousand hashes. Across addresses, an
    account's hashes run one at a time: a guess from many machines costs the hub at most
    one core, and the owner waits at most one hash per machine guessing at that moment
    (each may have one try in flight), which delays but never refuses them.
    """

    def __init__(
        self,
        free_tries: int = 5,
        cap: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        *,
        per_address: int = 4,
        max_entries: int = 10_000,
    ):
        self._free = free_tries
        self._cap = cap
        self._clock = clock
        self._per_address = per_address  # tries in flight from one address, all accounts
        self._max_entries = max_entries
        self._fails: dict[Slot, tuple[int, float]] = {}  # -> (failures, wait until)
        self._in_flight: set[Slot] = set()
        self._address_load: dict[str, int] = {}
        self._turns: dict[tuple[Role, str], tuple[asyncio.Lock, int]] = {}  # lock, users

    def reserve(self, role: Role, key: str, address: str) -> None:
        """Admits one try from ``address`` or raises RequestRefused; pair with ``settle``."""
        slot = (role, key, address)
        if slot in self._in_flight:
            raise RequestRefused(
                Code.THROTTLED,
                "A login to this account from your computer is still being checked; "
                "wait for its answer before trying again.",
            )
        wait = self._fails.get(slot, (0, 0.0))[1] - self._clock()
        if wait > 0:
            raise RequestRefused(
                Code.THROTTLED,
                f"Too many wrong passwords for this account from your computer; "
                f"try again in {math.ceil(wait)} s.",
            )
        if self._address_load.get(address, 0) >= self._per_address:
            raise RequestRefused(
                Code.THROTTLED,
                "Your computer has several logins being checked already; "
                "wait for their answers before trying again.",
            )
        self._in_flight.add(slot)
        self._address_load[address] = self._address_load.get(address, 0) + 1

    def settle(self, role: Role, key: str, address: str, *, ok: bool) -> None:
        """Ends a reserved try: a success forgets this address's failures, a failure adds one."""
        slot = (role, key, address)
        self._in_flight.discard(slot)
        load = self._address_load.get(address, 1) - 1
        if load > 0:
            self._address_load[address] = load
        else:
            self._address_load.pop(address, None)
        if ok:
            self._fails.pop(slot, None)
            return
        count = self._fails.pop(slot, (0, 0.0))[0] + 1
        delay = 0.0 if count < self._free else min(self._cap, 2.0 ** (count - self._free))
        self._fails[slot] = (count, self._clock() + delay)  # re-inserted: newest last
        self._prune()

    @contextlib.asynccontextmanager
    async def turn(self, role: Role, key: str) -> AsyncIterator[None]:
        """Waits until no other hash for this account runs (first come, first served)."""
        account = (role, key)
        lock, users = self._turns.get(account, (asyncio.Lock(), 0))
        self._turns[account] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._turns[account]
            if users > 1:
                self._turns[account] = (lock, users - 1)
            else:
                del self._turns[account]

    def _prune(self) -> None:
        """Bounds memory: forgets finished waits first, then the oldest records."""
        if len(self._fails) <= self._max_entries:
            return
        now = self._clock()
        for slot, (count, until) in list(self._fails.items()):
            if until <= now and count < self._free:
                del self._fails[slot]
        while len(self._fails) > self._max_entries:
            del self._fails[next(iter(self._fails))]


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
        self.password_checks = 0  # slow hashes run for logins (a figure for the stress tests)
        # Verifying against this when the user does not exist keeps timing the same.
        self._dummy_hash = unmatchable_hash(self.cost)

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
        hashed = await _slow_hash(hash_password, password, self.cost)
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

    async def login(
        self, role: Role, user: str, password: str, address: str = "", client: str = ""
    ) -> Session:
        """Checks the password; ``address`` (the client's IP) scopes the login throttle.

        ``address`` and ``client`` (a ClientKind) are told to a session this one replaces.
        """
        key = name_key(user)
        throttle = self.throttle
        assert throttle is not None
        throttle.reserve(role, key, address)
        ok = False
        try:
            async with throttle.turn(role, key):
                record = self.repo.get(TABLES[role], key)
                stored = record["password"] if record else self._dummy_hash
                self.password_checks += 1
                ok = await _slow_hash(verify_password, password, stored)
                ok = bool(ok and record)
        finally:
            throttle.settle(role, key, address, ok=ok)
        if not ok or record is None:
            raise RequestRefused(Code.BAD_CREDENTIALS, f"Wrong {role} name or password.")
        session, replaced = self.sessions.open(
            role, key, record["name"], address=address, client=client
        )
        if replaced is not None:
            self._tell_ended(replaced, EndReason.REPLACED, by=session)
        log.info("%s %r logged in", role.capitalize(), session.user)
        return session

    def logout(self, session: Session) -> None:
        self.sessions.close(session.token)
        self._tell_ended(session, EndReason.LOGOUT)
        if self.on_logout is not None:
            self.on_logout(session)

    def _tell_ended(self, session: Session, reason: EndReason, by: Session | None = None) -> None:
        data = SessionEnded(
            session_id=session.session_id,
            reason=reason,
            by_client=by.client if by else "",
            by_address=by.address if by else "",
        )
        self.publish(session_topic(session.role, session.key), EventKind.SESSION_ENDED, data)

    # -- games played (the lobby reports them; reviews need one) ---------------------------

    def played(self, key: str) -> dict[str, int]:
        """How many matches of each game the player ``key`` has started."""
        record = self.repo.get(TABLES["player"], key) or {}
        return {game: int(count) for game, count in record.get("played", {}).items()}

    def played_version(self, key: str, game: str) -> str:
        """The version of ``game`` the player ``key`` last started ("" if not recorded)."""
        record = self.repo.get(TABLES["player"], key) or {}
        return str(record.get("played_version", {}).get(game, ""))

    async def record_played(self, game: str, player_keys: Iterable[str], version: str = "") -> None:
        """Counts one match of ``game`` for each player: what lets them review it.

        Also keeps the ``version`` played (one entry per game, replaced each match): a
        review is filed under the version its writer last played.
        """
        table = TABLES["player"]
        for key in player_keys:
            record = self.repo.get(table, key)
            if record is not None:
                played = record.setdefault("played", {})
                played[game] = int(played.get(game, 0)) + 1
                if version:
                    record.setdefault("played_version", {})[game] = version
                await self.repo.put(table, key, record)
