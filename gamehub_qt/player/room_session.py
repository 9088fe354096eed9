"""Being in one room: its live state, its chat, the heartbeat, and the room requests.

hub_core.client.playing.RoomWatch keeps the room current (snapshot, events, resync on a gap)
and Heartbeat keeps the seat; both live on the network thread, started and stopped by
coroutines run there. Their callbacks are forwarded to Qt through this object's signals.

    entering : watch and heartbeat starting
    inside   : room snapshots and chat lines arrive; requests go to the hub
    gone     : the player left, or the room closed; watch and heartbeat stopped
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from gamehub_qt.player.common import need_client, on_net, spawn
from gamehub_qt.player.state import PlayerState
from hub_core.client.hub_client import HubClient
from hub_core.client.playing import Heartbeat, RoomWatch
from hub_core.errors import RequestRefused
from hub_core.wire.codes import Code
from hub_core.wire.schema import RoomView


class LatestRoomWatch(RoomWatch):
    """RoomWatch that never lets a snapshot overwrite a newer event.

    The snapshot reply and the events travel on different sockets, so an event published
    just after the snapshot was taken can arrive before it. ``RoomWatch.refresh`` would
    then show the older snapshot and rewind the sequence number, leaving the page stale
    until the next event. A room event carries the whole room, so the newer one wins.
    (Worth moving into hub_core.client.playing.RoomWatch.refresh.)
    """

    async def refresh(self) -> RoomView:
        reply = await self.client.room_get(self.room_id)
        if not self._sub.is_current(reply.seq, reply.incarnation) and self.room is not None:
            return self.room  # events newer than this snapshot were applied already
        self._sub.expect(reply.seq, reply.incarnation)
        self._show(reply.room)
        return reply.room


class RoomSession(QObject):
    """One room this player is in; ``room_changed(room)`` for every change."""

    room_changed = Signal(object)  # RoomView
    chat_received = Signal(object)  # ChatLine
    failed = Signal(str)  # a room request the hub refused or could not answer
    gone = Signal(str)  # a fresh look found the room closed (why)

    def __init__(self, state: PlayerState, room: RoomView) -> None:
        super().__init__()
        self.state = state
        self.room = room
        self.room_id = room.id
        self._watch: LatestRoomWatch | None = None
        self._beat: Heartbeat | None = None
        self._stopped = False
        self.room_changed.connect(self._remember)

    # -- life --------------------------------------------------------------------------

    def start(self) -> None:
        """Starts the live view and the heartbeat on the network thread."""

        async def work() -> None:
            if self._stopped:  # left before this ran (both run on the network thread)
                return
            client = need_client(self.state.context)
            self._beat = Heartbeat(client)
            self._beat.start()
            self._watch = LatestRoomWatch(
                client, self.room_id, self.room_changed.emit, self.chat_received.emit
            )
            await self._watch.start()

        self._run(work)

    def stop(self) -> None:
        """Stops the live view and the heartbeat (the room page is going away)."""
        self._stopped = True

        def halt() -> None:
            watch, beat = self._watch, self._beat
            self._watch = self._beat = None
            if watch is not None:
                watch.stop()
            if beat is not None:
                spawn(beat.stop())

        on_net(self.state.context, halt)

    def refresh(self) -> None:
        """Looks at the room again (the hub answers again after a silence)."""

        async def work() -> None:
            if self._watch is not None:
                await self._watch.refresh()

        self.state.context.op(None, work).failure(self.state.guard(self._refresh_failed)).run()

    def _refresh_failed(self, exc: Exception) -> None:
        if isinstance(exc, RequestRefused) and exc.code == Code.NO_SUCH_ROOM:
            self.gone.emit(str(exc))
        else:
            self.failed.emit(str(exc))

    # -- room requests -------------------------------------------------------------------

    def set_ready(self, ready: bool, installed: str | None) -> None:
        self._request(lambda hub: hub.set_ready(self.room_id, ready, installed))

    def propose_start(self) -> None:
        self._request(lambda hub: hub.propose_start(self.room_id))

    def respond(self, accept: bool) -> None:
        self._request(lambda hub: hub.respond_start(self.room_id, accept))

    def say(self, text: str) -> None:
        self._request(lambda hub: hub.room_chat(self.room_id, text))

    def leave(self, then: Callable[[], None]) -> None:
        """Leaves the room; ``then`` runs once the hub agreed (or could not be reached)."""

        async def work() -> None:
            await need_client(self.state.context).leave_room(self.room_id, timeout=2)

        self.state.context.op(None, work).success(lambda _: then()).failure(
            lambda _exc: then()
        ).run()

    # -- helpers -----------------------------------------------------------------------

    def _request(self, send: Callable[[HubClient], Awaitable[object]]) -> None:
        async def work() -> None:
            await send(need_client(self.state.context))

        self._run(work)

    def _run(self, work: Any) -> None:
        self.state.context.op(None, work).failure(
            self.state.guard(lambda exc: self.failed.emit(str(exc)))
        ).run()

    def _remember(self, room: RoomView) -> None:
        self.room = room
