"""The ``gamehub`` executable: the app with no command, hub_core's CLI with one.

It lives outside hub_core so that hub_core never imports the app. Only the standard
library is imported before the choice: ``run-script`` (how a frozen build starts a
game) stays as light as a bare Python, and a command never loads Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

HELP = ("-h", "--help")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from hub_core.run_script import RUN_SCRIPT, run_script

    if argv[:1] == [RUN_SCRIPT]:
        return run_script(argv[1:])
    if wants_app(argv):
        return _open_app(argv)
    from hub_core.cli import main as run_command

    return run_command(argv)


def wants_app(argv: Sequence[str]) -> bool:
    """No command, or app options first (`gamehub --data DIR`, `gamehub --host`)."""
    return not argv or (argv[0].startswith("-") and argv[0] not in HELP)


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
