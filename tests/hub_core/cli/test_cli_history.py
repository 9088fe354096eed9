"""`gamehub review` and `gamehub history`: real commands, against a hub where a match was played."""

# The lobby tests' fixtures are imported by name, and test arguments name them again.
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from hub_core.client.hub_client import HubClient
from tests.hub_core.cli.test_cli import gamehub
from tests.hub_core.server.lobby.test_lobby import (  # noqa: F401  (fixtures)
    Watcher,
    ann,
    bob,
    hub,
    pong,
    start_match,
    tell_server,
    watch,
    watchers,
)


async def run(*args: str, data: Path) -> tuple[int, str, str]:
    done = await asyncio.to_thread(gamehub, *args, data=data)
    return done.returncode, done.stdout, done.stderr


async def test_review_and_history_from_the_command_line(
    endpoint: str,
    ann: HubClient,
    bob: HubClient,
    pong: str,
    watchers: list[Watcher],
    tmp_path: Path,
) -> None:
    data = tmp_path / "cli"
    cy = ("--hub", endpoint, "--user", "cy")
    await run("register", *cy, "--role", "player", data=data)
    code, _, err = await run("review", pong, *cy, "--rating", "4", data=data)
    assert code == 1 and "after you have played it" in err  # the hub's own sentence

    room = (await ann.create_room(pong)).room
    await bob.join_room(room.id)
    w = await watch(watchers, bob, room.id)
    await start_match(ann, bob, room.id)
    started = await w.until("in_game")
    await asyncio.to_thread(tell_server, started, "close")  # the game closes the room
    await w.until("closed")
    hub_args = ("--hub", endpoint, "--user", "ann")  # this login ends ann's client's session

    code, _, err = await run("review", pong, *hub_args, "--rating", "6", data=data)
    assert code == 2 and "A rating is 1 to 5 stars; 6 is not one of them." in err
    code, out, err = await run(
        "review", pong, *hub_args, "--rating", "4", "--text", "Short and sharp.", data=data
    )
    assert code == 0, err
    assert "you gave pong 4 of 5 stars" in out
    assert [(r.player, r.rating) for r in (await bob.game_details(pong)).reviews] == [("ann", 4)]

    code, out, err = await run("history", *hub_args, "--json", data=data)
    assert code == 0, err
    [match] = json.loads(out)["matches"]
    assert (match["game"], match["players"], match["winner"]) == ("pong", ["ann", "bob"], "ann")
    assert (match["ending"], match["closed_room"]) == ("finished", True)
    code, out, err = await run("history", pong, *hub_args, data=data)
    assert code == 0, err
    assert "ann, bob" in out and "finished, ann won" in out
    assert "1. ann" in out  # the leaderboard
    assert "1.0.0: 1" in out
