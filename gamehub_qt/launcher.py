"""The ``gamehub`` executable: the app with no command, hub_core's CLI with one.

It lives outside hub_core so that hub_core never imports the app. Only the standard
library is imported before the choice: ``run-script`` (how a frozen build starts a
game) and ``--version`` stay as light as a bare Python, and a command never loads Qt.
"""

from __future__ import annotations

import sys

# argparse, typing and collections.abc cost ~25 ms: `run-script` and `--version` skip them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

HELP = ("-h", "--help")
VERSION_OPTION = "--version"
NOT_APP = (*HELP, VERSION_OPTION)  # options that go to the commands' parser, not the window
APP_OPTIONS = "app options (with no command: open the window)"


def add_app_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """The window's options, in one place: the app parses them, ``gamehub --help`` lists them."""
    parser.add_argument("--data", metavar="DIR", help="keep all files under DIR")
    parser.add_argument("--hub", metavar="HOST:PORT", help="connect to this hub at start")
    parser.add_argument("--host", action="store_true", help="host a hub at start")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from hub_core.run_script import RUN_SCRIPT, run_script

    if argv[:1] == [RUN_SCRIPT]:
        return run_script(argv[1:])
    if argv == [VERSION_OPTION]:  # what the CLI's parser prints, without loading the CLI
        from hub_core._version import VERSION

        print(f"gamehub {VERSION}")
        return 0
    if wants_app(argv):
        return _open_app(argv)
    if len(argv) == 1 and argv[0] in HELP:
        return _print_help()
    from hub_core.cli import main as run_command

    return run_command(argv)


def wants_app(argv: Sequence[str]) -> bool:
    """No command, or app options first (`gamehub --data DIR`, `gamehub --host`)."""
    return not argv or (argv[0].startswith("-") and argv[0] not in NOT_APP)


def _print_help() -> int:
    """`gamehub --help`: the commands, and the options the window takes without one."""
    from hub_core.cli import build_parser

    parser = build_parser()
    add_app_options(parser.add_argument_group(APP_OPTIONS))
    parser.print_help()
    return 0


def _open_app(argv: list[str]) -> int:
    try:
        from gamehub_qt.app import run_app
    except ImportError as exc:  # an install without Qt: the commands still work
        print(f"gamehub: the app cannot start here ({exc}); commands work:", file=sys.stderr)
        from hub_core.cli import build_parser

        build_parser().print_help()
        return 0
    return int(run_app(argv))


if __name__ == "__main__":
    sys.exit(main())
