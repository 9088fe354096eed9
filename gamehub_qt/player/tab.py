"""The Player tab: the login form until a player logs in, then Store, Rooms and My games.

The tab follows the player connection: a session appearing (login) shows the pages and
starts following the store and the rooms; a session ending (Log out, the hub link
dropped, or a login elsewhere, which the hub tells us about) takes everything down and
shows the login form again, with the reason.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.login_form import PLAYER, LoginForm
from gamehub_qt.base.widgets import ERROR_STYLE
from gamehub_qt.player.common import need_client
from gamehub_qt.player.installer import Installer
from gamehub_qt.player.my_games import MyGamesPage
from gamehub_qt.player.play_controller import PlayController
from gamehub_qt.player.rooms_mirror import RoomsMirror
from gamehub_qt.player.rooms_page import RoomsPage
from gamehub_qt.player.state import PlayerState
from gamehub_qt.player.store_page import StorePage
from hub_core.wire.schema import RoomReply, SessionInfo


class PlayerTab(Retranslated, QWidget):
    """Everything a player does: log in, browse and install, meet in rooms, play, review."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.state = PlayerState(context)
        self.installer = Installer(self.state)
        self.mirror = RoomsMirror(self.state)
        self.login = LoginForm(context, PLAYER)
        self.store = StorePage(self.state, self.installer)
        self.rooms = RoomsPage(self.state, self.mirror)
        self.my_games = MyGamesPage(self.state, self.installer)
        self.tabs = QTabWidget()
        for page in (self.store, self.rooms, self.my_games):
            self.tabs.addTab(page, "")
        self.play = PlayController(self.state, self.installer, self.tabs, self.rooms)
        self.who = QLabel()
        self.hub_note = QLabel()
        self.hub_note.setStyleSheet(ERROR_STYLE)
        self.logout_button = QPushButton()
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.login)
        self.stack.addWidget(self._main_page())
        self.logout_button.clicked.connect(self.log_out)
        self.store.details.play_requested.connect(self._quick_play)
        context.player.session_changed.connect(self._session_changed)
        context.player.state_changed.connect(self._hub_state)
        self.state.session_lost.connect(self._session_lost)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets every fixed text; runs again when the user switches languages."""
        for page, title in (
            (self.store, self.tr("Store")),
            (self.rooms, self.tr("Rooms")),
            (self.my_games, self.tr("My games")),
        ):
            self.tabs.setTabText(self.tabs.indexOf(page), title)
        self.logout_button.setText(self.tr("Log out"))
        self.who.setText(self.tr("Logged in as <b>{0}</b>").format(html.escape(self.state.user)))
        self._hub_state(self.context.player.state)
        self.play.retranslate()  # the room's and the console's tab titles

    def _main_page(self) -> QWidget:
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 8, 0)
        header.addWidget(self.who)
        header.addWidget(self.hub_note, 1)
        header.addWidget(self.logout_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        return page

    def find_games(self) -> None:
        """Ctrl+F (the main window's Find action): the store's search box, wherever the
        player was."""
        if self.logged_in:
            self.tabs.setCurrentWidget(self.store)
            self.store.list.search.setFocus()
            self.store.list.search.selectAll()

    @property
    def logged_in(self) -> bool:
        return self.state.session is not None

    # -- session -----------------------------------------------------------------------

    def _session_changed(self, session: SessionInfo | None) -> None:
        if session is not None:
            self._logged_in(session)
        elif self.logged_in:
            self._logged_out()

    def _logged_in(self, session: SessionInfo) -> None:
        self.state.begin(session)
        self.mirror.start()
        self.my_games.refresh_reviews()
        self.my_games.matches.refresh()
        self.retranslate()  # who is logged in
        self.tabs.setCurrentWidget(self.store)
        self.stack.setCurrentIndex(1)
        self._find_my_room()

    def _logged_out(self) -> None:
        self.play.end()
        self.installer.cancel()
        self.mirror.stop()
        self.state.end()
        self.stack.setCurrentIndex(0)
        self.login.focus()

    def _session_lost(self, why: str) -> None:
        self._logged_out()
        self.login.show_reason(why)

    def log_out(self) -> None:
        """Logs out; if the hub does not answer, this app forgets the session anyway."""
        conn = self.context.player
        self.state.op(self, lambda: PLAYER.log_out(conn)).failure(self._logout_failed).run()

    def _logout_failed(self, exc: Exception) -> None:
        self._logged_out()
        self.login.show_reason(self.tr("Logged out here; the hub did not confirm: {0}").format(exc))

    def _find_my_room(self) -> None:
        """A restarted app finds the player's seat again (the hub keeps it a few seconds)."""

        async def work() -> RoomReply | None:
            return await need_client(self.context).my_room()

        self.state.op(self, work).success(self._rejoin).run()

    def _rejoin(self, mine: RoomReply | None) -> None:
        if mine is not None and self.logged_in:
            self.play.enter(mine.room)

    def refresh(self) -> None:
        """F5: fetches again what the pages show, for whatever live updates missed."""
        if not self.logged_in:
            return
        self.state.refresh_games()
        self.state.refresh_installed()  # another copy of GameHub may have installed games
        self.store.details.refresh()
        self.mirror.refresh()
        self.my_games.refresh_reviews()
        self.my_games.matches.refresh()
        self.store.matches.refresh()
        self.play.refresh()

    # -- the rest ----------------------------------------------------------------------

    def _hub_state(self, state: str) -> None:
        lost = self.tr("The hub is not answering; GameHub keeps trying.")
        self.hub_note.setText(lost if state == "lost" else "")

    def _quick_play(self, name: str) -> None:
        self.tabs.setCurrentWidget(self.rooms)
        self.rooms.quick_play(name)
