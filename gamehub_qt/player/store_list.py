"""The store's game list: a search box, a sort choice, and a table that follows PlayerState.

The table is rebuilt from PlayerState whenever the store or the installed games change
(a few dozen rows; rebuilding is simpler than patching and cannot drift). Sorting and
filtering go through a proxy model, so they survive a rebuild and cost nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.rows import even_rows
from gamehub_qt.base.widgets import players_text, when
from gamehub_qt.player.common import rating_text
from gamehub_qt.player.state import PlayerState
from hub_core.wire.schema import GameSummary

NAME_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
COL_GAME, COL_RATING, COL_PLAYERS, COL_UPDATED = range(4)  # then "Installed"
SORT_COLUMNS = (COL_GAME, COL_RATING, COL_PLAYERS, COL_UPDATED)  # the sort choice's order
UPDATE_COLOR = QColor("#b06000")


class StoreList(Retranslated, QWidget):
    """Emits ``selected(name)`` when the user picks a game ('' when nothing is selected)."""

    selected = Signal(str)

    def __init__(self, state: PlayerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._quiet = False
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.sort = QComboBox()
        for column in SORT_COLUMNS:
            self.sort.addItem("", column)
        self.model = QStandardItemModel(0, 5, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterKeyColumn(COL_GAME)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = self._make_table()
        self._layout()
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.sort.currentIndexChanged.connect(self._sort_chosen)
        state.games_changed.connect(self.rebuild)
        state.installed_changed.connect(self.rebuild)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets every fixed text and rebuilds the rows; runs again on a language switch."""
        self.search.setPlaceholderText(self.tr("Search games"))
        sorts = (
            self.tr("Sort by name"),
            self.tr("Sort by rating"),
            self.tr("Sort by players"),
            self.tr("Sort by last update"),
        )
        for index, text in enumerate(sorts):
            self.sort.setItemText(index, text)
        self.model.setHorizontalHeaderLabels(
            [
                self.tr("Game"),
                self.tr("Rating"),
                self.tr("Players"),
                self.tr("Updated"),
                self.tr("Installed"),
            ]
        )
        self.rebuild()  # for the rows' "Update available (…)"

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(COL_GAME, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        even_rows(table)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        return table

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.sort)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)

    # -- reading -----------------------------------------------------------------------

    def visible_names(self) -> list[str]:
        """The games shown, in the order shown (for tests and keyboard users alike)."""
        rows = range(self.proxy.rowCount())
        return [str(self.proxy.index(r, COL_GAME).data(NAME_ROLE)) for r in rows]

    def current(self) -> str:
        rows = self.table.selectionModel().selectedRows(COL_GAME)
        return str(rows[0].data(NAME_ROLE)) if rows else ""

    def select(self, name: str) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, COL_GAME).data(NAME_ROLE) == name:
                self.table.selectRow(row)
                return

    # -- building ----------------------------------------------------------------------

    def rebuild(self) -> None:
        """Rebuilds the rows, keeping the selection (and saying so only if it changed)."""
        keep = self.current()
        self._quiet = True
        self.model.removeRows(0, self.model.rowCount())
        for game in self.state.games.values():
            self.model.appendRow(self._row(game))
        if keep:
            self.select(keep)
        self._quiet = False
        if self.current() != keep:
            self.selected.emit(self.current())

    def _row(self, game: GameSummary) -> list[QStandardItem]:
        name = game.name
        title = _item(game.display_name, game.display_name.casefold())
        title.setData(name, NAME_ROLE)
        title.setData(
            " ".join((game.display_name, game.name, game.description, game.author)), SEARCH_ROLE
        )
        rating = game.avg_rating or 0.0
        return [
            title,
            _item(rating_text(game.avg_rating, game.review_count), rating),
            _item(players_text(game), game.max_players),
            _item(when(game.updated), game.updated),
            self._installed_item(name, game.latest),
        ]

    def _installed_item(self, name: str, latest: str) -> QStandardItem:
        have = self.state.installed.get(name)
        if have is None:
            return _item("", 0)
        if have.version == latest:
            return _item(have.version, 1)
        item = _item(self.tr("Update available ({0} → {1})").format(have.version, latest), 2)
        bold = QFont()
        bold.setBold(True)
        item.setFont(bold)
        item.setForeground(QBrush(UPDATE_COLOR))
        return item

    def _sort_chosen(self) -> None:
        column = int(self.sort.currentData())
        order = Qt.SortOrder.AscendingOrder if column == COL_GAME else Qt.SortOrder.DescendingOrder
        self.table.sortByColumn(column, order)

    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        if not self._quiet:
            self.selected.emit(self.current())


def _item(text: str, sort_key: object) -> QStandardItem:
    item = QStandardItem(text)
    item.setData(sort_key, SORT_ROLE)
    item.setEditable(False)
    return item
