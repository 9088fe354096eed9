"""Asking before the hosting copy quits: closing it stops the hub for everyone on it.

The question names who is affected (players online, rooms, matches running), read
from the hub's own snapshot, and offers "Hand over…" when a player online allows
hosting, so the hub can live on elsewhere instead. Who answers is a
gamehub_qt.base.ask.Asker: the dialog's own modal loop in the app, a function in tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from gamehub_qt.base.ask import Asker, answer_role
from gamehub_qt.base.context import AppContext
from hub_core.wire.schema import RoomState

log = logging.getLogger(__name__)

# Called as translate("QuitGuard", "...") with literals, so pyside6-lupdate finds the texts.
translate = QCoreApplication.translate

STATUS_TIMEOUT = 2.0  # quitting should not hang on a hub too busy to answer


@dataclass(frozen=True)
class Affected:
    """Who stops playing when the hub stops; ``known`` is False if the hub did not say."""

    players: list[str]
    rooms: int
    matches: int
    known: bool = True
    willing: list[str] = field(default_factory=list)  # players who would take the hub


def affected(context: AppContext) -> Affected:
    """The hosted hub's players and rooms now (a short wait on the hub's own thread)."""
    hub = context.hosting
    if hub is None:
        return Affected([], 0, 0)
    try:
        status = context.net.call(hub.status(STATUS_TIMEOUT), timeout=STATUS_TIMEOUT + 1)
        willing = context.net.call(hub.willing(STATUS_TIMEOUT), timeout=STATUS_TIMEOUT + 1)
    except Exception as exc:  # still ask, without the numbers
        log.info("The hub did not say who is on it before quitting: %s", exc)
        return Affected([], 0, 0, known=False)
    playing = sum(1 for room in status.rooms if room.state is RoomState.IN_GAME)
    return Affected(list(status.players), len(status.rooms), playing, willing=willing)


def describe(who: Affected) -> str:
    """One sentence per kind of person or thing that stops with the hub."""
    if not who.known:
        return translate("QuitGuard", "Everyone connected to it is disconnected.")
    if not (who.players or who.rooms):
        return translate("QuitGuard", "Nobody is on it right now.")
    names = ", ".join(who.players)
    lines = [
        translate("QuitGuard", "Players online: {0} ({1}).").format(len(who.players), names)
        if who.players
        else translate("QuitGuard", "No players online."),
        translate("QuitGuard", "Open rooms: {0}.").format(who.rooms),
    ]
    if who.matches:
        running = translate("QuitGuard", "Matches running: {0}; they end now.")
        lines.append(running.format(who.matches))
    return "\n".join(lines)


def question(parent: QWidget, who: Affected) -> QMessageBox:
    """The Stop hosting / Cancel question, Cancel the default (Enter does no harm)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(translate("QuitGuard", "Stop hosting?"))
    box.setText(translate("QuitGuard", "Quitting GameHub stops the hub this computer hosts."))
    box.setInformativeText(describe(who))
    box.addButton(translate("QuitGuard", "Stop hosting"), QMessageBox.ButtonRole.DestructiveRole)
    if who.willing:
        action = QMessageBox.ButtonRole.ActionRole
        hand = box.addButton(translate("QuitGuard", "Hand over…"), action)
        hand.setToolTip(
            translate("QuitGuard", "Let {0} host this hub from now on, with all its data").format(
                ", ".join(who.willing)
            )
        )
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box


def may_quit(
    parent: QWidget, context: AppContext, ask: Asker, hand_over: Callable[[], object]
) -> bool:
    """True when not hosting, or when the user chose to stop hosting; "Hand over…" keeps
    the app open and calls ``hand_over`` (the Hub tab's dialog) instead."""
    if context.hosting is None:
        return True
    role = answer_role(question(parent, affected(context)), ask)
    if role == QMessageBox.ButtonRole.ActionRole:
        hand_over()
    return role == QMessageBox.ButtonRole.DestructiveRole
