"""Switching to Traditional Chinese and back at run time, as the Settings dialog does it:
the Player tab's texts follow at once, and what it shows (a game, a room) stays."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gamehub_qt.base import i18n
from gamehub_qt.player import PlayerTab
from gamehub_qt.player.prompts import RatingDialog, StartPrompt

WAIT_MS = 10_000
START_MS = 20_000  # a room starts its game server before it exists


@pytest.fixture
def switch(qapp: object) -> Iterator[None]:
    """Leaves English installed afterwards, whatever the test did."""
    yield
    i18n.install(i18n.ENGLISH)


@pytest.fixture
def in_room(qtbot: QtBot, ann: PlayerTab) -> PlayerTab:
    """Ann with Rock Paper Scissors picked in the store and a room of it open."""
    ann.store.list.select("gamehub-rps")
    details = ann.store.details
    qtbot.waitUntil(lambda: details.versions.topLevelItemCount() > 0, timeout=WAIT_MS)
    ann.rooms.game.setCurrentIndex(ann.rooms.game.findData("gamehub-rps"))
    ann.rooms.create_button.click()
    qtbot.waitUntil(lambda: ann.play.page is not None, timeout=START_MS)
    qtbot.waitUntil(lambda: ann.rooms.table.topLevelItemCount() == 1, timeout=WAIT_MS)
    return ann


def tab_titles(tab: PlayerTab) -> list[str]:
    return [tab.tabs.tabText(index) for index in range(tab.tabs.count())]


def texts(tab: PlayerTab) -> dict[str, str]:
    """A sample of what the tab shows, fixed texts and state-dependent ones."""
    store, details, rooms, page = tab.store.list, tab.store.details, tab.rooms, tab.play.page
    assert page is not None
    return {
        "log out": tab.logout_button.text(),
        "column": str(store.model.headerData(0, Qt.Orientation.Horizontal)),
        "sort": store.sort.itemText(0),
        "action": details.action.text(),
        "title": details.title.text(),
        "rooms column": rooms.table.headerItem().text(1),
        "room status": rooms.table.topLevelItem(0).text(3),
        "in a room": rooms.notice.text(),
        "leave": page.leave.text(),
        "status": page.status.text(),
        "seat": page.players.item(0).text(),
        "installed": tab.my_games.games.headerItem().text(2),
    }


ENGLISH = {
    "log out": "Log out",
    "sort": "Sort by name",
    "action": "Install",
    "title": "Rock Paper Scissors",
    "rooms column": "Owner",
    "room status": "Open",
    "in a room": "You are in a room; leave it to join another.",
    "leave": "Leave room",
    "installed": "In the store",
}
CHINESE = {
    "log out": "登出",
    "sort": "依名稱排序",
    "action": "安裝",
    "title": "Rock Paper Scissors",  # the game stays picked
    "rooms column": "房主",
    "room status": "可加入",
    "in a room": "您已在一個房間中；請先離開才能加入其他房間。",
    "leave": "離開房間",
    "installed": "在商店中",
}


def shown(tab: PlayerTab) -> dict[str, str]:
    return {key: value for key, value in texts(tab).items() if key in ENGLISH}


def test_the_player_tab_follows_a_language_switch(
    qtbot: QtBot, in_room: PlayerTab, switch: None
) -> None:
    tab = in_room
    assert shown(tab) == ENGLISH
    assert tab_titles(tab) == ["Store", "Rooms", "My games", "Room: Rock Paper Scissors"]
    english = texts(tab)

    i18n.install(i18n.CHINESE_TW)
    qtbot.waitUntil(lambda: tab_titles(tab)[0] == "商店", timeout=WAIT_MS)
    assert tab_titles(tab) == ["商店", "房間", "我的遊戲", "房間：Rock Paper Scissors"]
    assert shown(tab) == CHINESE
    chinese = texts(tab)
    assert chinese["column"] == "遊戲"
    assert chinese["status"].startswith("等待玩家：目前 1 位")  # the room's state, said again
    assert chinese["seat"] == "1. ann  (房主, 你, 未準備)"

    i18n.install(i18n.ENGLISH)
    qtbot.waitUntil(lambda: tab_titles(tab)[0] == "Store", timeout=WAIT_MS)
    assert texts(tab) == english


def test_the_login_form_follows_a_language_switch(
    qtbot: QtBot, tab: PlayerTab, switch: None
) -> None:
    form = tab.login
    i18n.install(i18n.CHINESE_TW)
    qtbot.waitUntil(lambda: form.login_button.text() == "登入", timeout=WAIT_MS)
    assert form.user_label.text() == "玩家名稱："
    i18n.install(i18n.ENGLISH)
    qtbot.waitUntil(lambda: form.login_button.text() == "Log in", timeout=WAIT_MS)
    assert form.user_label.text() == "Player name:"


def test_the_questions_follow_a_language_switch(qtbot: QtBot, switch: None) -> None:
    start = StartPrompt("ann", "Rock Paper Scissors")
    rate = RatingDialog("gamehub-rps", "Rock Paper Scissors")
    for dialog in (start, rate):
        qtbot.addWidget(dialog)
    i18n.install(i18n.CHINESE_TW)
    qtbot.waitUntil(lambda: start.accept_button.text() == "開始玩", timeout=WAIT_MS)
    assert start.question.text() == "ann 想開始 Rock Paper Scissors。現在就玩嗎？"
    assert (rate.submit_button.text(), rate.question.text()) == (
        "送出",
        "您喜歡 Rock Paper Scissors 嗎？",
    )
    i18n.install(i18n.ENGLISH)
    qtbot.waitUntil(lambda: start.accept_button.text() == "Play", timeout=WAIT_MS)
    assert rate.question.text() == "How did you like Rock Paper Scissors?"
