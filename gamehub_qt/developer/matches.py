"""The developer's view of a game's matches: how many were played on each version, and the
recent ones with their version and result (from the hub's match history)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.rows import even_rows
from gamehub_qt.base.widgets import error_label, set_error
from gamehub_qt.developer import ops
from gamehub_qt.player.common import fit_columns
from gamehub_qt.player.matches import MatchTable
from hub_core.packages import PackageError, Version
from hub_core.wire.schema import MatchHistoryReply

RECENT = 50


class VersionMatches(Retranslated, QWidget):
    """Matches per version of the selected game, and its recent matches."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.name = ""
        self.reply = MatchHistoryReply(matches=[])
        self.per_version = QTreeWidget()
        self.per_version.setRootIsDecorated(False)
        even_rows(self.per_version)
        self.recent = MatchTable(with_game=False)
        self.versions_label, self.recent_label, self.kept = QLabel(), QLabel(), QLabel()
        self.error = error_label()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.versions_label)
        left.addWidget(self.per_version, 1)
        right.addWidget(self.recent_label)
        right.addWidget(self.recent, 1)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(row, 1)
        layout.addWidget(self.kept)
        self.retranslate()

    def retranslate(self) -> None:
        """Every fixed text; runs again when the user switches languages."""
        self.versions_label.setText(self.tr("Matches per version"))
        self.recent_label.setText(self.tr("Recent matches"))
        self.per_version.setHeaderLabels([self.tr("Version"), self.tr("Matches")])
        self.recent.set_headers()
        self._fill()

    def show_game(self, name: str) -> None:
        """Shows ``name``'s matches ("" clears), fetched from the hub."""
        self.name = name
        self.reply = MatchHistoryReply(matches=[])
        self._fill()
        if not name:
            return
        conn = self.context.developer
        self.context.op(self, lambda: ops.match_history(conn, name, RECENT)).success(
            lambda reply: self._arrived(name, reply)
        ).failure(lambda error: set_error(self.error, str(error))).run()

    def _arrived(self, name: str, reply: MatchHistoryReply) -> None:
        if name == self.name:
            set_error(self.error, "")
            self.reply = reply
            self._fill()

    def _fill(self) -> None:
        self.per_version.clear()
        counts = sorted(self.reply.per_version.items(), key=lambda kv: _order(kv[0]), reverse=True)
        for version, count in counts:  # newest version first
            self.per_version.addTopLevelItem(QTreeWidgetItem([version, str(count)]))
        fit_columns(self.per_version)
        self.recent.fill(self.reply.matches)
        kept = self.reply.kept
        self.kept.setText(
            self.tr("The hub keeps the last {0} matches of each game.").format(kept) if kept else ""
        )


def _order(version: str) -> Version:
    try:
        return Version.parse(version)
    except PackageError:
        return Version(0, 0, 0)
