"""The ``gamehub`` command: parses arguments, runs one command, maps failures to exit codes.

Exit codes (DESIGN §9): 0 ok, 1 refused by the hub, 2 usage, 3 hub unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import runpy
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from hub_core.cli import _accounts, _host, _play, _store
from hub_core.cli._common import EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, UsageError, print_json
from hub_core.errors import (
    BadEndpoint,
    GameHubError,
    HubKeyChanged,
    HubKeyUnproven,
    HubUnreachable,
    RequestRefused,
)
from hub_core.hosting import new_selector_loop

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gamehub",
        description="GameHub: a LAN game store and lobby. With no command, opens the app.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (_host, _accounts, _store, _play):
        module.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [RUN_SCRIPT]:
        return run_script(argv[1:])
    parser = build_parser()
    if argv[:1] and argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        return _open_app(parser, argv)  # `gamehub --host`, `gamehub --data DIR`: app options
    args = parser.parse_args(argv)
    if args.command is None:
        return _open_app(parser, argv)
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


RUN_SCRIPT = "run-script"


def run_script(argv: list[str]) -> int:
    """The hidden `gamehub run-script PATH [ARGS]`: runs a game's Python script.

    In a PyInstaller build there is no separate Python; the GameHub executable itself
    runs game servers and clients this way (see gameprocs.game_command).
    """
    if not argv:
        print("usage: gamehub run-script PATH [ARGS...]", file=sys.stderr)
        return EXIT_USAGE
    script = os.path.abspath(argv[0])
    for stream in (sys.stdout, sys.stderr):  # a frozen build may ignore PYTHONUNBUFFERED
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(line_buffering=True)
    sys.argv = [script, *argv[1:]]
    sys.path.insert(0, os.path.dirname(script))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


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


def _open_app(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    try:
        from gamehub_qt.app import run_app  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        parser.print_help()
        return 0
    return int(run_app(argv))


if __name__ == "__main__":
    sys.exit(main())
