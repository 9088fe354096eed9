"""The store's details pane: everything about one game, and what the player can do with it.

The details (versions, reviews) are fetched when a game is picked and again when the
store says that game changed, so a review posted from another window shows up here.
The action button follows the local state: Install, Update, or a disabled Installed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
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
from gamehub_qt.base.version_ratings import VersionRatings, version_label
from gamehub_qt.base.widgets import error_label, players_text, stars, when
from gamehub_qt.player.common import fit_columns, need_client, rating_text
from gamehub_qt.player.install_bar import InstallBar
from gamehub_qt.player.installer import Installer
from gamehub_qt.player.libraries import LibraryFit, fit_version, version_of
from gamehub_qt.player.state import PlayerState
from hub_core.util.units import format_bytes
from hub_core.wire import schema
from hub_core.wire.schema import (
    GameRemoved,
    GameSummary,
    Published,
    ReviewResult,
    ReviewView,
    VersionView,
)


class GameDetails(Retranslated, QWidget):
    """Shows one game; ``play_requested(name)`` asks the rooms page for a quick game."""

    play_requested = Signal(str)

    def __init__(self, state: PlayerState, installer: Installer, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.installer = installer
        self.name = ""
        self.details: GameSummary | None = None  # a schema.GameDetails once fetched
        self.title = QLabel()
        font = QFont()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.facts = QLabel()
        self.libraries = QLabel()  # "Libraries: pygame 2.6.1" (games with libraries only)
        small = self.libraries.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.libraries.setFont(small)
        self.libraries.setWordWrap(True)
        self.fit = LibraryFit()  # the latest version's libraries on this machine
        self.no_build = error_label()  # what has no build here: Install cannot work
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.action = QPushButton()
        self.repair, self.play = QPushButton(), QPushButton()
        self.versions_label, self.reviews_label = QLabel(), QLabel()
        self.versions, self.reviews = _tree(), _tree()
        self.ratings_label, self.ratings = QLabel(), VersionRatings()
        self.bar = InstallBar(installer)
        self._layout()
        self.action.clicked.connect(self._act)
        self.repair.clicked.connect(lambda: self.installer.repair(self.name))
        self.play.clicked.connect(lambda: self.play_requested.emit(self.name))
        state.installed_changed.connect(self._update_buttons)
        state.games_changed.connect(self._update_buttons)
        state.store_event.connect(self._store_event)
        installer.started.connect(self._update_buttons)
        installer.ended.connect(self._update_buttons)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets every fixed text and shows the game again; runs on a language switch."""
        self.repair.setText(self.tr("Repair"))
        self.play.setText(self.tr("Quick play"))
        self.versions_label.setText(self.tr("Versions"))
        self.reviews_label.setText(self.tr("Reviews"))
        self.ratings_label.setText(self.tr("Ratings by version"))
        self.versions.setHeaderLabels([self.tr("Version"), self.tr("Published"), self.tr("Size")])
        self.reviews.setHeaderLabels(
            [
                self.tr("Player"),
                self.tr("Rating"),
                self.tr("Version"),
                self.tr("Date"),
                self.tr("Review"),
            ]
        )
        self._fill()  # the game's facts line and the Install / Update button

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.action, self.repair, self.play):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.libraries)
        layout.addWidget(self.description)
        layout.addLayout(buttons)
        layout.addWidget(self.no_build)
        layout.addWidget(self.bar)
        layout.addWidget(self.versions_label)
        layout.addWidget(self.versions, 1)
        layout.addWidget(self.ratings_label)
        layout.addWidget(self.ratings)
        layout.addWidget(self.reviews_label)
        layout.addWidget(self.reviews, 2)

    # -- showing -----------------------------------------------------------------------

    def show_game(self, name: str) -> None:
        """Shows the store's summary at once, then the full details when they arrive."""
        self.name = name
        self.details = self.state.games.get(name)
        self.bar.follow(name)
        self._fill()
        if name:
            self._fetch()

    def refresh(self) -> None:
        """Fetches the shown game's details again (F5)."""
        if self.name:
            self._fetch()

    def _fetch(self) -> None:
        name = self.name

        async def work() -> schema.GameDetails:
            return await need_client(self.state.context).game_details(name)

        self.state.op(self, work).success(lambda d: self._arrived(name, d)).run()

    def _arrived(self, name: str, details: schema.GameDetails) -> None:
        if name == self.name:
            self.details = details
            self._fill()

    def _store_event(self, kind: str, data: object) -> None:
        about = data.name if isinstance(data, Published | GameRemoved | ReviewResult) else None
        if self.name and about == self.name:
            if isinstance(data, GameRemoved):
                self.show_game("")
            else:
                self._fetch()

    def _fill(self) -> None:
        game = self.details
        for widget in (self.facts, self.description, self.action, self.repair, self.play):
            widget.setVisible(bool(game))
        self.title.setText(game.display_name if game else self.tr("Pick a game"))
        if game:
            self.facts.setText(
                self.tr("{0} game · {1} players · by {2} · version {3} · {4}").format(
                    game.type,
                    players_text(game),
                    game.author,
                    game.latest,
                    rating_text(game.avg_rating, game.review_count),
                )
            )
            self.description.setText(game.description)
        full = game if isinstance(game, schema.GameDetails) else None
        self.fit = fit_version(version_of(full, full.latest) if full else None)
        self.libraries.setText(self.fit.line())
        self.libraries.setVisible(bool(game) and bool(self.fit.listed))
        self._fill_versions(full.versions if full else [])
        self._fill_reviews(full.reviews if full else [])
        self.ratings.show_ratings(full.ratings if full else [], full.latest if full else "")
        rated = bool(self.ratings.rows)  # hidden for hubs that send none
        self.ratings_label.setVisible(rated)
        self.ratings.setVisible(rated)
        self._update_buttons()

    def _fill_versions(self, versions: list[VersionView]) -> None:
        self.versions.clear()
        for v in versions:  # the hub sends them newest first
            size = format_bytes(float(v.bytes))
            self.versions.addTopLevelItem(QTreeWidgetItem([v.version, when(v.uploaded), size]))
        fit_columns(self.versions)

    def _fill_reviews(self, reviews: list[ReviewView]) -> None:
        self.reviews.clear()
        for r in reviews:
            row = [r.player, stars(r.rating), version_label(r.version), when(r.time), r.text]
            self.reviews.addTopLevelItem(QTreeWidgetItem(row))
        fit_columns(self.reviews)

    # -- acting ------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        local = self.state.local_state(self.name) if self.name else "none"
        busy = self.installer.busy
        label = {
            "none": self.tr("Install"),
            "update": self.tr("Update"),
            "current": self.tr("Installed"),
        }[local]
        self.action.setText(label)
        # The latest version's libraries have no build here: Install (and a quick game of
        # it) could only fail, so they wait and the line says what is missing.
        blocked = self.fit.sentence() if self.name and local != "current" else ""
        self.no_build.setText(blocked)
        self.no_build.setVisible(bool(blocked))
        self.action.setEnabled(local != "current" and not busy and not blocked)
        self.play.setEnabled(not blocked)
        self.repair.setVisible(bool(self.details) and local != "none")
        self.repair.setEnabled(not busy)

    def _act(self) -> None:
        if self.name:
            self.installer.install(self.name)


def _tree() -> QTreeWidget:
    tree = QTreeWidget()
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    even_rows(tree)
    return tree
