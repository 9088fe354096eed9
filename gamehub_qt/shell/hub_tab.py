"""The Hub tab, shown while this app hosts a hub: who is online, the rooms, and each
room's game server log, plus the hub's address, key fingerprint and data folder.

What it shows comes from ``hub_watch.poll_hub`` through a HubOp. A QTimer polls once a
second while the tab is visible, and never starts a poll before the last one ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QHideEvent, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.ops import HubOp
from gamehub_qt.base.rows import even_rows
from gamehub_qt.base.style import icon
from gamehub_qt.shell.handover_dialog import HandOverDialog
from gamehub_qt.shell.host_toggle import Hosting, shared_endpoints
from gamehub_qt.shell.hub_watch import HubView, poll_hub
from hub_core.wire.schema import RoomState, RoomView

POLL_MS = 1000
ROOM_ID = Qt.ItemDataRole.UserRole


@dataclass
class _LogFollow:
    """Which room's log the tab shows, and where its next read starts."""

    room_id: str = ""
    offset: int = -1  # -1: not read yet (start with the tail)


class HubTab(Retranslated, QWidget):
    """What the hosted hub is doing; ``refresh`` polls now (F5)."""

    def __init__(self, context: AppContext, hosting: Hosting, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.hosting = hosting
        self._follow = _LogFollow()
        self._polling: HubOp | None = None
        self._rooms: list[RoomView] = []
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh)
        self._build()
        self.retranslate()
        hosting.started.connect(lambda _: self.show_endpoints())
        self.show_endpoints()

    # -- layout ----------------------------------------------------------------------

    def _build(self) -> None:
        self.name = self._selectable()
        self.addresses = self._selectable()
        self.fingerprint = self._selectable()
        self.data_dir = self._selectable()
        self.protections = self._selectable()  # what confines game servers here (one line)
        self.protections.setWordWrap(True)
        self.open_folder = QPushButton(icon("folder"), "")
        self.open_folder.clicked.connect(self.open_data_folder)
        self.stop_button = QPushButton(icon("stop"), "")
        self.stop_button.setObjectName("Danger")
        self.stop_button.clicked.connect(self.hosting.stop)
        self.hand_over_button = QPushButton(icon("hub"), "")
        self.hand_over_button.clicked.connect(self.open_hand_over)
        self.players = QListWidget()
        self.rooms = QTableWidget(0, 4)
        self.rooms.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rooms.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.rooms.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rooms.setAlternatingRowColors(True)
        self.rooms.verticalHeader().hide()
        for view in (self.players, self.rooms):
            even_rows(view)
        header = self.rooms.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rooms.itemSelectionChanged.connect(self._room_chosen)
        self.log_title = QLabel()
        self.log_view = QPlainTextEdit()
        self.log_view.setObjectName("LogView")
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._lay_out()

    @staticmethod
    def _selectable() -> QLabel:
        label = QLabel()
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _lay_out(self) -> None:
        self.info = QGroupBox()
        form = QFormLayout(self.info)
        self.labels = [QLabel() for _ in range(5)]
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.data_dir, 1)
        folder_row.addWidget(self.open_folder)
        for label, value in zip(
            self.labels[:3], (self.name, self.addresses, self.fingerprint), strict=True
        ):
            form.addRow(label, value)
        form.addRow(self.labels[3], folder_row)
        form.addRow(self.labels[4], self.protections)
        head = QHBoxLayout()
        head.addWidget(self.info, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.hand_over_button)
        buttons.addStretch(1)
        head.addLayout(buttons)
        self.players_box = self._boxed(self.players)
        self.rooms_box = self._boxed(self.rooms)
        self.log_box = self._boxed(self.log_title, self.log_view)
        left = QSplitter(Qt.Orientation.Vertical)
        left.setObjectName("hubTabLeft")
        left.addWidget(self.players_box)
        left.addWidget(self.rooms_box)
        left.setSizes([160, 340])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("hubTabSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.log_box)
        self.splitter.setSizes([460, 740])
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.open_folder, self.stop_button)
        self.setTabOrder(self.stop_button, self.hand_over_button)
        self.setTabOrder(self.hand_over_button, self.players)
        self.setTabOrder(self.players, self.rooms)
        self.setTabOrder(self.rooms, self.log_view)

    @staticmethod
    def _boxed(*widgets: QWidget) -> QGroupBox:
        box = QGroupBox()
        layout = QVBoxLayout(box)
        for widget in widgets:
            layout.addWidget(widget)
        return box

    def retranslate(self) -> None:
        self.info.setTitle(self.tr("This hub"))
        texts = (self.tr("Name:"), self.tr("Others join at:"), self.tr("Key fingerprint:"))
        more = (self.tr("Data folder:"), self.tr("Protections:"))
        for label, text in zip(self.labels, (*texts, *more), strict=True):
            label.setText(text)
        self.fingerprint.setToolTip(
            self.tr("Players who are warned that the key changed can compare it with this")
        )
        self.open_folder.setText(self.tr("&Open"))
        self.open_folder.setToolTip(self.tr("Open the hub's data folder (database, logs, key)"))
        self.stop_button.setText(self.tr("&Stop hosting"))
        self.stop_button.setToolTip(self.tr("Stop the hub; everyone connected to it is told"))
        self.hand_over_button.setText(self.tr("&Hand the hub over…"))
        self.hand_over_button.setToolTip(
            self.tr("Let a player's computer host this hub from now on, with all its data")
        )
        self.players_box.setTitle(self.tr("Players online"))
        self.players.setToolTip(self.tr("Players logged in to this hub now"))
        self.rooms_box.setTitle(self.tr("Rooms"))
        self.rooms.setHorizontalHeaderLabels(
            [self.tr("Room"), self.tr("Game"), self.tr("Players"), self.tr("State")]
        )
        self.rooms.setToolTip(self.tr("Open rooms; choose one to follow its game server's log"))
        self.log_box.setTitle(self.tr("Game server log"))
        self.log_view.setToolTip(self.tr("What the chosen room's game server prints"))
        self._show_log_title()
        self._fill_rooms(self._rooms)

    # -- showing the hub -------------------------------------------------------------

    def show_endpoints(self) -> None:
        ep = self.hosting.endpoints
        if ep is None:
            return
        self.name.setText(ep.name)
        self.addresses.setText(", ".join(shared_endpoints(ep)))
        self.fingerprint.setText(ep.fingerprint)
        self.data_dir.setText(str(ep.data_dir))
        self.protections.setText(ep.protections)

    def open_hand_over(self) -> HandOverDialog:
        """The dialog that picks a willing player and hands the hub to their copy."""
        dialog = HandOverDialog(self.context, self.hosting, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_data_folder(self) -> None:
        ep = self.hosting.endpoints
        folder = ep.data_dir if ep is not None else self.context.paths.data
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.timer.start()
        self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Polls the hub now, unless a poll is still running."""
        hub = self.context.hosting
        if hub is None or self._polling is not None:
            return
        follow = self._follow
        path = self._log_path(follow.room_id) if follow.room_id else None
        op = self.context.op(self, lambda: poll_hub(hub, path, follow.offset))
        op.success(lambda view: self._show(follow, view)).failure(self._poll_failed)
        op.busy(lambda busy: None if busy else self._poll_done())
        # Set before run(): a poll that is already done calls back inside run().
        self._polling = op
        op.run()

    def _poll_done(self) -> None:
        self._polling = None

    def _poll_failed(self, _: Exception) -> None:
        """A poll racing the hub's stop fails; the next one (if hosting) will do."""

    def _log_path(self, room_id: str) -> Path:
        return self.context.paths.data / "logs" / "rooms" / f"{room_id}.log"

    def _show(self, follow: _LogFollow, view: HubView) -> None:
        if [self.players.item(i).text() for i in range(self.players.count())] != view.players:
            self.players.clear()
            self.players.addItems(view.players)
        if view.rooms != self._rooms:
            self._fill_rooms(view.rooms)
        if follow is self._follow and follow.room_id:
            self._append_log(view)

    def _append_log(self, view: HubView) -> None:
        if view.log_reset:
            self.log_view.clear()
        self._follow.offset = view.log_offset
        if not view.log:
            return
        bar = self.log_view.verticalScrollBar()
        at_end = bar.value() == bar.maximum()
        cursor = self.log_view.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(view.log)
        if at_end:
            bar.setValue(bar.maximum())

    # -- rooms -----------------------------------------------------------------------

    def _fill_rooms(self, rooms: list[RoomView]) -> None:
        self._rooms = rooms
        chosen = self._follow.room_id
        self.rooms.blockSignals(True)
        self.rooms.setRowCount(len(rooms))
        for row, room in enumerate(rooms):
            for column, text in enumerate(self._room_cells(room)):
                item = QTableWidgetItem(text)
                item.setData(ROOM_ID, room.id)
                self.rooms.setItem(row, column, item)
            if room.id == chosen:
                self.rooms.selectRow(row)
        self.rooms.blockSignals(False)
        self._show_log_title()

    def _room_cells(self, room: RoomView) -> list[str]:
        states = {
            RoomState.WAITING: self.tr("Waiting"),
            RoomState.PROPOSED: self.tr("Starting"),
            RoomState.IN_GAME: self.tr("Playing"),
        }
        players = self.tr("{0} ({1}/{2})").format(
            ", ".join(room.players), len(room.players), room.max_players
        )
        game = f"{room.display_name} {room.version}"
        return [room.id, game, players, states.get(room.state, room.state.value)]

    def choose_room(self, room_id: str) -> None:
        """Follows ``room_id``'s game server log (what clicking its row does)."""
        if room_id == self._follow.room_id:
            return
        self._follow = _LogFollow(room_id=room_id)
        self.log_view.clear()
        self._show_log_title()
        self.refresh()

    def _room_chosen(self) -> None:
        items = self.rooms.selectedItems()
        if items:
            self.choose_room(str(items[0].data(ROOM_ID)))

    def _show_log_title(self) -> None:
        room_id = self._follow.room_id
        if not room_id:
            self.log_title.setText(self.tr("Choose a room to see its game server's output."))
        elif any(room.id == room_id for room in self._rooms):
            self.log_title.setText(self.tr("Room {0}").format(room_id))
        else:
            self.log_title.setText(self.tr("Room {0} (closed)").format(room_id))
