"""`gamehub publish`, `unpublish`, `games` and `install`: the store from a terminal."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hub_core.cli import _precheck
from hub_core.cli._common import (
    EXIT_OK,
    EXIT_REFUSED,
    UsageError,
    add_hub_options,
    connect,
    paths_of,
    print_json,
    read_password,
)
from hub_core.cli._progress import ProgressPrinter
from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, repair
from hub_core.client.publishing import Libraries, publish
from hub_core.util.units import format_bytes
from hub_core.wire.protocol import ROLES, Role
from hub_core.wire.schema import ClientKind, GameStatus, GameSummary


def add_commands(commands: Any) -> None:
    p = _command(
        commands,
        "publish",
        "check a game package, run it here once, and upload it (developer)",
        run_publish,
        hub_required=False,  # --check needs no hub; run_publish asks for it otherwise
    )
    p.add_argument("source", metavar="DIR|ZIP", help="the game's folder, or a zip of it")
    p.add_argument("--version", help="the new version, major.minor.patch (default: the next patch)")
    _precheck.add_options(p)
    _add_library_options(p)

    p = _command(commands, "unpublish", "remove a game from the store (developer)", run_unpublish)
    p.add_argument("name", help="the game's name")

    p = _command(commands, "games", "list the store (with --role developer: your games)", run_games)
    p.add_argument("--role", choices=ROLES, default="player", help="log in as (default: player)")

    p = _command(commands, "install", "install or update a game (player)", run_install)
    p.add_argument("name", help="the game's name")
    p.add_argument(
        "--repair", action="store_true", help="re-check the installed files and fetch broken ones"
    )


def _add_library_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="REQ",
        help='a Python package the game needs, as pip writes it ("pygame>=2.5"); added to the '
        'manifest\'s "requires" without editing the game; repeat for more',
    )
    parser.add_argument(
        "--wheels",
        metavar="DIR",
        help="take the game's libraries from this folder of wheels, with no network (no pip)",
    )
    parser.add_argument(
        "--platform",
        action="append",
        default=[],
        metavar="TAG",
        help="also fetch wheels for this platform (pip's --platform, e.g. win_amd64); repeat",
    )


def libraries_of(args: argparse.Namespace) -> Libraries:
    wheels = Path(args.wheels) if args.wheels else None
    return Libraries(tuple(args.require), wheels, tuple(args.platform))


def _command(
    commands: Any, name: str, helptext: str, func: Any, *, hub_required: bool = True
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=helptext, description=helptext)
    add_hub_options(parser, required=hub_required)
    parser.add_argument("--user", required=hub_required)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=func)
    return parser


async def logged_in(args: argparse.Namespace, role: Role) -> HubClient:
    password = read_password()
    client = await connect(args)
    try:
        await client.login(role, args.user, password, watch=False, client=ClientKind.CLI)
    except BaseException:
        await client.close()
        raise
    return client


async def run_publish(args: argparse.Namespace) -> int:
    """Runs the pre-publish check first (unless --no-check); --check stops after it."""
    if not args.check and not (args.hub and args.user):
        raise UsageError("publish needs --hub and --user (or --check, to only run the game here).")
    if not args.no_check:
        report = await _precheck.precheck(args)
        if args.check or not report.ok:
            return EXIT_OK if report.ok else EXIT_REFUSED
    async with await logged_in(args, "developer") as client:
        bar = ProgressPrinter("Uploading", quiet=args.json)
        try:
            result = await publish(
                client,
                Path(args.source),
                version=args.version,
                progress=bar,
                libraries=libraries_of(args),
            )
        finally:
            bar.finish()
    if args.json:
        print_json(
            {
                "ok": True,
                "name": result.name,
                "version": result.version,
                "total_bytes": result.total_bytes,
                "sent_bytes": result.sent_bytes,
            }
        )
    else:
        print(
            f"Published {result.name} {result.version} ({format_bytes(result.total_bytes)}; "
            f"sent {format_bytes(result.sent_bytes)}, the rest was already on the hub)."
        )
    return EXIT_OK


async def run_unpublish(args: argparse.Namespace) -> int:
    async with await logged_in(args, "developer") as client:
        await client.unpublish(args.name)
    if args.json:
        print_json({"ok": True, "name": args.name, "status": "removed"})
    else:
        print(
            f"Removed {args.name} from the store. Players who installed it keep it; "
            "publishing it again brings it back."
        )
    return EXIT_OK


async def run_games(args: argparse.Namespace) -> int:
    async with await logged_in(args, args.role) as client:
        games: Sequence[GameSummary] = await (
            client.my_games() if args.role == "developer" else client.list_games()
        )
    if args.json:
        print_json(games)
        return EXIT_OK
    if not games:
        print("No games yet." if args.role == "developer" else "The store is empty.")
    for g in games:
        rating = f"{g.avg_rating:.1f}★ ({g.review_count})" if g.avg_rating else "no reviews"
        state = "" if g.status is GameStatus.ACTIVE else f"  [{g.status}]"
        print(
            f"{g.name:<16} {g.display_name:<28} {g.latest:<9} {g.type:<3} "
            f"{g.min_players}-{g.max_players} players  by {g.author}  {rating}{state}"
        )
        print(f"{'':16} {g.description[:70]}")
    return EXIT_OK


async def run_install(args: argparse.Namespace) -> int:
    async with await logged_in(args, "player") as client:
        assert client.session is not None
        games_root = paths_of(args).client / "games" / client.session.key
        bar = ProgressPrinter("Repairing" if args.repair else "Downloading", quiet=args.json)
        try:
            if args.repair:
                fixed = await repair(client, games_root, args.name, progress=bar)
            else:
                result = await install(client, args.name, games_root, progress=bar)
        finally:
            bar.finish()
    if args.repair:
        _say_repaired(args, fixed)
    elif args.json:
        print_json(
            {
                "ok": True,
                "name": result.name,
                "version": result.version,
                "previous": result.previous,
                "fetched_bytes": result.fetched_bytes,
                "total_bytes": result.total_bytes,
            }
        )
    elif result.up_to_date:
        print(f"{result.name} {result.version} is already installed and up to date.")
    else:
        verb = "Updated" if result.previous else "Installed"
        print(
            f"{verb} {result.name} {result.version} (fetched {format_bytes(result.fetched_bytes)} "
            f"of {format_bytes(result.total_bytes)})."
        )
    return EXIT_OK


def _say_repaired(args: argparse.Namespace, fixed: list[str]) -> None:
    if args.json:
        print_json({"ok": True, "name": args.name, "repaired": fixed})
    elif fixed:
        print(f"Repaired {len(fixed)} file(s) of {args.name}: {', '.join(fixed[:5])}")
    else:
        print(f"All files of {args.name} are intact.")
