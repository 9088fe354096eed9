"""The Hub tab's "Hand the hub over…" dialog: choose a willing player, then watch it move.

Willing players are those online whose copy allows hosting ("Let others hand me the hub"
in their Settings, or ``gamehub host --accept-handoff``). The dialog stays open while the
hub's files go over, then closes: the hub runs on the chosen copy and this app's
connections followed it there (Hosting.moved).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.shell.host_toggle import Hosting

MAX_WAIT_S = 3600


class HandOverDialog(Retranslated, QDialog):
    """Lists the willing players; Hand over starts the handoff and shows its progress."""

    def __init__(self, context: AppContext, hosting: Hosting, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.hosting = hosting
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.players = QListWidget()
        self.wait = QSpinBox()
        self.wait.setRange(0, MAX_WAIT_S)
        self.wait.setValue(60)
        self.wait_label = QLabel()
        self.wait_label.setBuddy(self.wait)
        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.hand_over = QPushButton()
        self.buttons.addButton(self.hand_over, QDialogButtonBox.ButtonRole.AcceptRole)
        self.hand_over.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        self.players.itemSelectionChanged.connect(self._enable)
        hosting.handoff_progress.connect(self._progress)
        hosting.moved.connect(self.accept)
        form = QFormLayout()
        form.addRow(self.wait_label, self.wait)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.players)
        layout.addLayout(form)
        for below in (self.progress, self.status, self.buttons):
            layout.addWidget(below)
        self.retranslate()
        self._enable()
        self.load()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Hand the hub over"))
        self.intro.setText(
            self.tr(
                "The chosen player's computer gets every account's data, the games and the "
                "hub's key, and hosts the same hub. Everyone stays logged in and follows it."
            )
        )
        self.players.setToolTip(
            self.tr("Players online whose copy allows hosting (their Settings)")
        )
        self.wait_label.setText(self.tr("&Wait for running matches up to:"))
        self.wait.setSuffix(self.tr(" s"))
        self.wait.setToolTip(self.tr("Matches still running after this long end with a message"))
        self.hand_over.setText(self.tr("&Hand over"))

    def load(self) -> None:
        """Asks the hub who is willing now."""
        hub = self.context.hosting
        if hub is None:
            return
        op = self.context.op(self, hub.willing)
        op.success(self._fill).failure(lambda error: self.status.setText(str(error))).run()

    def _fill(self, names: list[str]) -> None:
        self.players.clear()
        self.players.addItems(names)
        if names:
            self.players.setCurrentRow(0)
        else:
            self.status.setText(
                self.tr(
                    "Nobody online allows hosting. Ask a player to tick “Let others hand me "
                    "the hub” in their Settings while logged in here."
                )
            )
        self._enable()

    def chosen(self) -> str:
        item = self.players.currentItem()
        return item.text() if item is not None else ""

    def start(self) -> None:
        to = self.chosen()
        if not to:
            return
        op = self.hosting.hand_over(to, float(self.wait.value()))
        op.failure(self._failed)  # its success is Hosting's: it emits ``moved``
        self._set_busy(True)
        self.status.setText(self.tr("Handing the hub over to {0}…").format(to))
        op.run()

    def _progress(self, message: str, sent: int, total: int) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * sent / total))
        if message:
            self.status.setText(message)

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        self.status.setText(self.tr("The hub stays here: {0}").format(error))
        self.load()

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)  # busy until the first figures come
        self.players.setEnabled(not busy)
        self.wait.setEnabled(not busy)
        self.hand_over.setEnabled(not busy)

    def _enable(self) -> None:
        self.hand_over.setEnabled(bool(self.chosen()))
