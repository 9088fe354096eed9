"""`gamehub publish --check`: the game's server and one client, run here as a hub would.

Plain ``gamehub publish`` runs the same check before it logs in and uploads (a game
that cannot start would only fail later, in every room, in front of its players);
``--no-check`` skips it for scripts that publish on a machine unable to run the game.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hub_core.cli._common import paths_of, print_json
from hub_core.gameprocs.precheck import CheckStep, PrecheckReport, run_precheck

_STEPS = {
    CheckStep.STARTING_SERVER: "Checking that the game starts: the server, as the hub runs it…",
    CheckStep.RUNNING_CLIENT: "…and one client, as a player's app runs it…",
}


def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--check",
        action="store_true",
        help="only run the game's server and one client here, as the hub and a player's app "
        "would, and say whether they start; uploads nothing and needs no hub or login",
    )
    group.add_argument(
        "--no-check",
        action="store_true",
        help="publish without first running the game's server and one client here",
    )


async def precheck(args: argparse.Namespace) -> PrecheckReport:
    """Runs the check and prints what it found (progress on stderr, unless --json)."""
    quiet = args.json

    def step(reached: CheckStep) -> None:
        if not quiet and reached in _STEPS:
            print(_STEPS[reached], file=sys.stderr, flush=True)

    report = await run_precheck(
        Path(args.source),
        work_dir=paths_of(args).cache / "precheck",
        version=args.version or "0.0.0",
        on_step=step,
        requires=args.require,
        wheels_dir=Path(args.wheels) if args.wheels else None,
    )
    if args.json and (args.check or not report.ok):
        print_json(as_json(report))
    elif not args.json:
        print("\n".join(report.lines()), file=sys.stdout if report.ok else sys.stderr)
    return report


def as_json(report: PrecheckReport) -> dict[str, object]:
    return {
        "ok": report.ok,
        "code": "ok" if report.ok else "check_failed",
        "finding": str(report.finding),
        "message": report.sentence(),
        "last_lines": list(report.last_lines),
    }
