"""Taking a hub over in the window: "Let others hand me the hub" in Settings.

While the setting is on and the player is logged in (and this app hosts nothing), the
player connection offers to host and waits for a handoff on the network thread, with the
same Receiver as ``gamehub host --accept-handoff``. When the host picks this copy, the
player is asked (the prompt says what they will hold); on Accept the hub's files come
over, the same hub starts here through Hosting, and the old host is told. The player's
own connections follow the hub here by its key, as every other client does.

    off       : the setting is off, nobody is logged in, or this app hosts a hub
    offering  : offered to host; an AwaitHandoff long poll runs on the network thread
    asking    : a handoff came; the prompt waits for Accept or Decline
    receiving : pulling, verifying and installing the hub's files
    starting  : the received hub starts here; the old host is told once it serves
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from gamehub_qt.base.ask import Asker, run_modal
from gamehub_qt.base.context import AppContext
from gamehub_qt.base.ops import HubOp
from gamehub_qt.shell.host_toggle import Hosting
from gamehub_qt.shell.settings import ACCEPT_HANDOFF, bool_value
from hub_core.errors import GameHubError
from hub_core.server.handoff.receiver import Receiver, ReceiveState, confirm_serving
from hub_core.server.hub import default_host_label
from hub_core.server.thread import HubThread
from hub_core.wire.schema import HandoffOffer

log = logging.getLogger(__name__)

# Called as translate("HandoffAcceptor", "...") with literals, so pyside6-lupdate finds them.
translate = QCoreApplication.translate

POLL = 10.0  # seconds per AwaitHandoff long poll


class AcceptState(StrEnum):
    OFF = "off"  # not offering (setting off, logged out, or hosting)
    OFFERING = "offering"  # offered to host; waiting to be chosen
    ASKING = "asking"  # the prompt is up
    RECEIVING = "receiving"  # the hub's files are coming over
    STARTING = "starting"  # the received hub starts here


class HandoffAcceptor(QObject):
    """Offers this copy as the hub's next host and takes the hub over when handed it."""

    state_changed = Signal(str)  # an AcceptState
    progress = Signal(str, int, int)  # message, bytes done, bytes in all
    took_over = Signal(str)  # the hub's name

    def __init__(self, context: AppContext, hosting: Hosting, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.hosting = hosting
        self.window = parent
        self.ask: Asker = run_modal  # tests answer the prompt instead of a user
        self.state = AcceptState.OFF
        self._op: HubOp | None = None
        self._receiver: Receiver | None = None
        self.progress.connect(self._show_progress)
        # Bound methods, not lambdas: the session signal comes from the network thread.
        context.player.session_changed.connect(self._session_changed)
        hosting.state_changed.connect(self._session_changed)

    # -- when to offer ---------------------------------------------------------------

    def wanted(self) -> bool:
        client = self.context.player.client
        logged_in = client is not None and client.session is not None
        allowed = bool_value(self.context.settings, ACCEPT_HANDOFF)
        return allowed and logged_in and self.hosting.state == "off"

    def _session_changed(self, _: object) -> None:
        self.sync()

    def sync(self) -> None:
        """Starts or stops offering to match the setting, the login and hosting."""
        if self.state is AcceptState.OFF and self.wanted():
            self._offer()
        elif self.state is AcceptState.OFFERING and not self.wanted():
            self._withdraw()

    def _offer(self) -> None:
        self._set_state(AcceptState.OFFERING)
        op = self.context.op(None, self._wait_for_offer)
        op.success(self._offered).failure(self._offer_failed)
        self._op = op  # before run(): see HubOp.run
        op.run()

    def _withdraw(self) -> None:
        if self._op is not None:
            self._op.cancel()
            self._op = None
        self._set_state(AcceptState.OFF)
        client = self.context.player.client
        if client is not None and client.session is not None:
            self.context.op(None, lambda: client.offer_to_host(False)).run()

    def _offer_failed(self, error: Exception) -> None:
        log.info("Stopped offering to host the hub: %s", error)
        self._op = None
        self._set_state(AcceptState.OFF)

    # -- on the network thread -------------------------------------------------------

    async def _wait_for_offer(self) -> HandoffOffer:
        """The CLI's wait (Receiver.wait_for_offer), on the player's own connection."""
        receiver = Receiver(self.context.player.hub(), self.context.paths, self._report)
        receiver.check_empty()
        self._receiver = receiver
        return await receiver.wait_for_offer(host=default_host_label(), poll=POLL)

    def _report(self, state: ReceiveState, message: str, done: int, total: int) -> None:
        if state is not ReceiveState.OFFERING:
            self.progress.emit(message, done, total)

    async def _take(self, receiver: Receiver, offer: HandoffOffer) -> HubThread:
        """Receives the hub, starts it here, and tells the old hub it serves."""
        state = await receiver.receive(offer)
        config = dataclasses.replace(
            self.hosting.template,
            name=state.name,
            data_dir=self.context.paths.data,
            restore=state,
            samples=False,
        )
        loop = asyncio.get_running_loop()
        hub = HubThread(config)
        durable = asyncio.ensure_future(receiver.make_durable())  # on disk as the hub starts
        try:
            endpoints = await loop.run_in_executor(None, hub.start)
            ports = (endpoints.ports.req, endpoints.ports.pub)

            async def stop() -> None:
                await loop.run_in_executor(None, hub.stop)

            paths = self.context.paths
            await confirm_serving(
                receiver.client, offer.handoff, paths, config.bind, ports, stop, durable
            )
        finally:
            await asyncio.wait([durable])
        return hub

    async def _decline(self, offer: HandoffOffer) -> None:
        with contextlib.suppress(GameHubError):
            await self.context.player.hub().handoff_abort(offer.handoff, "they declined.")

    # -- back on the Qt thread -------------------------------------------------------

    def _offered(self, offer: HandoffOffer) -> None:
        self._op = None
        receiver = self._receiver
        if receiver is None or self.state is not AcceptState.OFFERING:
            return
        self._set_state(AcceptState.ASKING)
        if not self._accepted(offer):
            self._set_state(AcceptState.OFF)
            self.context.op(None, lambda: self._decline(offer)).success(lambda _: self.sync()).run()
            return
        self._set_state(AcceptState.RECEIVING)
        op = self.context.op(None, lambda: self._take(receiver, offer))
        op.success(self._took_over).failure(self._take_failed).run()

    def _accepted(self, offer: HandoffOffer) -> bool:
        box = prompt(self.window, offer)
        try:
            chosen = self.ask(box)
            accept = QMessageBox.ButtonRole.AcceptRole
            return chosen is not None and box.buttonRole(chosen) == accept
        finally:
            box.deleteLater()

    def _took_over(self, hub: HubThread) -> None:
        self._set_state(AcceptState.OFF)
        self.hosting.adopt(hub)
        name = hub.endpoints.name if hub.endpoints is not None else ""
        self.context.messages.info(self.tr("This computer now hosts “{0}”.").format(name))
        self.took_over.emit(name)

    def _take_failed(self, error: Exception) -> None:
        self._set_state(AcceptState.OFF)
        self.context.messages.error(str(error))
        self.sync()

    def _show_progress(self, message: str, done: int, total: int) -> None:
        if total:
            text = self.tr("Receiving the hub: {0} of {1} MB").format(
                f"{done / 1e6:.1f}", f"{total / 1e6:.1f}"
            )
            self.context.messages.info(f"{text}. {message}" if message else text)
        elif message:
            self.context.messages.info(message)

    def _set_state(self, state: AcceptState) -> None:
        if state is not self.state:
            self.state = state
            self.state_changed.emit(state.value)


def prompt(parent: QWidget, offer: HandoffOffer) -> QMessageBox:
    """Accept / Decline, Decline the default: holding a hub is a real responsibility."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(translate("HandoffAcceptor", "Take over the hub?"))
    text = translate("HandoffAcceptor", "The host of “{0}” wants to hand the hub over to you.")
    box.setText(text.format(offer.name))
    box.setInformativeText(
        translate(
            "HandoffAcceptor",
            "This computer will hold every account's data, the games, the hub's key — "
            "{0} MB in {1} files — and host the hub for everyone. Players stay logged in "
            "and follow it here.",
        ).format(f"{offer.bytes / 1e6:.1f}", offer.files)
    )
    box.addButton(translate("HandoffAcceptor", "Accept"), QMessageBox.ButtonRole.AcceptRole)
    decline = box.addButton(
        translate("HandoffAcceptor", "Decline"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(decline)
    box.setEscapeButton(decline)
    return box
