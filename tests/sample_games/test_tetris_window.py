"""The Tetris window keeps its whole board on screen when the end-of-match message wraps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot
from tetris_window import Link, TetrisWindow

SHOTS = os.environ.get("GAMEHUB_SCREENSHOTS")


class QuietChannel:
    """A server connection that takes what the window sends and never answers."""

    def send(self, obj: Any) -> None:
        pass

    def close(self) -> None:
        pass


def test_the_end_message_leaves_the_board_whole(qtbot: QtBot) -> None:
    window = TetrisWindow(Link(QuietChannel()), "ann")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window._on_start({"seed": 1, "you": "ann", "opponent": "bob", "text": "Good luck!"})
    window._on_end(
        {"winner": "bob", "you": "ann", "text": "You topped out. bob wins. Your score: 1234."}
    )
    qtbot.wait(50)  # let the layout settle
    status = window.status
    assert status.height() >= status.heightForWidth(status.width())  # every line shows
    assert window.rect().contains(window.board.geometry())  # and the bottom row too
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "tetris-end.png"))
