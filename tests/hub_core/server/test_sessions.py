"""Sessions with a fake clock: idle expiry, roles, replacement, reasons."""

from __future__ import annotations

import pytest

from hub_core.errors import RequestRefused
from hub_core.server.sessions import Sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_session_expires_and_says_so() -> None:
    clock = Clock()
    sessions = Sessions(idle_timeout=60, clock=clock)
    session, _ = sessions.open("player", "ann", "Ann")
    clock.now += 59
    assert sessions.check(session.token, "player") is session  # use keeps it alive
    clock.now += 59
    sessions.check(session.token, None)
    clock.now += 61
    with pytest.raises(RequestRefused, match="expired while idle") as info:
        sessions.check(session.token, "player")
    assert info.value.code == "not_logged_in"
    assert sessions.online() == []


def test_one_session_per_role_and_user() -> None:
    sessions = Sessions()
    first, replaced = sessions.open("player", "bo", "Bo")
    assert replaced is None
    second, replaced = sessions.open("player", "bo", "Bo")
    assert replaced is first
    dev, replaced = sessions.open("developer", "bo", "Bo")  # the other role is separate
    assert replaced is None
    with pytest.raises(RequestRefused) as info:
        sessions.check(first.token, "player")
    assert info.value.code == "session_replaced"
    assert sessions.check(second.token, "player") is second
    assert sessions.check(dev.token, "developer") is dev
    assert {s.role for s in sessions.online()} == {"player", "developer"}


@pytest.mark.parametrize(
    ("token", "words"),
    [("", "Please log in first."), ("forged", "not valid (the hub may have restarted)")],
)
def test_missing_or_unknown_token(token: str, words: str) -> None:
    with pytest.raises(RequestRefused, match=words.replace("(", r"\(").replace(")", r"\)")):
        Sessions().check(token, None)


def test_hub_stop_ends_every_session() -> None:
    sessions = Sessions()
    session, _ = sessions.open("player", "cy", "Cy")
    sessions.close_all()
    with pytest.raises(RequestRefused, match="hub restarted"):
        sessions.check(session.token, None)
