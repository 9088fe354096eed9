"""My games: what this player has installed (update? repair, open its folder) and their reviews.

Reviews come from the hub (``my_reviews``) and are fetched again whenever the store
announces a review by this player, so an edit made here or after a match shows at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
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
from gamehub_qt.base.widgets import stars, when
from gamehub_qt.player.common import fit_columns, need_client
from gamehub_qt.player.install_bar import InstallBar
from gamehub_qt.player.installer import Installer
from gamehub_qt.player.matches import MyMatches
from gamehub_qt.player.reviews import ask_review
from gamehub_qt.player.state import PlayerState
from hub_core.wire.schema import MyReview, ReviewResult

NAME_ROLE = Qt.ItemDataRole.UserRole


class MyGamesPage(Retranslated, QWidget):
    """Installed games with Update / Repair / Open folder, and the player's own reviews."""

    def __init__(self, state: PlayerState, installer: Installer, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.installer = installer
        self.reviews: list[MyReview] = []
        self.games, self.mine = _tree(), _tree()
        self.matches = MyMatches(state)
        self.games_label, self.mine_label = QLabel(), QLabel()
        self.update_button, self.repair = QPushButton(), QPushButton()
        self.open_folder, self.edit = QPushButton(), QPushButton()
        self._layout(InstallBar(installer))
        self.update_button.clicked.connect(lambda: self.installer.install(self.current_game()))
        self.repair.clicked.connect(lambda: self.installer.repair(self.current_game()))
        self.open_folder.clicked.connect(self._open_folder)
        self.edit.clicked.connect(self._edit)
        self.mine.itemDoubleClicked.connect(self._edit)
        self.games.itemSelectionChanged.connect(self._update_buttons)
        self.mine.itemSelectionChanged.connect(self._update_buttons)
        state.installed_changed.connect(self._fill_games)
        state.games_changed.connect(self._fill_games)
        state.store_event.connect(self._store_event)
        installer.started.connect(self._update_buttons)
        installer.ended.connect(self._update_buttons)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets every fixed text and the games' store column; runs on a language switch."""
        self.games_label.setText(self.tr("Installed games"))
        self.games.setHeaderLabels([self.tr("Game"), self.tr("Installed"), self.tr("In the store")])
        self.update_button.setText(self.tr("Update"))
        self.repair.setText(self.tr("Repair"))
        self.open_folder.setText(self.tr("Open folder"))
        self.mine_label.setText(self.tr("My reviews"))
        self.mine.setHeaderLabels(
            [self.tr("Game"), self.tr("Rating"), self.tr("Date"), self.tr("Review")]
        )
        self.edit.setText(self.tr("Edit review"))
        self._fill_games()  # "up to date", "update available: …"

    def _layout(self, bar: InstallBar) -> None:
        game_buttons = QHBoxLayout()
        for button in (self.update_button, self.repair, self.open_folder):
            game_buttons.addWidget(button)
        game_buttons.addStretch(1)
        review_buttons = QHBoxLayout()
        review_buttons.addWidget(self.edit)
        review_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.games_label)
        layout.addWidget(self.games, 1)
        layout.addLayout(game_buttons)
        layout.addWidget(bar)
        layout.addWidget(self.mine_label)
        layout.addWidget(self.mine, 1)
        layout.addLayout(review_buttons)
        layout.addWidget(self.matches, 1)

    # -- installed games -----------------------------------------------------------------

    def current_game(self) -> str:
        items = self.games.selectedItems()
        return str(items[0].data(0, NAME_ROLE)) if items else ""

    def _fill_games(self) -> None:
        keep = self.current_game()
        self.games.clear()
        for name, have in sorted(self.state.installed.items()):
            game = self.state.games.get(name)
            latest = game.latest if game else None
            if latest is None:
                store = self.tr("removed from the store")
            elif latest != have.version:
                store = self.tr("update available: {0}").format(latest)
            else:
                store = self.tr("up to date")
            item = QTreeWidgetItem([self.state.display_name(name), have.version, store])
            item.setData(0, NAME_ROLE, name)
            self.games.addTopLevelItem(item)
            item.setSelected(name == keep)
        fit_columns(self.games)
        self._update_buttons()

    def _open_folder(self) -> None:
        have = self.state.installed.get(self.current_game())
        if have is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(have.folder)))

    def _update_buttons(self) -> None:
        name = self.current_game()
        busy = self.installer.busy
        self.update_button.setEnabled(
            bool(name) and not busy and self.state.local_state(name) == "update"
        )
        self.repair.setEnabled(bool(name) and not busy)
        self.open_folder.setEnabled(bool(name))
        self.edit.setEnabled(bool(self.mine.selectedItems()))

    # -- reviews -----------------------------------------------------------------------

    def refresh_reviews(self) -> None:
        async def work() -> list[MyReview]:
            return await need_client(self.state.context).my_reviews()

        self.state.op(self, work).success(self._fill_reviews).run()

    def _fill_reviews(self, reviews: list[MyReview]) -> None:
        self.reviews = reviews
        self.mine.clear()
        for index, r in enumerate(reviews):
            item = QTreeWidgetItem([r.display_name, stars(r.rating), when(r.time), r.text])
            item.setData(0, NAME_ROLE, index)
            self.mine.addTopLevelItem(item)
        fit_columns(self.mine)
        self._update_buttons()

    def _store_event(self, kind: str, data: object) -> None:
        if isinstance(data, ReviewResult) and data.review.player == self.state.user:
            self.refresh_reviews()

    def _edit(self) -> None:
        items = self.mine.selectedItems()
        if not items:
            return
        review = self.reviews[int(items[0].data(0, NAME_ROLE))]
        ask_review(self.state, self, review.game, review.rating, review.text)


def _tree() -> QTreeWidget:
    tree = QTreeWidget()
    tree.setRootIsDecorated(False)
    even_rows(tree)
    return tree
