"""The hidden ``gamehub run-script PATH [ARGS]``: runs a game's Python script.

In a PyInstaller build there is no separate Python; the GameHub executable itself runs
game servers and clients this way (see gameprocs.game_command). A game starts through
here, so this module imports only the standard library's light parts: no asyncio, no
ZeroMQ, nothing a game does not ask for.

It is also how a game server confines itself before any of its code runs (``confine``):
the hub describes the jail in GAMEHUB_CONFINE and passes the fds it prepared, and this
module applies it first thing. From source the hub runs ``main`` with ``python -I``
(nothing from the game's folders or PYTHONPATH loads before the jail); a frozen build
reaches it through ``GameHub run-script``. The hub then needs no
``preexec_fn``, so CPython starts the server with vfork instead of copying the whole hub
with fork.
"""

from __future__ import annotations

import os
import sys
import types

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ctypes

RUN_SCRIPT = "run-script"
LIBS_VARIABLE = "GAMEHUB_GAME_LIBS"
"""The folder of a game's installed libraries; a frozen build ignores PYTHONPATH."""
EXIT_USAGE = 2  # hub_core.cli._common.EXIT_USAGE, not imported: that pulls in the client
CONFINE_VARIABLE = "GAMEHUB_CONFINE"
"""The jail a game server applies to itself before its code runs (``confinement``)."""
EXIT_UNCONFINED = 126  # the jail could not be applied: the game never ran
_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_SYS_LANDLOCK_RESTRICT_SELF = 446  # the same on every architecture
_SIGKILL = 9


def libs_env(libs: os.PathLike[str] | None) -> dict[str, str]:
    """A game's libraries on its import path: PYTHONPATH for a Python, and
    GAMEHUB_GAME_LIBS for the frozen app's run-script (which ignores PYTHONPATH)."""
    if libs is None:
        return {}
    inherited = os.environ.get("PYTHONPATH", "")
    path = os.pathsep.join([str(libs), inherited]) if inherited else str(libs)
    return {"PYTHONPATH": path, LIBS_VARIABLE: str(libs)}


def run_script(argv: list[str]) -> int:
    """Runs ``argv[0]`` as ``__main__`` with ``argv[1:]`` as its arguments; its exit code.

    A game server started by the hub confines itself first (``confine``); ``--spare``
    makes this process the hub's warm spare, which does so once it has a room (run_spare).
    """
    if argv[:1] == ["--spare"]:  # run_spare.SPARE_OPTION: imported only by a spare
        from hub_core import run_spare

        return run_spare.serve(argv[1:])
    if CONFINE_VARIABLE in os.environ:
        confine(os.environ.pop(CONFINE_VARIABLE))
    if not argv:
        print("usage: gamehub run-script PATH [ARGS...]", file=sys.stderr)
        return EXIT_USAGE
    script = os.path.abspath(argv[0])
    for stream in (sys.stdout, sys.stderr):  # a frozen build may ignore PYTHONUNBUFFERED
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(line_buffering=True)
    sys.argv = [script, *argv[1:]]
    sys.path.insert(0, os.path.dirname(script))
    if sys.flags.isolated and not getattr(sys, "frozen", False):
        _restore_pythonpath()
    libs = os.environ.get(LIBS_VARIABLE)
    if libs and libs not in sys.path:
        sys.path.insert(1, libs)  # after the game's own folder, as PYTHONPATH would be
    try:
        _run_main(script)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)  # sys.exit("message"): python prints it, exit 1
        return 1
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
    except Exception as exc:  # shown as python shows it: from the game's first frame on
        assert exc.__traceback__ is not None
        exc.with_traceback(exc.__traceback__.tb_next)  # excepthook prints the exception's own
        sys.excepthook(type(exc), exc, exc.__traceback__)
        raise SystemExit(1) from None
    finally:
        if previous is not None:
            sys.modules["__main__"] = previous


