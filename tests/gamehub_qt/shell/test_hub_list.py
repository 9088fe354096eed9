"""The hub list against a real hub: the connected hub is marked and not offered again, a
lone hub is joined by itself once, the window keeps its width when hosting starts, and
"Can't find your hub?" explains, copies and joins by hand."""

from __future__ import annotations

import dataclasses

import pytest
import zmq
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.shell.connection import LinkState
from gamehub_qt.shell.discovery_help import CheckState, DiscoveryHelp
from gamehub_qt.shell.discovery_model import CURRENT_ROLE
from gamehub_qt.shell.main_window import MainWindow
from gamehub_qt.shell.settings import HOSTING_NAME, LAST_HUB
from hub_core.discovery import HubInfo
from hub_core.discovery.diagnose import Diagnosis, Interface, SelfTest
from hub_core.server.thread import HubThread
from hub_core.wire import protocol
from tests.conftest import free_port
from tests.gamehub_qt.shell_helpers import WAIT_MS, new_window

LONG_NAME = "The hub in the back room of the community centre, second floor, left door"


def hub_info(hub: HubThread, **changes: object) -> HubInfo:
    """The test hub as discovery would report it."""
    ep = hub.hub.endpoints
    assert ep is not None
    info = HubInfo(
        name=ep.name,
        host=ep.host,
        addresses=("127.0.0.1",),
        req_port=ep.ports.req,
        pub_port=ep.ports.pub,
        key=ep.public_key,
        protocol=protocol.PROTOCOL_VERSION,
    )
    return dataclasses.replace(info, **changes)  # type: ignore[arg-type]


def other_hub() -> HubInfo:
    """A hub on a free loopback port: listed, never joined here."""
    port = free_port()
    return HubInfo(
        name="Lab",
        host="bob@pc",
        addresses=("127.0.0.1",),
        req_port=port,
        pub_port=port + 2,
        key=zmq.curve_keypair()[0].decode(),
        protocol=protocol.PROTOCOL_VERSION,
    )


def joined(context: AppContext, endpoint: str) -> bool:
    states = (context.player.state, context.developer.state)
    return states == (LinkState.CONNECTED, LinkState.CONNECTED) and context.endpoint == endpoint


def leave(context: AppContext) -> None:
    """What leaving a hub does to both role links."""
    for conn in (context.player, context.developer):
        context.net.call(conn.leave_hub(), timeout=10)


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    made = new_window(qtbot, context)
    made.show()
    return made


# -- the connected hub -----------------------------------------------------------------


def test_the_connected_hub_is_marked_and_not_offered_again(
    qtbot: QtBot, window: MainWindow, hub: HubThread, endpoint: str
) -> None:
    bar, context = window.hubbar, window.context
    bar.join(endpoint)
    qtbot.waitUntil(lambda: joined(context, endpoint), timeout=WAIT_MS)
    bar.model.put(other_hub())
    bar.model.put(hub_info(hub))
    assert bar.model.data(bar.model.index(1), CURRENT_ROLE) is True
    assert bar.model.data(bar.model.index(0), CURRENT_ROLE) is False
    assert bar.found.currentIndex() == 1
    assert "connected" in bar.found.currentText() and "choose" not in bar.found.currentText()
    client = context.player.client
    bar.found.activated.emit(1)  # choosing it again joins nothing
    assert bar._joining is None and context.player.client is client
    leave(context)
    qtbot.waitUntil(lambda: bar.found.currentIndex() == -1, timeout=WAIT_MS)
    assert bar.model.data(bar.model.index(1), CURRENT_ROLE) is False
    assert "connected" not in str(bar.model.data(bar.model.index(1)))


# -- joining a lone hub ----------------------------------------------------------------


def test_a_lone_hub_is_joined_by_itself_once(
    qtbot: QtBot, window: MainWindow, hub: HubThread, endpoint: str
) -> None:
    bar, context = window.hubbar, window.context
    bar.model.put(hub_info(hub))
    qtbot.waitUntil(lambda: joined(context, endpoint), timeout=WAIT_MS)
    assert bar.found.currentIndex() == 0
    leave(context)  # the user left: the choice is theirs from now on
    qtbot.waitUntil(lambda: context.player.state == LinkState.DISCONNECTED, timeout=WAIT_MS)
    bar.model.remove(hub_info(hub))
    bar.model.put(hub_info(hub))
    qtbot.waitUntil(lambda: not bar.auto_join_timer.isActive(), timeout=WAIT_MS)
    assert bar._joining is None and context.player.state == LinkState.DISCONNECTED


