"""The ``gamehub`` commands: parses arguments, runs one command, maps failures to exit codes.

Exit codes (DESIGN §9): 0 ok, 1 refused by the hub, 2 usage, 3 hub unreachable. The
``gamehub`` executable starts in gamehub_qt.launcher, which opens the app when no command
is given and hands commands to ``main`` here: hub_core never imports the app.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from hub_core._version import VERSION
from hub_core.cli import _accounts, _handoff, _history, _host, _info, _play, _store
from hub_core.cli._common import EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, UsageError, print_json
from hub_core.errors import (
    BadEndpoint,
    GameHubError,
    HubKeyChanged,
    HubKeyUnproven,
    HubUnreachable,
    RequestRefused,
)
from hub_core.run_script import RUN_SCRIPT, run_script
from hub_core.server.thread import new_selector_loop

__all__ = ["RUN_SCRIPT", "build_parser", "main", "run_script"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gamehub",
        description="GameHub: a LAN game store and lobby. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (_host, _accounts, _store, _info, _play, _history, _handoff):
        module.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [RUN_SCRIPT]:
        return run_script(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # the launcher opens the app instead; here there is none
        parser.print_help()
        return 0
    try:
        return _run(args.func(args))
    except (UsageError, GameHubError) as exc:
        exit_code, code = _classify(exc)
        if getattr(args, "json", False):
            print_json({"ok": False, "code": code, "message": str(exc)})
        else:
            print(f"gamehub: {exc}", file=sys.stderr)
        return exit_code
    except KeyboardInterrupt:
        return 130


def _classify(exc: Exception) -> tuple[int, str]:
    """Exit code and stable error code for a failure (DESIGN §9)."""
    if isinstance(exc, UsageError | BadEndpoint):
        return EXIT_USAGE, "usage"
    if isinstance(exc, HubUnreachable):
        return EXIT_UNREACHABLE, "unreachable"
    if isinstance(exc, RequestRefused):
        return EXIT_REFUSED, exc.code
    if isinstance(exc, HubKeyChanged):
        return EXIT_REFUSED, "key_changed"
    if isinstance(exc, HubKeyUnproven):
        return EXIT_REFUSED, "key_unproven"
    return EXIT_REFUSED, "error"


def _run(coro: Coroutine[Any, Any, int]) -> int:
    """Runs a command on a selector loop (ZeroMQ cannot use Windows' Proactor loop)."""
    with asyncio.Runner(loop_factory=new_selector_loop) as runner:
        return runner.run(coro)


if __name__ == "__main__":
    sys.exit(main())
