"""The main window: the hub bar on top, banners, then the Player, Developer and Hub tabs.

The window only assembles: each part gets the shared context and owns its behaviour.
Nothing touches the network while the window is built; discovery, the offer to host
and rejoining the last hub start when it is first shown, so tests (and the startup
benchmark) can build windows freely.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base import i18n
from gamehub_qt.base.ask import Asker, run_modal
from gamehub_qt.base.context import AppContext
from gamehub_qt.base.lazy import LazyPage
from gamehub_qt.base.style import icon
from gamehub_qt.player.tab import PlayerTab
from gamehub_qt.shell.banner import Banner
from gamehub_qt.shell.connection import LinkState
from gamehub_qt.shell.discovery_model import HubDiscovery
from gamehub_qt.shell.handoff_accept import HandoffAcceptor
from gamehub_qt.shell.host_toggle import Hosting
from gamehub_qt.shell.hub_tab import HubTab
from gamehub_qt.shell.hubbar import HubBar
from gamehub_qt.shell.quit_guard import may_quit
from gamehub_qt.shell.settings import (
    CURRENT_TAB,
    GEOMETRY,
    HOST_AT_START,
    LAST_HUB,
    SPLITTERS,
    WINDOW_STATE,
    SettingsDialog,
    bool_value,
    bytes_value,
    text_value,
)

if TYPE_CHECKING:
    from gamehub_qt.developer.tab import DeveloperTab

log = logging.getLogger(__name__)

STATUS_MS = 10_000


def _developer_tab(context: AppContext) -> QWidget:
    """Built when first opened: see LazyPage."""
    from gamehub_qt.developer.tab import DeveloperTab  # imported late: see LazyPage

    return DeveloperTab(context)


@runtime_checkable
class Refreshable(Protocol):
    """A tab that can reload what it shows (the Player, Developer and Hub tabs)."""

    def refresh(self) -> None: ...


class MainWindow(i18n.Retranslated, QMainWindow):
    """The shell; each tab is its own widget that gets the shared context."""

    def __init__(
        self,
        context: AppContext,
        *,
        start_hub: str | None = None,
        start_hosting: bool = False,
        discovery: bool = True,
    ) -> None:
        super().__init__()
        self.context = context
        self._start_hub = start_hub
        self._start_hosting = start_hosting
        self._use_discovery = discovery
        self.discovery: HubDiscovery | None = None
        self._shown = False
        self._quitting = False  # quit_now(): close without asking (Ctrl+C, SIGTERM)
        self.ask_to_quit: Asker = run_modal  # tests answer the question instead of a user
        self.hosting = Hosting(context, self)
        self.hubbar = HubBar(context, self.hosting)
        self.error_banner = Banner("error")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self.player_tab = PlayerTab(context)
        # The builder holds the context, not the window: no reference cycle through the
        # window for the garbage collector to break (see base/gc_pin.py).
        self.developer_page = LazyPage(partial(_developer_tab, context))
        self.developer_page.built.connect(self._restore_splitters)
        self.hub_tab = HubTab(context, self.hosting)
        self.acceptor = HandoffAcceptor(context, self.hosting, self)
        self.tabs.addTab(self.player_tab, icon("player"), "")
        self.tabs.addTab(self.developer_page, icon("developer"), "")
        self._lay_out()
        self._make_actions()
        self._wire()
        self._show_hub_tab(self.hosting.state == "on")
        self.retranslate()
        self.restore()

    @property
    def developer_tab(self) -> DeveloperTab:
        """The Developer tab, built now if nobody opened it yet."""
        return cast("DeveloperTab", self.developer_page.content())

    def _lay_out(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.hubbar)
        inner = QVBoxLayout()
        inner.setContentsMargins(10, 0, 10, 6)
        inner.addWidget(self.error_banner)
        inner.addWidget(self.tabs, 1)
        layout.addLayout(inner, 1)
        self.setCentralWidget(central)
        self.statusBar()

    def _make_actions(self) -> None:
        def action(
            shortcut: QKeySequence | str, slot: Callable[[], object], name: str = ""
        ) -> QAction:
            made = QAction(icon(name) if name else icon("gamehub"), "", self)
            made.setShortcut(QKeySequence(shortcut))
            made.triggered.connect(slot)
            return made

        self.settings_action = action("Ctrl+,", self.open_settings, "settings")
        self.folder_action = action("", self.open_data_folder, "folder")
        self.quit_action = action("Ctrl+Q", self.close)
        self.refresh_action = action("F5", self.refresh, "refresh")
        # On the window, not the Player tab: a shortcut of a hidden tab never fires.
        self.find_action = action(QKeySequence(QKeySequence.StandardKey.Find), self.find_games)
        self.tab_actions = [
            action(f"Ctrl+{n + 1}", self._tab_opener(n), name)
            for n, name in enumerate(("player", "developer", "hub"))
        ]
        self.about_action = action("", self.about)
        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addActions([self.hubbar.host_action, self.folder_action])
        self.file_menu.addAction(self.settings_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("")
        self.view_menu.addActions(self.tab_actions)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.find_action)
        self.view_menu.addAction(self.refresh_action)
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(self.about_action)
        self.hubbar.add_tool(self.refresh_action)
        self.hubbar.add_tool(self.settings_action)

    def _wire(self) -> None:
        self.context.messages.shown.connect(self._show_message)
        self.hosting.started.connect(lambda _: self._show_hub_tab(True))
        self.hosting.stopped.connect(lambda _: self._show_hub_tab(False))
        self.hubbar.joined.connect(lambda _, name: self._joined(name))
        self.context.player.state_changed.connect(self._state_changed)

    def retranslate(self) -> None:
        self._set_title(self.hubbar.hub_name if self.context.endpoint else "")
        self.file_menu.setTitle(self.tr("&File"))
        self.view_menu.setTitle(self.tr("&View"))
        self.help_menu.setTitle(self.tr("&Help"))
        self._texts(self.settings_action, self.tr("&Settings…"), self.tr("Language and hosting"))
        self._texts(
            self.folder_action,
            self.tr("&Open data folder"),
            self.tr("Open the folder with GameHub's files: games, hub data, logs"),
        )
        self._texts(self.quit_action, self.tr("&Quit"), self.tr("Close GameHub"))
        self._texts(
            self.refresh_action, self.tr("&Refresh"), self.tr("Look for hubs and reload (F5)")
        )
        self._texts(self.find_action, self.tr("&Find games"), self.tr("Search the store (Ctrl+F)"))
        self._texts(self.about_action, self.tr("&About GameHub"), self.tr("Version and credits"))
        titles = [self.tr("&Player"), self.tr("&Developer"), self.tr("H&ub")]
        tips = [
            self.tr("Browse the store, install games and meet in rooms (Ctrl+1)"),
            self.tr("Publish and manage your games (Ctrl+2)"),
            self.tr("The hub this computer hosts (Ctrl+3)"),
        ]
        for index, (act, title, tip) in enumerate(zip(self.tab_actions, titles, tips, strict=True)):
            self._texts(act, title, tip)
            tab = self._tab_index(index)
            if tab >= 0:
                self.tabs.setTabText(tab, title.replace("&", ""))
                self.tabs.setTabToolTip(tab, tip)

    @staticmethod
    def _texts(action: QAction, text: str, tip: str) -> None:
        action.setText(text)
        action.setToolTip(tip)
        action.setStatusTip(tip)

    def _set_title(self, hub_name: str) -> None:
        title = self.tr("GameHub")
        self.setWindowTitle(f"{title} — {hub_name}" if hub_name else title)

    def _joined(self, hub_name: str) -> None:
        self._set_title(hub_name)
        self.error_banner.hide()  # whatever went wrong before, the hub answers now

    def _state_changed(self, state: str) -> None:
        if state == LinkState.DISCONNECTED:
            self._set_title("")

    # -- starting --------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self.start()

    def start(self) -> None:
        """Looks for hubs, then hosts, rejoins the last hub, or offers to host."""
        if self._use_discovery:
            self.discovery = HubDiscovery(self.context.net)
            self.hubbar.model.watch(self.discovery)
            self.discovery.failed.connect(self.context.messages.info)
            self.discovery.start()
            self.hubbar.schedule_help()
        self.hubbar.schedule_offer()
        settings = self.context.settings
        if self._start_hosting or bool_value(settings, HOST_AT_START):
            self.hubbar.host_action.setChecked(True)
        elif self._start_hub:
            self.hubbar.join(self._start_hub)
        elif last := text_value(settings, LAST_HUB):
            self.hubbar.join(last, quiet=True)

    # -- tabs ------------------------------------------------------------------------

    def _tab_index(self, position: int) -> int:
        widgets = (self.player_tab, self.developer_page, self.hub_tab)
        return self.tabs.indexOf(widgets[position])

    def _tab_opener(self, position: int) -> Callable[[], None]:
        return lambda: self.show_tab(position)

    def show_tab(self, position: int) -> None:
        index = self._tab_index(position)
        if index >= 0:
            self.tabs.setCurrentIndex(index)
            self.tabs.currentWidget().setFocus()

    def find_games(self) -> None:
        """Ctrl+F from any tab: the Player tab's store, its search box focused."""
        self.show_tab(0)
        self.player_tab.find_games()

    def _show_hub_tab(self, on: bool) -> None:
        index = self.tabs.indexOf(self.hub_tab)
        if on and index < 0:
            self.tabs.addTab(self.hub_tab, icon("hub"), "")
            self.retranslate()
        elif not on and index >= 0:
            self.tabs.removeTab(index)
        self.tab_actions[2].setEnabled(on)

    def refresh(self) -> None:
        """F5: probes the hubs again and reloads the current tab."""
        if self.discovery is not None:
            self.discovery.refresh()
        current = self.tabs.currentWidget()
        if isinstance(current, Refreshable):
            current.refresh()

    # -- messages, dialogs -----------------------------------------------------------

    def _show_message(self, level: str, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MS)
        if level == "error":
            self.error_banner.show_text(text)

    def open_settings(self) -> SettingsDialog:
        ep = self.hosting.endpoints
        dialog = SettingsDialog(self.context.settings, self, hosting_as=ep.name if ep else "")
        dialog.accepted.connect(lambda: self._settings_saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _settings_saved(self, dialog: SettingsDialog) -> None:
        if dialog.save():
            i18n.install(i18n.chosen_language(self.context.settings))
        self.acceptor.sync()  # "Let others hand me the hub" may have changed

    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.context.paths.data)))

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About GameHub"),
            self.tr(
                "<b>GameHub</b><br>A LAN game store and lobby: host a hub, publish games, "
                "meet in rooms, play.<br><br>Data folder: {0}"
            ).format(self.context.paths.data),
        )

    # -- memory ----------------------------------------------------------------------

    def restore(self) -> None:
        settings = self.context.settings
        geometry = bytes_value(settings, GEOMETRY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 720)
        state = bytes_value(settings, WINDOW_STATE)
        if state is not None:
            self.restoreState(state)
        self._restore_splitters(self)
        tab = text_value(settings, CURRENT_TAB, "0")
        self.tabs.setCurrentIndex(int(tab) if tab.isdigit() else 0)

    def _restore_splitters(self, root: QWidget) -> None:
        """Splitters come back as the user left them, in pages built late too."""
        for splitter in root.findChildren(QSplitter):
            saved = bytes_value(self.context.settings, f"{SPLITTERS}/{splitter.objectName()}")
            if splitter.objectName() and saved is not None:
                splitter.restoreState(saved)

    def remember(self) -> None:
        settings = self.context.settings
        settings.setValue(GEOMETRY, self.saveGeometry())
        settings.setValue(WINDOW_STATE, self.saveState())
        tab = self.tabs.currentIndex()
        settings.setValue(CURRENT_TAB, tab if tab in (0, 1) else 0)  # no Hub tab until hosting
        for splitter in self.findChildren(QSplitter):
            if splitter.objectName():
                settings.setValue(f"{SPLITTERS}/{splitter.objectName()}", splitter.saveState())
        settings.sync()

    def quit_now(self) -> None:
        """Closes without asking: a signal from the terminal is already the answer."""
        self._quitting = True
        self.close()

    def _hand_over_instead(self) -> None:
        """Quit's "Hand over…": the Hub tab and its dialog; quitting waits for the user."""
        self.show_tab(2)
        self.hub_tab.open_hand_over()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting and not may_quit(
            self, self.context, self.ask_to_quit, self._hand_over_instead
        ):
            event.ignore()  # the user kept hosting (or hands the hub over first)
            return
        self.remember()
        self.hub_tab.timer.stop()
        if self.discovery is not None:
            self.discovery.stop()
            self.discovery = None
        super().closeEvent(event)
