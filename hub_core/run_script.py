"""The hidden ``gamehub run-script PATH [ARGS]``: runs a game's Python script.

In a PyInstaller build there is no separate Python; the GameHub executable itself runs
game servers and clients this way (see gameprocs.game_command). A game starts through
here, so this module imports only the standard library's light parts: no asyncio, no
ZeroMQ, nothing a game does not ask for.
"""

from __future__ import annotations

import os
import runpy
import sys

RUN_SCRIPT = "run-script"
EXIT_USAGE = 2  # hub_core.cli._common.EXIT_USAGE, not imported: that pulls in the client


def run_script(argv: list[str]) -> int:
    """Runs ``argv[0]`` as ``__main__`` with ``argv[1:]`` as its arguments; its exit code."""
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
