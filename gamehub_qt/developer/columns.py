"""What My games shows of each game, version and review, as RowsModel columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from gamehub_qt.developer.rows import Column, Row
from gamehub_qt.widgets import players_text, stars, when
from hub_core.units import format_bytes

# Called as translate("MyGames", "...") with literals, so pyside6-lupdate finds the texts.
translate = QCoreApplication.translate


def status_text(status: Any) -> str:
    return translate("MyGames", "Active") if status == "active" else translate("MyGames", "Removed")


def rating_text(row: Row) -> str:
    rating = row.get("avg_rating")
    return "—" if rating is None else f"{float(rating):.1f} ★"


def summary(manifest: dict[str, Any]) -> str:
    text = " ".join(str(manifest.get("description", "")).split())
    return f"{manifest.get('display_name', '')} — {text}"


def game_columns() -> list[Column]:
    return [
        Column(translate("MyGames", "Name"), lambda r: str(r["name"])),
        Column(translate("MyGames", "Display name"), lambda r: str(r.get("display_name", ""))),
        Column(translate("MyGames", "Status"), lambda r: status_text(r.get("status"))),
        Column(translate("MyGames", "Latest version"), lambda r: str(r.get("latest", ""))),
        Column(translate("MyGames", "Versions"), lambda r: str(len(r.get("versions", []))), True),
        Column(translate("MyGames", "Rating"), rating_text, True),
        Column(translate("MyGames", "Reviews"), lambda r: str(r.get("review_count", 0)), True),
    ]


def version_columns() -> list[Column]:
    return [
        Column(translate("MyGames", "Version"), lambda r: str(r["version"])),
        Column(translate("MyGames", "Published"), lambda r: when(r.get("uploaded"))),
        Column(translate("MyGames", "Type"), lambda r: str(r["manifest"].get("type", ""))),
        Column(translate("MyGames", "Players"), lambda r: players_text(r["manifest"]), True),
        Column(translate("MyGames", "Files"), lambda r: str(r.get("files", "")), True),
        Column(translate("MyGames", "Size"), lambda r: format_bytes(int(r.get("bytes", 0))), True),
        Column(
            translate("MyGames", "Manifest"),
            lambda r: summary(r["manifest"]),
            tooltip=lambda r: str(r["manifest"].get("description", "")),
        ),
    ]


def review_columns() -> list[Column]:
    return [
        Column(translate("MyGames", "Player"), lambda r: str(r.get("player", ""))),
        Column(translate("MyGames", "Stars"), lambda r: stars(r.get("rating"))),
        Column(translate("MyGames", "Review"), lambda r: str(r.get("text", ""))),
        Column(translate("MyGames", "Version"), lambda r: str(r.get("version", ""))),
        Column(translate("MyGames", "Date"), lambda r: when(r.get("time"))),
    ]


def newest_first(reviews: list[Row]) -> list[Row]:
    return sorted(reviews, key=lambda r: -float(r.get("time", 0)))
