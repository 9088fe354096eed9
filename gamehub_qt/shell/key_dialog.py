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

from gamehub_qt.base.i18n import Retranslated
from hub_core.errors import HubKeyChanged


class KeyChangedDialog(Retranslated, QDialog):
    """Accepted means: trust the new key (the caller joins again with ``retrust``)."""

    def __init__(self, error: HubKeyChanged, endpoint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.endpoint = endpoint
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.address = self._value(error.address or endpoint)
        self.hub = self._value(error.hub)
        self.pinned_hub = self._value(error.pinned_hub)
        self.pinned = self._value(error.pinned)
        self.offered = self._value(error.offered)
        self.difference = QLabel()
        self.difference.setWordWrap(True)
        values = (self.address, self.pinned_hub, self.pinned, self.hub, self.offered)
        self.labels = [QLabel() for _ in values]
        form = QFormLayout()
        for label, value in zip(self.labels, values, strict=True):
            form.addRow(label, value)
        self.buttons = QDialogButtonBox()
        self.trust = QPushButton()
        self.cancel = QPushButton()
        self.buttons.addButton(self.trust, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.difference.setStyleSheet("font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.difference)
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
                "If the host of the hub at {1} reinstalled GameHub or moved it to another "
                "computer, a new key is expected. If not, another computer may be pretending "
                "to be “{0}”, and it "
                "would see everything you send, passwords included.\n\n"
                "Ask the host which fingerprint their hub shows (in its Hub tab) and trust "
                "the new key only if it matches."
            ).format(self.error.pinned_hub, self.endpoint)
        )
        labels = (
            self.tr("Address:"),
            self.tr("Trusted before:"),
            self.tr("Its key then:"),
            self.tr("Answering now:"),
            self.tr("Its key now:"),
        )
        for label, text in zip(self.labels, labels, strict=True):
            label.setText(text)
        self.difference.setText(self._difference())
        self.trust.setText(self.tr("&Trust the new key"))
        self.trust.setToolTip(self.tr("Remember the new key and connect"))
        self.cancel.setText(self.tr("&Don't connect"))
        self.cancel.setToolTip(self.tr("Keep the old key and stay away from this hub"))

    def _difference(self) -> str:
        """What differs: another hub at a trusted address, or a trusted name's key."""
        error = self.error
        if error.by == "address" and error.pinned_hub != error.hub:
            return self.tr(
                "Another hub answers at this address: you trusted “{0}” here, now “{1}” "
                "answers with another key."
            ).format(error.pinned_hub, error.hub)
        if error.by == "address":
            return self.tr(
                "“{0}” answers at the same address as before, but with another key."
            ).format(error.hub)
        return self.tr("Same hub name as one you trusted, “{0}”, but another key.").format(
            error.hub
        )
