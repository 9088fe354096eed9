"""Hubs on the LAN for the hub bar: an mDNS Browser on the network thread, a Qt list model.

The Browser's callbacks run on the network thread and only emit signals; Qt queues them
to the window's thread, where the model changes. Each hub is probed with its hello (as
``hub_core.client.probe.probe_hub`` does), which also tells how many players are online.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from gamehub_qt.base.netloop import NetLoop
from gamehub_qt.base.style import icon
from hub_core.client.hub_client import fetch_hello
from hub_core.discovery import Browser, HubInfo
from hub_core.errors import HubUnreachable
from hub_core.wire.endpoints import HubAddress
from hub_core.wire.keys import fingerprint

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 1.0
ENDPOINT_ROLE = Qt.ItemDataRole.UserRole
ALIVE_ROLE = Qt.ItemDataRole.UserRole + 1
CURRENT_ROLE = Qt.ItemDataRole.UserRole + 2  # True for the hub this app is connected to
Index = QModelIndex | QPersistentModelIndex


class HubDiscovery(QObject):
    """Follows ``_gamehub._tcp`` on the network thread and reports hubs by signal."""

    added = Signal(object)  # HubInfo
    updated = Signal(object)  # HubInfo
    removed = Signal(object)  # HubInfo
    counted = Signal(str, int)  # service name, players online
    failed = Signal(str)  # why discovery could not start (a sentence)

    def __init__(self, net: NetLoop, *, interfaces: list[str] | None = None) -> None:
        super().__init__()
        self._net = net
        self._interfaces = interfaces
        self._browser: Browser | None = None
        self._starting: concurrent.futures.Future[None] | None = None

    def start(self) -> None:
        if self._starting is None:
            self._starting = self._net.submit(self._start())
            self._starting.add_done_callback(self._report_start)

    async def _start(self) -> None:
        browser = Browser(
            on_added=self.added.emit,
            on_updated=self.updated.emit,
            on_removed=self.removed.emit,
            probe=self._probe,
            interfaces=self._interfaces,
        )
        await browser.start()
        self._browser = browser

    def _report_start(self, future: concurrent.futures.Future[None]) -> None:
        error = None if future.cancelled() else future.exception()
        if error is not None:
            log.warning("Hub discovery did not start: %s", error)
            self.failed.emit(str(error))

    async def _probe(self, info: HubInfo) -> bool:
        """Alive if any address answers the hello; the hello counts the players online."""
        for address in info.addresses:
            try:
                hello = await fetch_hello(HubAddress(address, info.req_port), timeout=PROBE_TIMEOUT)
            except HubUnreachable:
                continue
            self.counted.emit(info.service_name, hello.online)
            return True
        return False

    def refresh(self) -> None:
        """Probes every hub now (F5) instead of waiting for the next round."""
        if self._browser is not None:
            self._net.submit(self._browser.probe_all())

    def stop(self) -> None:
        """Stops browsing; waits briefly so the sockets close before the network thread ends."""
        starting, self._starting = self._starting, None
        if starting is None:
            return
        with contextlib.suppress(Exception):
            starting.result(timeout=3)
        browser, self._browser = self._browser, None
        if browser is not None:
            with contextlib.suppress(Exception):
                self._net.call(browser.stop(), timeout=3)


@dataclasses.dataclass(frozen=True)
class FoundHub:
    info: HubInfo
    online: int | None = None  # None until the first hello answers


class HubListModel(QAbstractListModel):
    """The hubs found, in the order they appeared; unreachable ones are greyed out and
    the one this app is connected to is marked (found by its key, whatever the address)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FoundHub] = []
        self._counts: dict[str, int] = {}  # a probe's count may arrive before its hub
        self._current_key = ""  # the connected hub's public key; "" when not connected

    def watch(self, discovery: HubDiscovery) -> None:
        discovery.added.connect(self.put)
        discovery.updated.connect(self.put)
        discovery.removed.connect(self.remove)
        discovery.counted.connect(self.count)

    # -- changes ---------------------------------------------------------------------

    def put(self, info: HubInfo) -> None:
        row = self._row_of(info.service_name)
        found = FoundHub(info, self._counts.get(info.service_name))
        if row is None:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(found)
            self.endInsertRows()
        else:
            self._rows[row] = found
            self._changed(row)

    def remove(self, info: HubInfo) -> None:
        self._counts.pop(info.service_name, None)
        row = self._row_of(info.service_name)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def count(self, service_name: str, online: int) -> None:
        self._counts[service_name] = online
        row = self._row_of(service_name)
        if row is not None and self._rows[row].online != online:
            self._rows[row] = dataclasses.replace(self._rows[row], online=online)
            self._changed(row)

    def set_current(self, key: str) -> None:
        """Marks the hub with this public key as the connected one ("" marks none)."""
        if key != self._current_key:
            self._current_key = key
            self.retranslate()

    def retranslate(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    # -- reading ---------------------------------------------------------------------

    def hubs(self) -> list[FoundHub]:
        return list(self._rows)

    def current_row(self) -> int | None:
        """The row of the connected hub, if it is in the list."""
        if not self._current_key:
            return None
        for row, hub in enumerate(self._rows):
            if hub.info.key == self._current_key:
                return row
        return None

    def _is_current(self, hub: FoundHub) -> bool:
        return bool(self._current_key) and hub.info.key == self._current_key

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        hub = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._label(hub)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(hub)
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("hub")
        if role == Qt.ItemDataRole.ForegroundRole and not hub.info.alive:
            return QBrush(QColor("#9aa5b1"))
        if role == ENDPOINT_ROLE:
            return hub.info.endpoint
        if role == ALIVE_ROLE:
            return hub.info.alive
        if role == CURRENT_ROLE:
            return self._is_current(hub)
        if role == Qt.ItemDataRole.FontRole and self._is_current(hub):
            bold = QFont()
            bold.setBold(True)
            return bold
        return None

    def _label(self, hub: FoundHub) -> str:
        text = self.tr("{name} — {host}").format(name=hub.info.name, host=hub.info.host)
        if self._is_current(hub):
            text = self.tr("✓ {0} · connected").format(text)
        if not hub.info.alive:
            return text + " · " + self.tr("not answering")
        if hub.online is not None:
            online = (
                self.tr("1 player online")
                if hub.online == 1
                else self.tr("{0} players online").format(hub.online)
            )
            text += " · " + online
        return text

    def _tooltip(self, hub: FoundHub) -> str:
        lines = [
            self.tr("Address: {0}").format(hub.info.endpoint),
            self.tr("Key fingerprint: {0}").format(fingerprint(hub.info.key)),
        ]
        if not hub.info.alive:
            lines.append(self.tr("This hub is announced but does not answer."))
        if self._is_current(hub):
            lines.append(self.tr("This app is connected to this hub."))
        return "\n".join(lines)

    def _row_of(self, service_name: str) -> int | None:
        for row, hub in enumerate(self._rows):
            if hub.info.service_name == service_name:
                return row
        return None

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row), self.index(row))
