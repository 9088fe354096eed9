"""The hub list: the model's rows as hubs come, change and go; and live mDNS in the hub bar."""

from __future__ import annotations

import dataclasses

import pytest
import zmq
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.shell.discovery_model import ALIVE_ROLE, ENDPOINT_ROLE, HubListModel
from hub_core.discovery import Announcer, HubAnnouncement, HubInfo
from hub_core.server.thread import HubThread
from hub_core.wire import protocol
from tests.gamehub_qt.shell_helpers import WAIT_MS, new_window


def info(name: str = "Room 101", port: int = 47800, alive: bool = True) -> HubInfo:
    return HubInfo(
        name=name,
        host="alice@pc",
        addresses=("192.168.1.20",),
        req_port=port,
        pub_port=port + 2,
        key=zmq.curve_keypair()[0].decode(),
        protocol=protocol.PROTOCOL_VERSION,
        alive=alive,
    )


def labels(model: HubListModel) -> list[str]:
    return [model.data(model.index(r)) for r in range(model.rowCount())]


def test_rows_follow_added_counted_updated_and_removed_hubs(qtbot: QtBot) -> None:
    model = HubListModel()
    first, second = info("Room 101"), info("Lab", 47900)
    model.count(first.service_name, 3)  # the probe's count comes before the hub itself
    model.put(first)
    model.put(second)
    assert labels(model) == [
        "Room 101 — alice@pc · 3 players online",
        "Lab — alice@pc",
    ]
    assert model.data(model.index(1), ENDPOINT_ROLE) == "192.168.1.20:47900"
    model.count(second.service_name, 1)
    assert labels(model)[1] == "Lab — alice@pc · 1 player online"
    model.put(dataclasses.replace(first, alive=False))
    assert labels(model)[0] == "Room 101 — alice@pc · not answering"
    assert model.data(model.index(0), ALIVE_ROLE) is False
    assert model.data(model.index(0), Qt.ItemDataRole.ForegroundRole) is not None
    assert "does not answer" in model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
    model.remove(first)
    assert labels(model) == ["Lab — alice@pc · 1 player online"]


@pytest.mark.mdns
def test_hub_bar_lists_an_announced_hub_live(
    qtbot: QtBot,
    context: AppContext,
    hub: HubThread,
    endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GAMEHUB_MDNS_INTERFACES", "127.0.0.1")
    window = new_window(qtbot, context, discovery=True)
    window.show()
    ep = hub.hub.endpoints
    assert ep is not None
    announcer = Announcer(
        HubAnnouncement(
            name=ep.name,
            host=ep.host,
            address="127.0.0.1",
            req_port=ep.ports.req,
            pub_port=ep.ports.pub,
            key=ep.public_key,
            protocol=protocol.PROTOCOL_VERSION,
        )
    )
    model = window.hubbar.model
    try:
        context.net.call(announcer.start())
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "0 players online" in labels(model)[0], timeout=WAIT_MS)
        assert labels(model)[0].startswith("Test hub — ")
        window.hubbar.found.activated.emit(0)
        qtbot.waitUntil(lambda: context.endpoint == endpoint, timeout=WAIT_MS)
        assert context.developer.state == "connected"
    finally:
        context.net.call(announcer.stop())
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=WAIT_MS)
    window.close()
