"""A one-line label that shortens its text with "…" instead of widening its window.

A plain QLabel asks for the width of its whole text as its minimum, so a long hub name
or endpoint set on it later pushes the layout, and the window, wider. This one asks for
little, takes the room it is given, and elides what does not fit; the full text stays
in ``text()`` and is shown as the tooltip when it is cut.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_CHARS = 6  # room for a word and the ellipsis when the bar is squeezed


class ElidedLabel(QLabel):
    """Plain text on one line, elided at the right when it does not fit.

    The shortened text is set on the QLabel itself, so style sheets (padding, background)
    paint as for any label; ``text()`` answers the full text.
    """

    def __init__(
        self, text: str = "", parent: QWidget | None = None, *, hint_chars: int = 0
    ) -> None:
        super().__init__(parent)
        self._hint_chars = hint_chars  # asks for at most this many characters (0: all)
        self._full = text
        self._tip = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._elide()

    def text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:
        self._full = text
        self._elide()
        self.updateGeometry()

    def setToolTip(self, tip: str) -> None:
        """The tooltip given; while the text is cut, the full text comes first."""
        self._tip = tip
        self._elide()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        wanted = metrics.horizontalAdvance(self._full)
        if self._hint_chars:
            wanted = min(wanted, metrics.averageCharWidth() * self._hint_chars)
        extra = wanted - metrics.horizontalAdvance(super().text())
        return QSize(hint.width() + extra, hint.height())

    def minimumSizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().averageCharWidth() * MIN_CHARS
        return QSize(width + margins.left() + margins.right(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        QLabel.setText(self, shown)
        cut = shown != self._full
        QLabel.setToolTip(self, f"{self._full}\n{self._tip}".strip() if cut else self._tip)
