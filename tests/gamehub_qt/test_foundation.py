"""The app's plumbing against a real hub: connections, HubOp callbacks, the message bridge."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from gamehub_qt.context import AppContext
from gamehub_qt.main_window import MainWindow
from gamehub_qt.ops import HubOp


def test_hub_op_reports_success_on_the_qt_thread(qtbot: QtBot, connected: AppContext) -> None:
    got: list[Any] = []
    HubOp(None, lambda: connected.player.request("ping")).success(got.append).run()
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert "time" in got[0]


def test_hub_op_failure_goes_to_the_message_bridge(qtbot: QtBot, connected: AppContext) -> None:
    with qtbot.waitSignal(connected.messages.shown, timeout=5000) as shown:
        HubOp(None, lambda: connected.player.login("nobody", "wrong")).run()
    assert shown.args == ["error", "Wrong player name or password."]


def test_login_emits_the_session(qtbot: QtBot, connected: AppContext) -> None:
    connected.net.call(connected.player.register("ann", "secret"))
    with qtbot.waitSignal(connected.player.session_changed, timeout=5000) as changed:
        HubOp(None, lambda: connected.player.login("ann", "secret")).run()
    assert changed.args[0].user == "ann"


def test_main_window_shows_messages(qtbot: QtBot, context: AppContext) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    context.messages.error("The hub did not answer.")
    assert window.statusBar().currentMessage() == "The hub did not answer."
