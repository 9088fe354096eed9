"""The publish dialog's Libraries row: requirements to add to the game, and a folder of wheels.

A game from the original system imports pygame and says nothing of it; the developer
adds "pygame>=2.5" here instead of editing the game (as ``gamehub publish --require``).
What is typed is split (hub_core.packages.requires.split_requirements) and each piece is
checked as typed with the parser the CLI uses, so a typo is said at the field before
anything runs. Without a wheels folder, pip fetches the wheels when publishing; a
frozen GameHub has no pip, which the row says before the developer meets it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.widgets import ERROR_STYLE, error_label, note_label, set_error
from hub_core.client.publishing import Libraries
from hub_core.packages import PackageError
from hub_core.packages.requires import dist_name, parse_requirement, split_requirements


def frozen() -> bool:
    """A PyInstaller build: no pip inside (the seam tests set)."""
    return bool(getattr(sys, "frozen", False))


class LibrariesRow(Retranslated, QWidget):
    """'Libraries: [pygame>=2.5, numpy]' and 'Wheels: [folder] [Wheels folder…]'."""

    changed = Signal()  # what the publish would add changed: the dialog checks again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.declared: list[str] = []  # the manifest's own "requires"
        self.label, self.wheels_label = QLabel(), QLabel()
        self.requires, self.wheels = QLineEdit(), QLineEdit()
        self.wheels_button = QPushButton()
        self.wheels_button.setAutoDefault(False)  # Enter in a field never opens the chooser
        self.error, self.note = error_label(), note_label()
        self.note.hide()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.label, 0, 0)
        grid.addWidget(self.requires, 0, 1, 1, 2)
        grid.addWidget(self.wheels_label, 1, 0)
        grid.addWidget(self.wheels, 1, 1)
        grid.addWidget(self.wheels_button, 1, 2)
        grid.addWidget(self.error, 2, 1, 1, 2)
        grid.addWidget(self.note, 3, 1, 1, 2)
        self.requires.textChanged.connect(self._edited)
        self.wheels.textChanged.connect(self._edited)
        self.wheels_button.clicked.connect(self._pick_wheels)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self.tr("Libraries:"))
        self.wheels_label.setText(self.tr("Wheels:"))
        self.requires.setPlaceholderText(
            self.tr('Python packages the game needs, e.g. "pygame>=2.5, numpy"')
        )
        if frozen():
            self.wheels.setPlaceholderText(self.tr("None chosen"))
        else:
            self.wheels.setPlaceholderText(self.tr("None: pip fetches the wheels when publishing"))
        self.wheels_button.setText(self.tr("Wheels folder…"))
        self._show()

    # -- what the publish adds -------------------------------------------------------------

    def requirements(self) -> tuple[str, ...]:
        return tuple(split_requirements(self.requires.text()))

    def wheels_dir(self) -> Path | None:
        text = self.wheels.text().strip()
        return Path(text).expanduser() if text else None

    def libraries(self) -> Libraries:
        return Libraries(requires=self.requirements(), wheels_dir=self.wheels_dir())

    def problems(self) -> list[str]:
        """Each bad requirement in hub_core's words (the CLI's), and a folder that is not one."""
        found: list[str] = []
        for text in self.requirements():
            try:
                parse_requirement(text)
            except PackageError as exc:
                found.append(str(exc))
        folder = self.wheels_dir()
        if folder is not None and not folder.is_dir():
            found.append(self.tr("%1 is not a folder of wheels.").replace("%1", str(folder)))
        return found

    def ok(self) -> bool:
        return not self.problems()

    def needs_wheels(self) -> bool:
        return bool(self.declared or self.requirements())

    # -- changing it -------------------------------------------------------------------------

    def set_declared(self, requires: list[str]) -> None:
        """The manifest's requirements, shown beside the field (they need no typing)."""
        self.declared = list(requires)
        self._show()

    def set_values(self, requires: str, wheels: str) -> None:
        """Both fields at once (a remembered update), checked and announced once."""
        for field, text in ((self.requires, requires), (self.wheels, wheels)):
            field.blockSignals(True)
            field.setText(text)
            field.blockSignals(False)
        self._edited()

    def add(self, dists: list[str]) -> None:
        """'Add to libraries': each distribution the field does not name yet, at its end."""
        have = set()
        for text in self.requirements():
            try:
                have.add(dist_name(text))
            except ValueError:  # an invalid piece names nothing; it is said at the field
                continue
        new = [d for d in dists if dist_name(d) not in have]
        if new:
            text = self.requires.text().strip().rstrip(",")
            self.requires.setText(", ".join([text, *new] if text else new))

    def set_busy(self, busy: bool) -> None:
        for widget in (self.requires, self.wheels, self.wheels_button):
            widget.setEnabled(not busy)

    def _edited(self) -> None:
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        set_error(self.error, " ".join(self.problems()))
        lines = []
        if self.declared:
            listed = ", ".join(self.declared)
            lines.append(self.tr("manifest.json requires: %1.").replace("%1", listed))
        no_pip = frozen() and self.wheels_dir() is None
        if no_pip:
            lines.append(
                self.tr(
                    "This build of GameHub has no pip to fetch libraries: choose a folder "
                    "with the game's wheels (made elsewhere with pip download "
                    "--only-binary=:all:)."
                )
            )
        self.note.setText(" ".join(lines))
        self.note.setStyleSheet(ERROR_STYLE if no_pip and self.needs_wheels() else "")
        self.note.setVisible(bool(lines))

    def _pick_wheels(self) -> None:
        folder = self.ask_wheels_folder(self.wheels.text().strip())
        if folder:
            self.wheels.setText(folder)

    def ask_wheels_folder(self, start: str) -> str:
        """The folder chooser (the seam tests replace: a native dialog cannot be driven)."""
        title = self.tr("Choose the folder with the game's wheels")
        return QFileDialog.getExistingDirectory(self, title, start)
