"""The "Host a hub" toggle: a HubThread started and stopped off the UI thread.

Starting a hub takes a moment (key, database, sample games, sockets) and stopping it
waits for game servers to end, so both run in a worker of the network loop; the window
hears the outcome by signal. ``context.hosting`` is the running hub, which
``AppContext.shutdown`` stops when the app quits.

    off      : no hub (context.hosting is None)
    starting : HubThread.start running in a worker
    on       : listening; context.hosting set
    stopping : our connections left it; HubThread.stop running in a worker
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

from PySide6.QtCore import QObject, Signal

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.ops import HubOp
from hub_core.discovery import local_addresses
from hub_core.errors import GameHubError
from hub_core.server.hub import DEFAULT_PORT, HubConfig, HubEndpoints
from hub_core.server.thread import HubThread

log = logging.getLogger(__name__)

HANDOFF_POLL = 0.2
STATUS_TIMEOUT = 2.0
HANDOFF_LIMIT = 600.0  # seconds a handoff may take besides the wait for matches


class Hosting(QObject):
    """Starts and stops the hub this app hosts; ``template`` holds the settings to use."""

    state_changed = Signal(str)  # off / starting / on / stopping
    started = Signal(object)  # HubEndpoints
    stopped = Signal(str)  # the endpoint this app reached the hub at
    failed = Signal(str)
    handoff_progress = Signal(str, int, int)  # message, bytes sent, bytes in all
    moved = Signal()  # the hub was handed over; it runs on another copy now

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        # Tests swap in 127.0.0.1, port 0, no discovery and a fast password hash.
        self.template = HubConfig(bind="0.0.0.0", port=DEFAULT_PORT, discovery=True, samples=True)
        self.state = "on" if context.hosting is not None else "off"
        self.handed_in = False  # the hub hosted now was handed to this copy (see adopt)

    @property
    def endpoints(self) -> HubEndpoints | None:
        hub = self.context.hosting
        return hub.endpoints if hub is not None else None

    def local_endpoint(self) -> str:
        """Where this app reaches its own hub ('' when not hosting)."""
        ep = self.endpoints
        if ep is None:
            return ""
        return ep.endpoint("127.0.0.1" if ep.bind in ("0.0.0.0", "", "*") else ep.bind)

    def start(self, name: str = "") -> None:
        if self.state != "off":
            return
        config = dataclasses.replace(
            self.template, name=name or self.template.name, data_dir=self.context.paths.data
        )
        self._set_state("starting")
        self.context.op(None, lambda: _start_hub(config)).success(self._on_started).failure(
            self._on_failed
        ).run()

    def adopt(self, hub: HubThread) -> None:
        """Hosts a hub started elsewhere in this app: one handed over to this copy.

        ``handed_in`` tells the hub bar not to join it afresh: the app's connections are
        logged in already and follow the hub here by themselves (HubMoved)."""
        if self.state != "off":
            raise GameHubError("This computer hosts a hub already.")
        self.handed_in = True
        self._on_started(hub)

    def hand_over(self, to: str, wait_matches: float) -> HubOp:
        """Hands the hosted hub to ``to``'s copy; ``moved`` says it went. The op's success is
        taken (callers set ``failure`` only); it ends when the hub moved or the handoff failed."""
        hub = self.context.hosting
        if self.state != "on" or hub is None:
            raise GameHubError("This computer does not host a hub.")
        own = self.local_endpoint()
        return self.context.op(None, lambda: self._hand_over(hub, to, wait_matches)).success(
            lambda _: self._handed_over(own)
        )

    def stop(self) -> None:
        hub = self.context.hosting
        if self.state != "on" or hub is None:
            return
        self._set_state("stopping")
        own = self.local_endpoint()
        self.context.op(None, lambda: self._stop_hub(hub, own)).success(
            lambda _: self._on_stopped(own)
        ).failure(lambda error: self._stop_failed(error, own)).run()

    # -- on the network thread -------------------------------------------------------

    async def _stop_hub(self, hub: HubThread, own: str) -> None:
        """Leaves our own hub first, so only the other members see it stop."""
        if self.context.endpoint == own:
            for conn in (self.context.player, self.context.developer):
                await conn.leave_hub()
        await asyncio.get_running_loop().run_in_executor(None, hub.stop)

    async def _hand_over(self, hub: HubThread, to: str, wait_matches: float) -> None:
        """Starts the handoff and follows it; raises GameHubError with why it failed."""
        await hub.start_handoff(to, wait_matches)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_matches + HANDOFF_LIMIT
        while hub.running and loop.time() < deadline:
            try:
                status = await hub.handoff_status(STATUS_TIMEOUT)
            except TimeoutError:
                if hub.wait_stopped(0):
                    break  # it moved and stopped between two looks
                raise
            self.handoff_progress.emit(status.message, status.sent, status.total)
            if status.state == "failed":
                raise GameHubError(status.message)
            if status.state == "moved":
                break
            await asyncio.sleep(HANDOFF_POLL)
        if not await loop.run_in_executor(None, hub.wait_stopped, HANDOFF_LIMIT):
            raise GameHubError("The handoff did not finish; this computer still hosts the hub.")

    # -- back on the Qt thread -------------------------------------------------------

    def _handed_over(self, own: str) -> None:
        """The hub moved: this app hosts nothing now; its connections followed the hub."""
        self.context.hosting = None
        self._set_state("off")
        self.stopped.emit(own)
        self.moved.emit()

    def _on_started(self, hub: HubThread) -> None:
        self.context.hosting = hub
        self._set_state("on")
        self.started.emit(hub.endpoints)

    def _on_stopped(self, own: str) -> None:
        self.context.hosting = None
        self.handed_in = False
        self._set_state("off")
        self.stopped.emit(own)

    def _stop_failed(self, error: Exception, own: str) -> None:
        """HubThread.stop ends its thread even when the hub's own stop failed."""
        self._on_stopped(own)
        self.failed.emit(str(error))

    def _on_failed(self, error: Exception) -> None:
        self._set_state("off")
        self.failed.emit(str(error))

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)


async def _start_hub(config: HubConfig) -> HubThread:
    """Starts a hub in a worker; if the default port is taken, any free port will do."""
    loop = asyncio.get_running_loop()
    hub = HubThread(config)
    try:
        await loop.run_in_executor(None, hub.start)
    except GameHubError as exc:
        if config.port == 0:
            raise
        log.info("Port %d is taken (%s); hosting on a free port instead", config.port, exc)
        hub = HubThread(dataclasses.replace(config, port=0))
        await loop.run_in_executor(None, hub.start)
    return hub


def shared_endpoints(ep: HubEndpoints) -> list[str]:
    """The addresses others can type to reach a hosted hub (LAN ones first)."""
    if ep.bind not in ("0.0.0.0", "", "*"):
        return [ep.endpoint()]
    return [ep.endpoint(address) for address in local_addresses()] or [ep.endpoint("127.0.0.1")]
