"""The main window: a hub bar on top, then the Player, Developer and Hub tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from gamehub_qt.context import AppContext


class MainWindow(QMainWindow):
    """The shell; each tab is its own widget that gets the shared context."""

    def __init__(
        self, context: AppContext, *, start_hub: str | None = None, start_hosting: bool = False
    ) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(self.tr("GameHub"))
        self.tabs = QTabWidget()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)
        self.tabs.addTab(QLabel(self.tr("Player")), self.tr("Player"))
        self.tabs.addTab(QLabel(self.tr("Developer")), self.tr("Developer"))
        self.resize(1000, 700)
        self.statusBar()
        context.messages.shown.connect(self._show_message)

    def _show_message(self, level: str, text: str) -> None:
        self.statusBar().showMessage(text, 10000)
