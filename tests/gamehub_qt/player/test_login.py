"""Logging in and out of the Player tab against a real hub."""

from __future__ import annotations

import sys
import types

import pytest
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.login_form import PLAYER, LoginForm
from gamehub_qt.player import PlayerTab
from hub_core.client.hub_client import HubClient
from tests.gamehub_qt.player.conftest import PASSWORD, SAMPLES, log_in, register


def test_wrong_password_is_shown_next_to_the_password(qtbot: QtBot, tab: PlayerTab) -> None:
    register(tab.context, "ann")
    tab.login.user.setText("ann")
    tab.login.password.setText("not-the-password")
    tab.login.login_button.click()
    qtbot.waitUntil(lambda: tab.login.password_error.text() != "", timeout=5000)
    assert tab.login.password_error.text() == "Wrong player name or password."
    assert not tab.logged_in
    assert tab.login.login_button.isEnabled()  # usable again for another try


def test_taken_name_is_shown_next_to_the_name(qtbot: QtBot, tab: PlayerTab) -> None:
    register(tab.context, "ann")
    tab.login.user.setText("Ann")
    tab.login.password.setText(PASSWORD)
    tab.login.register_button.click()
    qtbot.waitUntil(lambda: tab.login.user_error.text() != "", timeout=5000)
    assert "taken" in tab.login.user_error.text().lower()
    assert not tab.logged_in


def test_empty_fields_are_caught_before_asking_the_hub(tab: PlayerTab) -> None:
    tab.login.user.setText("")
    tab.login.submit()
    assert tab.login.user_error.text() == "Enter your player name."


def test_login_shows_the_store_and_remembers_the_name(qtbot: QtBot, tab: PlayerTab) -> None:
    register(tab.context, "ann")
    log_in(qtbot, tab, "ann")
    assert tab.stack.currentIndex() == 1
    assert "ann" in tab.who.text()
    qtbot.waitUntil(lambda: set(tab.store.list.visible_names()) == SAMPLES, timeout=5000)
    assert tab.context.settings.value("player/user") == "ann"
    assert tab.login.password.text() == ""  # not kept without "remember me"


def test_create_account_logs_in(qtbot: QtBot, tab: PlayerTab) -> None:
    tab.login.user.setText("cleo")
    tab.login.password.setText(PASSWORD)
    tab.login.register_button.click()
    qtbot.waitUntil(lambda: tab.logged_in, timeout=5000)


def test_log_out_returns_to_the_login_panel(qtbot: QtBot, ann: PlayerTab) -> None:
    ann.logout_button.click()
    qtbot.waitUntil(lambda: not ann.logged_in, timeout=5000)
    assert ann.stack.currentIndex() == 0
    assert ann.state.games == {}


def test_login_elsewhere_is_told_and_returns_to_login(qtbot: QtBot, ann: PlayerTab) -> None:
    async def login_elsewhere() -> None:
        other = await HubClient.connect(ann.context.endpoint)
        await other.login("player", "ann", PASSWORD)
        await other.close()

    ann.context.net.call(login_elsewhere())
    qtbot.waitUntil(lambda: not ann.logged_in, timeout=5000)
    assert ann.stack.currentIndex() == 0
    assert "logged in elsewhere" in ann.login.error.text()


def test_remember_me_is_hidden_without_keyring(
    tab: PlayerTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring now fails
    assert LoginForm(tab.context, PLAYER).remember.isHidden()


def test_remember_me_keeps_the_password_in_the_keyring_only(
    qtbot: QtBot, connected: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored: dict[tuple[str, str], str] = {}
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: stored.get((service, user))  # type: ignore[attr-defined]
    fake.set_password = lambda service, user, pw: stored.__setitem__((service, user), pw)  # type: ignore[attr-defined]
    fake.delete_password = lambda service, user: stored.pop((service, user))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    tab = PlayerTab(connected)
    qtbot.addWidget(tab)
    assert not tab.login.remember.isHidden()
    register(connected, "ann")
    tab.login.remember.setChecked(True)
    log_in(qtbot, tab, "ann")
    assert list(stored.values()) == [PASSWORD]
    connected.settings.sync()
    settings = (connected.paths.data / "settings.ini").read_text(encoding="utf-8")
    assert PASSWORD not in settings

    again = LoginForm(connected, PLAYER)  # the next start fills the password in
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.password.text() == PASSWORD, timeout=5000)
    assert again.remember.isChecked()
