"""The changed-key dialog: both fingerprints, and what differs (the address or the name)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gamehub_qt.shell.key_dialog import KeyChangedDialog
from hub_core.errors import HubKeyChanged

OLD, NEW = "f903 f486 3f4c 8b25", "3270 18f5 b73f 06f5"


def shown(qtbot: QtBot, error: HubKeyChanged) -> KeyChangedDialog:
    dialog = KeyChangedDialog(error, "192.168.1.20:47800")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_another_hub_at_a_trusted_address_shows_both_hubs_and_keys(qtbot: QtBot) -> None:
    error = HubKeyChanged(
        "Other hub", OLD, NEW, address="192.168.1.20:47800", pinned_hub="Test hub", by="address"
    )
    dialog = shown(qtbot, error)
    assert (dialog.pinned.text(), dialog.offered.text()) == (OLD, NEW)
    assert (dialog.pinned_hub.text(), dialog.hub.text()) == ("Test hub", "Other hub")
    assert dialog.address.text() == "192.168.1.20:47800"
    assert "Another hub answers at this address" in dialog.difference.text()
    assert dialog.cancel.isDefault()


def test_a_trusted_name_with_another_key_says_so(qtbot: QtBot) -> None:
    dialog = shown(qtbot, HubKeyChanged("Test hub", OLD, NEW, address="192.168.1.20:47800"))
    assert (dialog.pinned.text(), dialog.offered.text()) == (OLD, NEW)
    assert "Same hub name" in dialog.difference.text()
