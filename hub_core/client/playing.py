"""A player's side of rooms: a live view of one room, heartbeats, and starting the game client.

The room view follows DESIGN §2: subscribe to the room's topic, fetch a snapshot, and
apply later events; a gap in sequence numbers (a dropped message, a reconnect) fetches
a fresh snapshot, so the screen never shows a stale room.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import Installed
from hub_core.errors import GameHubError, HubUnreachable, RequestRefused
from hub_core.gameprocs import game_command
from hub_core.run_script import libs_env
from hub_core.wire import protocol, schema
from hub_core.wire.protocol import room_topic
from hub_core.wire.schema import ChatLine, RoomView

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0

OnRoom = Callable[[RoomView], None]
OnChat = Callable[[ChatLine], None]


class RoomWatch:
    """Calls ``on_room(snapshot)`` with the room's state now and after every change."""

    def __init__(
        self, client: HubClient, room_id: str, on_room: OnRoom, on_chat: OnChat | None = None
    ) -> None:
        self.client = client
        self.room_id = room_id
        self.on_room = on_room
        self.on_chat = on_chat
        self.room: RoomView | None = None
        self._resync: asyncio.Task[None] | None = None

    async def start(self) -> RoomView:
        self._sub = self.client.subscribe(room_topic(self.room_id), self._on_event, self._on_gap)
        await asyncio.sleep(0.05)  # let the subscription reach the hub before the snapshot
        return await self.refresh()

    async def refresh(self) -> RoomView:
        """Fetches a snapshot; events up to its sequence number are already in it."""
        reply = await self.client.room_get(self.room_id)
        if not self._sub.is_current(reply.seq, reply.incarnation) and self.room is not None:
            return self.room  # a newer event arrived while the snapshot was on its way
        self._sub.expect(reply.seq, reply.incarnation)
        self._show(reply.room)
        return reply.room

    def stop(self) -> None:
        self.client.unsubscribe(room_topic(self.room_id))
        if self._resync is not None:
            self._resync.cancel()

    def _on_event(self, event: protocol.Event) -> None:
        data = schema.event_data(event)
        if isinstance(data, RoomView):
            self._show(data)
        elif isinstance(data, ChatLine) and self.on_chat is not None:
            self.on_chat(data)

    def _on_gap(self, topic: str, last: int, got: int) -> None:
        log.info("Missed room events before %d; fetching a fresh snapshot", got)
        self._resync = asyncio.ensure_future(self._quiet_refresh())

    async def _quiet_refresh(self) -> None:
        with contextlib.suppress(RequestRefused, HubUnreachable):
            await self.refresh()

    def _show(self, room: RoomView) -> None:
        self.room = room
        self.on_room(room)


class Heartbeat:
    """Tells the hub every few seconds that this app is alive, so it keeps its seat."""

    def __init__(self, client: HubClient, interval: float = HEARTBEAT_SECONDS) -> None:
        self.client = client
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._beat())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _beat(self) -> None:
        while True:
            try:
                await self.client.heartbeat(timeout=self.interval)
            except (HubUnreachable, RequestRefused) as exc:
                log.info("Heartbeat not answered: %s", exc)
            await asyncio.sleep(self.interval)


def client_env(client: HubClient, room: RoomView, installed: Installed) -> dict[str, str]:
    """The game contract's environment for a client (DESIGN §5)."""
    session = client.session
    if session is None:
        raise GameHubError("Log in as a player to play.")
    return (
        os.environ
        | {
            "GAME_HOST": client.address.host,
            "GAME_PORT": str(room.server_port),
            "ROOM_ID": room.id,
            "GAME_NAME": room.game,
            "GAME_VERSION": room.version,
            "PLAYER_NAME": session.user,
            "PLAYER_USERNAME": session.user,
            "PYTHONUNBUFFERED": "1",
        }
        | libs_env(installed.libs)
    )


async def start_game_client(
    client: HubClient, room: RoomView, installed: Installed, *, pipe: bool = False
) -> asyncio.subprocess.Process:
    """Starts the installed game's client for ``room``.

    With ``pipe`` its stdin/stdout/stderr are pipes (the app's console); without, it
    shares this process's terminal (``gamehub play``).
    """
    if installed.version != room.version:
        raise GameHubError(
            f"This room plays version {room.version}; version {installed.version} is installed."
        )
    entry = installed.folder / str(installed.manifest["entry_client"])
    if not entry.is_file():
        raise GameHubError(f"The game's client {entry.name} is missing; repair the game.")
    streams: dict[str, Any] = {}
    if pipe:
        streams = {
            "stdin": asyncio.subprocess.PIPE,
            "stdout": asyncio.subprocess.PIPE,
            "stderr": asyncio.subprocess.STDOUT,
        }
    return await asyncio.create_subprocess_exec(
        *game_command(entry),
        cwd=str(installed.folder),
        env=client_env(client, room, installed),
        **streams,
    )


def games_root(data_client: Path, player_key: str) -> Path:
    """Where one player's installed games live."""
    return data_client / "games" / player_key
