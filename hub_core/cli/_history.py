"""`gamehub review` and `gamehub history`: rating a played game, and the matches played."""

from __future__ import annotations

import argparse
import time
from typing import Any

import msgspec

from hub_core.cli._common import EXIT_OK, UsageError, print_json
from hub_core.cli._store import _command, logged_in
from hub_core.wire.protocol import ROLES
from hub_core.wire.schema import MatchEnding, MatchHistoryReply, MatchView

ENDINGS = {
    MatchEnding.FINISHED: "finished",
    MatchEnding.SERVER_DIED: "the game's server stopped",
    MatchEnding.PLAYERS_LEFT: "the players left",
    MatchEnding.HUB_STOPPED: "the hub stopped",
}


def add_commands(commands: Any) -> None:
    p = _command(commands, "review", "rate and review a game you have played (player)", run_review)
    p.add_argument("name", help="the game's name")
    p.add_argument("--rating", type=int, required=True, metavar="1-5", help="stars, 1 to 5")
    p.add_argument("--text", default="", help="what you thought of it (optional)")

    p = _command(
        commands,
        "history",
        "matches played: yours, or a game's recent matches and leaderboard",
        run_history,
    )
    p.add_argument("name", nargs="?", help="a game's name (default: your own matches)")
    p.add_argument("--role", choices=ROLES, default="player", help="log in as (default: player)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N matches")


async def run_review(args: argparse.Namespace) -> int:
    if not 1 <= args.rating <= 5:
        raise UsageError(f"A rating is 1 to 5 stars; {args.rating} is not one of them.")
    async with await logged_in(args, "player") as client:
        result = await client.review(args.name, args.rating, args.text)
    if args.json:
        print_json({"ok": True} | msgspec.to_builtins(result))
    else:
        average = f"{result.avg_rating:.1f}" if result.avg_rating is not None else "-"
        print(
            f"Thanks: you gave {result.name} {args.rating} of 5 stars. It now averages "
            f"{average} from {result.review_count} review(s)."
        )
    return EXIT_OK


async def run_history(args: argparse.Namespace) -> int:
    if args.name is None and args.role != "player":
        raise UsageError("Name a game to see its matches (developers have none of their own).")
    async with await logged_in(args, args.role) as client:
        reply = await client.match_history(args.name, mine=args.name is None, limit=args.limit)
    if args.json:
        print_json(reply)
    else:
        _print_history(reply, args.name)
    return EXIT_OK


def _print_history(reply: MatchHistoryReply, name: str | None) -> None:
    if not reply.matches:
        print(f"No matches of {name} recorded yet." if name else "You have not played a match yet.")
    for match in reply.matches:
        print(describe(match))
    if reply.leaderboard:
        print("\nLeaderboard (wins / matches):")
        for place, row in enumerate(reply.leaderboard, 1):
            print(f"  {place:>2}. {row.player:<20} {row.wins:>4} / {row.matches}")
    if reply.per_version:
        counts = ", ".join(f"{v}: {n}" for v, n in sorted(reply.per_version.items()))
        print(f"\nMatches per version: {counts} (the hub keeps the last {reply.kept} per game).")


def describe(match: MatchView) -> str:
    """One line: when, what, who, how it ended and who won."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(match.ended))
    minutes = max(0.0, match.ended - match.started) / 60
    outcome = ENDINGS.get(match.ending, str(match.ending))
    if match.winner:
        outcome += f", {match.winner} won"
    elif match.ending is MatchEnding.FINISHED and match.results is not None:
        outcome += ", no winner"
    return (
        f"{when}  {match.display_name} {match.version}  {', '.join(match.players)}  "
        f"({minutes:.1f} min): {outcome}"
    )
