"""Handing the hub over between two windows (two app copies, two data folders, 127.0.0.1).

A hosts; B is logged in to A's hub and ticks "Let others hand me the hub"; A hands the
hub over from its Hub tab; B's prompt is answered through the Asker seam. Accept: B hosts
the same hub (name, key) and A's connection follows it, still logged in. Decline: A hosts on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QMessageBox
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.shell.handoff_accept import AcceptState
from gamehub_qt.shell.handover_dialog import HandOverDialog
from gamehub_qt.shell.main_window import MainWindow
from tests.gamehub_qt.shell.test_quit_guard import hosting_window
from tests.gamehub_qt.shell_helpers import WAIT_MS, new_window

HANDOFF_MS = 60_000
SHOTS = os.environ.get("GAMEHUB_SCREENSHOTS")


class Prompt:
    """Answers B's "Take over the hub?" like a user would, and keeps what it said."""

    def __init__(self, role: QMessageBox.ButtonRole) -> None:
        self.role = role
        self.asked: list[tuple[str, str, list[str]]] = []

    def __call__(self, box: QMessageBox) -> QAbstractButton | None:
        buttons = box.buttons()
        self.asked.append((box.text(), box.informativeText(), [b.text() for b in buttons]))
        if SHOTS and self.role == QMessageBox.ButtonRole.AcceptRole:  # scripts/screenshots
            box.show()
            box.grab().save(str(Path(SHOTS) / "handoff-prompt.png"))
            box.hide()
        return next((b for b in buttons if box.buttonRole(b) == self.role), None)


@pytest.fixture
def two(qapp: object, tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    a, b = AppContext.create(tmp_path / "a"), AppContext.create(tmp_path / "b")
    yield a, b
    b.shutdown()
    a.shutdown()


def willing_receiver(qtbot: QtBot, a: AppContext, b: AppContext, answer: Prompt) -> MainWindow:
    """B joins A's hub as bob and allows hosting in Settings; A's hub lists bob as willing."""
    window = new_window(qtbot, b)
    window.acceptor.ask = answer
    window.show()
    window.hubbar.join(a.endpoint)
    qtbot.waitUntil(lambda: b.player.state == "connected" and bool(b.endpoint), timeout=WAIT_MS)
    b.net.call(b.player.register("bob", "secret"))
    b.net.call(b.player.login("bob", "secret"))
    dialog = window.open_settings()
    dialog.accept_handoff.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: window.acceptor.state is AcceptState.OFFERING, timeout=WAIT_MS)
    hub = a.hosting
    assert hub is not None
    qtbot.waitUntil(lambda: a.net.call(hub.willing()) == ["bob"], timeout=WAIT_MS)
    return window


def hosting_ann(qtbot: QtBot, a: AppContext) -> MainWindow:
    window = hosting_window(qtbot, a)
    a.net.call(a.player.register("ann", "secret"))
    a.net.call(a.player.login("ann", "secret"))
    return window


def test_accepting_moves_the_hub_to_b_and_a_follows(
    qtbot: QtBot, two: tuple[AppContext, AppContext]
) -> None:
    a, b = two
    window_a = hosting_ann(qtbot, a)
    hub_a = a.hosting
    assert hub_a is not None and hub_a.endpoints is not None
    name, fingerprint, key = hub_a.endpoints.name, hub_a.endpoints.fingerprint, hub_a.hub.public_key
    accept = Prompt(QMessageBox.ButtonRole.AcceptRole)
    window_b = willing_receiver(qtbot, a, b, accept)

    dialog = window_a.hub_tab.open_hand_over()
    qtbot.waitUntil(lambda: dialog.chosen() == "bob", timeout=WAIT_MS)
    with qtbot.waitSignal(window_a.hosting.moved, timeout=HANDOFF_MS):
        dialog.hand_over.click()

    [(text, details, buttons)] = accept.asked
    assert name in text
    assert "every account's data, the games, the hub's key" in details and " MB" in details
    assert sorted(buttons) == ["Accept", "Decline"]
    qtbot.waitUntil(lambda: b.hosting is not None, timeout=HANDOFF_MS)
    hub_b = b.hosting
    assert hub_b is not None and hub_b.endpoints is not None
    assert (hub_b.endpoints.name, hub_b.endpoints.fingerprint) == (name, fingerprint)
    assert hub_b.hub.public_key == key
    assert a.hosting is None and window_a.hosting.state == "off"
    assert window_b.hosting.state == "on"
    # A's connection followed the hub to B, without a new login.
    own_b = window_b.hosting.local_endpoint()
    qtbot.waitUntil(lambda: a.endpoint == own_b, timeout=HANDOFF_MS)
    assert a.net.call(a.player.hub().whoami()).user == "ann"
    assert b.net.call(b.player.hub().whoami()).user == "bob"
    assert b.player.client is not None and b.player.client.hello.key == key


def test_declining_leaves_a_hosting(qtbot: QtBot, two: tuple[AppContext, AppContext]) -> None:
    a, b = two
    window_a = hosting_ann(qtbot, a)
    hub_a = a.hosting
    decline = Prompt(QMessageBox.ButtonRole.RejectRole)
    willing_receiver(qtbot, a, b, decline)

    dialog = window_a.hub_tab.open_hand_over()
    qtbot.waitUntil(lambda: dialog.chosen() == "bob", timeout=WAIT_MS)
    dialog.hand_over.click()
    qtbot.waitUntil(lambda: "stays here" in dialog.status.text(), timeout=HANDOFF_MS)
    assert len(decline.asked) == 1
    assert "declined" in dialog.status.text()
    assert a.hosting is hub_a and window_a.hosting.state == "on"
    assert b.hosting is None
    assert a.net.call(a.player.hub().whoami()).user == "ann"
    assert dialog.hand_over.isEnabled() or dialog.players.count() == 0


def test_quitting_offers_to_hand_over_when_someone_is_willing(
    qtbot: QtBot, two: tuple[AppContext, AppContext]
) -> None:
    """The quit question gains "Hand over…": it keeps A open on the Hub tab's dialog."""
    a, b = two
    window_a = hosting_ann(qtbot, a)
    willing_receiver(qtbot, a, b, Prompt(QMessageBox.ButtonRole.RejectRole))
    asked: list[list[str]] = []

    def hand_over(box: QMessageBox) -> QAbstractButton | None:
        asked.append([button.text() for button in box.buttons()])
        action = QMessageBox.ButtonRole.ActionRole
        return next(b for b in box.buttons() if box.buttonRole(b) == action)

    window_a.ask_to_quit = hand_over
    window_a.close()
    assert asked and "Hand over…" in asked[0]
    assert window_a.isVisible() and a.hosting is not None
    assert window_a.tabs.currentWidget() is window_a.hub_tab
    dialog = window_a.hub_tab.findChild(HandOverDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.chosen() == "bob", timeout=WAIT_MS)
    dialog.reject()
