"""The look: Qt's Fusion style, one style sheet and SVG icons from ``resources/``.

Fusion looks the same on every OS, so the one style sheet is tuned once. Icons are
SVG, sharp at any screen scale.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

STYLE_SHEET = "gamehub.qss"


def resource_dir() -> Path:
    """The icons, style sheet and translations: ``gamehub_qt/resources`` or ``resources/``.

    The repository keeps ``resources/`` at its top (DESIGN §1), which is where a checkout
    or an editable install finds it; a wheel (pyproject.toml's package-dir) and the
    PyInstaller bundle (packaging/gamehub.spec) put it inside this package instead.
    """
    package = Path(__file__).resolve().parent.parent  # gamehub_qt/
    inside = package / "resources"
    return inside if inside.is_dir() else package.parent / "resources"


@functools.cache
def icon(name: str) -> QIcon:
    """The SVG icon ``resources/icons/<name>.svg`` (an empty icon if it is missing)."""
    path = resource_dir() / "icons" / f"{name}.svg"
    if not path.is_file():
        log.warning("Missing icon %s", path)
        return QIcon()
    return QIcon(str(path))


def style_sheet() -> str:
    """The style sheet, with ``@RES@`` made absolute (Qt resolves url() against the cwd)."""
    path = resource_dir() / STYLE_SHEET
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("Could not read the style sheet %s: %s", path, exc)
        return ""
    return text.replace("@RES@", resource_dir().as_posix())


def apply_look(app: QApplication) -> None:
    """Fusion, the app icon and the style sheet, for the whole application."""
    app.setStyle("Fusion")
    app.setWindowIcon(icon("gamehub"))
    app.setStyleSheet(style_sheet())


def set_style_property(widget: QWidget, name: str, value: str) -> None:
    """Sets a property the style sheet selects on, and re-applies the sheet to the widget."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
