"""Two non-modal questions: "the owner wants to start — play now?" and "rate this game".

Non-modal on purpose: the room's chat and the game console stay usable while a question
is open, and the room page closes the start question itself if the start is withdrawn.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.widgets import EMPTY_STAR, ERROR_STYLE, FULL_STAR


class StartPrompt(Retranslated, QDialog):
    """Asks a guest to accept or decline a proposed start; ``answered(accept)``."""

    answered = Signal(bool)

    def __init__(self, owner: str, game: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.owner, self.game = owner, game
        self.setModal(False)
        self.question = QLabel()
        buttons = QDialogButtonBox()
        self.accept_button = buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.decline_button = buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(lambda: self.answered.emit(True))
        self.rejected.connect(lambda: self.answered.emit(False))
        self.retranslate()

    def retranslate(self) -> None:
        """Sets every text; runs again when the user switches languages."""
        self.setWindowTitle(self.tr("Start {0}?").format(self.game))
        self.question.setText(
            self.tr("{0} wants to start {1}. Play now?").format(self.owner, self.game)
        )
        self.accept_button.setText(self.tr("Play"))
        self.decline_button.setText(self.tr("Not now"))


class StarPicker(Retranslated, QWidget):
    """Five star buttons; ``rating`` is 0 until the user picks one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rating = 0
        self.group = QButtonGroup(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QPushButton] = []
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        for stars in range(1, 6):
            button = QPushButton(EMPTY_STAR)
            button.setFlat(True)
            button.setFont(big)
            self.group.addButton(button, stars)
            self.buttons.append(button)
            row.addWidget(button)
        row.addStretch(1)
        self.group.idClicked.connect(self.set_rating)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets the stars' tooltips; runs again when the user switches languages."""
        for stars, button in enumerate(self.buttons, start=1):
            button.setToolTip(self.tr("{0} of 5 stars").format(stars))
            button.setAccessibleName(self.tr("{0} stars").format(stars))

    def set_rating(self, rating: int) -> None:
        self.rating = rating
        for number, button in enumerate(self.buttons, start=1):
            button.setText(FULL_STAR if number <= rating else EMPTY_STAR)


class RatingDialog(Retranslated, QDialog):
    """Stars 1–5 and an optional text; ``submitted(name, rating, text)`` on Submit."""

    submitted = Signal(str, int, str)

    def __init__(
        self, name: str, shown: str, rating: int = 0, text: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.name, self.shown = name, shown
        self.setModal(False)
        self.stars = StarPicker()
        self.stars.set_rating(rating)
        self.question = QLabel()
        self.text = QPlainTextEdit(text)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.submit_button = buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.later_button = buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.stars)
        layout.addWidget(self.text)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        self.retranslate()

    def retranslate(self) -> None:
        """Sets every fixed text; runs again when the user switches languages."""
        self.setWindowTitle(self.tr("Rate {0}").format(self.shown))
        self.question.setText(self.tr("How did you like {0}?").format(self.shown))
        self.text.setPlaceholderText(self.tr("What did you think? (optional)"))
        self.submit_button.setText(self.tr("Submit"))
        self.later_button.setText(self.tr("Later"))

    def _submit(self) -> None:
        if not self.stars.rating:
            self.error.setText(self.tr("Pick 1 to 5 stars first."))
            return
        self.submit_button.setEnabled(False)
        self.submitted.emit(self.name, self.stars.rating, self.text.toPlainText().strip())

    def done_ok(self) -> None:
        """The hub kept the review: close."""
        self.accept()

    def failed(self, why: str) -> None:
        self.submit_button.setEnabled(True)
        self.error.setText(why)
