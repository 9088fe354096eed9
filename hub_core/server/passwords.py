"""Password hashes: salted scrypt, checked in constant time.

Hashing is deliberately slow (tens of milliseconds), so callers run it in a thread pool,
never on the hub's event loop.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

MIN_LENGTH = 4
MAX_LENGTH = 1024


@dataclass(frozen=True)
class HashCost:
    """scrypt parameters; the default costs ~16 MiB and ~50 ms per hash."""

    n: int = 2**14
    r: int = 8
    p: int = 1


DEFAULT_COST = HashCost()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def hash_password(password: str, cost: HashCost = DEFAULT_COST) -> str:
    """'scrypt$n$r$p$salt$hash': the parameters travel with the hash so they can change later."""
    salt = os.urandom(16)
    digest = _derive(password, salt, cost)
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(digest)}"


def unmatchable_hash(cost: HashCost = DEFAULT_COST) -> str:
    """A stored hash that no password matches (a random digest), with ``cost``'s parameters.

    Checking a login for a name that does not exist against it takes as long as against a
    real account's hash, so timing does not tell which names exist; and making it costs
    nothing, where hashing a dummy password took ~90 ms of the hub's start, on its loop.
    """
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(os.urandom(16))}${_b64(os.urandom(32))}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        cost = HashCost(int(n), int(r), int(p))
        expected = base64.b64decode(digest)
        actual = _derive(password, base64.b64decode(salt), cost)
    except (ValueError, TypeError):
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


def _derive(password: str, salt: bytes, cost: HashCost) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        maxmem=256 * cost.r * cost.n + 1024 * 1024,
        dklen=32,
    )


def password_problem(password: str) -> str | None:
    """A sentence saying what is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return f"The password must have at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password must have at most {MAX_LENGTH} characters."
    return None
