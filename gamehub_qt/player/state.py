"""What the Player tab's screens share: who is logged in, the store, and what is installed.

One object per tab, so the store list, the details pane, the rooms page and "My games"
show the same facts; each redraws when a signal says its facts changed. The store list
follows the hub's "store" topic: any published, removed or reviewed game re-fetches the
list (one small request), which can never drift from the hub the way patching could.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.ops import HubOp
from gamehub_qt.player.common import need_client
from hub_core.client.installs import Installed, installed_games
from hub_core.errors import RequestRefused
from hub_core.wire.codes import Code
from hub_core.wire.protocol import STORE_TOPIC
from hub_core.wire.schema import GameSummary, SessionInfo

SESSION_GONE = (Code.NOT_LOGGED_IN, Code.SESSION_REPLACED)


class PlayerState(QObject):
    """The logged-in player's view of the hub and of their installed games."""

    games_changed = Signal()
    installed_changed = Signal()
    store_event = Signal(str, object)  # kind, its schema Struct (after the list was re-fetched)
    session_lost = Signal(str)  # the hub no longer knows this session (why)
    match_ended = Signal(object)  # MatchView: a match this player played was recorded

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.session: SessionInfo | None = None
        self.games: dict[str, GameSummary] = {}
        self.installed: dict[str, Installed] = {}
        context.player.hub_event.connect(self._on_hub_event)

    # -- running work ----------------------------------------------------------------

    def op(self, parent: QWidget | None, work: Callable[[], Coroutine[Any, Any, Any]]) -> HubOp:
        """A HubOp whose unhandled failures reach this tab's own message bridge."""
        return self.context.op(parent, work).failure(self.guard(self._tell))

    def guard(self, on_failure: Callable[[Exception], None]) -> Callable[[Exception], None]:
        """Wraps a failure handler: a request refused for want of a session logs out.

        The hub forgets sessions when it restarts; the first request after that is the
        first to know, and the player belongs on the login panel, told why.
        """

        def handle(exc: Exception) -> None:
            if isinstance(exc, RequestRefused) and exc.code in SESSION_GONE:
                if self.session is not None:
                    self.session_lost.emit(str(exc))
                return
            on_failure(exc)

        return handle

    def _tell(self, exc: Exception) -> None:
        self.context.messages.error(str(exc))

    # -- session ---------------------------------------------------------------------

    @property
    def user(self) -> str:
        return self.session.user if self.session else ""

    def games_root(self) -> Path:
        key = self.session.key if self.session else "_nobody"
        return self.context.games_root(key)

    def begin(self, session: SessionInfo) -> None:
        """Logged in: follow the store and read what this player has installed."""
        self.session = session
        self.refresh_installed()
        self.op(None, self._follow_store).success(self._set_games).run()

    def end(self) -> None:
        """Logged out: forget the player's facts (the screens go back to the login panel)."""
        self.session = None
        self.games = {}
        self.installed = {}
        self.games_changed.emit()
        self.installed_changed.emit()

    async def _follow_store(self) -> list[GameSummary]:
        self.context.player.subscribe(STORE_TOPIC)
        return await self._fetch_games()

    async def _fetch_games(self) -> list[GameSummary]:
        return await need_client(self.context).list_games()

    # -- store -----------------------------------------------------------------------

    def refresh_games(self) -> None:
        self.op(None, self._fetch_games).success(self._set_games).run()

    def _set_games(self, games: list[GameSummary]) -> None:
        if self.session is None:
            return
        self.games = {g.name: g for g in games}
        self.games_changed.emit()

    def _on_hub_event(self, topic: str, kind: str, data: object) -> None:
        if topic != STORE_TOPIC or self.session is None:
            return
        self.op(None, self._fetch_games).success(
            lambda games: self._after_event(games, kind, data)
        ).run()

    def _after_event(self, games: list[GameSummary], kind: str, data: object) -> None:
        self._set_games(games)
        self.store_event.emit(kind, data)

    # -- installed games -------------------------------------------------------------

    def refresh_installed(self) -> None:
        root = self.games_root()

        async def read() -> list[Installed]:
            return await asyncio.to_thread(installed_games, root)

        self.op(None, read).success(self._set_installed).run()

    def note_installed(self, name: str, record: Installed | None) -> None:
        """One game's install record changed (None: it is gone), as read by the installer."""
        if self.session is None:
            return
        if record is None:
            self.installed.pop(name, None)
        else:
            self.installed[name] = record
        self.installed_changed.emit()

    def _set_installed(self, found: list[Installed]) -> None:
        if self.session is None:
            return
        self.installed = {g.name: g for g in found}
        self.installed_changed.emit()

    def local_state(self, name: str) -> str:
        """'none' (not installed), 'update' (older than the store's latest) or 'current'."""
        have = self.installed.get(name)
        if have is None:
            return "none"
        game = self.games.get(name)
        latest = game.latest if game else None
        return "update" if latest and latest != have.version else "current"

    def display_name(self, name: str) -> str:
        game = self.games.get(name)
        if game is not None:
            return game.display_name
        have = self.installed.get(name)
        return str(have.manifest.get("display_name", name)) if have else name
