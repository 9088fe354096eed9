"""The app's link to the chosen hub for one role (the Player and Developer tabs each
have one, as a hub keeps one session per role and user).

Everything here runs on the network thread; the Qt side hears about it through the
signals, which Qt delivers to the window's thread. The link's states are LinkState.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from hub_core.client.elsewhere import elsewhere
from hub_core.client.hub_client import HubClient
from hub_core.errors import HubUnreachable
from hub_core.wire import protocol, schema
from hub_core.wire.endpoints import HubAddress
from hub_core.wire.keys import KnownHubs
from hub_core.wire.protocol import Role
from hub_core.wire.schema import ClientKind, SessionInfo

log = logging.getLogger(__name__)

WATCH_SECONDS = 3.0


class LinkState(StrEnum):
    """Where one role's link to the chosen hub stands (``state_changed`` carries these)."""

    # no hub chosen, or the user left it; joining starts CONNECTING
    DISCONNECTED = "disconnected"
    # asking the hub for its key and opening the encrypted link; then CONNECTED, or
    # DISCONNECTED if the hub cannot be reached or its key is refused
    CONNECTING = "connecting"
    # requests work and events arrive; a failed ping or "hub_stopping" makes it LOST
    CONNECTED = "connected"
    # the hub stopped answering; pings go on, and the first answer makes it CONNECTED
    LOST = "lost"


class Connection(QObject):
    """One role's client of the current hub; call the async methods through HubOp."""

    state_changed = Signal(str)
    session_changed = Signal(object)  # SessionInfo | None
    hub_event = Signal(str, str, object)  # topic, kind, data (its schema Struct, or None)
    told = Signal(str)  # something the hub wants the user to know (logged out elsewhere)
    moved = Signal(str, str)  # the hub's new endpoint, and why it was not followed ("": it was)

    def __init__(self, role: Role, known_hubs: KnownHubs) -> None:
        super().__init__()
        self.role = role
        self.known_hubs = known_hubs
        self.client: HubClient | None = None
        self.state = LinkState.DISCONNECTED
        self._watch: asyncio.Task[None] | None = None

    # -- hub -------------------------------------------------------------------------

    async def join_hub(self, endpoint: str, *, retrust: bool = False) -> str:
        """Connects (pinning the hub's key); returns the hub's name."""
        await self.leave_hub()
        self._set_state(LinkState.CONNECTING)
        try:
            client = await HubClient.connect(endpoint, known_hubs=self.known_hubs, retrust=retrust)
        except Exception:
            self._set_state(LinkState.DISCONNECTED)
            raise
        client.on_session_ended = self._ended
        client.on_moved = self._moved
        self.client = client
        client.subscribe("hub", self._forward)
        self._watch = asyncio.ensure_future(self._keep_watch())
        self._set_state(LinkState.CONNECTED)
        return client.hello.name

    async def leave_hub(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.logout(timeout=1)
            await self.client.close()
            self.client = None
            self.session_changed.emit(None)
        self._set_state(LinkState.DISCONNECTED)

    # -- session ---------------------------------------------------------------------

    async def register(self, user: str, password: str) -> None:
        await self._client().register(self.role, user, password)

    async def login(self, user: str, password: str) -> SessionInfo:
        session = await self._client().login(self.role, user, password, client=ClientKind.APP)
        self.session_changed.emit(session)
        return session

    async def logout(self) -> None:
        try:
            await self._client().logout()
        finally:  # the session is forgotten here even when the hub did not answer
            self.session_changed.emit(None)

    # -- requests and events ---------------------------------------------------------

    def hub(self) -> HubClient:
        """The client, for typed requests: ``await conn.hub().list_games()``."""
        return self._client()

    def subscribe(self, topic: str) -> None:
        """Forwards the topic's events to the ``hub_event`` signal (call on the net loop)."""
        self._client().subscribe(topic, self._forward)

    def unsubscribe(self, topic: str) -> None:
        if self.client is not None:
            self.client.unsubscribe(topic)

    def _client(self) -> HubClient:
        if self.client is None:
            raise HubUnreachable("Choose a hub first.")
        return self.client

    def _forward(self, event: protocol.Event) -> None:
        data = schema.event_data(event)
        if isinstance(data, schema.HubStopping):
            self._set_state(LinkState.LOST)
        self.hub_event.emit(event.topic, event.kind, data)

    def _moved(self, moved: schema.HubMoved, problem: str) -> None:
        """The hub was handed over; HubClient followed it (or says why it could not)."""
        self.moved.emit(str(HubAddress(moved.address, moved.req_port)), problem)

    def _ended(self, why: str) -> None:
        ended = self.client.ended if self.client is not None else None
        self.session_changed.emit(None)
        self.told.emit(self.ended_text(ended) if ended is not None else why)

    def ended_text(self, ended: schema.SessionEnded) -> str:
        """Why this session ended, in the app's language; for a login elsewhere, where."""
        if ended.reason is not schema.EndReason.REPLACED:
            return self.tr("You were logged out.")
        where = elsewhere(ended)
        if where.here and where.client == ClientKind.CLI:
            return self.tr(
                "This account logged in elsewhere: with the gamehub command on this "
                "computer. You were logged out here."
            )
        if where.here and where.client == ClientKind.APP:
            return self.tr(
                "This account logged in elsewhere: in another GameHub window on this "
                "computer. You were logged out here."
            )
        if where.here:
            return self.tr(
                "This account logged in elsewhere: on this computer. You were logged out here."
            )
        if where.address:
            return self.tr(
                "This account logged in elsewhere: from another computer ({0}). "
                "You were logged out here."
            ).format(where.address)
        return self.tr("This account logged in elsewhere, so you were logged out here.")

    async def _keep_watch(self) -> None:
        """Pings the hub; a hub that stops answering is 'lost' until it answers again."""
        while self.client is not None:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                await self.client.ping(timeout=WATCH_SECONDS)
            except HubUnreachable:
                self._set_state(LinkState.LOST)
                continue
            if self.state is LinkState.LOST:
                self._set_state(LinkState.CONNECTED)

    def _set_state(self, state: LinkState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
