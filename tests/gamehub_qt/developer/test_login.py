"""Logging in as a developer: inline errors, remembered name, log out, logged in elsewhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.login_form import DEVELOPER
from gamehub_qt.developer.tab import DeveloperTab
from hub_core.client.hub_client import HubClient
from tests.gamehub_qt.developer.conftest import WAIT_MS

USER_KEY = DEVELOPER.user_key


def fill(qtbot: QtBot, tab: DeveloperTab, user: str, password: str) -> None:
    tab.login.user.clear()
    qtbot.keyClicks(tab.login.user, user)
    qtbot.keyClicks(tab.login.password, password)


def test_create_account_logs_in_and_remembers_the_name(qtbot: QtBot, tab: DeveloperTab) -> None:
    fill(qtbot, tab, "dana", "secret")
    qtbot.mouseClick(tab.login.register_button, Qt.MouseButton.LeftButton)
    # The session arrives a moment before the operation's own success: wait for both.
    qtbot.waitUntil(lambda: tab.logged_in and tab.login.login_button.isEnabled(), timeout=WAIT_MS)
    assert "dana" in tab.who.text()
    assert tab.context.settings.value(USER_KEY) == "dana"
    assert tab.login.password.text() == ""  # never kept around


def test_wrong_password_is_shown_next_to_the_password(qtbot: QtBot, tab: DeveloperTab) -> None:
    tab.context.net.call(tab.context.developer.register("dana", "secret"))
    fill(qtbot, tab, "dana", "wrong")
    qtbot.keyClick(tab.login.password, Qt.Key.Key_Return)  # Enter submits
    qtbot.waitUntil(lambda: tab.login.password_error.text() != "", timeout=WAIT_MS)
    assert tab.login.password_error.text() == "Wrong developer name or password."
    assert not tab.logged_in
    assert tab.login.login_button.isEnabled()  # no longer busy


def test_taken_name_is_shown_next_to_the_name(qtbot: QtBot, tab: DeveloperTab) -> None:
    tab.context.net.call(tab.context.developer.register("dana", "secret"))
    fill(qtbot, tab, "dana", "other-secret")
    qtbot.mouseClick(tab.login.register_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.login.user_error.text() != "", timeout=WAIT_MS)
    assert tab.login.user_error.text() == "The developer name 'dana' is already taken."


def test_empty_fields_are_refused_before_asking_the_hub(qtbot: QtBot, tab: DeveloperTab) -> None:
    tab.login.user.clear()
    tab.login.submit()
    assert tab.login.user_error.text() == "Enter your developer name."
    qtbot.keyClicks(tab.login.user, "dana")
    tab.login.submit()
    assert tab.login.password_error.text() == "Enter your password."


def test_no_hub_is_said_under_the_form(qtbot: QtBot, context: AppContext) -> None:
    tab = DeveloperTab(context)
    qtbot.addWidget(tab)
    assert tab.login.hub_note.text() == "Not connected to a hub: choose one first."
    fill(qtbot, tab, "dana", "secret")
    tab.login.submit()
    qtbot.waitUntil(lambda: tab.login.error.text() != "", timeout=WAIT_MS)
    assert tab.login.error.text() == "Choose a hub first."


def test_name_is_prefilled_from_settings(qtbot: QtBot, connected: AppContext) -> None:
    connected.settings.setValue(USER_KEY, "dana")
    tab = DeveloperTab(connected)
    qtbot.addWidget(tab)
    assert tab.login.user.text() == "dana"


def test_log_out_returns_to_the_form(qtbot: QtBot, dev_tab: DeveloperTab) -> None:
    qtbot.mouseClick(dev_tab.logout_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dev_tab.logged_in, timeout=WAIT_MS)
    assert dev_tab.login.user.text() == "dana"


def test_logged_in_elsewhere_returns_to_the_form_with_the_reason(
    qtbot: QtBot, dev_tab: DeveloperTab, endpoint: str
) -> None:
    async def log_in_elsewhere() -> None:
        async with await HubClient.connect(endpoint) as other:
            await other.login("developer", "dana", "secret")

    dev_tab.context.net.call(log_in_elsewhere())
    qtbot.waitUntil(lambda: not dev_tab.logged_in, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dev_tab.login.error.text() != "", timeout=WAIT_MS)
    assert dev_tab.login.error.text() == (
        "This account logged in elsewhere: on this computer. You were logged out here."
    )
