"""What every screen shares: folders, settings, the network thread, messages, the two
role connections to the chosen hub, and the hub this app hosts (if any).

Screens get an ``AppContext`` and nothing global; tests build one around a tmp folder.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from gamehub_qt.base.message import Messages
from gamehub_qt.base.netloop import NetLoop
from gamehub_qt.base.ops import HubOp, OpRunner, Work
from gamehub_qt.shell.connection import Connection
from hub_core.server.thread import HubThread
from hub_core.util.paths import AppPaths, app_paths
from hub_core.wire.keys import KnownHubs


@dataclass
class AppContext:
    paths: AppPaths
    settings: QSettings
    net: NetLoop
    messages: Messages
    ops: OpRunner  # this app's operations under way (on ``net``, failures to ``messages``)
    player: Connection
    developer: Connection
    hosting: HubThread | None = None
    endpoint: str = ""  # host:port of the chosen hub, "" if none

    @classmethod
    def create(cls, data_dir: str | Path | None = None) -> AppContext:
        paths = app_paths(data_dir).ensure()
        settings = QSettings(str(paths.data / "settings.ini"), QSettings.Format.IniFormat)
        known = KnownHubs(paths.client / "known_hubs.json")
        net = NetLoop()
        messages = Messages()
        return cls(
            paths=paths,
            settings=settings,
            net=net,
            messages=messages,
            ops=OpRunner(net, messages),
            player=Connection("player", known),
            developer=Connection("developer", known),
        )

    def op(self, parent: QWidget | None, work: Work) -> HubOp:
        """A background operation of this app; see gamehub_qt.base.ops."""
        return HubOp(self.ops, parent, work)

    def games_root(self, player_key: str) -> Path:
        """Where this player's installed games live."""
        return self.paths.client / "games" / player_key

    def shutdown(self) -> None:
        """Leaves the hub, stops hosting, stops the network thread (the app is quitting)."""
        if not self.net.loop.is_running():
            return  # already shut down
        for conn in (self.player, self.developer):
            with contextlib.suppress(Exception):  # quitting anyway; the hub drops quiet clients
                self.net.call(conn.leave_hub(), timeout=3)
        if self.hosting is not None:
            self.hosting.stop()
            self.hosting = None
        self.net.stop()
