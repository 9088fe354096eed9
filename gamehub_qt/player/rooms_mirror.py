"""The hub's open rooms, kept current: the "rooms" topic's events on top of a snapshot.

As DESIGN §2 asks: subscribe, fetch a snapshot with its sequence number, apply only
later events; a gap in the numbers (a dropped event) fetches a fresh snapshot. The
subscription lives on the network thread; changes reach Qt through ``changed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from PySide6.QtCore import QObject, Signal

from gamehub_qt.player.common import need_client, on_net
from gamehub_qt.player.state import PlayerState
from gamehub_qt.shell.connection import LinkState
from hub_core.client.events import Subscription
from hub_core.client.hub_client import HubClient
from hub_core.errors import GameHubError, RequestRefused
from hub_core.wire import protocol, schema
from hub_core.wire.protocol import ROOMS_TOPIC
from hub_core.wire.schema import EventKind, RoomState, RoomView

log = logging.getLogger(__name__)

SNAPSHOT_TRIES = 5


class RoomsMirror(QObject):
    """``rooms``: room id → room summary, in creation order; ``changed`` after each update."""

    changed = Signal()
    _snapshot = Signal(object)  # list of RoomView (from the network thread)
    _event = Signal(str, object)  # kind, RoomView
    _hub_restarted = Signal()  # events of a new hub start arrived (from the network thread)

    def __init__(self, state: PlayerState) -> None:
        super().__init__()
        self.state = state
        self.rooms: dict[str, RoomView] = {}
        self._snapshot.connect(self._set_all)
        self._event.connect(self._apply)
        self._hub_restarted.connect(self._resync_after_restart)
        state.context.player.state_changed.connect(self._hub_state)
        self._stale = False  # the hub was lost: refresh once it answers again
        self._sub: Subscription | None = None
        self._resync: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Subscribes and fetches the first snapshot (after login)."""
        self.state.op(None, self._follow).run()

    def stop(self) -> None:
        """Forgets the rooms (logged out); the old client's subscription goes with it."""
        self.rooms = {}
        self.changed.emit()
        client = self.state.context.player.client
        if client is not None:
            on_net(self.state.context, lambda: client.unsubscribe(ROOMS_TOPIC))

    def refresh(self) -> None:
        """Fetches a fresh list now (F5), in case an event was lost on the way."""

        async def work() -> None:
            await self._refresh(need_client(self.state.context))

        self.state.op(None, work).run()

    async def _follow(self) -> None:
        client = need_client(self.state.context)
        self._sub = client.subscribe(ROOMS_TOPIC, self._on_event, self._on_gap)
        await asyncio.sleep(0.05)  # let the subscription reach the hub before the snapshot
        await self._refresh(client)

    async def _refresh(self, client: HubClient) -> None:
        """Fetches the list until it is at least as new as the events already applied.

        Replies and events travel on different sockets: an event published just after
        the snapshot can arrive before it, and an older list would undo that event.
        """
        for _ in range(SNAPSHOT_TRIES):
            reply = await client.list_rooms()
            if self._sub is None or self._sub.is_current(reply.seq, reply.incarnation):
                break
        if self._sub is not None:
            self._sub.expect(reply.seq, reply.incarnation)
        self._snapshot.emit(reply.rooms)

    def _on_event(self, event: protocol.Event) -> None:
        data = schema.event_data(event)
        if isinstance(data, RoomView):
            self._event.emit(event.kind, data)

    def _on_gap(self, topic: str, last: int, got: int) -> None:
        if last == 0:  # the hub restarted: its rooms and this player's session are gone
            log.info("The hub restarted; fetching a fresh list of rooms")
            self._hub_restarted.emit()  # refresh() as an op: a lost session logs out, told why
            return
        log.info("Missed %s events before %d; fetching a fresh list", topic, got)
        client = self.state.context.player.client
        if client is not None:
            self._resync = asyncio.ensure_future(self._quiet_refresh(client))

    async def _quiet_refresh(self, client: HubClient) -> None:
        with contextlib.suppress(GameHubError):
            await self._refresh(client)

    # -- on the Qt thread ----------------------------------------------------------------

    def _resync_after_restart(self) -> None:
        if self.state.context.player.state is LinkState.CONNECTED:
            self.refresh()
        else:
            self._stale = True

    def _hub_state(self, state: str) -> None:
        """A hub that was lost may have restarted (rooms gone, sessions ended) or events
        may have been missed meanwhile: once it answers again, take a fresh list."""
        if state == LinkState.LOST:
            self._stale = True
        elif state == LinkState.CONNECTED and self._stale:
            self._stale = False
            if self.state.session is not None:
                self.refresh()

    def _set_all(self, rooms: list[RoomView]) -> None:
        if self.state.session is None:
            return
        self.rooms = {r.id: r for r in rooms}
        self.changed.emit()

    def _apply(self, kind: str, room: RoomView) -> None:
        if self.state.session is None:
            return  # a late event from before the logout
        if kind == EventKind.ROOM_REMOVED or room.state is RoomState.CLOSED:
            self.rooms.pop(room.id, None)
        elif kind == EventKind.ROOM:
            self.rooms[room.id] = room
        self.changed.emit()


async def quick_play(client: HubClient, name: str) -> RoomView:
    """Joins an open waiting room of ``name`` with a free seat, else creates one."""
    for room in (await client.list_rooms()).rooms:
        free = len(room.players) < room.max_players
        if room.game == name and room.state is RoomState.WAITING and free:
            with contextlib.suppress(RequestRefused):  # filled or started meanwhile: next one
                return (await client.join_room(room.id)).room
    return await create_room(client, name)


async def create_room(client: HubClient, name: str) -> RoomView:
    """Creates a room (the hub starts the game's server first, so this takes a moment)."""
    return (await client.create_room(name, timeout=15)).room
