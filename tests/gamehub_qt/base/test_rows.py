"""Every table, tree and list of the app has the same row height."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.rows import row_height
from gamehub_qt.base.style import apply_look
from tests.gamehub_qt.player.conftest import leave, log_in, register
from tests.gamehub_qt.player.test_rooms import START
from tests.gamehub_qt.shell_helpers import new_window

SHOTS = os.environ.get("GAMEHUB_SCREENSHOTS")


def first_row_heights(views: list[QAbstractItemView]) -> dict[str, int]:
    """The height of each view's first row (a table's includes its grid line)."""
    heights = {}
    for view in views:
        model = view.model()
        if isinstance(view, QHeaderView) or model is None or model.rowCount() == 0:
            continue
        name = f"{type(view.parent()).__name__}.{type(view).__name__}"
        if isinstance(view, QTableView):
            heights[name] = view.rowHeight(0)
        else:
            heights[name] = view.visualRect(model.index(0, 0)).height()
    return heights


def test_tables_trees_and_lists_share_one_row_height(
    qtbot: QtBot, connected: AppContext, qapp: QApplication
) -> None:
    if SHOTS:
        apply_look(qapp)
    window = new_window(qtbot, connected)
    window.resize(1100, 720)
    window.show()
    player = window.player_tab
    try:
        register(connected, "ann")
        log_in(qtbot, player, "ann")
        player.store.list.select("gamehub-rps")
        details = player.store.details
        qtbot.waitUntil(lambda: details.versions.topLevelItemCount() > 0, timeout=5000)
        if SHOTS:
            qtbot.wait(200)
            window.grab().save(str(Path(SHOTS) / "rows-store.png"))
        player.tabs.setCurrentWidget(player.rooms)
        player.rooms.create_button.click()
        qtbot.waitUntil(lambda: player.play.page is not None, timeout=START)
        qtbot.waitUntil(lambda: player.rooms.table.topLevelItemCount() > 0, timeout=5000)
        player.tabs.setCurrentWidget(player.rooms)
        qtbot.wait(50)
        # The window's own views (a combo box's popup list is Qt's).
        views = [v for v in window.findChildren(QAbstractItemView) if v.window() is window]
        heights = first_row_heights(views)
        assert len(heights) >= 4, heights  # store, versions, rooms, the room's players
        assert set(heights.values()) == {row_height(player.store.list.table)}, heights
    finally:
        leave(connected)
