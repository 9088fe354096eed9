"""The local test window's widgets and layout, and how its state shows on the buttons."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.widgets import ERROR_STYLE, error_label, note_label


class LocalTestUi(Retranslated, QDialog):
    """Folder row, game summary, players and Start/Stop, status, results, console tabs."""

    chose_folder = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(820, 600)
        self.state = "idle"
        self.folder = QLineEdit()
        self.folder_button = QPushButton()
        self.game_text = note_label()
        self.manifest_error = error_label()
        self.players = QSpinBox()
        self.players.setRange(1, 1)
        self.start_button, self.stop_button = QPushButton(), QPushButton()
        self.players_label = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.results = QLabel()
        self.results.setWordWrap(True)
        self.results.hide()
        self.tabs = QTabWidget()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.folder_button.clicked.connect(self._pick_folder)
        self._layout()
        self.retranslate()

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.folder_button)
        controls = QHBoxLayout()
        controls.addWidget(self.players_label)
        controls.addWidget(self.players)
        controls.addStretch(1)
        controls.addWidget(self.start_button)
        controls.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.game_text)
        layout.addWidget(self.manifest_error)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

    def retranslate(self) -> None:
        """Fixed texts, again when the language changes (console tabs keep player names)."""
        self.setWindowTitle(self.tr("Test locally"))
        self.folder.setPlaceholderText(self.tr("The game's folder (with manifest.json)"))
        self.folder_button.setText(self.tr("Folder…"))
        self.players_label.setText(self.tr("Clients:"))
        self.start_button.setText(self.tr("Start"))
        self.stop_button.setText(self.tr("Stop"))
        if self.tabs.count():
            self.tabs.setTabText(0, self.tr("Server log"))

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the game's folder"))
        if folder:
            self.chose_folder.emit(folder)

    def has_game(self) -> bool:
        return False

    def _set_state(self, state: str, text: str = "", *, error: bool = False) -> None:
        """idle, starting, running or stopping; ``text`` (if any) becomes the status line."""
        self.state = state
        idle = state == "idle"
        self.start_button.setEnabled(idle and self.has_game())
        self.stop_button.setEnabled(state == "running")
        for widget in (self.folder, self.folder_button, self.players):
            widget.setEnabled(idle)
        if text:
            self._say(text, error=error)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else "")
