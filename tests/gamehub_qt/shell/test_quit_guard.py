"""Quitting the hosting copy asks first, naming who is affected; not hosting, it just quits."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QMessageBox
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.shell.main_window import MainWindow
from gamehub_qt.shell.quit_guard import Affected, describe
from tests.gamehub_qt.shell_helpers import WAIT_MS, new_window


class Answer:
    """Answers the quit question like a user would, and remembers what it was asked."""

    def __init__(self, role: QMessageBox.ButtonRole | None) -> None:
        self.role = role
        self.asked: list[tuple[str, str, list[str]]] = []

    def __call__(self, box: QMessageBox) -> QAbstractButton | None:
        buttons = box.buttons()
        self.asked.append((box.text(), box.informativeText(), [b.text() for b in buttons]))
        return next((b for b in buttons if box.buttonRole(b) == self.role), None)


def hosting_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = new_window(qtbot, context)
    window.show()
    with qtbot.waitSignal(window.hosting.started, timeout=WAIT_MS):
        window.hubbar.host_action.trigger()
    own = window.hosting.local_endpoint()
    qtbot.waitUntil(
        lambda: context.endpoint == own and context.player.state == "connected", timeout=WAIT_MS
    )
    return window


def test_not_hosting_quits_without_asking(qtbot: QtBot, context: AppContext) -> None:
    window = new_window(qtbot, context)
    window.show()
    answer = Answer(None)
    window.ask_to_quit = answer
    window.quit_action.trigger()
    assert answer.asked == []
    assert not window.isVisible()


def test_quitting_while_hosting_asks_and_cancel_keeps_hosting(
    qtbot: QtBot, context: AppContext
) -> None:
    window = hosting_window(qtbot, context)
    player = context.player
    context.net.call(player.register("ann", "secret"))
    context.net.call(player.login("ann", "secret"))
    context.net.call(player.hub().create_room("gamehub-rps"), timeout=30)
    cancel = Answer(QMessageBox.ButtonRole.RejectRole)
    window.ask_to_quit = cancel
    window.quit_action.trigger()
    [(text, details, buttons)] = cancel.asked
    assert "stops the hub" in text
    assert "Players online: 1 (ann)." in details
    assert "Open rooms: 1." in details
    assert sorted(buttons) == ["Cancel", "Stop hosting"]
    assert window.isVisible() and context.hosting is not None

    stop = Answer(QMessageBox.ButtonRole.DestructiveRole)
    window.ask_to_quit = stop
    window.close()  # the window's close button goes the same way
    assert len(stop.asked) == 1
    assert not window.isVisible()


def test_closing_the_question_keeps_hosting(qtbot: QtBot, context: AppContext) -> None:
    window = hosting_window(qtbot, context)
    window.ask_to_quit = Answer(None)  # Escape or the dialog's close button
    window.close()
    assert window.isVisible() and context.hosting is not None


def test_the_question_names_running_matches(qapp: object) -> None:
    text = describe(Affected(["ann", "bob"], rooms=2, matches=1))
    assert text.splitlines() == [
        "Players online: 2 (ann, bob).",
        "Open rooms: 2.",
        "Matches running: 1; they end now.",
    ]
    assert describe(Affected([], 0, 0)) == "Nobody is on it right now."
