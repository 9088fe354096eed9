"""The Developer tab is built when first opened, so the window paints sooner; it then
shows the session it would have seen had it been built at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.login_form import DEVELOPER
from tests.gamehub_qt.shell_helpers import WAIT_MS, new_window

ROOT = Path(__file__).resolve().parents[3]

_FRESH_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication
from gamehub_qt.base.context import AppContext
from gamehub_qt.shell.main_window import MainWindow
app = QApplication([])
context = AppContext.create(sys.argv[1])
window = MainWindow(context, discovery=False)
print("developer-tab-imported" if "gamehub_qt.developer.tab" in sys.modules else "not-imported")
print("built" if window.developer_page.is_built else "not-built")
print("packaging-imported" if "packaging" in sys.modules else "no-packaging")
context.shutdown()
"""


def test_a_new_window_imports_neither_the_developer_tab_nor_packaging(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_WINDOW, str(tmp_path / "app")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # packaging (requirements, wheel tags) is read only when a game's libraries are
    assert done.stdout.split() == ["not-imported", "not-built", "no-packaging"]


def test_opening_the_developer_tab_late_shows_the_session(
    qtbot: QtBot, connected: AppContext
) -> None:
    window = new_window(qtbot, connected)
    window.show()
    qtbot.waitExposed(window)
    conn = connected.developer
    connected.net.call(DEVELOPER.log_in(conn, "dana", "secret", create=True))
    assert not window.developer_page.is_built
    with qtbot.wait_signal(window.developer_page.built, timeout=WAIT_MS):
        window.show_tab(1)
    tab = window.developer_tab
    qtbot.waitUntil(lambda: tab.logged_in, timeout=WAIT_MS)
    assert tab.user == "dana"
    connected.net.call(DEVELOPER.log_out(conn))


def test_a_remembered_developer_tab_is_built_with_the_window(
    qtbot: QtBot, context: AppContext
) -> None:
    first = new_window(qtbot, context)
    first.tabs.setCurrentIndex(1)
    first.remember()
    second = new_window(qtbot, context)
    second.show()
    qtbot.waitExposed(second)
    assert second.tabs.currentIndex() == 1 and second.developer_page.is_built
