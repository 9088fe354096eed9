"""A non-modal notice above the tabs: a sentence, an optional action button, and a close.

Banners tell the user something without stopping them (a lost hub, an offer to host, an
error), unlike a dialog, which would block the window until dismissed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.style import icon, set_style_property


class Banner(Retranslated, QFrame):
    """``kind`` is info, warning or error (the style sheet colours each)."""

    def __init__(self, kind: str = "info", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        set_style_property(self, "kind", kind)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.hide()
        self.close_button = QPushButton()
        self.close_button.setObjectName("BannerClose")
        self.close_button.setIcon(icon("close"))
        self.close_button.setIconSize(QSize(14, 14))
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.close_button.setToolTip(self.tr("Dismiss this notice"))
        self.close_button.setAccessibleName(self.tr("Dismiss"))

    def set_action(self, text: str, tip: str, on_click: Callable[[], None] | None = None) -> None:
        """Shows the action button; connect ``on_click`` once, then call again to re-label."""
        self.action.setText(text)
        self.action.setToolTip(tip)
        self.action.show()
        if on_click is not None:
            self.action.clicked.connect(on_click)

    def show_text(self, text: str) -> None:
        self.text.setText(text)
        self.show()
