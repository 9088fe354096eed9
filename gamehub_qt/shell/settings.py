"""What the app remembers (in ``context.settings``) and the small Settings dialog.

Keys other screens use: ``player/user`` and ``developer/user`` (the last user name per
role, kept by the tabs), ``hub/last`` (the last hub joined, not one this app hosted),
``hosting/accept_handoff`` (others may hand this copy their hub; off by default).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base import i18n
from hub_core.server.hub import default_hub_name

LAST_HUB = "hub/last"
HOSTING_NAME = "hosting/name"
HOST_AT_START = "hosting/at_start"
ACCEPT_HANDOFF = "hosting/accept_handoff"  # others may hand this copy their hub
GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
CURRENT_TAB = "window/tab"
SPLITTERS = "splitters"


def text_value(settings: QSettings, key: str, default: str = "") -> str:
    value = settings.value(key, default)
    return str(value) if value is not None else default


def bool_value(settings: QSettings, key: str, default: bool = False) -> bool:
    """INI files store booleans as text; this reads them back as bool."""
    value = settings.value(key, default)
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def bytes_value(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


class SettingsDialog(i18n.Retranslated, QDialog):
    """Language, the hub name used when hosting, and whether to host at start."""

    def __init__(
        self, settings: QSettings, parent: QWidget | None = None, *, hosting_as: str = ""
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.hosting_as = hosting_as  # the name of the hub this app hosts now, if it does
        self.language = QComboBox()
        self.hub_name = QLineEdit()
        self.host_at_start = QCheckBox()
        self.accept_handoff = QCheckBox()
        form = QFormLayout()
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)
        self.name_label = QLabel()
        self.name_label.setBuddy(self.hub_name)
        self.hosting_note = QLabel()
        self.hosting_note.setWordWrap(True)
        self.hosting_note.setVisible(bool(hosting_as))
        form.addRow(self.language_label, self.language)
        form.addRow(self.name_label, self.hub_name)
        form.addRow("", self.hosting_note)
        form.addRow("", self.host_at_start)
        form.addRow("", self.accept_handoff)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._fill_languages()
        self.retranslate()
        self._load()

    def _fill_languages(self) -> None:
        self.language.addItem("", "")  # "System default"; its text is set in retranslate
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.language_label.setText(self.tr("&Language:"))
        system = i18n.LANGUAGES[i18n.system_language()]
        self.language.setItemText(0, self.tr("System default ({0})").format(system))
        self.language.setToolTip(self.tr("The language of GameHub's window"))
        self.name_label.setText(self.tr("Hub &name when hosting:"))
        self.hub_name.setPlaceholderText(self.hosting_as or default_hub_name())
        self.hosting_note.setText(
            self.tr(
                "This computer hosts “{0}” now; a new name applies when hosting starts again."
            ).format(self.hosting_as)
        )
        self.hub_name.setToolTip(self.tr("The name players see when your computer hosts a hub"))
        self.host_at_start.setText(self.tr("&Host a hub whenever GameHub starts"))
        self.host_at_start.setToolTip(
            self.tr("Start hosting as soon as the window opens, so others can always join")
        )
        self.accept_handoff.setText(self.tr("&Let others hand me the hub"))
        self.accept_handoff.setToolTip(
            self.tr(
                "When the host of the hub you are logged in to leaves, they may hand the hub "
                "to this computer; you are asked first"
            )
        )

    def _load(self) -> None:
        current = text_value(self.settings, i18n.SETTING)
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self.hub_name.setText(text_value(self.settings, HOSTING_NAME))
        self.host_at_start.setChecked(bool_value(self.settings, HOST_AT_START))
        self.accept_handoff.setChecked(bool_value(self.settings, ACCEPT_HANDOFF))

    def chosen_language(self) -> str:
        return str(self.language.currentData() or "")

    def save(self) -> bool:
        """Stores the choices; returns True if the language changed."""
        before = text_value(self.settings, i18n.SETTING)
        self.settings.setValue(i18n.SETTING, self.chosen_language())
        self.settings.setValue(HOSTING_NAME, self.hub_name.text().strip())
        self.settings.setValue(HOST_AT_START, self.host_at_start.isChecked())
        self.settings.setValue(ACCEPT_HANDOFF, self.accept_handoff.isChecked())
        return before != self.chosen_language()
