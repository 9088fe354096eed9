"""The lobby: rooms, their game servers, membership and heartbeats, on the hub's loop.

Each change to a room is published twice: the whole room on ``room/<id>`` for its
members, and a summary on ``rooms`` for everyone browsing. A snapshot request returns
the same shape plus the topic's sequence number, so a client can apply later events.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from hub_core.errors import RequestRefused
from hub_core.gameprocs import GameServer, ProcessLimits, WarmSpare, prune_logs
from hub_core.packages import Limits
from hub_core.server.accounts import Accounts
from hub_core.server.lobby.callback import GameFinished
from hub_core.server.lobby.history import History
from hub_core.server.lobby.rooms import Room, RoomState
from hub_core.server.lobby.servers import start_room_server
from hub_core.server.sessions import Session
from hub_core.server.store.catalog import Catalog
from hub_core.server.store.unpacked import Unpacked
from hub_core.wire.codes import Code
from hub_core.wire.protocol import ROOMS_TOPIC, room_topic
from hub_core.wire.schema import (
    ChatLine,
    Empty,
    EventKind,
    HeartbeatReply,
    MatchEnding,
    RoomList,
    RoomReply,
)

log = logging.getLogger(__name__)

# A player whose app sends no heartbeat for this long leaves their room.
HEARTBEAT_TIMEOUT = 8.0
REAP_INTERVAL = 1.0
MAX_CHAT = 500
CHAT_KEPT = 50  # chat lines per room kept in memory, to travel with a handed-over room

Publish = Callable[[str, str, Any], int]
_NO_SERVER = "The game's server could not start on the hub's new host."

__all__ = ["Lobby", "LobbyConfig", "room_topic"]


@dataclass
class LobbyConfig:
    """Where servers listen and log, and how they are limited."""

    bind_host: str
    state_dir: Path  # orphan records of running servers
    log_dir: Path  # one log per room
    limits: ProcessLimits
    ready_timeout: float = 10.0
    logs_kept: int = 200  # room logs kept: the newest this many...
    logs_max_age_days: float = 14.0  # ...and none older than this (open rooms' logs stay)
    package_limits: Limits = field(default_factory=Limits)  # games' wheels on install here
    spare: WarmSpare | None = None  # the hub's warm game-server process (gameprocs._spare)


class Lobby:
    """All rooms of the hub; every method runs on the hub's loop."""

    def __init__(
        self,
        *,
        config: LobbyConfig,
        catalog: Catalog,
        accounts: Accounts,
        unpacked: Unpacked,
        publish: Publish,
        topic_seq: Callable[[str], int],
        history: History,
        incarnation: str = "",
    ) -> None:
        self.config = config
        self.history = history
        self.catalog = catalog
        self.accounts = accounts
        self.unpacked = unpacked
        self.publish = publish
        self.topic_seq = topic_seq
        self.incarnation = incarnation  # with "seq" in snapshots: which hub start numbered it
        self.lobby_port = 0  # set once the game_finished listener is up
        self.rooms: dict[str, Room] = {}
        self._servers: dict[str, GameServer] = {}
        self._member_of: dict[str, str] = {}  # player key -> room id
        self._last_beat: dict[str, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.chat_kept: dict[str, deque[ChatLine]] = {}  # recent chat, which a handoff carries
        self._starting: dict[str, asyncio.Task[None]] = {}  # handed-over rooms' server starts

    # -- rooms -----------------------------------------------------------------------

    def list(self) -> RoomList:
        open_rooms = [r.snapshot() for r in self.rooms.values() if r.state is not RoomState.CLOSED]
        return RoomList(
            rooms=sorted(open_rooms, key=lambda r: r.created),
            seq=self.topic_seq(ROOMS_TOPIC),
            incarnation=self.incarnation,
        )

    def get(self, room_id: str) -> RoomReply:
        room = self._room(room_id)
        seq = self.topic_seq(room_topic(room_id))
        chat = list(self.chat_kept.get(room_id, ()))
        return RoomReply(room=room.snapshot(), seq=seq, incarnation=self.incarnation, chat=chat)

    def mine(self, player: Session) -> RoomReply | None:
        room_id = self._member_of.get(player.key)
        return self.get(room_id) if room_id in self.rooms else None

    async def create(self, player: Session, game_name: str) -> RoomReply:
        """Starts the game's server first; the room exists once the server listens."""
        self._must_be_free(player)
        game = self.catalog.active_game(game_name)
        version = self.catalog.version(game["name"], game["latest"])
        manifest = version["manifest"]
        room_id = secrets.token_hex(4)
        server = await self.start_server(room_id, version, [player.user])
        self._must_be_free(player)  # the player might have joined elsewhere meanwhile
        room = Room(
            id=room_id,
            game=game["name"],
            version=version["version"],
            display_name=manifest["display_name"],
            type=manifest["type"],
            min_players=int(manifest.get("min_players", manifest["max_players"])),
            max_players=int(manifest["max_players"]),
            owner=player.key,
            players=[player.key],
            names={player.key: player.user},
        )
        self.install(room, server)
        return self.get(room_id)

    async def start_server(
        self, room_id: str, version: dict[str, Any], players: Sequence[str]
    ) -> GameServer:
        """Starts a room's game server; raises RequestRefused with the reason it did not."""
        return await start_room_server(
            self.config, self.unpacked, self.lobby_port, room_id, version, players
        )

    def install(self, room: Room, server: GameServer | Callable[[], Awaitable[GameServer]]) -> None:
        """Opens a room: a new one whose server listens, or one handed over from another hub
        whose server ``server()`` starts now, in the background: that room is listed and
        joinable at once, and a Start in it waits for the server (``_server_up``)."""
        self.rooms[room.id] = room
        for key in room.players:
            self._member_of[key] = room.id
            self._beat(key)
        if isinstance(server, GameServer):
            self._serve(room, server)
        else:
            self._starting[room.id] = self._spawn(self._bring_up(room, server))
        self._changed(room)

    def _serve(self, room: Room, server: GameServer) -> None:
        room.server_port = server.port
        self._servers[room.id] = server
        self._spawn(self._watch_server(room.id, server))

    async def _bring_up(self, room: Room, start: Callable[[], Awaitable[GameServer]]) -> None:
        """A handed-over room's server: it serves the room, or the room closes saying why."""
        try:
            server = await start()
        except Exception as exc:  # the room must not wait for a server that never comes
            log.warning("Room %s did not survive the handoff: %s", room.id, exc)
            if room.state is not RoomState.CLOSED:
                room.close(str(exc) if isinstance(exc, RequestRefused) else _NO_SERVER)
                await self._after(room)
            return
        finally:
            self._starting.pop(room.id, None)
        if self.rooms.get(room.id) is not room:  # everyone left meanwhile
            await server.stop()
            return
        self._serve(room, server)
        self._changed(room)

    async def _server_up(self, room_id: str) -> None:
        """Waits for a handed-over room's server (a match needs it); at once for the others.
        Shielded: a request given up on must not stop the server's start."""
        starting = self._starting.get(room_id)
        if starting is not None:
            await asyncio.shield(starting)

    def join(self, player: Session, room_id: str) -> RoomReply:
        room = self._room(room_id)
        if self._member_of.get(player.key) not in (None, room_id):
            self._must_be_free(player)
        room.join(player.key, player.user)
        self._enter(player, room_id)
        self._changed(room)
        return self.get(room_id)

    async def leave(self, player: Session, room_id: str) -> Empty:
        room = self._room(room_id)
        room.leave(player.key)
        self._exit(player.key)
        await self._after(room)
        return Empty()

    async def ready(
        self, player: Session, room_id: str, ready: bool, installed: str | None
    ) -> RoomReply:
        """Ready means "I have this room's exact version installed"; the app says which it has."""
        room = self._room(room_id)
        if ready and installed != room.version:
            have = f"you have {installed}" if installed else "it is not installed"
            raise RequestRefused(
                Code.NOT_READY,
                f"Install {room.display_name} {room.version} before getting ready ({have}).",
            )
        room.set_ready(player.key, ready)
        self._beat(player.key)
        await self._after(room)
        return self.get(room_id)

    async def propose(self, player: Session, room_id: str) -> RoomReply:
        await self._server_up(room_id)
        room = self._room(room_id)
        if room.propose(player.key):
            await self.accounts.record_played(room.game, list(room.players), room.version)
        await self._after(room)
        return self.get(room_id)

    async def respond(self, player: Session, room_id: str, accept: bool) -> RoomReply:
        await self._server_up(room_id)
        room = self._room(room_id)
        if room.respond(player.key, accept):
            await self.accounts.record_played(room.game, list(room.players), room.version)
        await self._after(room)
        return self.get(room_id)

    def chat(self, player: Session, room_id: str, text: str) -> ChatLine:
        """A line of chat to everyone in the room (on the room's topic, kind "chat")."""
        room = self._room(room_id)
        if player.key not in room.players:
            raise RequestRefused(Code.NOT_IN_ROOM, "You are not in this room.")
        text = " ".join(text.split())[:MAX_CHAT]
        if not text:
            raise RequestRefused(Code.BAD_REQUEST, "A chat message cannot be empty.")
        line = ChatLine(sender=player.user, text=text, time=time.time())
        self.publish(room_topic(room_id), EventKind.CHAT, line)
        self.chat_kept.setdefault(room_id, deque(maxlen=CHAT_KEPT)).append(line)
        self._beat(player.key)
        return line

    def heartbeat(self, player: Session) -> HeartbeatReply:
        self._beat(player.key)
        return HeartbeatReply(room=self._member_of.get(player.key))

    async def player_gone(self, key: str, *, stopped_answering: bool = False) -> None:
        """A player logged out, was replaced elsewhere, or stopped answering."""
        room_id = self._member_of.get(key)
        room = self.rooms.get(room_id or "")
        self._exit(key)
        if room is not None and key in room.players:
            name = room.names.get(key, key)
            room.leave(key)
            await self._after(room, dropped=[name] if stopped_answering else ())

    # -- game servers ----------------------------------------------------------------

    async def on_finished(self, report: GameFinished) -> tuple[bool, str]:
        """The game_finished callback: only for rooms this hub started and that are playing."""
        room = self.rooms.get(report.room_id)
        if room is None or room.state is RoomState.CLOSED:
            return False, f"There is no open room {report.room_id!r} on this hub."
        try:
            room.finished(report.kick_all, report.results)
        except RequestRefused as exc:
            return False, str(exc)
        await self._after(room)
        return True, "The room is closed." if report.kick_all else "The room is waiting again."

    async def _watch_server(self, room_id: str, server: GameServer) -> None:
        ended = await server.wait()
        room = self.rooms.get(room_id)
        if room is not None and room.state is not RoomState.CLOSED:
            room.close(ended.describe())
            await self._after(room)

    async def stop(self, *, quiet: bool = False) -> None:
        """Closes every room and stops every server (the hub is stopping).

        ``quiet``: the hub was handed over and its rooms live on elsewhere, so members are
        not told they closed.
        """
        for room in [] if quiet else list(self.rooms.values()):
            if room.state is not RoomState.CLOSED:
                room.close("The hub is stopping.", MatchEnding.HUB_STOPPED)
                await self._after(room)
        for task in list(self._tasks):
            task.cancel()
        for server in list(self._servers.values()):
            await server.stop()

    async def reap(self) -> None:
        """Forever: members whose app went quiet leave their rooms."""
        while True:
            await asyncio.sleep(REAP_INTERVAL)
            limit = time.monotonic() - HEARTBEAT_TIMEOUT
            for key in [k for k, t in self._last_beat.items() if t < limit]:
                log.info("Player %s stopped answering; leaving their room", key)
                await self.player_gone(key, stopped_answering=True)

    # -- helpers ---------------------------------------------------------------------

    async def _after(self, room: Room, dropped: Sequence[str] = ()) -> None:
        """Records a match that ended, publishes the change, and cleans up a closed room."""
        ended = room.take_ended_match()
        if ended is not None:
            try:
                room.last_match = await self.history.record(room, ended)
            except Exception:  # the room must still move on; the hub's log says what failed
                log.exception("Could not record the match that ended in room %s", room.id)
        self._changed(room, dropped)
        if room.state is RoomState.CLOSED:
            await self._dispose(room)

    async def _dispose(self, room: Room) -> None:
        for key in list(room.players):
            self._exit(key)
        self.rooms.pop(room.id, None)
        self.chat_kept.pop(room.id, None)
        server = self._servers.pop(room.id, None)
        if server is not None:
            await server.stop()
        await asyncio.to_thread(self.prune_logs, set(self._servers))

    def prune_logs(self, open_rooms: set[str] | None = None) -> int:
        """Deletes old room logs (blocking): beyond ``logs_kept`` or ``logs_max_age_days``.

        ``open_rooms`` is taken on the loop; the logs of those rooms always stay.
        """
        return prune_logs(
            self.config.log_dir,
            self.config.logs_kept,
            self.config.logs_max_age_days,
            open_rooms or set(),
        )

    def _changed(self, room: Room, dropped: Sequence[str] = ()) -> None:
        snapshot = room.snapshot()
        if dropped:  # this event only: a later snapshot does not repeat it
            snapshot = msgspec.structs.replace(snapshot, dropped=list(dropped))
        self.publish(room_topic(room.id), EventKind.ROOM, snapshot)
        kind = EventKind.ROOM_REMOVED if room.state is RoomState.CLOSED else EventKind.ROOM
        self.publish(ROOMS_TOPIC, kind, snapshot)

    def _room(self, room_id: str) -> Room:
        room = self.rooms.get(room_id)
        if room is None or room.state is RoomState.CLOSED:
            raise RequestRefused(Code.NO_SUCH_ROOM, f"There is no open room {room_id!r}.")
        return room

    def _must_be_free(self, player: Session) -> None:
        current = self._member_of.get(player.key)
        if current is not None and current in self.rooms:
            raise RequestRefused(
                Code.ROOM_BUSY, f"You are already in room {current}; leave it first."
            )

    def _enter(self, player: Session, room_id: str) -> None:
        self._member_of[player.key] = room_id
        self._beat(player.key)

    def _exit(self, key: str) -> None:
        self._member_of.pop(key, None)
        self._last_beat.pop(key, None)

    def _beat(self, key: str) -> None:
        if key in self._member_of:
            self._last_beat[key] = time.monotonic()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
