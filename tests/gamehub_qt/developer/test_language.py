"""Switching languages at run time: the tab's fixed texts follow at once."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from pytestqt.qtbot import QtBot

from gamehub_qt.developer.tab import DeveloperTab
from tests.gamehub_qt.developer.conftest import WAIT_MS

LRELEASE = Path(sys.executable).with_name("pyside6-lrelease")
FRENCH = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context><name>LoginForm</name>
  <message><source>Log in</source><translation>Connexion</translation></message></context>
<context><name>MyGamesPanel</name>
  <message><source>Refresh</source><translation>Actualiser</translation></message></context>
<context><name>MyGames</name>
  <message><source>Display name</source><translation>Nom affiché</translation></message></context>
</TS>
"""


@pytest.fixture
def french(tmp_path: Path) -> Iterator[QTranslator]:
    if not LRELEASE.exists():
        pytest.skip("pyside6-lrelease is not installed")
    (tmp_path / "fr.ts").write_text(FRENCH, encoding="utf-8")
    subprocess.run([LRELEASE, "-silent", tmp_path / "fr.ts", "-qm", tmp_path / "fr.qm"], check=True)
    translator = QTranslator()
    assert translator.load(str(tmp_path / "fr.qm"))
    yield translator
    QCoreApplication.removeTranslator(translator)


def test_texts_follow_a_language_switch(
    qtbot: QtBot, dev_tab: DeveloperTab, french: QTranslator
) -> None:
    header = dev_tab.my_games.games.headerData(1, Qt.Orientation.Horizontal)
    assert header == "Display name"
    QCoreApplication.installTranslator(french)  # Qt sends LanguageChange to every widget
    qtbot.waitUntil(lambda: dev_tab.my_games.refresh_button.text() == "Actualiser", timeout=WAIT_MS)
    assert dev_tab.login.login_button.text() == "Connexion"
    assert dev_tab.my_games.games.headerData(1, Qt.Orientation.Horizontal) == "Nom affiché"
    assert dev_tab.logout_button.text() == "Log out"  # not in this translation: English stays
