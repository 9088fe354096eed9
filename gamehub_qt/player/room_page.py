"""The room page: who is here (seat order, owner, ready marks), Ready, Start, Leave, chat.

Everything shown is redrawn from the room's latest snapshot, so the page is never ahead
of or behind the hub. Ready first makes sure the room's exact version is installed
(the hub only accepts "ready" with that version), installing it with a progress bar.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.rows import even_rows
from gamehub_qt.base.widgets import error_label, show_outcome
from gamehub_qt.player.common import need_client
from gamehub_qt.player.install_bar import InstallBar
from gamehub_qt.player.installer import Installer
from gamehub_qt.player.libraries import fit_version, version_of
from gamehub_qt.player.room_notes import room_notes
from gamehub_qt.player.room_session import RoomSession
from gamehub_qt.player.state import PlayerState
from hub_core.client.installs import InstallResult
from hub_core.wire.schema import ChatLine, GameDetails, RoomState, RoomView

log = logging.getLogger(__name__)

# System lines (joins, leaves, a new owner) stand apart from what players say.
SYSTEM_LINE = '<span style="color:#6b7280; font-style:italic">— {0}</span>'
CHAT_LINE = "<span>{0}</span>"


class RoomPage(Retranslated, QWidget):
    """One room's page; ``leave_requested`` when the user clicks Leave."""

    leave_requested = Signal()

    def __init__(
        self,
        state: PlayerState,
        installer: Installer,
        session: RoomSession,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.installer = installer
        self.session = session
        self._shown = session.room  # the snapshot on screen; the next is compared with it
        self.title = QLabel()
        font = QFont()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title.setFont(font)
        self.status = QLabel()
        self.players = QListWidget()
        even_rows(self.players)
        self.ready, self.start, self.leave = QPushButton(), QPushButton(), QPushButton()
        self.ready.setCheckable(True)
        self.bar = InstallBar(installer)
        # The room's version needs libraries with no build for this machine: Ready waits,
        # and this line (and Ready's tooltip) says what is missing, before anyone waits.
        self.no_build = error_label()
        self._libraries_of: tuple[str, str] | None = None  # the (game, version) asked about
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.chat = QPlainTextEdit()
        self.chat.setReadOnly(True)
        self.chat_label = QLabel()
        self.say = QLineEdit()
        self.send = QPushButton()
        self._layout()
        self.ready.clicked.connect(self._ready_clicked)
        self.start.clicked.connect(session.propose_start)
        self.leave.clicked.connect(self.leave_requested)
        self.say.returnPressed.connect(self._send_chat)
        self.send.clicked.connect(self._send_chat)
        session.room_changed.connect(self.show_room)
        session.chat_received.connect(self.add_chat)
        session.failed.connect(self.show_problem)
        installer.ended.connect(self._install_ended)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets every fixed text and shows the room again; runs on a language switch."""
        self.start.setText(self.tr("Start"))
        self.leave.setText(self.tr("Leave room"))
        self.chat_label.setText(self.tr("Chat"))
        self.say.setPlaceholderText(self.tr("Say something to the room"))
        self.send.setText(self.tr("Send"))
        self.show_room(self.session.room)  # its title, status, seats and Ready

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.ready, self.start):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.leave)
        chat_row = QHBoxLayout()
        chat_row.addWidget(self.say, 1)
        chat_row.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.players, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.no_build)
        layout.addWidget(self.bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.chat_label)
        layout.addWidget(self.chat, 1)
        layout.addLayout(chat_row)

    # -- showing -----------------------------------------------------------------------

    def show_room(self, room: RoomView) -> None:
        me = self.state.user
        for note in room_notes(self._shown, room, me):
            self.add_system_line(note)
        self._shown = room
        self.title.setText(
            self.tr("{0} {1} — room {2}").format(room.display_name, room.version, room.id)
        )
        self.status.setText(self.status_text(room))
        self.players.clear()
        for seat, name in enumerate(room.players, start=1):
            self.players.addItem(self.player_line(seat, name, room))
        waiting = room.state is RoomState.WAITING
        self.ready.setChecked(me in room.ready)
        self.ready.setText(self.tr("Ready ✓") if me in room.ready else self.tr("Ready"))
        blocked = self.no_build.text() and me not in room.ready  # un-readying stays possible
        self.ready.setEnabled(waiting and not self.installer.busy and not blocked)
        self.ready.setToolTip(self.no_build.text())
        self._check_libraries(room)
        self.start.setVisible(room.owner == me)
        self.start.setEnabled(waiting and can_start(room))

    def _check_libraries(self, room: RoomView) -> None:
        """Asks the hub once per (game, version) which libraries it needs; the answer is
        checked against this machine as the install would pick. Should the question fail,
        Ready stays as it was: the install then says what went wrong, as before."""
        key = (room.game, room.version)
        if key == self._libraries_of or room.state is RoomState.CLOSED:
            return
        self._libraries_of = key

        async def work() -> GameDetails:
            return await need_client(self.state.context).game_details(room.game)

        op = self.state.op(self, work).success(lambda d: self._libraries_arrived(key, d))
        op.failure(lambda exc: log.info("The room's game details did not come: %s", exc)).run()

    def _libraries_arrived(self, key: tuple[str, str], details: GameDetails) -> None:
        if key != self._libraries_of:
            return
        sentence = fit_version(version_of(details, key[1])).sentence()
        self.no_build.setText(sentence)
        self.no_build.setVisible(bool(sentence))
        self.show_room(self.session.room)

    def player_line(self, seat: int, name: str, room: RoomView) -> str:
        marks = []
        if name == room.owner:
            marks.append(self.tr("owner"))
        if name == self.state.user:
            marks.append(self.tr("you"))
        if name in room.ready:
            marks.append(self.tr("✓ ready"))
        elif room.state is RoomState.WAITING:
            marks.append(self.tr("not ready"))
        return f"{seat}. {name}" + (f"  ({', '.join(marks)})" if marks else "")

    def status_text(self, room: RoomView) -> str:
        state, have, high = room.state, len(room.players), room.max_players
        if state is RoomState.WAITING and have < room.min_players:
            return self.tr(
                "Waiting for players: {0} here, {1} needed to start (at most {2})."
            ).format(have, room.min_players, high)
        if state is RoomState.WAITING:
            return self.tr("Waiting: the owner starts once everyone is ready ({0} of {1}).").format(
                len(room.ready), have
            )
        if state is RoomState.PROPOSED:
            return self.tr("{0} proposed to start; waiting for everyone to accept.").format(
                room.owner
            )
        if state is RoomState.IN_GAME:
            return self.tr("Playing.")
        return self.tr("The room closed: {0}").format(room.closed_reason)

    def add_chat(self, line: ChatLine) -> None:
        self.chat.appendHtml(CHAT_LINE.format(html.escape(f"{line.sender}: {line.text}")))

    def add_system_line(self, text: str) -> None:
        """A room change: in the chat, set apart, and for a few seconds in the status bar."""
        self.chat.appendHtml(SYSTEM_LINE.format(html.escape(text)))
        self.state.context.messages.info(text)

    def show_problem(self, text: str) -> None:
        show_outcome(self.notice, text, ok=False)

    def show_notice(self, text: str) -> None:
        show_outcome(self.notice, text, ok=True)

    # -- acting ------------------------------------------------------------------------

    def _ready_clicked(self, checked: bool) -> None:
        """Ready means 'I have this room's version': install it first if needed."""
        room = self.session.room
        self.show_notice("")
        if not checked:
            self.session.set_ready(False, None)
            return
        have = self.state.installed.get(room.game)
        if have is not None and have.version == room.version:
            self.session.set_ready(True, have.version)
            return
        self.ready.setEnabled(False)
        self.installer.install(room.game, room.version, then=self._installed)

    def _installed(self, result: InstallResult) -> None:
        if self.session.room.state is RoomState.WAITING:
            self.session.set_ready(True, result.version)

    def _install_ended(self, _text: str, _ok: bool) -> None:
        self.show_room(self.session.room)  # unticks Ready if the install failed

    def _send_chat(self) -> None:
        text = self.say.text().strip()
        if text:
            self.say.clear()
            self.session.say(text)


def can_start(room: RoomView) -> bool:
    """Enough players, and every one of them ready (what the hub checks too)."""
    players = room.players
    return len(players) >= room.min_players and set(room.ready) >= set(players)
