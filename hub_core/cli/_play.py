"""`gamehub play`: create or join a room, get the room's version, ready, start, play, return.

The room's progress is printed as plain lines (or JSON lines with --json); a CLI game
then runs in this terminal with its input and output passed straight through.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from typing import Any

from hub_core.cli._common import EXIT_OK, EXIT_REFUSED, add_hub_options, paths_of, print_json
from hub_core.cli._progress import ProgressPrinter
from hub_core.cli._store import logged_in
from hub_core.client.hub_client import HubClient
from hub_core.client.installs import Installed, install, read_installed
from hub_core.client.playing import Heartbeat, RoomWatch, games_root, start_game_client
from hub_core.errors import GameHubError, RequestRefused
from hub_core.wire.schema import RoomState, RoomView


def add_commands(commands: Any) -> None:
    helptext = "create or join a room, ready up, start and play a game (player)"
    p = commands.add_parser("play", help=helptext, description=helptext)
    add_hub_options(p)
    p.add_argument("name", help="the game's name")
    p.add_argument("--user", required=True)
    p.add_argument("--room", metavar="ID", help="join this room instead of creating one")
    p.add_argument("--json", action="store_true", help="print the room's progress as JSON lines")
    p.set_defaults(func=run_play)


class Say:
    """Human lines or JSON lines, flushed at once (a game may share the terminal)."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def __call__(self, event: str, text: str, **data: Any) -> None:
        if self.as_json:
            print_json({"event": event, "message": text} | data)
        else:
            print(text)
        sys.stdout.flush()


async def run_play(args: argparse.Namespace) -> int:
    say = Say(args.json)
    async with await logged_in(args, "player") as client:
        try:
            return await _in_room(client, args, say)
        finally:  # also on Ctrl+C: the hub lists this player online until they log out
            await _log_out(client)


async def _in_room(client: HubClient, args: argparse.Namespace, say: Say) -> int:
    beat = Heartbeat(client)
    room = await _enter(client, args)
    say(
        "joined",
        f"In room {room.id} for {room.display_name} {room.version}.",
        room=room,
    )
    beat.start()
    try:
        return await _play(client, args, room, say)
    finally:
        await beat.stop()
        await _leave(client, room.id)


async def _log_out(client: HubClient) -> None:
    # Best effort as well: a hub that does not answer ends the session when it expires.
    with contextlib.suppress(GameHubError):
        await client.logout(timeout=2)


async def _enter(client: HubClient, args: argparse.Namespace) -> RoomView:
    if args.room:
        reply = await client.join_room(args.room)
        if reply.room.game != args.name:
            await _leave(client, args.room)
            raise SystemExit(f"gamehub: room {args.room} plays {reply.room.game}, not {args.name}.")
    else:
        reply = await client.create_room(args.name)
    return reply.room


async def _leave(client: HubClient, room_id: str) -> None:
    # Best effort: the hub drops players whose app goes quiet anyway.
    with contextlib.suppress(GameHubError):
        await client.leave_room(room_id, timeout=2)


async def _play(client: HubClient, args: argparse.Namespace, room: RoomView, say: Say) -> int:
    assert client.session is not None
    root = games_root(paths_of(args).client, client.session.key)
    installed = read_installed(root, room.game)
    if installed is None or installed.version != room.version:
        bar = ProgressPrinter(f"Installing {room.game} {room.version}", quiet=args.json)
        try:
            await install(client, room.game, root, progress=bar, version=room.version)
        finally:
            bar.finish()
        installed = read_installed(root, room.game)
        assert installed is not None
    changes: asyncio.Queue[RoomView] = asyncio.Queue()
    watch = RoomWatch(client, room.id, changes.put_nowait)
    await watch.start()
    try:
        await client.set_ready(room.id, True, installed.version)
        return await _follow(client, installed, changes, say)
    finally:
        watch.stop()


async def _follow(
    client: HubClient, installed: Installed, changes: asyncio.Queue[RoomView], say: Say
) -> int:
    """Reacts to the room as it changes until one match has been played."""
    me = client.session.user if client.session else ""
    played = False
    last_state: RoomState | None = None
    while True:
        room = await changes.get()
        state = room.state
        if state != last_state or state is RoomState.WAITING:
            _describe(room, me, say)
        last_state = state
        if state is RoomState.CLOSED:
            return EXIT_OK if played else EXIT_REFUSED
        if state is RoomState.WAITING and played:
            say("back", f"Back in room {room.id}; the match is over.", room=room)
            return EXIT_OK
        if state is RoomState.WAITING and room.owner == me and _can_start(room):
            await _quietly(client.propose_start(room.id))
        elif state is RoomState.PROPOSED and me not in room.accepted:
            await _quietly(client.respond_start(room.id, True))
        elif state is RoomState.IN_GAME and not played:
            played = True
            say("start", f"The game starts: {room.display_name}.", room=room)
            proc = await start_game_client(client, room, installed)
            code = await proc.wait()
            say("client_exit", f"The game client ended (exit code {code}).", code=code)


def _can_start(room: RoomView) -> bool:
    return len(room.players) >= room.min_players and set(room.ready) == set(room.players)


def _describe(room: RoomView, me: str, say: Say) -> None:
    state = room.state
    players = ", ".join(f"{p}{' (ready)' if p in room.ready else ''}" for p in room.players)
    if state is RoomState.WAITING:
        say(
            "room",
            f"Waiting: {players} — {len(room.players)} of {room.max_players} players.",
            room=room,
        )
    elif state is RoomState.PROPOSED:
        say("room", f"{room.owner} proposed to start; waiting for everyone to accept.", room=room)
    elif state is RoomState.CLOSED:
        say("closed", f"The room closed: {room.closed_reason}", room=room)


async def _quietly(request: Any) -> None:
    """Races are normal here (two players act at once); the next room event corrects us."""
    with contextlib.suppress(RequestRefused):
        await request
