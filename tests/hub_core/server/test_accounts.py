"""Accounts and sessions through a real hub: rules, duplicates, roles, one session per user."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.errors import HubUnreachable, RequestRefused
from hub_core.server import accounts
from hub_core.server.accounts import Accounts, LoginThrottle
from hub_core.server.passwords import HashCost
from hub_core.server.sessions import Sessions
from hub_core.server.thread import HubThread
from hub_core.storage import open_repository
from hub_core.wire.keys import KnownHubs
from hub_core.wire.schema import Registered
from tests.hub_core.conftest import hub_config

MakeClient = Callable[..., Awaitable[HubClient]]


async def refused(coro: Awaitable[object]) -> RequestRefused:
    with pytest.raises(RequestRefused) as info:
        await coro
    return info.value


@pytest.mark.parametrize(
    ("user", "password", "code", "words"),
    [
        ("a", "secret", "name_invalid", "2 to 32 characters"),
        ("x" * 33, "secret", "name_invalid", "2 to 32 characters"),
        ("../etc", "secret", "name_invalid", "start with a letter or a digit"),
        ("bob smith", "secret", "name_invalid", "' '"),
        ("bob/evil", "secret", "name_invalid", "'/'"),
        ("bob", "abc", "password_invalid", "at least 4 characters"),
        ("bob", "x" * 2000, "password_invalid", "at most 1024 characters"),
    ],
)
async def test_register_rules(
    client: HubClient, user: str, password: str, code: str, words: str
) -> None:
    err = await refused(client.register("player", user, password))
    assert err.code == code
    assert words in str(err)


async def test_unicode_names_are_welcome(client: HubClient) -> None:
    await client.register("player", "小明", "secret")
    session = await client.login("player", "小明", "secret")
    assert session.user == "小明"


async def test_duplicate_name_refused_ignoring_case(client: HubClient) -> None:
    await client.register("developer", "Alice", "secret")
    err = await refused(client.register("developer", "alice", "other"))
    assert err.code == "name_taken"
    assert "'alice' is already taken" in str(err)


async def test_concurrent_registrations_of_one_name_have_one_winner(client: HubClient) -> None:
    results = await asyncio.gather(
        *(client.register("player", "racer", "secret") for _ in range(5)), return_exceptions=True
    )
    won = [r for r in results if isinstance(r, Registered)]
    assert [(r.user, r.role) for r in won] == [("racer", "player")]
    assert all(
        isinstance(r, RequestRefused) and r.code == "name_taken" for r in results if r not in won
    )


async def test_roles_are_separate_account_books(client: HubClient) -> None:
    await client.register("developer", "carol", "dev-pass")
    await client.register("player", "carol", "play-pass")
    await client.login("developer", "carol", "dev-pass")
    err = await refused(client.login("player", "carol", "dev-pass"))
    assert err.code == "bad_credentials"


async def test_wrong_password_and_unknown_user_look_the_same(client: HubClient) -> None:
    await client.register("player", "dave", "secret")
    wrong = await refused(client.login("player", "dave", "nope"))
    unknown = await refused(client.login("player", "nobody", "nope"))
    assert wrong.code == unknown.code == "bad_credentials"
    assert str(wrong) == str(unknown) == "Wrong player name or password."


async def test_repeated_failures_are_throttled(client: HubClient) -> None:
    await client.register("player", "erin", "secret")
    for _ in range(5):
        await refused(client.login("player", "erin", "bad"))
    err = await refused(client.login("player", "erin", "secret"))
    assert err.code == "throttled"
    assert "try again in" in str(err)


def test_throttle_waits_grow_and_reset_on_success() -> None:
    now = [0.0]
    throttle = LoginThrottle(free_tries=2, cap=8, clock=lambda: now[0])

    def fail() -> None:
        throttle.reserve("player", "f", "10.0.0.9")
        throttle.settle("player", "f", "10.0.0.9", ok=False)

    fail()
    fail()  # one failure is free
    with pytest.raises(RequestRefused, match="try again in 1 s"):
        throttle.reserve("player", "f", "10.0.0.9")
    throttle.reserve("player", "f", "10.0.0.1")  # the owner's own machine is not slowed
    throttle.settle("player", "f", "10.0.0.1", ok=True)
    now[0] += 1.5
    for _ in range(10):
        fail()
        now[0] += 10
    now[0] -= 10
    with pytest.raises(RequestRefused, match="try again in 8 s"):
        throttle.reserve("player", "f", "10.0.0.9")
    now[0] += 8
    throttle.reserve("player", "f", "10.0.0.9")
    throttle.settle("player", "f", "10.0.0.9", ok=True)
    throttle.reserve("player", "f", "10.0.0.9")  # a success forgot the failures


async def test_wrong_role_token_is_refused(client: HubClient) -> None:
    await client.register("player", "frank", "secret")
    await client.login("player", "frank", "secret")
    # "whoami" accepts any role; a role-bound request is refused for the other role.
    assert (await client.whoami()).role == "player"
    from hub_core.server.sessions import Sessions

    sessions = Sessions()
    session, _ = sessions.open("player", "frank", "frank")
    with pytest.raises(
        RequestRefused, match="needs a developer login; you are logged in as a player"
    ):
        sessions.check(session.token, "developer")


async def test_new_login_ends_old_session_and_tells_it(make_client: MakeClient) -> None:
    first, second = await make_client(), await make_client()
    await first.register("player", "gina", "secret")
    await first.login("player", "gina", "secret")
    told: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    first.on_session_ended = told.set_result
    await asyncio.sleep(0.3)  # subscription reaches the hub
    await second.login("player", "gina", "secret")
    assert "logged in elsewhere" in await asyncio.wait_for(told, 5)
    token = second.session.token if second.session else ""
    assert (await second.whoami()).user == "gina"
    # The old token itself is refused with the reason.
    first.session = None
    err = await refused(first.whoami())
    assert err.code == "not_logged_in"
    assert token


async def test_replaced_token_is_refused_with_reason(make_client: MakeClient) -> None:
    first, second = await make_client(), await make_client()
    await first.register("player", "hank", "secret")
    await first.login("player", "hank", "secret", watch=False)
    old = first.session
    await second.login("player", "hank", "secret", watch=False)
    first.session = old
    err = await refused(first.whoami())
    assert err.code == "session_replaced"
    assert "logged in elsewhere" in str(err)


async def test_logout_ends_the_session(client: HubClient) -> None:
    await client.register("player", "ivy", "secret")
    await client.login("player", "ivy", "secret")
    old = client.session
    await client.logout()
    client.session = old
    err = await refused(client.whoami())
    assert err.code == "not_logged_in"
    assert "logged out" in str(err)


async def test_logout_with_the_hub_gone_forgets_the_session_here(
    data_dir: Path, known_hubs: KnownHubs
) -> None:
    thread = HubThread(hub_config(data_dir))
    endpoint = f"127.0.0.1:{thread.start().ports.req}"
    async with await HubClient.connect(
        endpoint, known_hubs=known_hubs, timeout=0.5, retries=1
    ) as c:
        await c.register("player", "jo", "secret")
        await c.login("player", "jo", "secret", watch=False)
        thread.stop()
        with pytest.raises(HubUnreachable):
            await c.logout()
        assert c.session is None  # not stuck logged in to a hub that is gone


async def test_restart_keeps_accounts_but_ends_sessions(
    data_dir: Path, known_hubs: KnownHubs
) -> None:
    first = HubThread(hub_config(data_dir))
    port = first.start().ports.req
    endpoint = f"127.0.0.1:{port}"
    async with await HubClient.connect(endpoint, known_hubs=known_hubs) as c:
        await c.register("player", "jack", "secret")
        await c.login("player", "jack", "secret", watch=False)
        old = c.session
    first.stop()
    second = HubThread(hub_config(data_dir, port=port))
    second.start()
    try:
        async with await HubClient.connect(endpoint, known_hubs=known_hubs) as c:
            c.session = old
            err = await refused(c.whoami())
            assert err.code == "not_logged_in"
            await c.login("player", "jack", "secret")
    finally:
        second.stop()


async def test_the_account_book_opens_without_hashing_and_still_checks_unknown_names(
    tmp_path: Path, scrypt_runs: list[int]
) -> None:
    """A hub's start (a handed-over hub's too) makes its Accounts on the loop: no scrypt
    there (it took ~90 ms); a login for a name that does not exist still runs one check."""
    derived = scrypt_runs
    with open_repository(tmp_path / "db") as repo:
        cost = HashCost(n=2**8, r=8, p=1)
        accounts = Accounts(repo=repo, sessions=Sessions(), publish=lambda *_: None, cost=cost)
        assert derived == []
        with pytest.raises(RequestRefused, match="Wrong player name or password"):
            await accounts.login("player", "nobody", "secret", address="127.0.0.1")
        assert derived == [cost.n]


async def test_password_hashes_run_a_few_at_a_time(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve players registering at once: at most HASHING_THREADS hashes run together
    (each real scrypt holds 16 MiB), and every registration still succeeds."""
    running = most = 0
    lock = threading.Lock()
    real = accounts.hash_password

    def counted(*args: Any) -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)  # holds its thread, so hashes that may overlap do
            return real(*args)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(accounts, "hash_password", counted)
    clients = [await make_client() for _ in range(12)]
    done = await asyncio.gather(
        *(c.register("player", f"p{n}", "secret") for n, c in enumerate(clients))
    )
    assert len(done) == 12
    assert most == accounts.HASHING_THREADS
