"""The app says where the account logged in when a login elsewhere ends its session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from gamehub_qt.player import PlayerTab
from tests.gamehub_qt.player.conftest import PASSWORD


def test_a_cli_login_on_this_computer_is_named(
    qtbot: QtBot, ann: PlayerTab, tmp_path: Path
) -> None:
    args = ["login", "--hub", ann.context.endpoint, "--role", "player", "--user", "ann"]
    done = subprocess.run(
        [sys.executable, "-m", "hub_core", *args, "--data", str(tmp_path / "cli")],
        env=os.environ | {"GAMEHUB_PASSWORD": PASSWORD}, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: not ann.logged_in, timeout=10_000)
    assert ann.login.error.text() == (
        "This account logged in elsewhere: with the gamehub command on this computer. "
        "You were logged out here."
    )