def _restore_pythonpath() -> None:
    """``python -I`` ignored PYTHONPATH so that nothing in it ran before the jail; the game
    finds its modules there as under a plain ``python script.py`` (after its own folder)."""
    entries = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[1:1] = [os.path.abspath(p) for p in entries]


# -- the jail, applied by the game server's own process ---------------------------------


def confinement(
    parent: int, rlimits: list[tuple[int, int, int]], cgroup_fds: list[int], landlock_fd: int
) -> str:
    """GAMEHUB_CONFINE's value, written by the hub: what ``confine`` applies.

    ``parent`` is the hub's pid, ``rlimits`` (resource, soft, hard) triples, the fds are
    the hub's open ``cgroup.procs`` files and Landlock ruleset (-1: none), passed to the
    child with ``pass_fds``. Plain text, so the child needs no json (and no re) to read it.
    """
    limits = ",".join(f"{r}:{soft}:{hard}" for r, soft, hard in rlimits)
    cgroups = ",".join(str(fd) for fd in cgroup_fds)
    return f"parent={parent};limits={limits};cgroups={cgroups};landlock={landlock_fd}"


def confine(description: str) -> None:
    """Applies the jail to this process, before any of the game's code runs.

    In order: die with the hub (PR_SET_PDEATHSIG, and exit if the hub is already gone),
    join the room's cgroups, lower the resource limits, then enforce Landlock; the fds
    the hub passed are closed, so the game never sees them. If any step fails the game
    does not run: its room's log says why and the process exits with EXIT_UNCONFINED.
    """
    fds: list[int] = []
    landlock = -1
    try:
        fields = dict(part.partition("=")[::2] for part in description.split(";"))
        fds = _numbers(fields.get("cgroups", ""), ",")
        landlock = int(fields.get("landlock") or -1)
        libc = _libc()
        if libc is not None:
            _die_with(libc, int(fields["parent"]))
        for fd in fds:
            os.write(fd, b"0")  # this process into the room's cgroup (pids, freezer)
        _set_limits(fields.get("limits", ""))
        if landlock >= 0:
            _restrict(libc, landlock)
    except (OSError, ValueError, KeyError) as exc:
        print(f"GameHub could not confine this game server ({exc}), so it did not run it.",
              file=sys.stderr)  # fmt: skip
        os._exit(EXIT_UNCONFINED)
    finally:
        for fd in [*fds, landlock]:
            if fd >= 0:
                # not contextlib.suppress: importing contextlib adds ~3 ms to every game's start
                try:  # noqa: SIM105
                    os.close(fd)
                except OSError:
                    pass


def _numbers(text: str, separator: str) -> list[int]:
    return [int(n) for n in text.split(separator) if n]


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # a frozen build has it loaded already; ~1 ms from source

    return ctypes.CDLL(None, use_errno=True)


def _die_with(libc: ctypes.CDLL, parent: int) -> None:
    """SIGKILL when the hub's thread that started us (the loop's) ends, even by kill -9."""
    if libc.prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0) != 0:
        raise OSError(f"prctl(PR_SET_PDEATHSIG) failed: {os.strerror(_errno())}")
    if os.getppid() != parent:  # the hub died before that took effect
        os._exit(1)


def _set_limits(text: str) -> None:
    if not text:
        return
    import resource

    for limit in text.split(","):
        res, soft, hard = _numbers(limit, ":")
        resource.setrlimit(res, (soft, hard))


def _restrict(libc: ctypes.CDLL | None, ruleset: int) -> None:
    """No new privileges, then the room's Landlock ruleset (prepared by the hub)."""
    if libc is None:
        raise OSError("Landlock exists only on Linux")
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(_errno())}")
    if libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
        raise OSError(f"landlock_restrict_self failed: {os.strerror(_errno())}")


def _errno() -> int:
    import ctypes

    return ctypes.get_errno()


def main() -> None:
    """``python -I -u -c BOOT SCRIPT [ARGS]``, the hub's command for a server from source."""
    sys.exit(run_script(sys.argv[1:]))
