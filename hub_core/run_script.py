"""The hidden ``gamehub run-script PATH [ARGS]``: runs a game's Python script.

In a PyInstaller build there is no separate Python; the GameHub executable itself runs
game servers and clients this way (see gameprocs.game_command). A game starts through
here, so this module imports only the standard library's light parts: no asyncio, no
ZeroMQ, nothing a game does not ask for.
"""

from __future__ import annotations

import os
import sys
import types

RUN_SCRIPT = "run-script"
LIBS_VARIABLE = "GAMEHUB_GAME_LIBS"
"""The folder of a game's installed libraries; a frozen build ignores PYTHONPATH."""
EXIT_USAGE = 2  # hub_core.cli._common.EXIT_USAGE, not imported: that pulls in the client


def libs_env(libs: os.PathLike[str] | None) -> dict[str, str]:
    """A game's libraries on its import path: PYTHONPATH for a Python, and
    GAMEHUB_GAME_LIBS for the frozen app's run-script (which ignores PYTHONPATH)."""
    if libs is None:
        return {}
    inherited = os.environ.get("PYTHONPATH", "")
    path = os.pathsep.join([str(libs), inherited]) if inherited else str(libs)
    return {"PYTHONPATH": path, LIBS_VARIABLE: str(libs)}


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
    libs = os.environ.get(LIBS_VARIABLE)
    if libs and libs not in sys.path:
        sys.path.insert(1, libs)  # after the game's own folder, as PYTHONPATH would be
    try:
        _run_main(script)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _run_main(script: str) -> None:
    """Runs ``script`` as ``__main__``, as ``python script.py`` does.

    A plain .py file is compiled and run here: runpy imports pkgutil and with it typing,
    ~15 ms of every game's start. A folder or zip archive with ``__main__.py`` goes
    through runpy.run_path as before.
    """
    if not (script.endswith(".py") and os.path.isfile(script)):
        import runpy

        runpy.run_path(script, run_name="__main__")
        return
    with open(script, "rb") as f:  # bytes: compile() honours a coding declaration
        code = compile(f.read(), script, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__file__ = script
    main.__spec__ = None  # as for a script run by python
    previous = sys.modules.get("__main__")
    sys.modules["__main__"] = main  # pickle and multiprocessing find the script's classes
    try:
        exec(code, main.__dict__)
    finally:
        if previous is not None:
            sys.modules["__main__"] = previous
