"""The shared login form: what differs by role, and the busy state both roles share."""

from __future__ import annotations

import sys
import types

import pytest
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.login_form import DEVELOPER, PLAYER, LoginForm


def form(qtbot: QtBot, context: AppContext, *, player: bool) -> LoginForm:
    made = LoginForm(context, PLAYER if player else DEVELOPER)
    qtbot.addWidget(made)
    return made


def test_remember_me_is_offered_to_players_only(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", types.ModuleType("keyring"))
    assert not form(qtbot, context, player=True).remember.isHidden()
    assert form(qtbot, context, player=False).remember.isHidden()


def test_each_role_has_its_own_texts_and_connection(qtbot: QtBot, context: AppContext) -> None:
    player, developer = form(qtbot, context, player=True), form(qtbot, context, player=False)
    assert (player.user_label.text(), developer.user_label.text()) == (
        "Player name:",
        "Developer name:",
    )
    assert (player.conn, developer.conn) == (context.player, context.developer)


def test_the_form_is_busy_until_the_hub_answers(qtbot: QtBot, connected: AppContext) -> None:
    player = form(qtbot, connected, player=True)
    player.user.setText("ann")
    player.password.setText("secret-pw")
    player.create_account()
    assert player.login_button.text() == "Creating account…"
    assert not (player.user.isEnabled() or player.register_button.isEnabled())
    player.submit()  # a second press while busy does nothing
    qtbot.waitUntil(lambda: player.login_button.text() == "Log in", timeout=10_000)
    assert player.user.isEnabled()
    assert connected.settings.value(PLAYER.user_key) == "ann"
