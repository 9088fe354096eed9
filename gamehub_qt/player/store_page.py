"""The Store page: the game list on the left, the picked game's details on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gamehub_qt.player.game_details import GameDetails
from gamehub_qt.player.installer import Installer
from gamehub_qt.player.matches import GameMatches
from gamehub_qt.player.state import PlayerState
from gamehub_qt.player.store_list import StoreList


class StorePage(QWidget):
    """Browsing, installing, updating and repairing games."""

    def __init__(self, state: PlayerState, installer: Installer, parent: QWidget | None = None):
        super().__init__(parent)
        self.list = StoreList(state)
        self.details = GameDetails(state, installer)
        self.matches = GameMatches(state)  # Rate, recent matches, leaderboard
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.details)
        right.addWidget(self.matches)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.list.selected.connect(self.details.show_game)
        self.list.selected.connect(self.matches.show_game)
