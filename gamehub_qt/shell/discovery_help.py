"""The "Can't find your hub?" panel, which the hub bar shows when discovery finds nothing.

It runs hub_core.discovery.diagnose on the network thread (interfaces, mDNS sockets, a
self-test that announces a probe service and listens for it) and words the result in
the app's language, says where a firewall may block, offers the hub's address typed by
hand, and copies the report to the clipboard for whoever helps.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.ops import HubOp
from gamehub_qt.base.style import set_style_property
from hub_core.discovery.diagnose import MDNS_PORT, Diagnosis, Interface, SelfTest, diagnose
from hub_core.server.hub import DEFAULT_PORT

REPORT_LINES = 9  # the report's height; longer reports scroll


class CheckState(StrEnum):
    """Where the panel's network checks stand."""

    # nothing run yet (the panel is hidden or was just shown)
    IDLE = "idle"
    # diagnose() runs on the network thread; Check again is disabled
    CHECKING = "checking"
    # a report is shown (or the sentence saying why the checks could not run)
    DONE = "done"


class DiscoveryHelp(Retranslated, QFrame):
    """The help panel; ``join_requested`` carries a host:port the user typed."""

    join_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        set_style_property(self, "kind", "warning")
        self.context = context
        self.state = CheckState.IDLE
        self.diagnosis: Diagnosis | None = None
        self._op: HubOp | None = None
        self._build()
        self.retranslate()
        self.hide()

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setObjectName("HubBarTitle")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        line = self.report.fontMetrics().lineSpacing()
        self.report.setFixedHeight(line * REPORT_LINES + 12)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.address = QLineEdit()
        self.address.setClearButtonEnabled(True)
        self.address.setMinimumWidth(250)  # the placeholder's example address fits
        self.connect_button = QPushButton()
        self.copy_button = QPushButton()
        self.check_button = QPushButton()
        self.close_button = QPushButton()
        self._lay_out()
        self.address.returnPressed.connect(self._join_typed)
        self.connect_button.clicked.connect(self._join_typed)
        self.copy_button.clicked.connect(self.copy)
        self.check_button.clicked.connect(self.run_checks)
        self.close_button.clicked.connect(self.hide)

    def _lay_out(self) -> None:
        manual = QHBoxLayout()
        self.manual_label = QLabel()
        self.manual_label.setBuddy(self.address)
        for widget in (self.manual_label, self.address, self.connect_button):
            manual.addWidget(widget)
        manual.addStretch(1)
        for button in (self.check_button, self.copy_button, self.close_button):
            manual.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 8, 12, 8)
        column.addWidget(self.title)
        column.addWidget(self.intro)
        column.addWidget(self.report)
        column.addLayout(manual)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Can't find your hub?"))
        self.intro.setText(
            self.tr(
                "No hub has shown up on your network. GameHub checked this computer's "
                "network; the report below says what may stop hubs from being found. "
                "You can always type the hub's address instead."
            )
        )
        self.manual_label.setText(self.tr("Hub &address:"))
        self.address.setPlaceholderText(
            self.tr("host:port, e.g. 192.168.1.20:{0}").format(DEFAULT_PORT)
        )
        self.address.setToolTip(self.tr("Type the hub's address and press Enter"))
        self.connect_button.setText(self.tr("Co&nnect"))
        self.connect_button.setToolTip(self.tr("Connect to the hub at the address typed"))
        self.copy_button.setText(self.tr("&Copy report"))
        self.copy_button.setToolTip(self.tr("Copy the report, to send to whoever helps you"))
        self.check_button.setText(self.tr("Check &again"))
        self.check_button.setToolTip(self.tr("Run the network checks again"))
        self.close_button.setText(self.tr("Hide"))
        self.close_button.setToolTip(self.tr("Hide this panel"))
        self.report.setToolTip(self.tr("What the checks found on this computer"))
        self._show_report()

    # -- checks ----------------------------------------------------------------------

    def run_checks(self) -> None:
        """Runs the checks on the network thread; the report follows when they end."""
        if self.state is CheckState.CHECKING:
            return
        self._set_state(CheckState.CHECKING)
        op = self.context.op(self, lambda: diagnose(hub_port=DEFAULT_PORT))
        op.success(self._checked).failure(self._check_failed)
        self._op = op
        op.run()

    def _checked(self, found: Diagnosis) -> None:
        self.diagnosis = found
        self._set_state(CheckState.DONE)

    def _check_failed(self, error: Exception) -> None:
        self.diagnosis = None
        self._set_state(CheckState.DONE)
        self.report.setPlainText(self.tr("The checks could not run: {0}").format(error))

    def _set_state(self, state: CheckState) -> None:
        self.state = state
        self.check_button.setEnabled(state is not CheckState.CHECKING)
        self._show_report()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report.toPlainText())
        self.context.messages.info(self.tr("The discovery report is on the clipboard."))

    def _join_typed(self) -> None:
        if self.address.text().strip():
            self.join_requested.emit(self.address.text().strip())

    # -- the report in words ---------------------------------------------------------

    def _show_report(self) -> None:
        if self.state is CheckState.CHECKING:
            self.report.setPlainText(self.tr("Checking this computer's network…"))
        elif self.diagnosis is not None:
            self.report.setPlainText(self.words(self.diagnosis))

    def words(self, d: Diagnosis) -> str:
        """The report in the app's language (the CLI prints hub_core's English one)."""
        lines = [self.tr("Network interfaces:")]
        lines += [self._interface_line(i) for i in d.interfaces]
        if not d.multicast_interfaces:
            lines.append(
                self.tr("No interface carries multicast: hubs cannot be found automatically.")
            )
        lines += self._self_test_lines(d)
        lines += self._firewall_lines(d)
        lines.append(
            self.tr(
                "Without multicast, type the hub's address above (the hosting computer shows "
                "it as 'Hosting at …')."
            )
        )
        return "\n".join(lines)

    def _interface_line(self, i: Interface) -> str:
        if i.multicast is None:
            state = self.tr("multicast unknown")
        elif i.carries_multicast:
            state = self.tr("carries multicast")
        else:
            state = self.tr("down") if i.up is False else self.tr("no multicast")
        addresses = ", ".join(i.addresses) or self.tr("no address")
        name = self.tr("{0} (loopback)").format(i.name) if i.loopback else i.name
        return f"  {name}: {addresses} — {state}"

    def _self_test_lines(self, d: Diagnosis) -> list[str]:
        if d.self_test is SelfTest.NO_SOCKETS:
            return [self.tr("mDNS could not open its sockets: {0}").format(d.sockets_error)]
        lines = [self.tr("mDNS sockets (UDP {0}): open.").format(MDNS_PORT)]
        if d.self_test is SelfTest.HEARD:
            lines.append(self.tr("Self-test: this computer hears its own announcement."))
        else:
            lines.append(
                self.tr(
                    "Self-test: this computer did not hear its own announcement; something "
                    "here drops multicast (a firewall rule for UDP 5353, or no multicast route)."
                )
            )
        return lines

    def _firewall_lines(self, d: Diagnosis) -> list[str]:
        req, hello, pub = d.hub_ports
        lines = [
            self.tr(
                "Firewall: allow UDP {0} (mDNS) on every computer, and TCP {1}, {2} and {3} "
                "in on the computer that hosts the hub."
            ).format(MDNS_PORT, req, hello, pub)
        ]
        if d.platform == "linux":
            tools = ", ".join(d.firewall_tools) or self.tr("none found")
            lines.append(
                self.tr(
                    "  Look at: sudo ufw status, sudo firewall-cmd --list-all or "
                    "sudo nft list ruleset (installed here: {0})."
                ).format(tools)
            )
        elif d.platform == "windows":
            lines.append(
                self.tr(
                    "  Windows Defender Firewall: allow GameHub on Private networks and set "
                    "this network to Private."
                )
            )
        elif d.platform == "macos":
            lines.append(
                self.tr(
                    "  macOS: System Settings → Network → Firewall → Options: allow incoming "
                    "connections for GameHub."
                )
            )
        lines.append(self.tr("  Wi-Fi 'client isolation' on a router also drops multicast."))
        return lines
