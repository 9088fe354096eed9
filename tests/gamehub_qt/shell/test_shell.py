"""The window's shell against real hubs: joining, hosting, a changed key, a lost hub, memory."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QSize, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from gamehub_qt.base import i18n
from gamehub_qt.base.context import AppContext
from gamehub_qt.shell.connection import Connection
from gamehub_qt.shell.crash import ExceptionHook
from gamehub_qt.shell.main_window import MainWindow
from gamehub_qt.shell.settings import LAST_HUB, text_value
from hub_core.client.hub_client import fetch_hello
from hub_core.errors import HubUnreachable
from hub_core.server.thread import HubThread
from hub_core.wire.endpoints import parse_endpoint
from hub_core.wire.keys import KnownHubs
from tests.conftest import free_port
from tests.gamehub_qt.shell_helpers import WAIT_MS, new_window, start_hub


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    return new_window(qtbot, context)


def joined(context: AppContext, endpoint: str) -> bool:
    both = (context.player.state, context.developer.state) == ("connected", "connected")
    return both and context.endpoint == endpoint


def last_error(context: AppContext) -> str:
    errors = [text for level, text in context.messages.history if level == "error"]
    return errors[-1] if errors else ""


# -- joining by hand -------------------------------------------------------------------


def test_typed_address_and_enter_join_both_roles(
    qtbot: QtBot, window: MainWindow, endpoint: str
) -> None:
    context = window.context
    qtbot.keyClicks(window.hubbar.address, endpoint)
    qtbot.keyClick(window.hubbar.address, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: joined(context, endpoint), timeout=WAIT_MS)
    assert window.hubbar.state_label.text() == "Connected to Test hub"
    assert text_value(context.settings, LAST_HUB) == endpoint
    assert window.windowTitle() == "GameHub — Test hub"


def test_text_that_is_not_an_address_is_explained(qtbot: QtBot, window: MainWindow) -> None:
    assert window.hubbar.found.placeholderText() == "No hubs found on your network yet"
    window.hubbar.address.setText("my friend's computer")
    qtbot.mouseClick(window.hubbar.connect_button, Qt.MouseButton.LeftButton)
    assert "is not a hub address" in last_error(window.context)
    assert window.error_banner.isVisibleTo(window)
    assert window.context.player.state == "disconnected"


def test_a_silent_address_is_reported_unreachable(
    qtbot: QtBot, window: MainWindow, endpoint: str
) -> None:
    port = free_port()
    window.hubbar.join(f"127.0.0.1:{port}")
    qtbot.waitUntil(lambda: bool(last_error(window.context)), timeout=WAIT_MS)
    assert last_error(window.context).startswith(f"No hub answered at 127.0.0.1:{port}")
    assert window.hubbar.state_label.text() == "Not connected"
    assert window.error_banner.isVisibleTo(window)
    window.hubbar.join(endpoint)  # a hub that answers clears the error
    qtbot.waitUntil(lambda: joined(window.context, endpoint), timeout=WAIT_MS)
    assert not window.error_banner.isVisibleTo(window)


# -- a changed key ---------------------------------------------------------------------


def test_a_changed_key_is_shown_and_trusted_only_on_request(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    context = window.context
    first = start_hub(tmp_path / "first")
    first_ep = _ep(first)
    window.hubbar.join(first_ep)
    qtbot.waitUntil(lambda: joined(context, first_ep), timeout=WAIT_MS)
    old_fp = fingerprint_of(first)
    first.stop()
    impostor = start_hub(tmp_path / "second")  # same name, new key
    try:
        second_ep = _ep(impostor)
        window.hubbar.join(second_ep)
        qtbot.waitUntil(lambda: window.hubbar.key_dialog is not None, timeout=WAIT_MS)
        dialog = window.hubbar.key_dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.pinned.text() == old_fp
        assert dialog.offered.text() == fingerprint_of(impostor)
        assert "Same hub name" in dialog.difference.text()
        assert context.player.state == "disconnected"
        qtbot.mouseClick(dialog.trust, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: joined(context, second_ep), timeout=WAIT_MS)
        pinned = KnownHubs(context.paths.client / "known_hubs.json").pinned("Test hub")
        assert impostor.hub.endpoints is not None
        assert pinned == impostor.hub.endpoints.public_key
    finally:
        impostor.stop()


def _ep(hub: HubThread) -> str:
    assert hub.hub.endpoints is not None
    return hub.hub.endpoints.endpoint("127.0.0.1")


def fingerprint_of(hub: HubThread) -> str:
    assert hub.hub.endpoints is not None
    return hub.hub.endpoints.fingerprint


# -- a lost hub ------------------------------------------------------------------------


def test_a_stopped_hub_shows_the_banner_and_retry_rejoins(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    context = window.context
    hub = start_hub(tmp_path / "hub")
    endpoint = _ep(hub)
    port = parse_endpoint(endpoint).port
    window.hubbar.join(endpoint)
    qtbot.waitUntil(lambda: joined(context, endpoint), timeout=WAIT_MS)
    hub.stop()
    qtbot.waitUntil(lambda: window.hubbar.lost.isVisibleTo(window), timeout=WAIT_MS)
    assert "Test hub stopped answering" in window.hubbar.lost.text.text()
    assert window.hubbar.state_label.text() == "Lost Test hub; retrying…"
    again = start_hub(tmp_path / "hub", port=port)
    try:
        qtbot.mouseClick(window.hubbar.lost.action, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: joined(context, endpoint), timeout=WAIT_MS)
        assert not window.hubbar.lost.isVisibleTo(window)
    finally:
        again.stop()


# -- hosting ---------------------------------------------------------------------------


def member_of(qtbot: QtBot, context: AppContext, tmp_path: Path) -> tuple[Connection, list[Any]]:
    """Another app's player link to our hub, recording the hub events it is told.

    Returns once the member hears the hub's events (a new subscriber misses what is sent
    before its subscription reaches the hub).
    """
    hub = context.hosting
    assert hub is not None and hub.hub.endpoints is not None
    member = Connection("player", KnownHubs(tmp_path / "member_hubs.json"))
    told: list[Any] = []
    member.hub_event.connect(lambda topic, kind, data: told.append(kind))
    context.net.call(member.join_hub(hub.hub.endpoints.endpoint("127.0.0.1")))

    def heard() -> bool:
        if "probe" not in told:
            hub.loop.call_soon_threadsafe(hub.hub.wire.publish, "hub", "probe")
        return "probe" in told

    qtbot.waitUntil(heard, timeout=WAIT_MS)
    return member, told


def hello_answers(context: AppContext, endpoint: str) -> bool:
    try:
        context.net.call(fetch_hello(parse_endpoint(endpoint), timeout=0.5))
    except HubUnreachable:
        return False
    return True


def test_host_toggle_starts_a_hub_joins_it_and_stops_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    context = window.context
    with qtbot.waitSignal(window.hosting.started, timeout=WAIT_MS):
        window.hubbar.host_action.trigger()
    own = window.hosting.local_endpoint()
    assert context.hosting is not None and hello_answers(context, own)
    qtbot.waitUntil(lambda: joined(context, own), timeout=WAIT_MS)
    assert window.tabs.indexOf(window.hub_tab) >= 0
    assert window.hubbar.hosting_info.isVisibleTo(window)
    assert text_value(context.settings, LAST_HUB) == ""  # our own hub is not "the last hub"
    member, told = member_of(qtbot, context, tmp_path)
    try:
        with qtbot.waitSignal(window.hosting.stopped, timeout=WAIT_MS):
            window.hubbar.host_action.trigger()
        qtbot.waitUntil(lambda: "hub_stopping" in told, timeout=WAIT_MS)
    finally:
        context.net.call(member.leave_hub())
    assert context.hosting is None and not hello_answers(context, own)
    assert window.tabs.indexOf(window.hub_tab) < 0
    assert context.player.state == "disconnected" and context.endpoint == ""
    assert not window.hubbar.lost.isVisibleTo(window)  # leaving our own hub is not "lost"


def test_no_hub_around_offers_to_host(qtbot: QtBot, window: MainWindow) -> None:
    window.hubbar.offer_after_ms = 10
    window.show()
    qtbot.waitUntil(window.hubbar.offer.isVisible, timeout=WAIT_MS)
    with qtbot.waitSignal(window.hosting.started, timeout=WAIT_MS):
        qtbot.mouseClick(window.hubbar.offer.action, Qt.MouseButton.LeftButton)
    assert not window.hubbar.offer.isVisible()
    assert window.hubbar.host_action.isChecked()


# -- memory, language, shortcuts, errors -----------------------------------------------


def test_settings_are_remembered_by_the_next_window(
    qtbot: QtBot, context: AppContext, endpoint: str
) -> None:
    first = new_window(qtbot, context)
    first.hubbar.join(endpoint)
    qtbot.waitUntil(lambda: joined(context, endpoint), timeout=WAIT_MS)
    first.resize(QSize(700, 500))
    first.tabs.setCurrentIndex(1)
    first.close()
    context.settings.sync()
    again = AppContext.create(context.paths.data)
    try:
        second = new_window(qtbot, again)
        assert second.hubbar.address.text() == endpoint
        assert second.size() == QSize(700, 500)
        assert second.tabs.currentIndex() == 1
        second.close()
    finally:
        again.shutdown()


def test_language_switch_retranslates_at_once(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.open_settings()
    dialog.language.setCurrentIndex(dialog.language.findData(i18n.CHINESE_TW))
    try:
        dialog.accept()
        button = window.hubbar.connect_button
        qtbot.waitUntil(lambda: button.text() == "連線(&C)", timeout=WAIT_MS)
        assert i18n.chosen_language(window.context.settings) == i18n.CHINESE_TW
    finally:
        i18n.install(i18n.ENGLISH)
    qtbot.waitUntil(lambda: button.text() == "&Connect", timeout=WAIT_MS)


def test_shortcuts_switch_tabs_and_quit(qtbot: QtBot, window: MainWindow) -> None:
    shortcuts = {a.shortcut().toString() for a in window.findChildren(type(window.quit_action))}
    assert {"Ctrl+Q", "Ctrl+1", "Ctrl+2", "Ctrl+3", "F5"} <= shortcuts
    window.tab_actions[1].trigger()
    assert window.tabs.currentIndex() == 1
    window.tab_actions[0].trigger()
    assert window.tabs.currentIndex() == 0


def test_every_control_has_a_tooltip(window: MainWindow) -> None:
    controls = [
        widget
        for kind in (QAbstractButton, QComboBox, QLineEdit)
        for part in (window.hubbar, window.hub_tab)
        for widget in part.findChildren(kind)
        # Qt's own parts: a line edit's clear button, a table's corner button
        if not isinstance(widget.parent(), QLineEdit) and not widget.objectName().startswith("qt_")
    ]
    assert controls
    assert [w for w in controls if not w.toolTip()] == []


def test_unexpected_errors_get_a_calm_report(qtbot: QtBot, window: MainWindow) -> None:
    hook = ExceptionHook("app.log")
    try:
        raise ValueError("boom")
    except ValueError as exc:
        hook.handle(ValueError, exc, exc.__traceback__)
    qtbot.waitUntil(lambda: hook.report is not None and hook.report.isVisible(), timeout=WAIT_MS)
    assert hook.report is not None
    assert not hook.report.isModal()
    assert "Traceback" not in hook.report.summary.text()
    assert not hook.report.details.isVisibleTo(hook.report)
    assert "ValueError: boom" in hook.report.details.toPlainText()
    hook.report.close()


# -- translations ----------------------------------------------------------------------


def test_the_chinese_translation_loads_and_translates(qapp: object) -> None:
    translator = i18n.load_translator(i18n.CHINESE_TW)
    assert translator is not None
    assert translator.translate("HubBar", "&Connect") == "連線(&C)"
    assert translator.translate("MainWindow", "&Quit") == "結束(&Q)"
    assert i18n.load_translator(i18n.ENGLISH) is None


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("zh_TW", "zh_TW"),
        ("zh_HK", "zh_TW"),
        ("zh_Hant", "zh_TW"),
        ("zh_CN", "en"),
        ("fr_FR", "en"),
    ],
)
def test_the_system_locale_picks_the_language(locale: str, language: str) -> None:
    assert i18n.system_language(QLocale(locale)) == language


def test_every_string_of_the_app_is_translated() -> None:
    ts = ET.parse(i18n.translation_file(i18n.CHINESE_TW).with_suffix(".ts"))
    unfinished = [
        m.findtext("source")
        for m in ts.getroot().iter("message")
        if m.find("translation") is not None and m.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert unfinished == []


def test_gamehub_with_app_options_opens_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import gamehub_qt.app
    from gamehub_qt import launcher

    opened: list[list[str]] = []
    monkeypatch.setattr(gamehub_qt.app, "run_app", lambda argv: opened.append(argv) or 0)
    assert launcher.main(["--host", "--data", "somewhere"]) == 0
    assert launcher.main([]) == 0
    assert opened == [["--host", "--data", "somewhere"], []]
