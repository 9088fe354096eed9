"""`gamehub info NAME`: one game's details from a terminal, with its ratings per version.

A player sees a game in the store; a developer (``--role developer``) sees one of their
own games, removed ones included, as the app's My games does.
"""

from __future__ import annotations

import argparse
from typing import Any

from hub_core.cli._common import EXIT_OK, print_json
from hub_core.cli._store import _command, logged_in
from hub_core.errors import RequestRefused
from hub_core.wire.codes import Code
from hub_core.wire.protocol import ROLES
from hub_core.wire.schema import GameDetails, ReviewView, VersionRating

EARLIER = "earlier"  # what a review without a version is listed under


def add_commands(commands: Any) -> None:
    p = _command(commands, "info", "show a game: versions, ratings per version, reviews", run_info)
    p.add_argument("name", help="the game's name")
    p.add_argument("--role", choices=ROLES, default="player", help="log in as (default: player)")


async def run_info(args: argparse.Namespace) -> int:
    async with await logged_in(args, args.role) as client:
        if args.role == "developer":
            details = _mine(await client.my_games(), args.name)
        else:
            details = await client.game_details(args.name)
    if args.json:
        print_json(details)
    else:
        print("\n".join(describe(details)))
    return EXIT_OK


def _mine(games: list[GameDetails], name: str) -> GameDetails:
    for game in games:
        if game.name == name:
            return game
    raise RequestRefused(Code.NO_SUCH_GAME, f"You have no game called {name!r} on this hub.")


def describe(game: GameDetails) -> list[str]:
    """The text ``info`` prints: facts, ratings per version, then every review."""
    lines = [
        f"{game.display_name} ({game.name}) {game.latest} · {game.type} · "
        f"{_players(game)} players · by {game.author}",
        f"  {game.description}",
        f"Rating: {_rating(game.avg_rating, game.review_count)}",
    ]
    if game.ratings:
        lines.append("By version:")
        lines += [f"  {_version(r.version):<10} {_row(r)}" for r in game.ratings]
    if game.reviews:
        lines.append("Reviews:")
        lines += [_review(r) for r in game.reviews]
    return lines


def _players(game: GameDetails) -> str:
    low, high = game.min_players, game.max_players
    return str(high) if low == high else f"{low}-{high}"


def _rating(average: float | None, count: int) -> str:
    if average is None or not count:
        return "no reviews"
    return f"{average:.1f}★ ({count} review{'s' if count != 1 else ''})"


def _row(row: VersionRating) -> str:
    return _rating(row.avg_rating, row.review_count)


def _version(version: str) -> str:
    return version or EARLIER


def _review(review: ReviewView) -> str:
    stars = "★" * review.rating + "☆" * (5 - review.rating)
    line = f"  {review.player:<16} {stars}  for {_version(review.version):<10}  {review.text}"
    return line.rstrip()
