"""Room changes as system lines in the room's chat (and the status bar): joins, leaves,
a new owner, a player dropped for not answering. Leaving during a match asks first, and
the console's output stays after leaving."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QMessageBox
from pytestqt.qtbot import QtBot

from gamehub_qt.player import PlayerTab
from gamehub_qt.player.room_page import RoomPage
from hub_core.client.hub_client import HubClient
from hub_core.server.lobby import lobby as lobby_module
from tests.gamehub_qt.player.conftest import PASSWORD
from tests.gamehub_qt.player.test_rooms import (
    START,
    create_room,
    join_room,
    page_of,
    ready_and_start,
)

SHOTS = os.environ.get("GAMEHUB_SCREENSHOTS")


def system_lines(page: RoomPage) -> list[str]:
    """The chat's lines set in italics (the system's), without their leading dash."""
    doc, lines = page.chat.document(), []
    block = doc.begin()
    while block.isValid():
        italic = any(
            fragment.fragment().charFormat().fontItalic()
            for fragment in block  # type: ignore[attr-defined]
            if fragment.fragment().isValid()
        )
        if italic:
            lines.append(block.text().removeprefix("— "))
        block = block.next()
    return lines


def chat_lines(page: RoomPage) -> list[str]:
    return [line for line in page.chat.toPlainText().splitlines() if line]


def test_joins_leaves_and_a_new_owner_are_system_lines(
    qtbot: QtBot, ann: PlayerTab, bob: PlayerTab
) -> None:
    room_id = create_room(qtbot, ann, "gamehub-rps")
    join_room(qtbot, bob, room_id)
    qtbot.waitUntil(lambda: system_lines(page_of(ann)) == ["bob joined the room."], timeout=5000)
    assert ("info", "bob joined the room.") in ann.context.messages.history
    page_of(bob).say.setText("hello ann")
    page_of(bob).send.click()
    qtbot.waitUntil(lambda: "bob: hello ann" in chat_lines(page_of(ann)), timeout=5000)
    assert system_lines(page_of(ann)) == ["bob joined the room."]  # a player's line is plain
    assert system_lines(page_of(bob)) == []  # bob's own arrival is not news to bob
    if SHOTS:
        ann.resize(1000, 640)
        qtbot.wait(300)
        ann.grab().save(str(Path(SHOTS) / "room-system-lines.png"))
    page_of(ann).leave.click()
    expected = ["ann left the room.", "You own the room now."]
    qtbot.waitUntil(lambda: system_lines(page_of(bob)) == expected, timeout=5000)
    assert ("info", "You own the room now.") in bob.context.messages.history


def test_a_player_who_stops_answering_is_said_to_be_dropped(
    qtbot: QtBot, ann: PlayerTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lobby_module, "HEARTBEAT_TIMEOUT", 5.0)  # the app beats every 2 s
    room_id = create_room(qtbot, ann, "gamehub-rps")
    context = ann.context

    async def quiet_player() -> HubClient:
        cy = await HubClient.connect(context.endpoint)
        await cy.register("player", "cy", PASSWORD)
        await cy.login("player", "cy", PASSWORD, watch=False)
        await cy.join_room(room_id)
        return cy  # and never sends a heartbeat

    cy = context.net.call(quiet_player())
    try:
        expected = ["cy joined the room.", "cy was dropped: their app stopped answering."]
        qtbot.waitUntil(lambda: system_lines(page_of(ann)) == expected, timeout=20_000)
    finally:
        context.net.call(cy.close())


class Answer:
    def __init__(self, role: QMessageBox.ButtonRole) -> None:
        self.role, self.asked = role, 0

    def __call__(self, box: QMessageBox) -> QAbstractButton | None:
        self.asked += 1
        return next(b for b in box.buttons() if box.buttonRole(b) == self.role)


def test_leaving_during_a_match_asks_and_keeps_the_console(
    qtbot: QtBot, ann: PlayerTab, bob: PlayerTab
) -> None:
    room_id = create_room(qtbot, ann, "gamehub-rps")
    join_room(qtbot, bob, room_id)
    ready_and_start(qtbot, ann, bob)
    qtbot.waitUntil(lambda: bob.play.console is not None, timeout=START)
    console = bob.play.console
    assert console is not None
    qtbot.waitUntil(lambda: console.text().strip() != "", timeout=START)
    stay = Answer(QMessageBox.ButtonRole.RejectRole)
    bob.play.ask_to_leave = stay
    page_of(bob).leave.click()
    assert stay.asked == 1 and bob.play.page is not None  # still in the room
    leave = Answer(QMessageBox.ButtonRole.DestructiveRole)
    bob.play.ask_to_leave = leave
    output = console.text()
    page_of(bob).leave.click()
    qtbot.waitUntil(lambda: bob.play.page is None, timeout=5000)
    assert leave.asked == 1
    assert bob.tabs.indexOf(console) >= 0  # the console stays, with what the game printed
    assert console.text().startswith(output)
