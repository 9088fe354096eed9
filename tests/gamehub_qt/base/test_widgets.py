"""The texts every screen shares: stars, player counts, sizes and times."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QDateTime, QLocale

from gamehub_qt.base.widgets import players_text, stars, when


@pytest.mark.parametrize(
    ("rating", "shown"),
    [(None, "☆☆☆☆☆"), (0, "☆☆☆☆☆"), (4.4, "★★★★☆"), (4.6, "★★★★★"), (9, "★★★★★"), ("x", "☆☆☆☆☆")],
)
def test_stars(rating: Any, shown: str) -> None:
    assert stars(rating) == shown


@pytest.mark.parametrize(
    ("info", "shown"),
    [
        ({"max_players": 2}, "2"),
        ({"min_players": 2, "max_players": 4}, "2–4"),
        ({"min_players": 3, "max_players": 3}, "3"),
        ({}, "1"),
    ],
)
def test_players_text(info: dict[str, Any], shown: str) -> None:
    assert players_text(info) == shown


def test_when_is_iso_without_a_locale_and_the_locales_own_otherwise() -> None:
    moment = QDateTime.fromString("2026-11-24T09:46:00", "yyyy-MM-ddTHH:mm:ss")
    seconds = moment.toSecsSinceEpoch()
    before = QLocale()
    try:
        QLocale.setDefault(QLocale.c())
        assert when(seconds) == "2026-11-24 09:46"
        QLocale.setDefault(QLocale("en_US"))
        assert when(seconds) == QLocale("en_US").toString(moment, QLocale.FormatType.ShortFormat)
    finally:
        QLocale.setDefault(before)
    assert when(None) == "" and when(0) == ""
