"""The warning shown when a hub offers a different key from the one trusted before.

A changed key means either the hub was reinstalled (harmless) or another machine is
pretending to be it (then everything sent, passwords included, would go to a stranger).
The dialog says so, shows both fingerprints to compare with what the host sees, and
makes "Don't connect" the default.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.i18n import Retranslated
from hub_core.errors import HubKeyChanged


class KeyChangedDialog(Retranslated, QDialog):
    """Accepted means: trust the new key (the caller joins again with ``retrust``)."""

    def __init__(self, error: HubKeyChanged, endpoint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.endpoint = endpoint
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.hub = self._value(error.hub)
        self.pinned = self._value(error.pinned)
        self.offered = self._value(error.offered)
        self.labels = [QLabel(), QLabel(), QLabel()]
        form = QFormLayout()
        for label, value in zip(self.labels, (self.hub, self.pinned, self.offered), strict=True):
            form.addRow(label, value)
        self.buttons = QDialogButtonBox()
        self.trust = QPushButton()
        self.cancel = QPushButton()
        self.buttons.addButton(self.trust, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.retranslate()
        self.cancel.setFocus()

    @staticmethod
    def _value(text: str) -> QLabel:
        label = QLabel(text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setStyleSheet("font-family: monospace; font-weight: bold;")
        return label

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("The hub's key has changed"))
        self.explain.setText(
            self.tr(
                "The hub {0} at {1} shows a different key from the one it had when you first "
                "connected. If its host reinstalled GameHub or moved it to another computer, "
                "that is expected. If not, another computer may be pretending to be this hub, "
                "and it would see everything you send, passwords included.\n\n"
                "Ask the host which fingerprint their hub shows (in its Hub tab) and trust "
                "the new key only if it matches."
            ).format(self.error.hub, self.endpoint)
        )
        labels = (self.tr("Hub:"), self.tr("Key trusted before:"), self.tr("Key it shows now:"))
        for label, text in zip(self.labels, labels, strict=True):
            label.setText(text)
        self.trust.setText(self.tr("&Trust the new key"))
        self.trust.setToolTip(self.tr("Remember the new key and connect"))
        self.cancel.setText(self.tr("&Don't connect"))
        self.cancel.setToolTip(self.tr("Keep the old key and stay away from this hub"))
