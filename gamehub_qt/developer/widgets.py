"""Small widgets the Developer tab's screens share: inline error and note labels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

ERROR_STYLE = "color: #c62828;"


def error_label(parent: QWidget | None = None) -> QLabel:
    """A wrapping label for a problem next to what it is about; hidden while empty."""
    label = QLabel(parent)
    label.setObjectName("errorText")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


def set_error(label: QLabel, text: str) -> None:
    """Shows ``text`` in an error label, or hides the label when there is nothing to say."""
    label.setText(text)
    label.setVisible(bool(text))


def note_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


def format_bytes(size: float) -> str:
    """'12 KB', '3.4 MB': decimal units, as transfer speeds are usually read."""
    if size < 1000:
        return f"{int(size)} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            break
    return f"{size:.1f} {unit}" if size < 10 else f"{size:.0f} {unit}"
