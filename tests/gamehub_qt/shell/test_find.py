"""Ctrl+F works from any tab: it opens the Player tab's store with its search box focused."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from tests.gamehub_qt.player.conftest import leave, log_in, register
from tests.gamehub_qt.shell_helpers import new_window


def test_ctrl_f_from_the_developer_tab_searches_the_store(
    qtbot: QtBot, connected: AppContext
) -> None:
    window = new_window(qtbot, connected)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    try:
        register(connected, "ann")
        log_in(qtbot, window.player_tab, "ann")
        player = window.player_tab
        player.tabs.setCurrentWidget(player.rooms)
        window.show_tab(1)
        assert window.tabs.currentWidget() is window.developer_page
        qtbot.keyClick(window.developer_tab, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.tabs.currentWidget() is player, timeout=5000)
        assert player.tabs.currentWidget() is player.store
        search = player.store.list.search
        qtbot.waitUntil(lambda: QApplication.focusWidget() is search, timeout=5000)
    finally:
        leave(connected)
