"""Ratings per version: what the reviews written for each version of a game add up to.

Computed when a game's details are asked for, from the reviews stored with the game
(one per player, so at most one per account): nothing extra is stored, so nothing can
drift out of step with the reviews, and old records need no migration. A review the hub
stored before it recorded versions has none; those are gathered under "" at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hub_core.packages import PackageError, Version
from hub_core.wire.schema import VersionRating

UNKNOWN = ""  # the version of a review that says none


def version_ratings(game: Mapping[str, Any]) -> list[VersionRating]:
    """One row per published version (newest first, unrated ones too), then any others.

    "Others" are versions no longer in the game's list (none today) newest first, then
    reviews without a version; a developer sees at a glance which version players liked.
    """
    by_version: dict[str, list[int]] = {}
    for review in game.get("reviews", []):
        by_version.setdefault(str(review.get("version") or UNKNOWN), []).append(
            int(review["rating"])
        )
    published = [str(v["version"]) for v in reversed(game.get("versions", []))]
    others = sorted(set(by_version) - set(published) - {UNKNOWN}, key=_order, reverse=True)
    tail = [UNKNOWN] if UNKNOWN in by_version else []
    return [_row(v, by_version.get(v, ())) for v in [*published, *others, *tail]]


def _row(version: str, ratings: Iterable[int]) -> VersionRating:
    found = list(ratings)
    average = round(sum(found) / len(found), 2) if found else None
    return VersionRating(version=version, avg_rating=average, review_count=len(found))


def _order(version: str) -> tuple[int, ...]:
    """Sorts versions as numbers (1.10.0 after 1.9.0); a malformed one sorts first."""
    try:
        parsed = Version.parse(version)
    except PackageError:
        return (-1,)
    return (parsed.major, parsed.minor, parsed.patch)
