"""What every screen uses to say things the same way: inline error and note labels, one
colour for problems, sizes in KB/MB, and a transfer's rate."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, Qt
from PySide6.QtWidgets import QLabel, QWidget

from hub_core.wire.schema import GameSummary

ERROR_STYLE = "color: #c62828;"
FULL_STAR = "★"
EMPTY_STAR = "☆"


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


def show_outcome(label: QLabel, text: str, *, ok: bool) -> None:
    """Shows how something ended: plain when it worked, in the problem colour when not."""
    label.setStyleSheet("" if ok else ERROR_STYLE)
    label.setText(text)


def note_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


def when(seconds: Any) -> str:
    """A time from the hub in the user's locale, short form (ISO without a locale: the C
    locale's short form, "24 11 2026 09:46", reads as neither day-first nor month-first)."""
    if not isinstance(seconds, int | float) or not seconds:
        return ""
    moment = QDateTime.fromSecsSinceEpoch(int(seconds))
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return moment.toString("yyyy-MM-dd HH:mm")
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


def stars(rating: Any) -> str:
    """Five stars, filled to the nearest whole star (none filled: not rated yet)."""
    filled = round(rating) if isinstance(rating, int | float) else 0
    filled = max(0, min(5, filled))
    return FULL_STAR * filled + EMPTY_STAR * (5 - filled)


def players_text(info: Mapping[str, Any] | GameSummary) -> str:
    """'2' or '2–4', from a manifest or a store summary."""
    if isinstance(info, GameSummary):
        low, high = info.min_players, info.max_players
    else:
        high = int(info.get("max_players") or info.get("min_players") or 1)
        low = int(info.get("min_players") or high)
    return str(high) if low == high else f"{low}–{high}"


class RateMeter:
    """Bytes per second since it was made: a transfer's speed as the user sees it."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def mb_per_s(self, done: int) -> float:
        elapsed = max(time.monotonic() - self.started, 1e-3)
        return done / elapsed / 1e6
