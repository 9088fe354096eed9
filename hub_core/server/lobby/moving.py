"""Rooms during a handoff: which may move, ending the matches that may not, re-opening them.

A waiting room moves with its members, ready flags and recent chat; its game server is
started afresh on the new host (servers are local processes) once the hub serves there.
A room whose start was proposed moves as waiting. A room in a match cannot move: the
handoff waits for it, up to the host's limit, and then ends it with a message.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from hub_core.errors import RequestRefused
from hub_core.gameprocs import GameServer
from hub_core.server.lobby.lobby import CHAT_KEPT, Lobby
from hub_core.server.lobby.rooms import Room, RoomState
from hub_core.wire.schema import ChatLine, MatchEnding, MovedRoom

log = logging.getLogger(__name__)

# Handed-over rooms' game servers starting at once: each start is mostly an interpreter's
# start, so more than the cores only slows the clients coming back to the new hub.
SERVERS_AT_ONCE = 2


def matches_running(lobby: Lobby) -> int:
    """Rooms in a match (or about to start one): what a handoff waits for."""
    busy = (RoomState.IN_GAME, RoomState.PROPOSED)
    return sum(1 for room in lobby.rooms.values() if room.state in busy)


async def end_matches(lobby: Lobby, why: str) -> int:
    """Ends every running match with ``why`` (the handoff's limit passed); returns how many."""
    ended = 0
    for room in list(lobby.rooms.values()):
        if room.state is RoomState.IN_GAME:
            room.close(why, MatchEnding.HUB_STOPPED)
            await lobby._after(room)
            ended += 1
    return ended


def export_rooms(lobby: Lobby) -> list[MovedRoom]:
    """The rooms that move: open and not in a match (a proposed start is dropped)."""
    moving = (RoomState.WAITING, RoomState.PROPOSED)
    return [_moved(lobby, room) for room in lobby.rooms.values() if room.state in moving]


def _moved(lobby: Lobby, room: Room) -> MovedRoom:
    return MovedRoom(
        id=room.id,
        game=room.game,
        version=room.version,
        owner=room.owner,
        players=list(room.players),
        names=dict(room.names),
        ready=sorted(room.ready),
        matches=room.matches,
        last_results=room.last_results,
        created=room.created,
        chat=list(lobby.chat_kept.get(room.id, ())),
    )


def restore_rooms(lobby: Lobby, rooms: list[MovedRoom]) -> int:
    """Re-opens handed-over rooms at once, listed and joinable, while their fresh game
    servers start in the background (the hub serves first; a Start waits for its room's
    server). A room whose version is not here is dropped with a log line, one whose server
    does not start closes saying why. Returns how many opened."""
    gate = asyncio.Semaphore(SERVERS_AT_ONCE)
    return sum(_restore(lobby, moved, gate) for moved in rooms)


def _restore(lobby: Lobby, moved: MovedRoom, gate: asyncio.Semaphore) -> bool:
    try:
        version = lobby.catalog.version(moved.game, moved.version)
    except RequestRefused as exc:
        log.warning("Room %s did not survive the handoff: %s", moved.id, exc)
        return False
    names = [moved.names.get(key, key) for key in moved.players]
    manifest = version["manifest"]
    room = Room(
        id=moved.id,
        game=moved.game,
        version=moved.version,
        display_name=manifest["display_name"],
        type=manifest["type"],
        min_players=int(manifest.get("min_players", manifest["max_players"])),
        max_players=int(manifest["max_players"]),
        owner=moved.owner,
        players=list(moved.players),
        names=dict(moved.names),
        ready=set(moved.ready),
        matches=moved.matches,
        last_results=moved.last_results,
        created=moved.created,
    )
    lobby.chat_kept[room.id] = _chat(moved)

    async def start() -> GameServer:
        async with gate:
            return await lobby.start_server(moved.id, version, names)

    lobby.install(room, start)
    return True


def _chat(moved: MovedRoom) -> deque[ChatLine]:
    return deque(moved.chat, maxlen=CHAT_KEPT)
