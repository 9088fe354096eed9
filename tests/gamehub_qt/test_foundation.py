"""The app's plumbing against a real hub: connections, HubOp callbacks, the message bridge."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.netloop import NetLoop
from gamehub_qt.shell.main_window import MainWindow
from hub_core.wire.schema import Pong


def test_hub_op_reports_success_on_the_qt_thread(qtbot: QtBot, connected: AppContext) -> None:
    got: list[Any] = []
    connected.op(None, lambda: connected.player.hub().ping()).success(got.append).run()
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert isinstance(got[0], Pong) and got[0].time > 0


def test_hub_op_failure_goes_to_the_message_bridge(qtbot: QtBot, connected: AppContext) -> None:
    with qtbot.waitSignal(connected.messages.shown, timeout=5000) as shown:
        connected.op(None, lambda: connected.player.login("nobody", "wrong")).run()
    assert shown.args == ["error", "Wrong player name or password."]


def test_login_emits_the_session(qtbot: QtBot, connected: AppContext) -> None:
    connected.net.call(connected.player.register("ann", "secret"))
    with qtbot.waitSignal(connected.player.session_changed, timeout=5000) as changed:
        connected.op(None, lambda: connected.player.login("ann", "secret")).run()
    assert changed.args[0].user == "ann"


def test_main_window_shows_messages(qtbot: QtBot, context: AppContext) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    context.messages.error("The hub did not answer.")
    assert window.statusBar().currentMessage() == "The hub did not answer."


def test_stopping_the_network_thread_lets_running_work_clean_up() -> None:
    """Quitting the app ends what runs on the network thread through its ``finally``
    (a game client is stopped, not left behind)."""
    net = NetLoop()
    cleaned = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0.05)  # cleanup that itself awaits, like stopping a process
            cleaned.set()

    net.submit(forever())
    net.stop()
    assert cleaned.is_set()
    assert not net.loop.is_running()


def test_work_submitted_while_the_app_quits_is_dropped_not_left_unawaited() -> None:
    """A slot that fires while the window closes (a match ended, say) asks for a refresh
    after the network thread stopped: the work is cancelled and its coroutine closed, so
    nothing warns at exit that a coroutine was never awaited."""
    net = NetLoop()
    net.stop()

    async def refresh() -> None:
        await asyncio.sleep(0)

    late = refresh()
    future = net.submit(late)
    assert future.cancelled()
    assert late.cr_frame is None  # closed: never started, and nothing left waiting


def test_an_op_whose_window_was_closed_calls_nothing_back(
    qtbot: QtBot, connected: AppContext
) -> None:
    parent = QWidget()
    got: list[Any] = []
    op = connected.op(parent, lambda: connected.player.hub().ping()).success(got.append)
    op.busy(got.append).run()
    assert got == [True]
    shiboken6.delete(parent)  # the user closed the dialog while the hub was answering
    qtbot.waitUntil(lambda: op.future is not None and op.future.done())
    qtbot.wait(50)
    assert got == [True]
