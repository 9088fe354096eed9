"""The store's metadata: games and their versions, on the hub's repository.

A game record says who owns it, whether it is in the store, and its latest version; a
version record holds the manifest and the file index. Files themselves live in the blob
store. Every change here is one awaited repository write, so it is on disk when the
request that made it is answered.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec

from hub_core.errors import RequestRefused
from hub_core.packages import FileEntry, Manifest, PackageError, Version, check_newer, version_hint
from hub_core.packages.index import index_from_wire, index_to_wire
from hub_core.packages.wheels import Dep, all_wheels, deps_from_wire, deps_to_wire
from hub_core.server.sessions import Session
from hub_core.server.store.ratings import version_ratings
from hub_core.storage import Repository
from hub_core.util import digests
from hub_core.util.digests import HashKind
from hub_core.wire.codes import Code
from hub_core.wire.schema import (
    GameDetails,
    GameSummary,
    MyReview,
    ReviewResult,
    ReviewView,
    VersionHintReply,
)

GAMES = "games"
VERSIONS = "versions"


def version_key(name: str, version: str) -> str:
    return f"{name}@{version}"


def version_files(version: dict[str, Any]) -> list[FileEntry]:
    """A version record's files and its wheels (records from before issue 14 have none);
    PackageError for a record this hub did not write."""
    return index_from_wire(version["index"]) + all_wheels(deps_from_wire(version.get("deps", [])))


def uses_blake3(version: dict[str, Any]) -> bool:
    """Whether a version record names a file by BLAKE3 (``digests``): apps before it
    cannot check those, and are asked to update instead."""
    return any(digests.kind_of(e.hash) is HashKind.BLAKE3 for e in version_files(version))


def display_name(game: dict[str, Any]) -> str:
    return str(game["versions"][-1]["manifest"]["display_name"])


def refuse_package(exc: PackageError) -> RequestRefused:
    return RequestRefused(Code.PACKAGE_INVALID, str(exc))


@dataclass
class Catalog:
    """Reads and writes game and version records; runs on the hub's loop."""

    repo: Repository
    # "name@version" -> its libraries as VersionView shows them. A version never changes
    # once recorded, so each version record is decoded for this once per hub run.
    _libraries: dict[str, list[dict[str, Any]]] = field(
        default_factory=dict, init=False, repr=False
    )
    # The store list and each game's details, with the GAMES change count they were made at.
    _store: tuple[int, list[GameSummary]] = field(default=(-1, []), init=False, repr=False)
    _details: dict[str, tuple[int, GameDetails]] = field(
        default_factory=dict, init=False, repr=False
    )

    # -- reading ----------------------------------------------------------------------

    def game(self, name: str) -> dict[str, Any]:
        record = self.repo.get(GAMES, name)
        if record is None:
            raise RequestRefused(
                Code.NO_SUCH_GAME, f"There is no game called {name!r} on this hub."
            )
        return record

    def active_game(self, name: str) -> dict[str, Any]:
        record = self.game(name)
        if record["status"] != "active":
            raise RequestRefused(
                Code.GAME_REMOVED,
                f"{display_name(record)} was removed from the store by its developer.",
            )
        return record

    def version(self, name: str, version: str) -> dict[str, Any]:
        record = self.repo.get(VERSIONS, version_key(name, version))
        if record is None:
            raise RequestRefused(Code.NO_SUCH_GAME, f"{name} has no version {version}.")
        return record

    def version_hint(self, name: str, developer: Session) -> VersionHintReply:
        """The publish preflight: versions so far, the next one, and whose name it is."""
        record = self.repo.get(GAMES, name)
        hint = version_hint([v["version"] for v in record["versions"]] if record else [])
        hint["ahead"] = True  # this hub takes publish_ahead
        if record is not None:
            hint |= {
                "owner": record["author_name"],
                "yours": record["author"] == developer.key,
                "removed": record["status"] != "active",
            }
        return msgspec.convert(hint, VersionHintReply)

    @staticmethod
    def _summary_fields(game: dict[str, Any]) -> dict[str, Any]:
        manifest = game["versions"][-1]["manifest"]
        return {
            "name": game["name"],
            "display_name": manifest["display_name"],
            "type": manifest["type"],
            "max_players": manifest["max_players"],
            "min_players": manifest.get("min_players", manifest["max_players"]),
            "description": manifest["description"],
            "author": game["author_name"],
            "latest": game["latest"],
            "status": game["status"],
            "avg_rating": game.get("avg_rating"),
            "review_count": game.get("review_count", 0),
            "updated": game["updated"],
        }

    @classmethod
    def summary(cls, game: dict[str, Any]) -> GameSummary:
        """What a store list shows for one game."""
        return msgspec.convert(cls._summary_fields(game), GameSummary)

    def store(self) -> list[GameSummary]:
        """The store list, built again only after a game changed: browsing players ask for
        it often, and decoding every game's record each time held the hub's loop."""
        stamp = self.repo.changes(GAMES)
        if self._store[0] != stamp:
            games = [g for g in self.repo.all(GAMES).values() if g["status"] == "active"]
            listed = sorted(
                (self.summary(g) for g in games), key=lambda g: g.display_name.casefold()
            )
            self._store = (stamp, listed)
        return list(self._store[1])

    def active_details(self, name: str) -> GameDetails:
        """``details_of`` an active game, kept until a game changes (as ``store``)."""
        stamp = self.repo.changes(GAMES)
        kept = self._details.get(name)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        details = self.details_of(self.active_game(name))
        self._details[name] = (stamp, details)
        return details

    def details_of(self, game: dict[str, Any]) -> GameDetails:
        """Everything about a game: every version's manifest (newest first), the reviews and
        what they add up to per version."""
        versions = [
            v | {"libraries": self._libraries_of(game["name"], v["version"])}
            for v in reversed(game["versions"])
        ]
        fields = self._summary_fields(game) | {
            "versions": versions,
            "reviews": game.get("reviews", []),
            "ratings": version_ratings(game),
        }
        return msgspec.convert(fields, GameDetails)

    def _libraries_of(self, name: str, version: str) -> list[dict[str, Any]]:
        """Each requirement with its wheels' file names (what a player's app checks)."""
        key = version_key(name, version)
        if key not in self._libraries:
            record = self.repo.get(VERSIONS, key) or {}
            self._libraries[key] = [
                {"requirement": d["requirement"], "wheels": [w[0] for w in d.get("wheels", [])]}
                for d in record.get("deps", [])  # records from before issue 14 have none
            ]
        return self._libraries[key]

    def my_games(self, developer: Session) -> list[GameDetails]:
        mine = [g for g in self.repo.all(GAMES).values() if g["author"] == developer.key]
        return [self.details_of(g) for g in sorted(mine, key=lambda g: g["name"])]

    # -- writing ----------------------------------------------------------------------

    def check_publish(self, developer: Session, manifest: Manifest, version: str) -> Version:
        """Refuses a version that is not newer, or a game that belongs to someone else."""
        existing = self.repo.get(GAMES, manifest.name)
        if existing is not None and existing["author"] != developer.key:
            raise RequestRefused(
                Code.NOT_AUTHOR,
                f"The game {manifest.name!r} belongs to {existing['author_name']}; "
                "only they can update it.",
            )
        try:
            return check_newer(version, existing["latest"] if existing else None)
        except PackageError as exc:
            raise refuse_package(exc) from None

    async def add_version(
        self,
        developer: Session,
        manifest: Manifest,
        version: Version,
        index: list[FileEntry],
        deps: Sequence[Dep] = (),
    ) -> dict[str, Any]:
        """Records a complete, verified version and makes it the latest (re-activating the game)."""
        self.check_publish(developer, manifest, str(version))
        now = time.time()
        name = manifest.name
        await self.repo.put(
            VERSIONS,
            version_key(name, str(version)),
            {
                "game": name,
                "version": str(version),
                "manifest": manifest.to_dict(),
                "index": index_to_wire(index),
                "bytes": sum(e.size for e in index),
                "uploaded": now,
                # each requirement with its wheels and their hashes (absent: none)
                "deps": deps_to_wire(deps),
            },
        )
        game = self.repo.get(GAMES, name) or {
            "name": name,
            "author": developer.key,
            "author_name": developer.user,
            "created": now,
            "avg_rating": None,
            "review_count": 0,
            "reviews": [],
            "versions": [],
        }
        game["versions"].append(
            {
                "version": str(version),
                "uploaded": now,
                "manifest": manifest.to_dict(),
                "files": len(index),
                "bytes": sum(e.size for e in index),
            }
        )
        game.update(status="active", latest=str(version), updated=now)
        await self.repo.put(GAMES, name, game)
        return game

    async def remove(self, developer: Session, name: str) -> dict[str, Any]:
        game = self.game(name)
        if game["author"] != developer.key:
            raise RequestRefused(
                Code.NOT_AUTHOR,
                f"The game {name!r} belongs to {game['author_name']}; only they can remove it.",
            )
        game.update(status="removed", updated=time.time())
        await self.repo.put(GAMES, name, game)
        return game


