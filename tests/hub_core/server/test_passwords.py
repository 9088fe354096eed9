"""Password hashes: salted, self-describing, verified only by the right password."""

from __future__ import annotations

import pytest

from hub_core.server.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    HashCost,
    hash_password,
    password_problem,
    unmatchable_hash,
    verify_password,
)

FAST = HashCost(n=2**8, r=8, p=1)


def test_the_right_password_verifies_and_a_wrong_one_does_not() -> None:
    stored = hash_password("correct horse", FAST)
    assert verify_password("correct horse", stored)
    assert not verify_password("correct hors", stored)
    assert not verify_password("", stored)


def test_the_hash_carries_its_parameters_and_a_fresh_salt() -> None:
    first, second = hash_password("pw12", FAST), hash_password("pw12", FAST)
    assert first != second  # salted: the same password never hashes the same twice
    scheme, n, r, p, salt, _digest = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "256", "8", "1")
    assert salt != second.split("$")[4]
    assert "pw12" not in first


def test_a_hash_made_with_other_parameters_still_verifies() -> None:
    """Parameters travel with the hash, so raising the default cost keeps old accounts."""
    stored = hash_password("pw12", HashCost(n=2**9, r=4, p=2))
    assert verify_password("pw12", stored)


def test_unicode_passwords() -> None:
    stored = hash_password("pässwörd密码", FAST)
    assert verify_password("pässwörd密码", stored)
    assert not verify_password("passwort密码", stored)


def test_the_unknown_name_hash_costs_a_real_check_and_nothing_to_make(
    scrypt_runs: list[int],
) -> None:
    """A login for a name that does not exist is checked against ``unmatchable_hash``: it
    must run scrypt with the same parameters as a real account's (or timing tells which
    names exist), match no password, and cost no scrypt to make (the hub's start)."""
    derived = scrypt_runs
    first, second = unmatchable_hash(FAST), unmatchable_hash(FAST)
    assert derived == []  # made without hashing anything
    assert first.split("$")[:4] == hash_password("pw12", FAST).split("$")[:4]
    assert first.split("$")[4:] != second.split("$")[4:]
    derived.clear()
    for password in ("pw12", "", "not a real password"):
        assert verify_password(password, first) is False
    assert derived == [FAST.n] * 3  # each check ran scrypt at the account's cost


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "garbage",
        "md5$1$2$3$c2FsdA==$ZGlnZXN0",  # another scheme
        "scrypt$x$8$1$c2FsdA==$ZGlnZXN0",  # n not a number
        "scrypt$255$8$1$c2FsdA==$ZGlnZXN0",  # n not a power of two: scrypt refuses
        "scrypt$256$8$1$!!!$ZGlnZXN0",  # salt not base64
        "scrypt$256$8$1$c2FsdA==$ZGlnZXN0$extra",
    ],
)
def test_a_damaged_stored_hash_never_verifies(stored: str) -> None:
    assert verify_password("pw12", stored) is False


def test_another_scheme_with_a_matching_digest_is_refused() -> None:
    _, n, r, p, salt, digest = hash_password("pw12", FAST).split("$")
    assert not verify_password("pw12", "$".join(["plain", n, r, p, salt, digest]))


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("abc", f"The password must have at least {MIN_LENGTH} characters."),
        ("x" * (MAX_LENGTH + 1), f"The password must have at most {MAX_LENGTH} characters."),
        ("abcd", None),
        ("x" * MAX_LENGTH, None),
    ],
)
def test_password_problem(password: str, problem: str | None) -> None:
    assert password_problem(password) == problem
