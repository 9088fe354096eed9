"""A tab page that builds its content the first time it is shown.

Why: the window's first paint waits for every widget built before it. The Developer
tab (its module, My games, the publish and test dialogs' imports) cost about a fifth
of the app's start, and most players never open it. Its content catches up with the
app's state when built (the session it would have seen), so building late is safe.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyPage(QWidget):
    """Holds a builder until the page is first shown (or its content is asked for)."""

    built = Signal(QWidget)

    def __init__(self, build: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def is_built(self) -> bool:
        return self._content is not None

    def content(self) -> QWidget:
        """The real page, built now if it was not yet."""
        if self._content is None:
            self._content = self._build()
            self._layout.addWidget(self._content)
            self.setFocusProxy(self._content)
            if self.isVisible():  # built in showEvent: Qt would only show it on the next turn
                self._content.show()
            self.built.emit(self._content)
        return self._content

    def showEvent(self, event: QShowEvent) -> None:
        self.content()
        super().showEvent(event)

    def refresh(self) -> None:
        """F5 reaches the content only once it exists: an unbuilt page has nothing stale."""
        refresh = getattr(self._content, "refresh", None)
        if callable(refresh):
            refresh()