MAX_REVIEW_TEXT = 2000


def review_problem(rating: int, text: str) -> str | None:
    if not 1 <= rating <= 5:
        return f"A rating is 1 to 5 stars (got {rating})."
    if len(text) > MAX_REVIEW_TEXT:
        return (
            f"A review may have at most {MAX_REVIEW_TEXT:,} characters "
            f"(this one has {len(text):,})."
        )
    return None


async def add_review(
    catalog: Catalog,
    player: Session,
    played: int,
    name: str,
    rating: int,
    text: str,
    version: str = "",
) -> ReviewResult:
    """One review per player and game, replaced by a later one; only after playing.

    ``version`` is the one the player last played (the hub's record, not the client's
    word); "" when the hub does not know it (plays from before it kept that).
    """
    game = catalog.game(name)
    if played <= 0:
        raise RequestRefused(
            Code.NOT_PLAYED, f"You can review {display_name(game)} after you have played it."
        )
    problem = review_problem(rating, text)
    if problem:
        raise RequestRefused(Code.BAD_REQUEST, problem)
    review = {
        "player": player.user,
        "key": player.key,
        "rating": rating,
        "text": text.strip(),
        "time": time.time(),
        "version": version,
    }
    reviews = [r for r in game.get("reviews", []) if r.get("key") != player.key]
    reviews.insert(0, review)  # newest first
    game["reviews"] = reviews
    game["review_count"] = len(reviews)
    game["avg_rating"] = round(sum(r["rating"] for r in reviews) / len(reviews), 2)
    await catalog.repo.put(GAMES, name, game)
    return ReviewResult(
        name=name,
        avg_rating=game["avg_rating"],
        review_count=len(reviews),
        review=msgspec.convert(review, ReviewView),
    )


def reviews_by(catalog: Catalog, player: Session) -> list[MyReview]:
    """A player's own reviews, newest first, with the game they are about."""
    found = [
        msgspec.convert({"game": g["name"], "display_name": display_name(g)} | r, MyReview)
        for g in catalog.repo.all(GAMES).values()
        for r in g.get("reviews", [])
        if r.get("key") == player.key
    ]
    return sorted(found, key=lambda r: -r.time)
