"""One row height for every table, tree and list of the app.

Qt sizes rows differently per view: a QTableView row is its vertical header's section
(about 30 px), a QTreeView or QListView row is its text's height (about 20 px), so the
store's list, the game's versions and the Hub tab's rooms looked like three apps. Every
view calls ``even_rows`` once; the height follows the view's font.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTreeView,
    QWidget,
)

ROW_PADDING = 5  # pixels above and below a row's text


class _EvenRows(QStyledItemDelegate):
    """The default delegate, with every row the same height."""

    def __init__(self, height: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.height = height

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(super().sizeHint(option, index).width(), self.height)


def row_height(view: QWidget) -> int:
    return view.fontMetrics().height() + 2 * ROW_PADDING


def even_rows(view: QAbstractItemView) -> None:
    """Gives ``view``'s rows the app's one row height."""
    height = row_height(view)
    view.setItemDelegate(_EvenRows(height, view))
    if isinstance(view, QTableView):
        header = view.verticalHeader()
        header.setMinimumSectionSize(1)  # else a style's minimum may win over the height
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(height)
    elif isinstance(view, QTreeView):
        view.setUniformRowHeights(True)
