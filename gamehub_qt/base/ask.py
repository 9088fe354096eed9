"""Questions that must be answered before going on (quit while hosting? leave a match?).

A question is a QMessageBox built by its screen; who answers it is an ``Asker``: the
box's own modal loop in the app, a function in tests (no modal block, no timers)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QAbstractButton, QMessageBox

# Shows the question and returns the button the user chose (None: closed the dialog).
Asker = Callable[[QMessageBox], QAbstractButton | None]


def run_modal(box: QMessageBox) -> QAbstractButton | None:
    box.exec()
    return box.clickedButton()


def answer_role(box: QMessageBox, ask: Asker) -> QMessageBox.ButtonRole | None:
    """Asks; the role of the button chosen (None: the dialog was closed). Deletes the box."""
    try:
        chosen = ask(box)
        return box.buttonRole(chosen) if chosen is not None else None
    finally:
        box.deleteLater()


def confirmed(box: QMessageBox, ask: Asker) -> bool:
    """Asks; True only for the box's DestructiveRole button (Cancel, Escape: False)."""
    return answer_role(box, ask) == QMessageBox.ButtonRole.DestructiveRole
