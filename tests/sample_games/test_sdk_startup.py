"""gamehub_sdk starts fast: importing it loads neither dataclasses nor typing nor what a
server needs only once it listens, and its hand-written types behave as the dataclasses
they replaced did (value equality, an immutable GameEnv, Match as a base class)."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from typing import Any

import pytest

import gamehub_sdk as sdk
from tests.sample_games import ROOT

# What `import gamehub_sdk` must not load: each costs a game milliseconds before it listens.
HEAVY = ("dataclasses", "typing", "inspect", "traceback", "asyncio", "json", "queue", "threading")


def test_import_loads_nothing_heavy() -> None:
    """-S: a bare interpreter, so nothing a site hook preloads hides what the SDK loads."""
    code = (
        "import sys, gamehub_sdk\n"
        "print(gamehub_sdk.__file__)\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    where, heavy = done.stdout.splitlines()
    assert where == str(ROOT / "gamehub_sdk" / "__init__.py")
    assert heavy == "[]"


def env(port: int = 4567, room_id: str = "") -> sdk.GameEnv:
    return sdk.GameEnv("0.0.0.0", port, room_id, players=("alice",))


def test_game_env_is_a_value() -> None:
    assert env() == env() and hash(env()) == hash(env())
    assert env() != env(port=4568) and env() != ("0.0.0.0", 4567)
    assert len({env(), env(), env(room_id="r2")}) == 2
    assert sdk.GameEnv("h", 1, "r") == sdk.GameEnv(host="h", port=1, room_id="r")
    assert repr(sdk.GameEnv("h", 1, lobby_port=7)) == (
        "GameEnv(host='h', port=1, room_id='', game_name='', game_version='', players=(), "
        "player_name='', player_username='', lobby_host='', lobby_port=7)"
    )
    assert env().connect_host == "127.0.0.1"


def test_game_env_is_immutable_and_copies() -> None:
    game = env()
    with pytest.raises(AttributeError, match="cannot assign to field 'port'"):
        game.port = 1
    with pytest.raises(AttributeError):
        game.extra = 1
    with pytest.raises(AttributeError, match="cannot delete field 'host'"):
        del game.host
    assert copy.copy(game) == game and copy.deepcopy(game) == game
    assert pickle.loads(pickle.dumps(game)) == game
    match game:
        case sdk.GameEnv(host, port):
            assert (host, port) == ("0.0.0.0", 4567)


def test_seats_compare_by_value() -> None:
    left, right = object(), object()
    seat = sdk.Seat("alice", left)  # type: ignore[arg-type]
    assert seat == sdk.Seat("alice", left)  # type: ignore[arg-type]
    assert seat != sdk.Seat("alice", right)  # type: ignore[arg-type]
    assert seat != sdk.Seat("bob", left)  # type: ignore[arg-type]
    assert repr(seat).startswith("Seat(name='alice', channel=<object object")
    with pytest.raises(TypeError):
        hash(seat)


def test_match_is_a_base_class_at_run_time() -> None:
    class Solo(sdk.Match):
        def __init__(self) -> None:
            self.done = False

        @property
        def finished(self) -> bool:
            return self.done

        def start(self) -> sdk.Outgoing:
            return [(None, "go")]

        def on_message(self, seat: int, message: Any) -> sdk.Outgoing:
            self.done = True
            return [(seat, message)]

        def on_leave(self, seat: int) -> sdk.Outgoing:
            return []

        def results(self) -> dict[str, Any]:
            return {"winner": None}

    solo = Solo()
    assert solo.start() == [(None, "go")]
    assert solo.on_message(0, "x") == [(0, "x")] and solo.finished
