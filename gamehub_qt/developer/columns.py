"""What My games shows of each game, version and review, as RowsModel columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from gamehub_qt.base.version_ratings import average_text, earlier_tooltip, version_label
from gamehub_qt.base.widgets import players_text, stars, when
from gamehub_qt.developer.rows import Column
from hub_core.util.units import format_bytes
from hub_core.wire.schema import GameDetails, GameStatus, ReviewView, VersionRating, VersionView

# Called as translate("MyGames", "...") with literals, so pyside6-lupdate finds the texts.
translate = QCoreApplication.translate


def status_text(status: GameStatus) -> str:
    if status is GameStatus.ACTIVE:
        return translate("MyGames", "Active")
    return translate("MyGames", "Removed")


def rating_text(row: GameDetails) -> str:
    return "—" if row.avg_rating is None else f"{row.avg_rating:.1f} ★"


def summary(manifest: dict[str, Any]) -> str:
    text = " ".join(str(manifest.get("description", "")).split())
    return f"{manifest.get('display_name', '')} — {text}"


def game_columns() -> list[Column[GameDetails]]:
    return [
        Column(translate("MyGames", "Name"), lambda r: r.name),
        Column(translate("MyGames", "Display name"), lambda r: r.display_name),
        Column(translate("MyGames", "Status"), lambda r: status_text(r.status)),
        Column(translate("MyGames", "Latest version"), lambda r: r.latest),
        Column(translate("MyGames", "Versions"), lambda r: str(len(r.versions)), True),
        Column(translate("MyGames", "Rating"), rating_text, True),
        Column(translate("MyGames", "Reviews"), lambda r: str(r.review_count), True),
    ]


def version_columns() -> list[Column[VersionView]]:
    return [
        Column(translate("MyGames", "Version"), lambda r: r.version),
        Column(translate("MyGames", "Published"), lambda r: when(r.uploaded)),
        Column(translate("MyGames", "Type"), lambda r: str(r.manifest.get("type", ""))),
        Column(translate("MyGames", "Players"), lambda r: players_text(r.manifest), True),
        Column(translate("MyGames", "Files"), lambda r: str(r.files), True),
        Column(translate("MyGames", "Size"), lambda r: format_bytes(r.bytes), True),
        Column(
            translate("MyGames", "Manifest"),
            lambda r: summary(r.manifest),
            tooltip=lambda r: str(r.manifest.get("description", "")),
        ),
    ]


def review_columns() -> list[Column[ReviewView]]:
    return [
        Column(translate("MyGames", "Player"), lambda r: r.player),
        Column(translate("MyGames", "Stars"), lambda r: stars(r.rating)),
        Column(translate("MyGames", "Review"), lambda r: r.text),
        Column(translate("MyGames", "Version"), lambda r: version_label(r.version)),
        Column(translate("MyGames", "Date"), lambda r: when(r.time)),
    ]


def rating_columns() -> list[Column[VersionRating]]:
    """A game's rating per version (the hub's order: newest first, unversioned last)."""
    return [
        Column(
            translate("MyGames", "Version"),
            lambda r: version_label(r.version),
            tooltip=lambda r: r.version or earlier_tooltip(),
        ),
        Column(translate("MyGames", "Rating"), average_text),
        Column(translate("MyGames", "Reviews"), lambda r: str(r.review_count), True),
    ]


def newest_first(reviews: list[ReviewView]) -> list[ReviewView]:
    return sorted(reviews, key=lambda r: -r.time)
