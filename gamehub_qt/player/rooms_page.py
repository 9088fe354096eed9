"""The Rooms page: the hub's open rooms, live, and Create / Join / Quick play.

Entering a room (by any of the three) emits ``entered(room)``; the room itself is shown
by the room page. While the player is in a room the three actions are off: the hub
seats a player in one room at a time.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.rows import even_rows
from gamehub_qt.base.widgets import show_outcome
from gamehub_qt.player.common import fit_columns, need_client
from gamehub_qt.player.rooms_mirror import RoomsMirror, create_room, quick_play
from gamehub_qt.player.state import PlayerState
from hub_core.wire.schema import RoomState, RoomView

ID_ROLE = Qt.ItemDataRole.UserRole


class RoomsPage(Retranslated, QWidget):
    """Lists rooms; ``entered(room)`` once the hub has seated this player in one."""

    entered = Signal(object)

    def __init__(self, state: PlayerState, mirror: RoomsMirror, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.mirror = mirror
        self.in_room = False
        self._busy = False
        self.game = QComboBox()
        self.game_label = QLabel()
        self.create_button, self.quick, self.join = QPushButton(), QPushButton(), QPushButton()
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        even_rows(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self._layout()
        self.create_button.clicked.connect(self.create_room)
        self.quick.clicked.connect(lambda: self.quick_play(self.chosen_game()))
        self.join.clicked.connect(self.join_selected)
        self.table.itemDoubleClicked.connect(self.join_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        mirror.changed.connect(self._fill_rooms)
        state.games_changed.connect(self._fill_games)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets every fixed text and the rooms' status again; runs on a language switch."""
        self.game_label.setText(self.tr("Game"))
        self.create_button.setText(self.tr("Create room"))
        self.quick.setText(self.tr("Quick play"))
        self.join.setText(self.tr("Join"))
        self.table.setHeaderLabels(
            [
                self.tr("Game"),
                self.tr("Owner"),
                self.tr("Players"),
                self.tr("Status"),
                self.tr("Room"),
            ]
        )
        self._fill_rooms()
        if self.in_room and not self._busy:
            self.set_in_room(True)  # says so again, in the new language

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.game_label)
        top.addWidget(self.game, 1)
        for button in (self.create_button, self.quick):
            top.addWidget(button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notice, 1)
        bottom.addWidget(self.join)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    # -- filling -----------------------------------------------------------------------

    def chosen_game(self) -> str:
        return str(self.game.currentData() or "")

    def _fill_games(self) -> None:
        keep = self.chosen_game()
        self.game.clear()
        for name, game in self.state.games.items():
            self.game.addItem(game.display_name, name)
        index = self.game.findData(keep)
        self.game.setCurrentIndex(max(index, 0))
        self._update_buttons()

    def _fill_rooms(self) -> None:
        keep = self.selected_room()
        self.table.clear()
        for room in self.mirror.rooms.values():
            item = QTreeWidgetItem(
                [
                    room.display_name,
                    room.owner,
                    f"{len(room.players)}/{room.max_players}: {', '.join(room.players)}",
                    self.status_text(room),
                    room.id,
                ]
            )
            item.setData(0, ID_ROLE, room.id)
            self.table.addTopLevelItem(item)
            item.setSelected(room.id == keep)
        fit_columns(self.table)
        self._update_buttons()

    def status_text(self, room: RoomView) -> str:
        state = room.state
        if state is RoomState.WAITING and len(room.players) >= room.max_players:
            return self.tr("Full")
        return {
            RoomState.WAITING: self.tr("Open"),
            RoomState.PROPOSED: self.tr("Starting"),
            RoomState.IN_GAME: self.tr("Playing"),
        }.get(state, state.value)

    def selected_room(self) -> str:
        items = self.table.selectedItems()
        return str(items[0].data(0, ID_ROLE)) if items else ""

    def set_in_room(self, in_room: bool) -> None:
        self.in_room = in_room
        self.notice.setStyleSheet("")
        self.notice.setText(
            self.tr("You are in a room; leave it to join another.") if in_room else ""
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        free = not self.in_room and not self._busy
        self.create_button.setEnabled(free and bool(self.chosen_game()))
        self.quick.setEnabled(free and bool(self.chosen_game()))
        room = self.mirror.rooms.get(self.selected_room())
        joinable = (
            room is not None
            and room.state is RoomState.WAITING
            and (len(room.players) < room.max_players)
        )
        self.join.setEnabled(free and joinable)

    # -- acting ------------------------------------------------------------------------

    def create_room(self) -> None:
        name = self.chosen_game()

        async def work() -> RoomView:
            return await create_room(need_client(self.state.context), name)

        self._run(self.tr("Starting a room…"), work)

    def quick_play(self, name: str) -> None:
        """Joins a waiting room of ``name`` with a free seat, or creates one."""
        if not name:
            return
        if self.in_room:
            self._failed(Exception(self.tr("Leave your room first.")))
            return

        async def work() -> RoomView:
            return await quick_play(need_client(self.state.context), name)

        self._run(self.tr("Finding a room…"), work)

    def join_selected(self) -> None:
        room_id = self.selected_room()
        if not room_id or not self.join.isEnabled():
            return

        async def work() -> RoomView:
            return (await need_client(self.state.context).join_room(room_id)).room

        self._run(self.tr("Joining…"), work)

    def _run(self, doing: str, work: Any) -> None:
        show_outcome(self.notice, doing, ok=True)
        self.state.op(self, work).success(self._entered).failure(
            self.state.guard(self._failed)
        ).busy(self._set_busy).run()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _entered(self, room: RoomView) -> None:
        self.notice.setText("")
        self.entered.emit(room)

    def _failed(self, exc: Exception) -> None:
        show_outcome(self.notice, str(exc), ok=False)
