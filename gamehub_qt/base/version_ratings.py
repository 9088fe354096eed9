"""Ratings per version: a small table of average and count for each version of a game.

Shared by the store's details pane and the developer's My games, so players and
developers read the same figures the same way. The hub computes the figures
(``GameDetails.ratings``); this only shows them. A review the hub stored before it
recorded versions has version "" and is shown as an earlier version.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.rows import even_rows
from gamehub_qt.base.widgets import stars
from hub_core.wire.schema import VersionRating

CONTEXT = "VersionRatings"
MAX_VISIBLE_ROWS = 4  # taller than this, the table scrolls instead of crowding the reviews


def version_label(version: str) -> str:
    """A review's version as people read it: the number, or "Earlier version" when none."""
    return version or QCoreApplication.translate(CONTEXT, "Earlier version")


def earlier_tooltip() -> str:
    return QCoreApplication.translate(
        CONTEXT, "Written before the hub recorded which version a review was for."
    )


def average_text(row: VersionRating) -> str:
    """'★★★★☆ 3.5' for a rated version, a dash for one nobody has rated yet."""
    if row.avg_rating is None or not row.review_count:
        return "—"
    return f"{stars(row.avg_rating)} {row.avg_rating:.1f}"


class VersionRatings(Retranslated, QTreeWidget):
    """One row per version, newest first: version, average stars, number of reviews."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        even_rows(self)
        self.rows: list[VersionRating] = []
        self.latest = ""
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.retranslate()

    def retranslate(self) -> None:
        self.setHeaderLabels(
            [
                QCoreApplication.translate(CONTEXT, "Version"),
                QCoreApplication.translate(CONTEXT, "Rating"),
                QCoreApplication.translate(CONTEXT, "Reviews"),
            ]
        )
        self._fill()

    def show_ratings(self, rows: list[VersionRating], latest: str = "") -> None:
        """Shows ``rows`` (the hub's order); ``latest`` gets a "(latest)" mark."""
        self.rows, self.latest = list(rows), latest
        self._fill()

    def text(self, row: int, column: int) -> str:
        """A cell as the user reads it (for tests and screen readers alike)."""
        item = self.topLevelItem(row)
        return item.text(column) if item is not None else ""

    def _fill(self) -> None:
        self.clear()
        for row in self.rows:
            item = QTreeWidgetItem([self._version(row.version), average_text(row)])
            item.setText(2, str(row.review_count))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not row.version:
                item.setToolTip(0, earlier_tooltip())
            self.addTopLevelItem(item)
        self._fit_height()

    def _version(self, version: str) -> str:
        if version and version == self.latest:
            return QCoreApplication.translate(CONTEXT, "{0} (latest)").format(version)
        return version_label(version)

    def _fit_height(self) -> None:
        """As tall as its rows (up to MAX_VISIBLE_ROWS), so a game with one version does
        not take the room its reviews need."""
        shown = max(1, min(len(self.rows), MAX_VISIBLE_ROWS))
        row_height = self.sizeHintForRow(0) if self.rows else self.fontMetrics().height() + 6
        frame = 2 * self.frameWidth() + 4  # a little air under the last row
        self.setFixedHeight(self.header().sizeHint().height() + shown * row_height + frame)
