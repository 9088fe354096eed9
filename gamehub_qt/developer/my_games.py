"""My games: the developer's games, with the selected one's versions and reviews.

The list follows the hub live: a review, an update or a removal of one of these games
(store events) fetches the list again, so nobody has to press Refresh.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.rows import even_rows
from gamehub_qt.base.widgets import error_label, note_label, set_error
from gamehub_qt.developer import columns, ops
from gamehub_qt.developer.matches import VersionMatches
from gamehub_qt.developer.rows import RowsModel
from hub_core.wire.protocol import STORE_TOPIC
from hub_core.wire.schema import EventKind, GameDetails, GameRemoved, GameStatus, ReviewResult

LIVE_KINDS = (EventKind.REVIEW, EventKind.GAME_PUBLISHED, EventKind.GAME_REMOVED)


def table(model: RowsModel[Any], *, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    even_rows(view)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


class MyGamesPanel(Retranslated, QWidget):
    """The table of my games and what the buttons above it ask for."""

    publish_requested = Signal(str)  # the game to update, or "" for a new game
    test_requested = Signal(str)  # the selected game, or ""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.games = RowsModel(columns.game_columns(), self)
        self.versions = RowsModel(columns.version_columns(), self)
        self.reviews = RowsModel(columns.review_columns(), self)
        self.ratings = RowsModel(columns.rating_columns(), self)
        self.games_view = table(self.games, stretch=1)
        self.details = QTabWidget()
        self.details.addTab(table(self.versions, stretch=6), "")
        self.details.addTab(table(self.reviews, stretch=2), "")
        self.details.addTab(table(self.ratings, stretch=1), "")
        self.matches = VersionMatches(context)
        self.details.addTab(self.matches, "")
        self.error, self.empty_note = error_label(), note_label()
        self.confirm: QMessageBox | None = None
        self._loading = self._dirty = False
        self._want = ""
        self.active = False  # logged in: the tab sets it; events are ignored otherwise
        self._buttons()
        self._layout()
        self.retranslate()
        self.empty_note.hide()  # until the list is back
        self.games_view.selectionModel().selectionChanged.connect(self._show_selected)
        context.developer.hub_event.connect(self._on_hub_event)

    def retranslate(self) -> None:
        """Every fixed text; runs again when the user switches languages."""
        self.new_button.setText(self.tr("Publish new game…"))
        self.update_button.setText(self.tr("Publish update…"))
        self.remove_button.setText(self.tr("Remove…"))
        self.test_button.setText(self.tr("Test locally…"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.empty_note.setText(
            self.tr("You have not published a game yet: Publish new game… starts here.")
        )
        self.games.set_columns(columns.game_columns())
        self.versions.set_columns(columns.version_columns())
        self.reviews.set_columns(columns.review_columns())
        self.ratings.set_columns(columns.rating_columns())
        self.details.setTabText(0, self.tr("Versions"))
        self.details.setTabText(2, self.tr("Ratings by version"))
        self.details.setTabText(3, self.tr("Matches"))
        self._count_reviews()

    def _count_reviews(self) -> None:
        self.details.setTabText(1, self.tr("Reviews (%n)", "", len(self.reviews.rows)))

    def _buttons(self) -> None:
        self.new_button, self.update_button = QPushButton(), QPushButton()
        self.remove_button, self.test_button = QPushButton(), QPushButton()
        self.refresh_button = QPushButton()
        self.new_button.clicked.connect(lambda: self.publish_requested.emit(""))
        self.update_button.clicked.connect(lambda: self.publish_requested.emit(self.selected()))
        self.remove_button.clicked.connect(self.ask_remove)
        self.test_button.clicked.connect(lambda: self.test_requested.emit(self.selected()))
        self.refresh_button.clicked.connect(self.refresh)

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for button in (self.new_button, self.update_button, self.remove_button, self.test_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.games_view)
        column.addWidget(self.empty_note)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # aligned with the header above
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self._enable_buttons()

    # -- the list -----------------------------------------------------------------------

    def refresh(self, select: str = "") -> None:
        """Fetches my games; a refresh asked for meanwhile runs once this one is back.

        ``select`` is the game to select once the list is back (one just published).
        """
        self._want = select or self._want
        if self._loading:
            self._dirty = True
            return
        conn = self.context.developer
        self.context.op(self, lambda: ops.my_games(conn)).success(self._show).failure(
            lambda error: set_error(self.error, str(error))
        ).busy(self._set_loading).run()

    def clear(self) -> None:
        self.games.set_rows([])
        self._show_selected()

    def selected(self) -> str:
        rows = self.games_view.selectionModel().selectedRows()
        return self.games.rows[rows[0].row()].name if rows else ""

    def game(self, name: str) -> GameDetails | None:
        return next((g for g in self.games.rows if g.name == name), None)

    def _set_loading(self, loading: bool) -> None:
        self._loading = loading
        self.refresh_button.setEnabled(not loading)

    def _show(self, games: list[GameDetails]) -> None:
        if not self.active:
            return  # logged out while the list was on its way
        keep = self.selected()
        set_error(self.error, "")
        self.games.set_rows(games)
        self.empty_note.setVisible(not games)
        if self.game(self._want):
            keep, self._want = self._want, ""
        self.select(keep if self.game(keep) else games[0].name if games else "")
        if self._dirty:
            self._dirty = False
            self.refresh()

    def select(self, name: str) -> None:
        for number, game in enumerate(self.games.rows):
            if game.name == name:
                self.games_view.selectRow(number)
        self._show_selected()

    def _show_selected(self, *_: object) -> None:
        game = self.game(self.selected())
        self.versions.set_rows(game.versions if game else [])
        self.reviews.set_rows(columns.newest_first(game.reviews) if game else [])
        self.ratings.set_rows(game.ratings if game else [])
        if (game.name if game else "") != self.matches.name:
            self.matches.show_game(game.name if game else "")
        self._enable_buttons()
        self._count_reviews()

    def _enable_buttons(self) -> None:
        game = self.game(self.selected())
        self.update_button.setEnabled(game is not None)
        self.remove_button.setEnabled(game is not None and game.status is GameStatus.ACTIVE)

    def _on_hub_event(self, topic: str, kind: str, data: object) -> None:
        """A review or removal of one of mine, or any publish (it may be mine, from the
        command line or another copy of the app, and says no author): fetch again."""
        name = data.name if isinstance(data, GameRemoved | ReviewResult) else None
        if topic != STORE_TOPIC or kind not in LIVE_KINDS or not self.active:
            return
        if kind == EventKind.GAME_PUBLISHED or self.game(str(name)) is not None:
            self.refresh()

    # -- removing -----------------------------------------------------------------------

    def ask_remove(self) -> None:
        game = self.game(self.selected())
        if game is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Remove game"), "", parent=self)
        box.setText(self.tr("Remove %1 from the store?").replace("%1", game.display_name))
        box.setInformativeText(
            self.tr(
                "Players who installed it keep it; it disappears from the store and from new "
                "rooms; publishing again brings it back."
            )
        )
        remove = box.addButton(self.tr("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        name = game.name
        box.buttonClicked.connect(lambda button: self._remove(name) if button is remove else None)
        self.confirm = box
        box.open()

    def _remove(self, name: str) -> None:
        conn = self.context.developer
        self.context.op(self, lambda: ops.unpublish(conn, name)).success(
            lambda _: self._removed(name)
        ).failure(lambda error: set_error(self.error, str(error))).run()

    def _removed(self, name: str) -> None:
        self.context.messages.info(self.tr("%1 was removed from the store.").replace("%1", name))
        self.refresh()