@pytest.mark.parametrize("case", ["remembered", "two hubs", "not answering"])
def test_no_hub_is_joined_by_itself_when_the_choice_is_not_obvious(
    qtbot: QtBot, window: MainWindow, hub: HubThread, case: str
) -> None:
    bar, context = window.hubbar, window.context
    if case == "remembered":
        context.settings.setValue(LAST_HUB, "192.168.1.99:47800")
    elif case == "two hubs":
        bar.model.put(other_hub())
    bar.model.put(hub_info(hub, alive=case != "not answering"))
    assert bar.auto_join_timer.isActive()
    qtbot.waitUntil(lambda: not bar.auto_join_timer.isActive(), timeout=WAIT_MS)
    assert bar._joining is None and context.player.state == LinkState.DISCONNECTED


# -- the window's width ----------------------------------------------------------------


def test_the_window_keeps_its_width_when_hosting_starts(qtbot: QtBot, window: MainWindow) -> None:
    context = window.context
    context.settings.setValue(HOSTING_NAME, LONG_NAME)
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: window.width() == 1000, timeout=WAIT_MS)
    with qtbot.waitSignal(window.hosting.started, timeout=WAIT_MS):
        window.hubbar.host_action.trigger()
    own = window.hosting.local_endpoint()
    qtbot.waitUntil(lambda: joined(context, own), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.hubbar.state_label.text() == "Connected", timeout=WAIT_MS)
    assert LONG_NAME in window.hubbar.state_label.toolTip()
    for _ in range(3):  # the layout's requests are posted events: let them all run
        window.layout().activate()
        QApplication.processEvents()
    assert window.hubbar.hosting_info.isVisibleTo(window)
    assert window.width() == 1000
    assert window.minimumSizeHint().width() <= 1000
    with qtbot.waitSignal(window.hosting.stopped, timeout=WAIT_MS):
        window.hubbar.host_action.trigger()


# -- "Can't find your hub?" ------------------------------------------------------------


def diagnosis(result: SelfTest, platform: str) -> Diagnosis:
    return Diagnosis(
        interfaces=(
            Interface("lo", ("127.0.0.1",), up=True, multicast=True, loopback=True),
            Interface("eth0", ("10.0.0.5",), up=True, multicast=False, loopback=False),
        ),
        mdns_interfaces=None,
        sockets_open=result is not SelfTest.NO_SOCKETS,
        sockets_error="Could not look: no sockets." if result is SelfTest.NO_SOCKETS else "",
        self_test=result,
        heard_after_s=0.01 if result is SelfTest.HEARD else None,
        platform=platform,
        firewall_tools=("ufw", "nft") if platform == "linux" else (),
        hub_ports=(47800, 47801, 47802),
    )


@pytest.mark.parametrize(
    ("result", "platform", "expected"),
    [
        (SelfTest.HEARD, "linux", ["hears its own announcement", "ufw, nft", "47802"]),
        (SelfTest.NOT_HEARD, "windows", ["did not hear", "Windows Defender Firewall"]),
        (SelfTest.NO_SOCKETS, "macos", ["could not open its sockets", "no sockets", "macOS"]),
    ],
)
def test_the_report_says_what_was_found_and_copies(
    qtbot: QtBot, context: AppContext, result: SelfTest, platform: str, expected: list[str]
) -> None:
    panel = DiscoveryHelp(context)
    qtbot.addWidget(panel)
    panel._checked(diagnosis(result, platform))
    text = panel.report.toPlainText()
    for words in [*expected, "lo (loopback): 127.0.0.1 — carries multicast", "eth0", "UDP 5353"]:
        assert words in text
    assert "eth0: 10.0.0.5 — no multicast" in text
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == text


@pytest.mark.mdns
def test_cant_find_your_hub_checks_the_network_and_joins_by_hand(
    qtbot: QtBot,
    context: AppContext,
    endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GAMEHUB_MDNS_INTERFACES", "127.0.0.1")
    window = new_window(qtbot, context, discovery=True)
    help_panel = window.hubbar.help
    window.hubbar.help_after_ms = 10
    window.show()
    qtbot.waitUntil(help_panel.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: help_panel.state is CheckState.DONE, timeout=WAIT_MS)
    assert help_panel.diagnosis is not None
    assert help_panel.diagnosis.self_test is SelfTest.HEARD
    assert "this computer hears its own announcement" in help_panel.report.toPlainText()
    assert window.hubbar.model.rowCount() == 0  # the self-test is never listed as a hub
    qtbot.keyClicks(help_panel.address, endpoint)
    qtbot.mouseClick(help_panel.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: joined(context, endpoint), timeout=WAIT_MS)
    assert not help_panel.isVisible()
    window.close()
