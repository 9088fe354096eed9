"""The hub bar on top of the window: which hub this app uses, and how that is going.

Hubs found on the network appear in a list as they come and go; any hub can also be
typed as host:port. Choosing one joins both role connections (Player and Developer) to
it. Below the bar, banners say when the hub was lost (with Retry) and, when no hub is
around, offer to host one.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.elided import ElidedLabel
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.ops import HubOp
from gamehub_qt.base.style import icon, set_style_property
from gamehub_qt.shell.banner import Banner
from gamehub_qt.shell.connection import LinkState
from gamehub_qt.shell.discovery_help import DiscoveryHelp
from gamehub_qt.shell.discovery_model import ALIVE_ROLE, ENDPOINT_ROLE, HubListModel
from gamehub_qt.shell.host_toggle import Hosting, shared_endpoints
from gamehub_qt.shell.key_dialog import KeyChangedDialog
from gamehub_qt.shell.settings import HOSTING_NAME, LAST_HUB, text_value
from hub_core.errors import BadEndpoint, HubKeyChanged
from hub_core.server.hub import HubEndpoints
from hub_core.wire.endpoints import parse_endpoint


class HubBar(Retranslated, QWidget):
    """The hub chooser, the connection state, the host toggle, and the banners below."""

    joined = Signal(str, str)  # endpoint, hub name

    offer_after_ms = 2000  # how long to look for hubs before offering to host one
    help_after_ms = 4000  # how long to look before asking "Can't find your hub?"
    auto_join_after_ms = 300  # hubs arrive one by one: wait for a second one before joining

    def __init__(self, context: AppContext, hosting: Hosting, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.hosting = hosting
        self.model = HubListModel(self)
        self.hub_name = ""
        self._target = ""  # the endpoint being joined or last joined
        self._joining: HubOp | None = None
        self._auto_joined = False  # the app joins a lone hub by itself once per run, at most
        self.auto_join_timer = QTimer(self)
        self.auto_join_timer.setSingleShot(True)
        self.auto_join_timer.timeout.connect(self._maybe_auto_join)
        self.key_dialog: KeyChangedDialog | None = None
        if context.player.client is not None:  # a window opened on a joined context
            self.hub_name, self._target = context.player.client.hello.name, context.endpoint
        self._build()
        self._wire()
        self.retranslate()
        self._show_state(context.player.state)

    # -- layout ----------------------------------------------------------------------

    def _build(self) -> None:
        self.found = QComboBox()
        self.found.setModel(self.model)
        self.found.setMinimumContentsLength(32)
        self.found.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.found.setIconSize(QSize(16, 16))
        self.found_label = QLabel()
        self.found_label.setObjectName("HubBarTitle")
        self.found_label.setBuddy(self.found)
        self.address = QLineEdit(text_value(self.context.settings, LAST_HUB))
        self.address.setClearButtonEnabled(True)
        self.address.setMinimumWidth(120)
        self.address.setMaximumWidth(220)
        self.connect_button = QPushButton(icon("connect"), "")
        # Elided, so a long hub name or address never widens the window; the state asks for
        # little room, so the address others need to join keeps its room first.
        self.state_label = ElidedLabel(hint_chars=40)
        self.state_label.setObjectName("HubState")
        self.hosting_info = ElidedLabel()
        self.hosting_info.setObjectName("HostingInfo")
        self.hosting_info.hide()
        self.host_action = QAction(icon("host"), "", self)
        self.host_action.setCheckable(True)
        self.host_button = QToolButton()
        self.host_button.setDefaultAction(self.host_action)
        self.host_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.lost = Banner("error")
        self.offer = Banner("info")
        self.help = DiscoveryHelp(self.context)
        self._lay_out()

    def _lay_out(self) -> None:
        bar = QFrame()
        bar.setObjectName("HubBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 6, 10, 6)
        for widget in (self.found_label, self.found, self.address, self.connect_button):
            row.addWidget(widget)
        row.addSpacing(8)
        row.addWidget(self.state_label)
        row.addWidget(self.hosting_info, 1)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addWidget(spacer)
        row.addWidget(self.host_button)
        self.tools = row  # the main window adds its tool buttons here
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(bar)
        for banner in (self.lost, self.offer, self.help):
            column.addWidget(banner)
        self.setTabOrder(self.found, self.address)
        self.setTabOrder(self.address, self.connect_button)
        self.setTabOrder(self.connect_button, self.host_button)

    def add_tool(self, action: QAction) -> QToolButton:
        """A tool button for ``action`` at the right end of the bar."""
        button = QToolButton()
        button.setDefaultAction(action)
        self.tools.addWidget(button)
        return button

    def _wire(self) -> None:
        self.found.activated.connect(self._chose_found)
        self.address.returnPressed.connect(self.connect_typed)
        self.connect_button.clicked.connect(self.connect_typed)
        self.context.player.state_changed.connect(self._show_state)
        self.host_action.toggled.connect(self._host_toggled)
        self.hosting.state_changed.connect(self._hosting_state)
        self.hosting.started.connect(self._hosting_started)
        self.hosting.stopped.connect(self._hosting_stopped)
        self.hosting.failed.connect(self._hosting_failed)
        self.context.player.moved.connect(self._followed)
        self.lost.set_action("", "", self.retry)
        self.offer.set_action("", "", self._host_from_offer)
        self.model.rowsInserted.connect(lambda *_: self.offer.hide())
        self.model.rowsInserted.connect(lambda *_: self.help.hide())
        self.help.join_requested.connect(self.join)
        self.model.rowsInserted.connect(lambda *_: self._count_found())
        self.model.rowsRemoved.connect(lambda *_: self._count_found())
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged):
            signal.connect(lambda *_: self._list_changed())

    def retranslate(self) -> None:
        self.found_label.setText(self.tr("&Hub:"))
        self._count_found()
        self.found.setToolTip(
            self.tr("Hubs found on your network; grey ones are announced but do not answer")
        )
        self.address.setPlaceholderText(self.tr("host:port"))
        self.address.setToolTip(
            self.tr("Type a hub's address, e.g. 192.168.1.20:47800, and press Enter")
        )
        self.connect_button.setText(self.tr("&Connect"))
        self.connect_button.setToolTip(self.tr("Connect to the hub at the address typed"))
        self.host_action.setText(self.tr("Host a hub"))
        self.host_action.setToolTip(
            self.tr("Run a hub on this computer, with the sample games, for others to join")
        )
        self.lost.set_action(self.tr("&Retry"), self.tr("Connect to the hub again now"))
        self.offer.set_action(
            self.tr("Host a &hub"), self.tr("Run a hub on this computer and connect to it")
        )
        self.offer.text.setText(
            self.tr(
                "No hub was found on your network. Host one on this computer? "
                "It comes with three sample games, and others nearby will find it."
            )
        )
        self.model.retranslate()
        self._show_state(self.context.player.state)
        self._show_hosting(self.hosting.endpoints)

    def _count_found(self) -> None:
        """The list's prompt says how many hubs are around, so an empty list is no mystery.

        The prompt shows only while no listed hub is the current one (see _show_current).
        """
        count = self.model.rowCount()
        if count == 0:
            text = self.tr("No hubs found on your network yet")
        elif count == 1:
            text = self.tr("1 hub on your network: choose it")
        else:
            text = self.tr("{0} hubs on your network: choose one").format(count)
        self.found.setPlaceholderText(text)

    # -- joining ---------------------------------------------------------------------

    def connect_typed(self) -> None:
        self.join(self.address.text())

    def _chose_found(self, row: int) -> None:
        if row == self.model.current_row():
            return  # already connected to it: joining again would only drop the sessions
        endpoint = self.model.data(self.model.index(row), ENDPOINT_ROLE)
        if endpoint:
            self.join(str(endpoint))

    def _list_changed(self) -> None:
        self._show_current()
        self._fit_popup()
        if not self._auto_joined:
            self.auto_join_timer.start(self.auto_join_after_ms)

    def _fit_popup(self) -> None:
        """Makes the open list as wide as its longest row (bold for the current hub)."""
        bold = self.found.font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        rows = range(self.model.rowCount())
        widest = max(
            (metrics.horizontalAdvance(str(self.model.data(self.model.index(r)))) for r in rows),
            default=0,
        )
        extra = self.found.iconSize().width() + 40  # icon, margins, scroll bar
        self.found.view().setMinimumWidth(widest + extra)

    def _maybe_auto_join(self) -> None:
        """Joins the only hub around when nothing is remembered, chosen, hosted or joined.

        Once per run: after the user leaves or switches, the choice stays theirs.
        """
        if self._auto_joined or self.model.rowCount() != 1:
            return
        idle = self.context.player.state == LinkState.DISCONNECTED and self._joining is None
        remembered = text_value(self.context.settings, LAST_HUB)
        if not idle or self._target or remembered or self.hosting.state != "off":
            return
        index = self.model.index(0)
        endpoint = self.model.data(index, ENDPOINT_ROLE)
        if endpoint and self.model.data(index, ALIVE_ROLE):
            self._auto_joined = True
            self.join(str(endpoint), quiet=True)

    def _show_current(self) -> None:
        """Marks the connected hub in the list and shows it as the list's choice."""
        client = self.context.player.client
        connected = self.context.player.state == LinkState.CONNECTED and client is not None
        self.model.set_current(client.hello.key if connected and client is not None else "")
        row = self.model.current_row()
        if row is not None and self.found.currentIndex() != row:
            self.found.setCurrentIndex(row)
        elif row is None and self.found.currentIndex() != -1 and self._joining is None:
            self.found.setCurrentIndex(-1)  # the prompt again, not a hub we are not on

    def retry(self) -> None:
        if self._target:
            self.join(self._target)

    def join(self, endpoint: str, *, retrust: bool = False, quiet: bool = False) -> bool:
        """Joins both role connections to ``endpoint``; False if it is not an address."""
        try:
            address = str(parse_endpoint(endpoint))
        except BadEndpoint as exc:
            self.context.messages.error(str(exc))
            return False
        if self._joining is not None:
            self._joining.cancel()
        self._target = address
        self.offer.hide()
        self.lost.hide()
        op = self.context.op(self, lambda: self._join_both(address, retrust))
        op.success(lambda name: self._joined(op, address, str(name)))
        op.failure(lambda error: self._join_failed(op, address, error, quiet))
        self._joining = op  # before run(): an op already done calls back inside run()
        op.run()
        return True

    async def _join_both(self, endpoint: str, retrust: bool) -> str:
        """On the network thread: the hub keeps one session per role, so one link each."""
        name = await self.context.player.join_hub(endpoint, retrust=retrust)
        await self.context.developer.join_hub(endpoint, retrust=retrust)
        return name

    def _joined(self, op: HubOp, endpoint: str, name: str) -> None:
        if op is not self._joining:
            return
        self._joining = None
        self.hub_name = name
        self.context.endpoint = endpoint
        if endpoint != self.hosting.local_endpoint():
            self.context.settings.setValue(LAST_HUB, endpoint)
        self._show_state(self.context.player.state)
        self.joined.emit(endpoint, name)

    def _join_failed(self, op: HubOp, endpoint: str, error: Exception, quiet: bool) -> None:
        if op is not self._joining:
            return
        self._joining = None
        self._show_current()  # the list shows the hub we are on, not the one that failed
        if isinstance(error, HubKeyChanged):
            self._ask_retrust(error, endpoint)
        elif quiet:
            self.context.messages.info(str(error))
        else:
            self.context.messages.error(str(error))

    def _ask_retrust(self, error: HubKeyChanged, endpoint: str) -> None:
        dialog = KeyChangedDialog(error, endpoint, self)
        dialog.accepted.connect(lambda: self.join(endpoint, retrust=True))
        dialog.finished.connect(dialog.deleteLater)
        self.key_dialog = dialog
        dialog.open()

    # -- state -----------------------------------------------------------------------

    def _show_state(self, state: str) -> None:
        name = self.hub_name or self._target
        own = bool(self._target) and self._target == self.hosting.local_endpoint()
        # On our own hub, "Hosting at …" beside the state says which hub: room saved.
        connected = self.tr("Connected") if own else self.tr("Connected to {0}").format(name)
        texts: dict[str, str] = {  # a LinkState equals its value, which the signal carries
            LinkState.DISCONNECTED: self.tr("Not connected"),
            LinkState.CONNECTING: self.tr("Connecting to {0}…").format(self._target),
            LinkState.CONNECTED: connected,
            LinkState.LOST: self.tr("Lost {0}; retrying…").format(name),
        }
        self.state_label.setText(texts.get(state, state))
        self._show_current()
        self.state_label.setToolTip(self._state_tip(state))
        set_style_property(self.state_label, "state", state)
        self.connect_button.setEnabled(state != LinkState.CONNECTING)
        if state == LinkState.LOST:
            self.lost.show_text(
                self.tr(
                    "The hub {0} stopped answering. GameHub keeps trying; you can also retry now."
                ).format(name)
            )
        elif state in (LinkState.CONNECTED, LinkState.DISCONNECTED):
            self.lost.hide()
        if state in (LinkState.CONNECTING, LinkState.CONNECTED):
            self.offer.hide()
        if state == LinkState.CONNECTED:
            self.help.hide()

    def _state_tip(self, state: str) -> str:
        client = self.context.player.client
        if state == LinkState.CONNECTED and client is not None:
            return self.tr("{0} at {1}\nKey fingerprint: {2}").format(
                self.hub_name, self._target, client.fingerprint
            )
        return self.tr("Which hub this app uses, and whether it answers")

    # -- offering and hosting --------------------------------------------------------

    def schedule_offer(self) -> None:
        """After a short look around, offers to host when no hub is found or chosen."""
        QTimer.singleShot(self.offer_after_ms, self._maybe_offer)

    def _maybe_offer(self) -> None:
        busy = self.context.player.state != "disconnected" or self._joining is not None
        if self.model.rowCount() == 0 and not busy and self.hosting.state == "off":
            self.offer.show()

    def schedule_help(self) -> None:
        """After a longer look, explains why no hub may show up (only while discovery runs:
        the checks open mDNS sockets)."""
        QTimer.singleShot(self.help_after_ms, self._maybe_help)

    def _maybe_help(self) -> None:
        busy = self.context.player.state != LinkState.DISCONNECTED or self._joining is not None
        if self.model.rowCount() == 0 and not busy and self.hosting.state == "off":
            self.show_help()

    def show_help(self) -> None:
        """Shows "Can't find your hub?" and runs its network checks."""
        self.help.show()
        self.help.run_checks()

    def _host_from_offer(self) -> None:
        self.offer.hide()
        self.host_action.setChecked(True)

    def _host_toggled(self, on: bool) -> None:
        if on:
            self.offer.hide()
            self.hosting.start(text_value(self.context.settings, HOSTING_NAME))
        else:
            self.hosting.stop()

    def _hosting_state(self, state: str) -> None:
        self.host_action.blockSignals(True)
        self.host_action.setChecked(state in ("starting", "on"))
        self.host_action.blockSignals(False)
        self.host_action.setEnabled(state in ("on", "off"))

    def _hosting_started(self, endpoints: HubEndpoints) -> None:
        self._show_hosting(endpoints)
        if not self.hosting.handed_in:
            self.join(self.hosting.local_endpoint())
        # A hub handed to this copy: our connections follow it here by themselves.

    def _followed(self, endpoint: str, problem: str) -> None:
        """The hub was handed over to another host; our connections followed it there."""
        if problem:
            self.context.messages.error(problem)
            return
        if self.hosting.handed_in and self.hosting.endpoints is not None:
            endpoint = self.hosting.local_endpoint()  # we host it now: reach it locally
        self._target = self.context.endpoint = endpoint
        if endpoint != self.hosting.local_endpoint():
            self.context.settings.setValue(LAST_HUB, endpoint)
        self.context.messages.info(self.tr("The hub moved to {0}.").format(endpoint))
        self._show_state(self.context.player.state)

    def _hosting_stopped(self, own: str) -> None:
        if self.context.endpoint == own:
            self.context.endpoint = ""
            self.hub_name = ""
        self._show_hosting(None)

    def _hosting_failed(self, why: str) -> None:
        self.context.messages.error(self.tr("Could not host a hub: {0}").format(why))

    def _show_hosting(self, ep: HubEndpoints | None) -> None:
        if ep is None:
            self.hosting_info.hide()
            return
        shared = shared_endpoints(ep)
        self.hosting_info.setText(self.tr("Hosting at {0}").format(shared[0]))
        self.hosting_info.setToolTip(
            self.tr("You host {0}. Others join at: {1}\nKey fingerprint: {2}").format(
                ep.name, ", ".join(shared), ep.fingerprint
            )
        )
        self.hosting_info.show()
