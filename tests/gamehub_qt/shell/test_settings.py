"""Settings shows the hub's real name: the running hub's while hosting, else the name a
new hub would get; never a made-up placeholder."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from tests.gamehub_qt.shell.test_quit_guard import hosting_window
from tests.gamehub_qt.shell_helpers import new_window

SHOTS = os.environ.get("GAMEHUB_SCREENSHOTS")


def test_not_hosting_shows_the_name_a_new_hub_gets(qtbot: QtBot, context: AppContext) -> None:
    window = new_window(qtbot, context)
    dialog = window.open_settings()
    assert dialog.hub_name.placeholderText() == f"GameHub on {socket.gethostname()}"
    assert not dialog.hosting_note.isVisibleTo(dialog)
    dialog.reject()


def test_hosting_shows_the_running_hubs_name(qtbot: QtBot, context: AppContext) -> None:
    window = hosting_window(qtbot, context)
    ep = window.hosting.endpoints
    assert ep is not None
    dialog = window.open_settings()
    assert dialog.hub_name.placeholderText() == ep.name
    assert dialog.hosting_note.isVisibleTo(dialog)
    assert f"“{ep.name}”" in dialog.hosting_note.text()
    if SHOTS:
        qtbot.wait(200)
        dialog.grab().save(str(Path(SHOTS) / "settings.png"))
    dialog.reject()
